"""``make bench``'s apply section (issue 23): ``euare-accountapply`` making 1,000 changes at the
modelled latency, against the dry run's own script run by ``sh`` (one euare process per
command) and against the same steps as AWS CLI commands; and what the plan costs: the requests
of one snapshot, no more.

The account holds a few groups and managed policies (seeds.apply_base); the desired state adds
users, each made with a tag, put in a group, given an inline policy and a managed one: four
changes a user. The one process is timed whole. The scripts cost a process start and a request
or two per command, whatever the command, so they are timed on the commands of the first
``--apply-sample`` users' worth of steps, in the plan's order, and scaled up to all of them
(the note under the table says so); the plan's commands come from ``--dry-run --format json``."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from bench import measure, report
from bench.lab import Lab
from bench.report import Table, Target, secs
from bench.sections import Options, Section, say

PER_USER = 4  # create (with its tag), a group, an inline policy, a managed policy
DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def desired(lab: Lab, users: int) -> Path:
    """The account as seeded, plus ``users`` users: the state to apply."""
    lab.fresh(0, "apply")
    base = lab.scratch / "apply-base.json"
    measure.run([lab.euare("accountsnapshot"), "-o", str(base)], lab.env)
    state: dict[str, Any] = json.loads(base.read_text())
    groups = sorted(g["GroupName"] for g in state["Groups"])
    policies = sorted(state["Policies"], key=lambda p: p["PolicyName"])
    for n in range(users):
        policy = policies[n % len(policies)]
        state["Users"].append(
            {
                "UserName": f"applied{n:05d}",
                "Path": "/",
                "Tags": [{"Key": "batch", "Value": str(n % 7)}],
                "GroupList": [groups[n % len(groups)]],
                "UserPolicyList": [{"PolicyName": "own", "PolicyDocument": DOCUMENT}],
                "AttachedManagedPolicies": [
                    {"PolicyName": policy["PolicyName"], "PolicyArn": policy["Arn"]}
                ],
            }
        )
    path = lab.scratch / "apply-desired.json"
    path.write_text(json.dumps(state))
    return path


def aws_command(lab: Lab, aws: list[str], step: dict[str, Any]) -> str:
    """A step as the AWS CLI command that sends the same call."""
    from botocore import xform_name

    words = [*aws, "iam", xform_name(step["Operation"]).replace("_", "-")]
    for name, value in step["Parameters"].items():
        flag = "--" + xform_name(name).replace("_", "-")
        words += [flag, value if isinstance(value, str) else json.dumps(value)]
    words += ["--endpoint-url", lab.url, "--output", "text"]
    return " ".join(shlex.quote(w) for w in words)


def script(lab: Lab, name: str, lines: list[str]) -> list[str]:
    path = lab.scratch / name
    path.write_text("set -e\n" + "\n".join(lines) + "\n")
    return ["sh", str(path)]


def apply_section(lab: Lab, opts: Options) -> Section:
    changes, latency = opts.apply_changes, opts.latency_ms
    users = max(1, changes // PER_USER)
    sample = max(1, min(users, opts.apply_sample // PER_USER))
    say(f"apply: {users * PER_USER:,} changes at {latency:g} ms; scripts sampled on {sample} users")
    state = desired(lab, users)
    apply_argv = [lab.euare("accountapply"), "--yes", str(state)]
    plan_argv = [lab.euare("accountapply"), "--dry-run", "--format", "json", str(state)]
    lab.fresh(0, "apply")
    measure.run([lab.euare("accountsnapshot")], lab.env)
    snapshot_requests = lab.requests()
    steps = _steps(lab, plan_argv)
    plan_requests = lab.requests()
    chosen = {f"applied{n:05d}" for n in range(sample)}
    picked = [s for s in steps if s["Name"] in chosen]
    runs = []
    for _ in range(opts.repeats):
        lab.fresh(latency, "apply")
        runs.append(measure.run(apply_argv, lab.env))
    one = report.median([r.seconds for r in runs])
    scale = len(steps) / len(picked)
    lab.fresh(latency, "apply")
    euare = measure.run(script(lab, "apply-euare.sh", [s["Command"] for s in picked]), lab.env)
    aws_seconds = None
    if lab.aws:
        lab.fresh(latency, "apply")
        lines = [aws_command(lab, lab.aws, s) for s in picked]
        aws_seconds = measure.run(script(lab, "apply-aws.sh", lines), lab.env).seconds * scale
    euare_seconds = euare.seconds * scale
    rows = [
        [
            "`euare-accountapply --yes`: one process",
            str(len(steps)),
            secs(one),
            "1",
            report.runs(opts.repeats),
        ],
        [
            "its dry run's script, one euare process a command",
            str(len(steps)),
            secs(euare_seconds),
            str(len(steps)),
            f"{len(picked)} commands timed, x{scale:.1f}",
        ],
        [
            "the same steps as AWS CLI commands",
            str(len(steps)),
            secs(aws_seconds, "n/a (no AWS CLI)"),
            str(len(steps)),
            f"{len(picked)} commands timed, x{scale:.1f}",
        ],
    ]
    notes = [
        f"{users:,} users added to an account of 4 groups and 4 managed policies, "
        f"{PER_USER} changes each; every request answered after {latency:g} ms. The scripts are "
        f"timed on the steps of the first {sample} users (all their commands, in the plan's "
        "order) and scaled to all steps: each command is a process start and a request or two.",
        f"The plan: {plan_requests} requests, as accountsnapshot's {snapshot_requests} (its "
        "snapshot) and no more.",
    ]
    table = Table(
        f"Applying {len(steps):,} changes ({latency:g} ms latency)",
        ["command", "steps", "time", "processes", "runs"],
        rows,
        notes,
    )
    targets = [
        Target("apply: script / one process", report.ratio(euare_seconds, one), 5.0, at_least=True),
        Target(
            "apply: AWS CLI / one process",
            report.ratio(aws_seconds, one),
            3.0,
            at_least=True,
            missing="n/a (no AWS CLI)",
        ),
        Target(
            "apply: plan's requests / snapshot's",
            report.ratio(plan_requests, snapshot_requests),
            1.0,
        ),
    ]
    return Section([table], targets)


def _steps(lab: Lab, plan_argv: list[str]) -> list[dict[str, Any]]:
    """The plan's steps, as --dry-run --format json gives them."""
    import subprocess

    done = subprocess.run(plan_argv, capture_output=True, text=True, env=lab.env, timeout=600)
    if done.returncode != 1:
        raise measure.Failed(f"{' '.join(plan_argv)}: exit {done.returncode}: {done.stderr[-300:]}")
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found
