"""euare-accountapply when things go wrong (docs/apply.md, "Safe like the rest of euare"):
deletes in an order IAM accepts, a run killed at any step and run again, faults on every kind of
step (lost answers, throttling, 5xx), Ctrl-C; and the plan's cost: one snapshot, no more."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, MotoServer, one_error_line
from tests.support.applied import arn, document, load, rich_pair, spec, taken, write
from tests.support.proxy import Fault

pytestmark = pytest.mark.in_process  # runs killed and interrupted part way


def apply(home: Home, desired: Path, *more: str) -> Any:
    return home.run("accountapply", str(desired), *more, timeout=180)


def matches(home: Home, desired: Path, tmp: Path) -> None:
    """The account is DESIRED (a snapshot taken), as accountdiff says."""
    taken(home, tmp / "now.json")
    same = home.run("accountdiff", str(desired), str(tmp / "now.json"))
    assert (same.returncode, same.stdout) == (0, ""), same.stdout


@pytest.fixture
def pair(home: Home, moto_server: MotoServer, tmp_path: Path) -> Path:
    """The rich pair's B taken as a snapshot (DESIRED), and A loaded into the account."""
    a, b = rich_pair()
    load(moto_server, b)
    desired = tmp_path / "b.json"
    taken(home, desired)
    load(moto_server, a)
    return desired


def nothing_to_do(home: Home, desired: Path) -> None:
    """A second plan for DESIRED (written by hand, so without what IAM assigns) is empty."""
    again = apply(home, desired, "--dry-run", "--prune")
    assert (again.returncode, again.stdout) == (0, ""), again.stdout


def test_deletes_in_an_order_iam_accepts(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    """A role held by an instance profile, a policy attached everywhere with five versions and
    a group with members, all deleted by one apply.

    Plain moto accepts these deletes in any order, so today this test passes whatever the
    order; the order itself is held by tests/unit/test_apply_plan.py. Once the sandbox's IAM
    model (branch model22) answers DeleteConflict as IAM does, this test fails on a wrong
    order too."""
    everywhere = [{"PolicyName": "p", "PolicyArn": arn("policy", "p")}]
    load(
        moto_server,
        spec(
            Users=[
                {"UserName": "member", "GroupList": ["g"], "AttachedManagedPolicies": everywhere}
            ],
            Groups=[{"GroupName": "g", "AttachedManagedPolicies": everywhere}],
            Roles=[
                {
                    "RoleName": "r",
                    "AssumeRolePolicyDocument": document("sts:AssumeRole")
                    | {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "ec2.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ]
                    },
                    "AttachedManagedPolicies": everywhere,
                }
            ],
            InstanceProfiles=[{"InstanceProfileName": "ip", "Roles": ["r"]}],
            Policies=[{"PolicyName": "p", "Document": document("s3:*")}],
        ),
    )
    for n in range(4):
        iam.create_policy_version(
            PolicyArn=arn("policy", "p"), PolicyDocument=json.dumps(document(f"s3:Get{n}"))
        )
    desired = write(
        tmp_path / "d.json",
        spec(Users=[{"UserName": "member"}], InstanceProfiles=[{"InstanceProfileName": "ip"}]),
    )
    done = apply(home, desired, "--yes", "--prune")
    assert done.returncode == 0, done.stderr
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []
    assert iam.list_groups()["Groups"] == []
    assert iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]["Roles"] == []
    nothing_to_do(home, desired)


