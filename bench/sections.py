"""The measurements of ``make bench``, each a function of the lab and the options that
returns its table(s) and the issue's targets it measured. docs/performance.md explains them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench import measure, report
from bench.lab import EUCA_VAR, ROOT, Lab
from bench.measure import Run
from bench.report import NA, Table, Target, mib, ms, secs, times
from bench.seeds import ATTACHMENTS

SMALL_ACCOUNT = 10  # users listed by the per-call figures: one page, one request

# examples/cron/audit-key-age.sh as it was before euare-accountauditkeys (git show
# 06b812f^:examples/cron/audit-key-age.sh): one euare-userlistbypath, then one euare-userlistkeys
# process per user. Without its --max-age (see AUDIT_ONE): every key is audited in full.
AUDIT_ONE = [Lab.euare("accountauditkeys"), "-v"]
OLD_AUDIT_LOOP = """
status=0
for arn in $(euare-userlistbypath); do
    user=${arn##*/}
    old=$(euare-userlistkeys -u "$user" -v) || { status=1; continue; }
    if [ -n "$old" ]; then
        printf '%s has these keys:\\n%s\\n\\n' "$user" "$old"
    fi
done
exit "$status"
"""


@dataclass(frozen=True)
class Options:
    rounds: int  # alternating rounds of the per-call figures
    repeats: int  # runs of each of the longer figures (their median is shown)
    latency_ms: float  # the modelled IAM latency
    users: int  # users in the big listing
    audit_users: int
    aws: str | None  # the AWS CLI to run, if not the one Lab finds
    lint_resources: tuple[int, ...] = (500, 4700)  # the wildcard policies linted (issue 19)
    apply_changes: int = 1000  # changes accountapply makes (issue 23)
    apply_sample: int = 100  # commands of each script timed, then scaled to all of them
    org_accounts: int = 100  # member accounts of the organization (issue 24)
    org_users: int = 200  # users in each
    org_roles: int = 100  # roles in each (besides its OrganizationAccountAccessRole)


@dataclass
class Section:
    tables: list[Table]
    targets: list[Target] = field(default_factory=list)


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def seconds_of(
    runs: Sequence[Run], pick: Callable[[Run], float | None] | None = None
) -> float | None:
    values = [pick(run) if pick else run.seconds for run in runs]
    return report.median([v for v in values if v is not None])


def shown(argv: Sequence[str]) -> str:
    """A command line as printed in notes: paths inside the repository made relative to it."""
    return " ".join(arg.removeprefix(f"{ROOT}/") for arg in argv)


def aws_list_users(aws: list[str], lab: Lab) -> list[str]:
    return [*aws, "iam", "list-users", "--endpoint-url", lab.url, "--output", "text"]


def calls(lab: Lab, opts: Options) -> Section:
    """Per-call medians of one ``list users`` call, every contender once a round, in turn."""
    lab.fresh(0, "users", count=SMALL_ACCOUNT)
    listing = [lab.euare("userlistbypath")]
    contenders: dict[str, list[str]] = {"euare, cold": listing}
    envs = {"euare, cold": lab.env}
    missing: dict[str, str] = {}
    notes: list[str] = []
    why = lab.start_worker()
    if why is None:
        contenders["euare, worker"] = listing
        envs["euare, worker"] = {**lab.env, "EUARE_WORKER": "1"}
    else:
        missing["euare, worker"] = "n/a (no worker)"
        notes.append(f"`euare worker start`: {why}")
    aws = lab.aws
    if aws:
        contenders["AWS CLI"] = aws_list_users(aws, lab)
        envs["AWS CLI"] = lab.env
    else:
        missing["AWS CLI"] = "n/a (no AWS CLI)"
    contenders["bare botocore"] = [sys.executable, str(ROOT / "bench" / "floor.py")]
    envs["bare botocore"] = lab.env
    euca = lab.euca2ools
    if euca:
        contenders["euca2ools 3.4"] = euca
        envs["euca2ools 3.4"] = lab.env
    else:
        missing["euca2ools 3.4"] = f"n/a (set {EUCA_VAR})"
    contenders["euare-usercreate --help"] = [lab.euare("usercreate"), "--help"]
    contenders["usage error"] = [lab.euare("usercreate"), "--no-such-flag"]
    envs["euare-usercreate --help"] = envs["usage error"] = lab.env
    say(f"per-call figures: {opts.rounds} rounds of {len(contenders)} commands")
    try:
        runs = measure.alternate(contenders, envs, opts.rounds, {"usage error": 2})
        if why is None:
            notes.append(f"`euare worker status` after the rounds: {lab.worker('status')}")
    finally:
        lab.stop_worker()
    median = {name: seconds_of(r) for name, r in runs.items()}
    rows = []
    order = ["euare, cold", "euare, worker", "AWS CLI", "bare botocore", "euca2ools 3.4"]
    for name in [*order, "euare-usercreate --help", "usage error"]:
        if name in missing:
            rows.append([name, missing[name], "", "", ""])
            continue
        these = runs[name]
        lines = {r.lines for r in these}
        if name in order and lines != {SMALL_ACCOUNT}:
            notes.append(f"{name} printed {sorted(lines)} lines, not {SMALL_ACCOUNT}")
        fastest, slowest = min(r.seconds for r in these), max(r.seconds for r in these)
        rss = mib(report.median([float(r.peak_rss_kb) for r in these]))
        rows.append([name, ms(median[name]), ms(fastest), ms(slowest), rss])
    commands = [
        f"{name}: `{'EUARE_WORKER=1 ' if 'EUARE_WORKER' in envs[name] else ''}"
        f"{shown(contenders[name])}`"
        for name in order
        if name in contenders
    ]
    notes[:0] = [
        f"One ListUsers call on an account of {SMALL_ACCOUNT} users, no added latency; medians "
        f"of {opts.rounds} alternating rounds after one untimed run each.",
        "",
        *(f"- {line}" for line in commands),
        "",
    ]
    table = Table(
        "One `list users` call", ["command", "median", "min", "max", "peak RSS"], rows, notes
    )
    worker, cold = median.get("euare, worker"), median["euare, cold"]
    targets = [
        Target("euare cold / bare botocore", report.ratio(cold, median["bare botocore"]), 0.8),
        Target(
            "euare worker / euca2ools 3.4",
            report.ratio(worker, median.get("euca2ools 3.4")),
            0.5,
            missing=missing.get("euare, worker") or missing.get("euca2ools 3.4", NA),
        ),
        Target(
            "euare worker / AWS CLI",
            report.ratio(worker, median.get("AWS CLI")),
            0.15,
            missing=missing.get("euare, worker") or missing.get("AWS CLI", NA),
        ),
        Target(
            "euare-usercreate --help", median["euare-usercreate --help"], 0.06, "ms", under=True
        ),
        Target("usage error", median["usage error"], 0.06, "ms", under=True),
    ]
    return Section([table], targets)


def listing(lab: Lab, opts: Options) -> Section:
    """A big account listed as text: time to the first line, in all, and peak memory."""
    say(f"seeding {opts.users:,} users")
    made = lab.fresh(0, "users", count=opts.users)
    say(f"seeded in {made['seconds']:.1f} s")
    contenders = {"euare-userlistbypath": [lab.euare("userlistbypath")]}
    aws = lab.aws
    if aws:
        contenders["aws iam list-users --output text"] = aws_list_users(aws, lab)
    euca = lab.euca2ools
    if euca:
        contenders["euca2ools 3.4 euare-userlistbypath"] = euca
    say(f"listing {opts.users:,} users: {opts.repeats} rounds of {len(contenders)} commands")
    envs = {name: lab.env for name in contenders}
    runs = measure.alternate(contenders, envs, opts.repeats, warmup=False)
    rows = []
    for name, these in runs.items():
        rss = report.median([float(r.peak_rss_kb) for r in these])
        lines = sorted({r.lines for r in these})
        first = seconds_of(these, lambda r: r.first_line)
        rows.append([name, secs(first), secs(seconds_of(these)), mib(rss), str(lines[0])])
    if not aws:
        rows.append(["aws iam list-users --output text", "n/a (no AWS CLI)", "", "", ""])
    pages = -(-opts.users // 100)
    notes = [
        f"{opts.users:,} users, answered as IAM does, 100 a page ({pages} requests), no added "
        f"latency; {report.runs(opts.repeats, 'alternating ')}. Peak RSS: the process's "
        "ru_maxrss (os.wait4)."
    ]
    table = Table(
        f"Listing {opts.users:,} users",
        ["command", "first line", "total", "peak RSS", "lines"],
        rows,
        notes,
    )
    return Section([table])


def audit(lab: Lab, opts: Options) -> Section:
    """Every user's keys audited: one process against one process per user."""
    latency = opts.latency_ms
    say(f"seeding {opts.audit_users} users with 1-2 keys each, {latency:g} ms latency")
    made = lab.fresh(latency, "audit", count=opts.audit_users)
    keys = made["made"] - opts.audit_users
    say(f"audit in one process: 1 untimed run, then {opts.repeats}")
    measure.run(AUDIT_ONE, lab.env)
    lab.requests()
    singles, requests = [], []
    for _ in range(opts.repeats):
        singles.append(measure.run(AUDIT_ONE, lab.env))
        requests.append(lab.requests())
    say(f"audit as the old loop ({opts.audit_users + 1} processes), 1 run")
    loop = measure.run(["sh", "-c", OLD_AUDIT_LOOP], lab.env)
    loop_requests = lab.requests()
    single = seconds_of(singles)
    rows = [
        [
            "`euare-accountauditkeys -v`: one process",
            secs(single),
            str(requests[-1]),
            str(singles[-1].lines),
            report.runs(opts.repeats),
        ],
        [
            f"old loop: `euare-userlistkeys -u USER -v`, {opts.audit_users + 1} processes",
            secs(loop.seconds),
            str(loop_requests),
            str(loop.lines),
            "1 run",
        ],
    ]
    notes = [
        f"{opts.audit_users} users holding {keys} access keys; every request answered after "
        f"{latency:g} ms. The loop is examples/cron/audit-key-age.sh before commit 06b812f, "
        "less its --max-age: moto's keys are all a few seconds old, and an age filter would "
        "skip the last-use lookups of the keys it leaves out, so both audit every key in full."
    ]
    headers = ["command", "time", "requests", "lines", "runs"]
    table = Table(
        f"Key audit of {opts.audit_users} users ({latency:g} ms latency)", headers, rows, notes
    )
    target = Target(
        f"audit: one process / loop ({latency:g} ms)",
        report.ratio(single, loop.seconds),
        0.10,
        under=True,
    )
    return Section([table], [target])


def deletes(lab: Lab, opts: Options) -> Section:
    """``euare-userdel -r`` of a user holding 50 things: ``--jobs 1`` against the default."""
    user = "doomed"
    command = [lab.euare("userdel"), "-r", user]
    jobs = lab.accepts("userdel", "--jobs")
    variants = {"--jobs 1": [*command, "--jobs", "1"], "default": command}
    if not jobs:
        del variants["--jobs 1"]
    latencies = sorted({0.0, opts.latency_ms})
    shown = ", ".join(f"{x:g}" for x in latencies)
    say(f"recursive deletes: {opts.repeats} runs each at {shown} ms")
    lab.fresh(0, "attachments", user=user)
    measure.run(command, lab.env)  # untimed
    rows, speedups = [], {}
    for latency in latencies:
        runs: dict[str, list[Run]] = {name: [] for name in variants}
        requests: dict[str, int] = {}
        for _ in range(opts.repeats):
            for name, argv in variants.items():
                lab.fresh(latency, "attachments", user=user)
                runs[name].append(measure.run(argv, lab.env))
                requests[name] = lab.requests()
        serial = seconds_of(runs["--jobs 1"]) if jobs else None
        default = seconds_of(runs["default"])
        speedups[latency] = report.ratio(serial, default)
        rows.append(
            [
                f"{latency:g} ms",
                secs(serial, "n/a (no --jobs)"),
                secs(default),
                times(speedups[latency]),
                str(requests["default"]),
            ]
        )
    kinds = ", ".join(f"{count} {kind}" for kind, count in ATTACHMENTS.items())
    notes = [
        f"`euare-userdel -r` of a user holding {sum(ATTACHMENTS.values())} things ({kinds}); "
        f"{report.runs(opts.repeats)}, the user seeded afresh before each."
    ]
    headers = ["latency", "--jobs 1", "default", "speed-up", "requests"]
    table = Table("Recursive delete of a user with 50 attachments", headers, rows, notes)
    target = Target(
        f"userdel -r: --jobs 1 / default ({opts.latency_ms:g} ms)",
        speedups[max(latencies)],
        2.5,
        at_least=True,
        missing="n/a (no --jobs)",
    )
    return Section([table], [target])


def lint(lab: Lab, opts: Options) -> Section:
    """euare-policylint on big documents (bench/lintbench.py)."""
    from bench.lintbench import lint_section

    return lint_section(lab, opts)


def apply(lab: Lab, opts: Options) -> Section:
    """euare-accountapply against its own script and the AWS CLI (bench/applybench.py)."""
    from bench.applybench import apply_section

    return apply_section(lab, opts)


def org(lab: Lab, opts: Options) -> Section:
    """euare-accountsnapshot --org against one account after another (bench/orgbench.py)."""
    from bench.orgbench import org_section

    return org_section(lab, opts)


SECTIONS: dict[str, Callable[[Lab, Options], Section]] = {
    "calls": calls,
    "listing": listing,
    "audit": audit,
    "deletes": deletes,
    "lint": lint,
    "apply": apply,
    "org": org,
}
