"""Recursive deletes fan out (--jobs N, default 4): the same end state as one call at a time,
the order IAM requires kept (an MFA device deactivated before it is deleted, the owner deleted
last), calls really in flight together, a failure or Ctrl-C reported in the plan's order, and
no new request for a moment after a Throttling answer.

The order and the overlap are read from the proxy's log (when each request arrived and when its
answer went out), with a latency on every answer as a distant IAM endpoint has: moto answers at
once, and would not show two calls in flight together."""

from __future__ import annotations

import json
import signal
import time
from typing import Any

import pytest

from euare.call.fanout import GRACE, PAUSE
from tests.conftest import OUTPUTS, Home, Result, one_error_line
from tests.e2e.test_output_c import one_error_line_usage
from tests.support.documents import DOC
from tests.support.loaded import account_state, load_user
from tests.support.proxy import Fault, Request
from tests.support.signals import STOPS, head, status


def removals(proxy: Any) -> list[Request]:
    """The requests that change something, in the order they arrived."""
    return [r for r in proxy.log if not r.action.startswith(("List", "Get"))]


@pytest.mark.parametrize("jobs", [[], ["--jobs", "1"]], ids=["default", "jobs-1"])
def test_userdel_r_with_many_attachments_ends_the_same_with_any_jobs(
    home: Home, iam: Any, jobs: list[str]
) -> None:
    made = load_user(iam, "carol", each=5, mfa=3)
    result = home.run("userdel", "-r", "carol", *jobs)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert account_state(iam) == {
        "users": [],
        "members": {group: [] for group in made["groups"]},
        "attachments": {arn.rsplit("/", 1)[1]: 0 for arn in made["managed"]},
        "mfa": [],
    }


@pytest.mark.parametrize("fmt", [[], ["--format", "json"]], ids=["text", "json"])
def test_userdel_p_prints_the_same_with_any_jobs(home: Home, iam: Any, fmt: list[str]) -> None:
    load_user(iam, "carol", each=4, mfa=2)
    fanned = home.run("userdel", "-p", "carol", *fmt)
    serial = home.run("userdel", "-p", "carol", "--jobs", "1", *fmt)
    assert fanned.returncode == serial.returncode == 0, fanned.stderr + serial.stderr
    assert fanned.stdout == serial.stdout and fanned.stderr == serial.stderr == ""
    if fmt:
        assert len(json.loads(fanned.stdout)["mfadevices"]) == 2