def test_a_new_document_frees_a_version_slot_when_five_exist(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    load(moto_server, spec(Policies=[{"PolicyName": "full", "Document": document("s3:Get0")}]))
    for n in range(1, 5):
        iam.create_policy_version(
            PolicyArn=arn("policy", "full"), PolicyDocument=json.dumps(document(f"s3:Get{n}"))
        )
    desired = write(
        tmp_path / "d.json", spec(Policies=[{"PolicyName": "full", "Document": document("s3:Put")}])
    )
    done = apply(home, desired, "--yes")
    assert done.returncode == 0, done.stderr
    versions = iam.list_policy_versions(PolicyArn=arn("policy", "full"))["Versions"]
    assert len(versions) == 5 and "v2" not in {v["VersionId"] for v in versions}  # v1: default
    nothing_to_do(home, desired)


# --- stopped anywhere, run again ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_a_random_step_then_run_again_converges(
    pair: Path, proxied_home: Home, proxy: Any, home: Home, iam: Any, tmp_path: Path, seed: int
) -> None:
    """kill -9 once the k-th change (a random one) has reached IAM; the next run finishes."""
    proxy.latency = 0.02
    changes = 0
    target = random.Random(seed).randint(1, 40)
    running = proxied_home.spawn("accountapply", str(pair), "--yes", "--prune", "--jobs", "2")
    deadline = time.monotonic() + 120
    while running.poll() is None and time.monotonic() < deadline:
        changes = sum(1 for r in list(proxy.log) if not r.action.startswith(("Get", "List")))
        if changes >= target:
            os.kill(running.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    running.communicate(timeout=60)
    proxy.latency = 0
    again = apply(home, pair, "--yes", "--prune")
    assert again.returncode == 0, again.stderr
    matches(home, pair, tmp_path)
    assert len(iam.list_policy_versions(PolicyArn=arn("policy", "shared"))["Versions"]) == 2


@pytest.mark.parametrize(
    "fault",
    [
        Fault("reset-after", count=None, first_only=True),  # done, its answer lost
        Fault("replace-after", count=None, first_only=True, status=503),  # done, a 5xx said
        Fault("status", count=None, first_only=True, status=500),  # not done, a 5xx said
        Fault("throttle", count=None, first_only=True),
    ],
    ids=["lost-answers", "5xx-after", "5xx-before", "throttled"],
)
def test_faults_on_every_kind_of_step_converge_and_nothing_is_made_twice(
    pair: Path, proxied_home: Home, proxy: Any, home: Home, iam: Any, tmp_path: Path, fault: Fault
) -> None:
    """The first sending of every request meets the fault (the snapshot's reads too); every
    step still ends as asked, and no create was made twice (a second policy version, a
    second provider)."""
    proxy.faults["*"] = fault
    done = apply(proxied_home, pair, "--yes", "--prune", "--jobs", "4")
    assert done.returncode == 0, done.stderr
    hit = {r.action for r in proxy.log if r.fault}
    assert {
        "CreateUser",
        "CreatePolicy",
        "CreatePolicyVersion",
        "AddRoleToInstanceProfile",
        "CreateOpenIDConnectProvider",
        "AttachUserPolicy",
        "DeleteUser",
        "DeletePolicy",
    } <= hit
    proxy.faults.clear()
    matches(home, pair, tmp_path)
    assert len(iam.list_policy_versions(PolicyArn=arn("policy", "shared"))["Versions"]) == 2
    providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert len(providers) == 2


def test_interrupted_it_says_what_was_done_and_what_not(
    pair: Path, proxied_home: Home, proxy: Any, home: Home, tmp_path: Path
) -> None:
    """SIGTERM (as Ctrl-C) after a few steps: exit 143 after the step in flight, one line
    naming the steps done and those not done; run again, it finishes."""
    proxy.latency = 0.05
    running = proxied_home.spawn("accountapply", str(pair), "--yes", "--prune", "--jobs", "1")
    deadline = time.monotonic() + 120
    while sum(1 for r in list(proxy.log) if r.action.startswith("Create")) < 3:
        assert time.monotonic() < deadline and running.poll() is None
        time.sleep(0.01)
    running.send_signal(signal.SIGTERM)
    _, err = running.communicate(timeout=60)
    assert running.returncode == 143, err
    (line,) = [x for x in err.splitlines() if ": done: " not in x]
    assert (
        line.startswith("euare-accountapply: error: interrupted by SIGTERM")
        or "interrupted" in line
    )
    assert " -- done: " in line and " -- not done: " in line
    proxy.latency = 0
    assert apply(home, pair, "--yes", "--prune").returncode == 0
    matches(home, pair, tmp_path)


# --- the plan's cost ----------------------------------------------------------------------------


def test_the_plan_costs_one_snapshot_and_no_further_request(
    pair: Path, proxied_home: Home, proxy: Any
) -> None:
    """The dry run sends exactly the requests accountsnapshot sends, nothing more."""
    assert proxied_home.run("accountsnapshot", "--jobs", "1").returncode == 0
    snapshot = sorted((r.action, json.dumps(r.form, sort_keys=True)) for r in proxy.log)
    proxy.log.clear()
    planned = apply(proxied_home, pair, "--dry-run", "--prune", "--jobs", "1")
    assert planned.returncode == 1, planned.stderr
    plan = sorted((r.action, json.dumps(r.form, sort_keys=True)) for r in proxy.log)
    assert plan == snapshot


def test_a_dry_run_changes_nothing_even_when_asked_to_prune(
    pair: Path, proxied_home: Home, proxy: Any
) -> None:
    planned = apply(proxied_home, pair, "--dry-run", "--prune", "--yes")
    assert planned.returncode == 1
    assert all(r.action.startswith(("Get", "List")) for r in proxy.log)


def test_another_accounts_snapshot_is_refused_before_any_change(
    proxied_home: Home, proxy: Any, moto_server: MotoServer, tmp_path: Path
) -> None:
    load(moto_server, spec(Users=[{"UserName": "here"}]))
    theirs = spec(Users=[{"UserName": "there", "Arn": "arn:aws:iam::111122223333:user/there"}])
    theirs["Account"] = "111122223333"
    line = one_error_line(
        apply(proxied_home, write(tmp_path / "t.json", theirs), "--yes"), "accountapply", 2
    )
    assert "--ignore-account" in line
    assert all(r.action.startswith(("Get", "List")) for r in proxy.log)
