"""``make bench``'s org section (issue 24): ``euare-accountsnapshot --org -o DIR`` over an AWS
Organization of many accounts at the modelled latency, against the same snapshots taken one
account after another, and its peak memory at a few sizes of the organization.

The organization is made in the endpoint's own process (bench/endpoint.py's ``organization``
op, seeds.organization): the bench's account becomes the management account, Organizations'
CreateAccount makes the member accounts (the model gives each its
OrganizationAccountAccessRole), and each is given its users and roles through a session of that
role. The snapshots cover the member accounts only (``--skip`` the management account, which
holds nothing), so both sides take the same N snapshots.

One after another is the loop a cron user writes without ``--org``: for each account, its
credentials, then ``euare-accountsnapshot -o ACCOUNT_ID.json``. The bench assumes each
account's role once when seeding, untimed, so the loop is timed without the AssumeRole it would
make (an ``aws sts assume-role`` process an account): a little faster than the real loop, which
can only flatter it. ``--org`` makes its ListAccounts and every AssumeRole inside the time.
``--org`` runs three times, before the loop, halfway through it and after it, and the median
run is held against the loop's whole time: the machine's speed drifts over the loop's minutes
(this one's by a fifth within a quarter of an hour), and so the drift falls on both sides.

Memory: the peak RSS of the ``--org`` process (its own ru_maxrss, os.wait4) with the first
quarter, the first half and all of the accounts (``--only`` their IDs); accounts are written as
they finish, so it should not grow with their number."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import measure, report
from bench.lab import Lab
from bench.report import Table, Target, mib, secs, times
from bench.sections import Options, Section, say

FLAT = 1.15  # the largest organization's peak RSS at most this times the smallest's
SPEEDUP = 6.0  # issue 24: --org at least this much faster than one account after another
JOBS = 8  # --org-jobs' default: fewer accounts than this are not yet the steady state


def org_section(lab: Lab, opts: Options) -> Section:
    count, latency = opts.org_accounts, opts.latency_ms
    say(
        f"org: seeding {count} accounts of {opts.org_users} users and {opts.org_roles} roles "
        "(in-process)"
    )
    lab.control("reset")
    lab.control("latency", ms=0)
    made = lab.control("organization", accounts=count, users=opts.org_users, roles=opts.org_roles)
    say(f"org: seeded in {made['seconds']:.0f} s")
    members: list[dict[str, str]] = made["Members"]
    env = {**lab.env, "AWS_ENDPOINT_URL_ORGANIZATIONS": lab.url, "TOKEN_URL": lab.url}
    org_argv = [lab.euare("accountsnapshot"), "--org", "--skip", made["Management"]]
    lab.control("latency", ms=latency)
    lab.requests()

    # --org at the start, halfway through the loop and at its end: the machine's drift over
    # the loop's minutes is spread over both sides (as the calls section alternates its
    # contenders), and the median of the three is held against the loop's whole time.
    org_runs: list[OrgRun] = []
    problems: list[str] = []

    def org_once() -> None:
        number = len(org_runs) + 1
        say(f"org: accountsnapshot --org over {count} accounts at {latency:g} ms ({number}/3)")
        folder = lab.scratch / f"org-all-{number}"
        before = lab.endpoint_cpu()
        run = measure.run([*org_argv, "-o", str(folder)], env)
        org_runs.append(OrgRun(run, lab.requests(), _spent(before, lab.endpoint_cpu())))
        problems.extend(_check_dir(folder, members, opts))
        shutil.rmtree(folder, ignore_errors=True)

    org_once()
    one_by_one = lab.scratch / "org-loop"
    one_by_one.mkdir()
    loop: list[measure.Run] = []
    loop_seconds, loop_requests, loop_endpoint = 0.0, 0, 0.0
    halves = (members[: count // 2], members[count // 2 :])
    for half, part in enumerate(halves, 1):
        say(f"org: the same snapshots one account after another ({half}/2: {len(part)})")
        before = lab.endpoint_cpu()
        started = time.perf_counter()
        for member in part:
            own = {
                **lab.env,
                "AWS_ACCESS_KEY_ID": member["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": member["SecretAccessKey"],
                "AWS_SESSION_TOKEN": member["SessionToken"],
            }
            path = one_by_one / f"{member['Id']}.json"
            loop.append(measure.run([lab.euare("accountsnapshot"), "-o", str(path)], own))
        loop_seconds += time.perf_counter() - started
        loop_requests += lab.requests()
        loop_endpoint += _spent(before, lab.endpoint_cpu()) or 0.0
        org_once()
    problems += _check_files(sorted(one_by_one.glob("*.json")), members, opts)
    shutil.rmtree(one_by_one, ignore_errors=True)
    org = sorted(org_runs, key=lambda r: r.run.seconds)[len(org_runs) // 2]

    # glibc gives a process of this many threads 0-40 MiB more or less at random (a malloc
    # arena per thread that finds the others busy, up to 8 a core), whatever its number of
    # accounts: the memory runs hold it to 2 arenas, so what grows with the accounts shows.
    few = {**env, "MALLOC_ARENA_MAX": "2"}
    least = min(count, JOBS)
    sizes = sorted({max(least, count // 4), max(least, count // 2), count})
    memory: dict[int, measure.Run] = {}
    for size in sizes:
        say(f"org: peak memory with {size} accounts")
        chosen = [arg for m in members[:size] for arg in ("--only", m["Id"])]
        folder = lab.scratch / f"org-{size}"
        memory[size] = measure.run([*org_argv, *chosen, "-o", str(folder)], few)
        problems += _check_dir(folder, members[:size], opts)
        shutil.rmtree(folder, ignore_errors=True)
    lab.requests()

    speedup = report.ratio(loop_seconds, org.run.seconds)
    seeded = f"{count} member accounts of {opts.org_users} users and {opts.org_roles} roles each"
    rows = [
        [
            "`euare-accountsnapshot --org -o DIR` (--org-jobs 8, --jobs 8), the median of 3",
            secs(org.run.seconds),
            "1",
            str(org.requests),
            secs(org.run.cpu_seconds),
            secs(org.endpoint_cpu),
            mib(org.run.peak_rss_kb),
        ],
        [
            "`euare-accountsnapshot -o FILE`, one account after another",
            secs(loop_seconds),
            str(count),
            str(loop_requests),
            secs(sum(r.cpu_seconds for r in loop)),
            secs(loop_endpoint or None),
            f"{mib(max(r.peak_rss_kb for r in loop))} (the largest)",
        ],
        ["one after another / --org", times(speedup), "", "", "", "", ""],
    ]
    notes = [
        f"{seeded} (and the OrganizationAccountAccessRole Organizations made in it); every "
        f"request answered after {latency:g} ms. --org ran 3 times: before the loop, after "
        "its first half and after its second ("
        + ", ".join(secs(r.run.seconds) for r in org_runs)
        + "); the table gives the median run. --org lists the accounts "
        "(Organizations' ListAccounts) and assumes the role in each inside its time; the loop "
        "is given each account's credentials beforehand, untimed, as if its AssumeRole cost "
        "nothing. Both leave out the management account (`--skip` it), which holds nothing. "
        "CPU: the user and system time of the euare processes (os.wait4), and of the "
        f"endpoint's process meanwhile; load average at the end {_load()}.",
    ]
    if problems:
        notes.append("Not as expected: " + "; ".join(problems[:5]))
    timing = Table(
        f"Snapshots of {count} accounts ({latency:g} ms latency)",
        ["command", "time", "processes", "requests", "euare CPU", "endpoint CPU", "peak RSS"],
        rows,
        notes,
    )
    memory_rows = [
        [
            str(size),
            secs(run.seconds),
            secs(run.seconds / size),
            mib(run.peak_rss_kb),
        ]
        for size, run in sorted(memory.items())
    ]
    smallest, largest = memory[min(memory)], memory[max(memory)]
    growth = report.ratio(largest.peak_rss_kb, smallest.peak_rss_kb)
    memory_table = Table(
        f"`euare-accountsnapshot --org -o DIR`: peak memory by accounts ({latency:g} ms latency)",
        ["accounts", "time", "per account", "peak RSS"],
        memory_rows,
        [
            f"The first {', '.join(str(s) for s in sizes)} of the accounts above (`--only` "
            "their IDs), 1 run each, with MALLOC_ARENA_MAX=2: glibc gives a process of 70 "
            "threads 0-40 MiB more or less at random (its malloc arenas), whatever its number "
            "of accounts (the run above had the default). Peak RSS: the process's ru_maxrss "
            f"(os.wait4). Flat: the largest at most {FLAT:g}x the smallest."
        ],
    )
    targets = [
        Target(
            f"org snapshot: one after another / --org ({count} accounts, {latency:g} ms)",
            speedup,
            SPEEDUP,
            at_least=True,
        ),
        Target(f"org snapshot peak RSS: {max(memory)} accounts / {min(memory)}", growth, FLAT),
    ]
    return Section([timing, memory_table], targets)


@dataclass
class OrgRun:
    """One timed ``--org`` run: the process, the requests it sent, the endpoint's CPU meanwhile."""

    run: measure.Run
    requests: int
    endpoint_cpu: float | None