def test_mfa_devices_are_deactivated_before_deleted_and_the_user_deleted_last(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """moto does not refuse to delete an MFA device still enabled, as IAM does; so the order is
    read on the wire: each device's DeleteVirtualMFADevice arrives only after its
    DeactivateMFADevice was answered, and DeleteUser after every other change was answered,
    while the calls do overlap (else the order would prove nothing)."""
    made = load_user(iam, "carol", each=3, mfa=4)
    proxy.latency = 0.05
    result = proxied_home.run("userdel", "-r", "carol")
    assert result.returncode == 0, result.stderr
    assert proxy.max_in_flight > 1
    changes = removals(proxy)
    for serial in made["mfa"]:
        (deactivate,) = [
            r
            for r in changes
            if r.action == "DeactivateMFADevice" and r.form["SerialNumber"] == serial
        ]
        (delete,) = [
            r
            for r in changes
            if r.action == "DeleteVirtualMFADevice" and r.form["SerialNumber"] == serial
        ]
        assert deactivate.answered is not None
        assert delete.arrived > deactivate.answered, serial
    *before, last = changes
    assert last.action == "DeleteUser"
    assert all(r.answered is not None and r.answered < last.arrived for r in before)
    assert account_state(iam)["mfa"] == []


@pytest.mark.parametrize(("jobs", "most"), [([], 4), (["--jobs", "2"], 2), (["--jobs", "1"], 1)])
def test_calls_overlap_up_to_jobs(
    proxied_home: Home, proxy: Any, iam: Any, jobs: list[str], most: int
) -> None:
    iam.create_user(UserName="dave")
    for n in range(8):
        iam.put_user_policy(UserName="dave", PolicyName=f"p{n}", PolicyDocument=DOC)
    proxy.latency = 0.2  # a request beyond the pool's would overlap those held
    proxy.gather["DeleteUserPolicy"] = most  # however slowly the pool's threads start
    result = proxied_home.run("userdel", "-r", "dave", *jobs)
    assert result.returncode == 0, result.stderr
    assert proxy.max_in_flight == most
    assert iam.list_users()["Users"] == []


def test_failure_midway_names_what_was_done_in_the_plan_s_order(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """The group membership's removal fails, slowly; meanwhile the access key was deleted
    (slowly too, so after the policies) and the policies. What was done is named in the plan's
    order (the key first), not in the order the answers came; the membership and the user are
    not done. Run again, the command finishes."""
    iam.create_user(UserName="erin")
    key = iam.create_access_key(UserName="erin")["AccessKey"]["AccessKeyId"]
    for n in range(3):
        iam.put_user_policy(UserName="erin", PolicyName=f"p{n}", PolicyDocument=DOC)
    iam.create_group(GroupName="staff")
    iam.add_user_to_group(UserName="erin", GroupName="staff")
    proxy.faults["DeleteAccessKey"] = Fault("slow", count=1, delay=0.5)
    proxy.faults["RemoveUserFromGroup"] = Fault("status", count=None, status=503, delay=1.0)
    result = proxied_home.run("userdel", "-r", "erin", env={"AWS_MAX_ATTEMPTS": "1"})
    line = one_error_line(result, "userdel")
    assert line == (
        f"euare-userdel: error (503): Service Unavailable -- done: delete access key {key}; "
        "delete policy p0; delete policy p1; delete policy p2 -- not done: "
        "remove from group staff; delete user erin"
    )
    assert iam.list_access_keys(UserName="erin")["AccessKeyMetadata"] == []
    del proxy.faults["RemoveUserFromGroup"]
    rerun = proxied_home.run("userdel", "-r", "erin")
    assert rerun.returncode == 0, rerun.stderr
    assert iam.list_users()["Users"] == []


def test_throttling_under_a_pool_still_completes(proxied_home: Home, proxy: Any, iam: Any) -> None:
    """Every distinct request is answered Throttling once; botocore retries each, the gate
    holds the others back, and the delete ends."""
    load_user(iam, "frank", each=4, mfa=2)
    proxy.faults["*"] = Fault("throttle", count=None, first_only=True)
    result = proxied_home.run("userdel", "-r", "frank", env={"AWS_MAX_ATTEMPTS": "3"})
    assert result.returncode == 0, result.stderr
    assert iam.list_users()["Users"] == []
    assert sum(r.fault == "throttle" for r in proxy.log) > 10


def test_a_throttle_holds_every_new_request_back_for_a_pause(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """After the proxy answers one DeleteUserPolicy with Throttling, no request at all arrives
    for euare.call.fanout.PAUSE seconds, but the requests already sent (0.15 s are left for those
    and for the client to read the answer): without the gate, the other three threads would
    go on sending one about every 35 ms for about a second."""
    iam.create_user(UserName="gina")
    for n in range(24):
        iam.put_user_policy(UserName="gina", PolicyName=f"p{n}", PolicyDocument=DOC)
    proxy.latency = 0.1
    proxy.faults["DeleteUserPolicy"] = Fault("throttle", count=1, after=1)
    result = proxied_home.run("userdel", "-r", "gina")
    assert result.returncode == 0, result.stderr
    (throttled,) = [r for r in proxy.log if r.fault == "throttle"]
    assert throttled.answered is not None
    quiet = (throttled.answered + 0.15, throttled.answered + PAUSE)
    assert [r.action for r in proxy.log if quiet[0] < r.arrived < quiet[1]] == []
    assert iam.list_users()["Users"] == []


def interrupted(
    home: Home, proxy: Any, args: list[str], ready: Any, signum: int = signal.SIGINT
) -> tuple[Result, float]:
    """Run ``euare-ARGS[0]``, send it ``signum`` once ``ready()``; its result and how long it
    took to end after the signal."""
    process = home.spawn(*args)
    try:
        deadline = time.monotonic() + 60
        while not ready():
            assert time.monotonic() < deadline, "never ready to interrupt"
            time.sleep(0.02)
        process.send_signal(signum)
        sent = time.monotonic()
        out, err = process.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    OUTPUTS.append((args, out, err))
    return Result(process.returncode, out, err), took


@pytest.mark.parametrize("signum", STOPS)
@pytest.mark.parametrize(("held", "key_done"), [(1.0, True), (60.0, False)])
def test_ctrl_c_under_a_pool_waits_a_moment_for_calls_in_flight_and_starts_nothing_more(
    proxied_home: Home, proxy: Any, iam: Any, held: float, key_done: bool, signum: int
) -> None:
    """Ctrl-C (SIGTERM, SIGHUP) while the access key's deletion is held (the policies are
    removed already): exit 130 (143, 129), the user not deleted. The held answer is awaited
    for a moment (euare.call.fanout.GRACE): one that comes within it is done; one that does not is
    not done, and the command does not wait longer for it. Either way what was done is named
    in the plan's order."""
    iam.create_user(UserName="hal")
    key = iam.create_access_key(UserName="hal")["AccessKey"]["AccessKeyId"]
    for n in range(3):
        iam.put_user_policy(UserName="hal", PolicyName=f"p{n}", PolicyDocument=DOC)
    proxy.faults["DeleteAccessKey"] = Fault("slow", count=1, delay=held)

    def ready() -> bool:
        deleted = [r for r in proxy.log if r.action == "DeleteUserPolicy" and r.answered]
        return proxy.faults["DeleteAccessKey"].held.is_set() and len(deleted) == 3

    result, took = interrupted(proxied_home, proxy, ["userdel", "-r", "hal"], ready, signum)
    policies = "delete policy p0; delete policy p1; delete policy p2"
    if key_done:
        reported = f"done: delete access key {key}; {policies} -- not done: delete user hal"
    else:
        reported = f"done: {policies} -- not done: delete access key {key}; delete user hal"
    assert result.returncode == status(signum), result
    assert result.stderr.splitlines() == [f"{head('userdel', signum)} -- {reported}"]
    assert took < GRACE + 5
    assert "DeleteUser" not in proxy.actions
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["hal"]


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_below_1_is_a_usage_error(proxied_home: Home, proxy: Any, jobs: str) -> None:
    result = proxied_home.run("userdel", "-r", "carol", "--jobs", jobs)
    line = one_error_line_usage(result, "userdel")
    assert "--jobs" in line and len(result.stderr.splitlines()) == 2
    assert proxy.actions == []
