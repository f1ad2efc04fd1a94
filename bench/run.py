"""``make bench``: how fast euare is, against a local IAM endpoint, beside the AWS CLI, a bare
botocore script and (when EUCA2OOLS_EUARE names it) euca2ools 3.4, with issue 10's targets,
how long euare-policylint takes on a big policy, with issue 19's, accountapply with issue 23's,
and accountsnapshot --org over an organization with issue 24's.

Run: .venv/bin/python bench/run.py [--quick] [--only calls,listing,audit,deletes,lint,apply,org]
[...]
It starts its own IAM endpoint (the sandbox's server, on 127.0.0.1, see
endpoint.py) with a scratch HOME,
seeds it, measures, and prints markdown tables on stdout (progress on stderr); everything it
started is stopped and its scratch directory removed on the way out, Ctrl-C included.
docs/performance.md says what each figure means and holds a run.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

if __package__ in (None, ""):  # run as a script: make the bench package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import report
from bench.lab import EUCA_VAR, ROOT, Lab, LabError
from bench.measure import Failed
from bench.sections import SECTIONS, Options, Section, say


def parse(argv: list[str]) -> tuple[Options, list[str]]:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds, 1 run of the rest")
    parser.add_argument("--rounds", type=int, help="rounds of the per-call figures (15)")
    parser.add_argument("--repeats", type=int, help="runs of each longer figure (3)")
    parser.add_argument(
        "--latency",
        type=float,
        default=50.0,
        metavar="MS",
        help="modelled IAM latency for the audit and delete figures (default 50; the deletes "
        "are also measured without)",
    )
    parser.add_argument("--users", type=int, default=10_000, help="users in the big listing")
    parser.add_argument("--audit-users", type=int, default=300, help="users in the key audit")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help="comma-separated sections to run (default: all: %(default)s)",
    )
    parser.add_argument("--aws", help="the AWS CLI program (default: aws on PATH, or .venv-bench)")
    parser.add_argument(
        "--lint-resources",
        default="500,4700",
        metavar="N,N...",
        help="the wildcard resources of each document policylint reads (default %(default)s)",
    )
    parser.add_argument(
        "--apply-changes", type=int, default=1000, metavar="N", help="changes accountapply makes"
    )
    parser.add_argument(
        "--apply-sample",
        type=int,
        default=100,
        metavar="N",
        help="commands of each script the apply is compared with that are timed (then scaled)",
    )
    parser.add_argument(
        "--org-accounts",
        type=int,
        metavar="N",
        help="member accounts of the organization the org section snapshots (100; 16 with --quick)",
    )
    parser.add_argument(
        "--org-users", type=int, default=200, metavar="N", help="users in each of them"
    )
    parser.add_argument(
        "--org-roles", type=int, default=100, metavar="N", help="roles in each of them"
    )
    args = parser.parse_args(argv)
    try:
        lint_resources = tuple(int(n) for n in args.lint_resources.split(",") if n.strip())
    except ValueError:
        parser.error(f"--lint-resources: not a list of numbers: {args.lint_resources}")
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in only if name not in SECTIONS]
    if unknown:
        parser.error(f"no such section: {', '.join(unknown)} (choose from {', '.join(SECTIONS)})")
    options = Options(
        rounds=args.rounds or (5 if args.quick else 15),
        repeats=args.repeats or (1 if args.quick else 3),
        latency_ms=args.latency,
        users=args.users,
        audit_users=args.audit_users,
        aws=args.aws,
        lint_resources=lint_resources,
        apply_changes=args.apply_changes,
        apply_sample=args.apply_sample,
        org_accounts=args.org_accounts or (16 if args.quick else 100),
        org_users=args.org_users,
        org_roles=args.org_roles,
    )
    counts = (options.rounds, options.repeats, options.users, options.audit_users)
    counts += (options.apply_changes, options.apply_sample, options.org_accounts)
    if min(options.org_users, options.org_roles) < 0:
        parser.error("--org-users and --org-roles cannot be negative")
    if min(counts + lint_resources) < 1 or not lint_resources:
        parser.error("counts must be at least 1")
    return options, only


def machine(lab: Lab, opts: Options) -> list[str]:
    """What the figures were measured on, as lines for the top of the output."""
    from importlib.metadata import version

    import botocore

    from euare import __version__

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    aws, euca = lab.aws, lab.euca2ools
    load = (
        " ".join(Path("/proc/loadavg").read_text().split()[:3])
        if Path("/proc/loadavg").exists()
        else "?"
    )
    return [
        f"- when: {time.strftime('%Y-%m-%d %H:%M %Z')}; euare {__version__} ({commit or 'no git'})",
        f"- machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, "
        f"{platform.system()} {platform.release()}; load average at start {load}",
        f"- Python {platform.python_version()}, botocore {botocore.__version__}, "
        f"moto {version('moto')}, click {version('click')}",
        f"- AWS CLI: {f'{lab.aws_version} ({aws[0]})' if aws else 'none'}",
        f"- euca2ools: {' '.join(euca) if euca else 'not measured (set ' + EUCA_VAR + ')'}",
        f"- rounds {opts.rounds}, repeats {opts.repeats}, modelled latency {opts.latency_ms:g} ms",
    ]


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    options, only = parse(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    lab: Lab | None = None
    try:
        lab = Lab(options.aws)
        print("## A run of `make bench`\n")
        print("\n".join(machine(lab, options)) + "\n", flush=True)
        sections: list[Section] = []
        for name in only:
            section = SECTIONS[name](lab, options)
            sections.append(section)
            for table in section.tables:
                print(table.render(), flush=True)
        targets = [target for section in sections for target in section.targets]
        if targets:
            print(report.targets_table(targets).render(), flush=True)
        say(f"done in {time.monotonic() - started:.0f} s")
        return 0
    except KeyboardInterrupt:
        say("interrupted; cleaning up")
        return 130
    except (Failed, LabError) as exc:
        say(f"error: {exc}")
        return 1
    finally:
        if lab is not None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop cleanup
            lab.close()


if __name__ == "__main__":
    sys.exit(main())