def _spent(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _check_dir(folder: Path, members: list[dict[str, str]], opts: Options) -> list[str]:
    """What is wrong with an --org directory: its index, and each account's file."""
    problems = []
    try:
        index = json.loads((folder / "index.json").read_text())
    except (OSError, ValueError) as exc:
        return [f"{folder.name}/index.json: {exc}"]
    entries = index.get("Accounts") or [] if isinstance(index, dict) else []
    failed = [e for e in entries if e.get("Status") != "ok"]
    if len(entries) != len(members):
        problems.append(f"{folder.name}/index.json: {len(entries)} accounts")
    if failed:
        problems.append(f"{folder.name}: {len(failed)} accounts failed")
    files = [folder / f"{m['Id']}.json" for m in members]
    return problems + _check_files(files, members, opts)


def _check_files(files: list[Path], members: list[dict[str, str]], opts: Options) -> list[str]:
    """Each snapshot there, of its account, holding what was seeded."""
    problems = []
    if len(files) != len(members):
        problems.append(f"{len(files)} snapshots for {len(members)} accounts")
    for path in files:
        try:
            snapshot: dict[str, Any] = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        users, roles = len(snapshot.get("Users") or []), len(snapshot.get("Roles") or [])
        if (users, roles) != (opts.org_users, opts.org_roles + 1):
            problems.append(f"{path.name}: {users} users and {roles} roles")
        if f"{snapshot.get('Account')}.json" != path.name:
            problems.append(f"{path.name} holds account {snapshot.get('Account')}")
    return problems
