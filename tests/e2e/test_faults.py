"""Behaviour under faults, caused on purpose by the proxy between euare and moto: transient
faults are retried, exhausted retries end in one line within a bounded time, interrupted
composite commands say what was done and finish when run again, and concurrent commands under
heavy throttling all reach the right end state."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.documents import DOC, TRUST
from tests.support.proxy import Fault


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", count=2, status=503),
        Fault("status", count=2, status=500),
        Fault("throttle", count=2),
        Fault("reset-before", count=2),
    ],
)
def test_transient_faults_on_reads_are_retried(
    proxied_home: Home, proxy: Any, iam: Any, fault: Fault
) -> None:
    iam.create_user(UserName="bob")
    proxy.faults["ListUsers"] = fault
    result = proxied_home.run("userlistbypath", env={"AWS_MAX_ATTEMPTS": "5"})
    assert result.returncode == 0, result.stderr
    assert result.lines == [iam.get_user(UserName="bob")["User"]["Arn"]]
    assert proxy.actions.count("ListUsers") == 3


def test_a_slow_answer_past_the_read_timeout_is_retried(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_group(GroupName="ops")
    proxy.faults["GetGroup"] = Fault("slow", count=1, delay=3)
    result = proxied_home.run(
        "grouplistusers", "ops", env={"EUARE_READ_TIMEOUT": "1", "AWS_MAX_ATTEMPTS": "3"}
    )
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("GetGroup") >= 2  # the slow one, then its retry (more under load)


def test_transient_faults_on_idempotent_writes_are_retried(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_group(GroupName="ops")
    proxy.faults["PutGroupPolicy"] = Fault("status", count=2, status=503)
    result = proxied_home.run(
        "groupuploadpolicy", "ops", "-p", "p", "-o", DOC, env={"AWS_MAX_ATTEMPTS": "5"}
    )
    assert result.returncode == 0, result.stderr
    assert iam.list_group_policies(GroupName="ops")["PolicyNames"] == ["p"]


def test_exhausted_retries_end_in_one_line_within_a_bounded_time(
    proxied_home: Home, proxy: Any
) -> None:
    """docs/configuration.md: attempts x (timeouts) plus at most 1+2+4+... s of backoff."""
    proxy.faults["ListUsers"] = Fault("status", count=None, status=503)
    started = time.monotonic()
    result = proxied_home.run("userlistbypath", env={"AWS_MAX_ATTEMPTS": "3"})
    elapsed = time.monotonic() - started
    line = one_error_line(result, "userlistbypath")
    assert line == "euare-userlistbypath: error (503): Service Unavailable"
    assert proxy.actions.count("ListUsers") == 3
    assert elapsed < 3 * 1 + (1 + 2) + 10


# --- composite commands interrupted midway -------------------------------------------------------


def _user(iam: Any) -> None:
    iam.create_group(GroupName="staff")
    iam.create_user(UserName="carol")
    iam.create_access_key(UserName="carol")
    iam.put_user_policy(UserName="carol", PolicyName="p", PolicyDocument=DOC)
    iam.add_user_to_group(UserName="carol", GroupName="staff")


def _group(iam: Any) -> None:
    iam.create_group(GroupName="ops")
    iam.create_user(UserName="dave")
    iam.add_user_to_group(UserName="dave", GroupName="ops")
    iam.put_group_policy(GroupName="ops", PolicyName="p", PolicyDocument=DOC)


def _role(iam: Any) -> None:
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=DOC)
    iam.create_instance_profile(InstanceProfileName="app")
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")


def _policy(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="wide", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.create_user(UserName="erin")
    iam.attach_user_policy(UserName="erin", PolicyArn=arn)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOC)


def _gone(iam: Any, kind: str) -> bool:
    listing = {
        "user": lambda: iam.list_users()["Users"],
        "group": lambda: iam.list_groups()["Groups"],
        "role": lambda: iam.list_roles()["Roles"],
        "policy": lambda: iam.list_policies(Scope="Local")["Policies"],
    }[kind]
    return not listing()


@pytest.mark.parametrize(
    ("setup", "args", "failing", "done", "kind"),
    [
        (_user, ["userdel", "-r", "carol"], "DeleteUserPolicy", "delete access key", "user"),
        (_group, ["groupdel", "-r", "ops"], "DeleteGroupPolicy", "remove dave from ops", "group"),
        (
            _role,
            ["roledel", "-c", "app"],
            "DeleteRolePolicy",
            "remove from instance profile app",
            "role",
        ),
        (
            _policy,
            ["policydel", "-r", "wide"],
            "DeletePolicyVersion",
            "detach from user erin",
            "policy",
        ),
    ],
)
def test_interrupted_recursive_delete_says_what_was_done_and_a_rerun_finishes(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    setup: Callable[[Any], None],
    args: list[str],
    failing: str,
    done: str,
    kind: str,
) -> None:
    setup(iam)
    proxy.faults[failing] = Fault("status", count=None, status=503)
    line = one_error_line(proxied_home.run(*args, env={"AWS_MAX_ATTEMPTS": "1"}), args[0])
    assert f"done: {done}" in line
    assert "not done: " in line and f"delete {kind}" in line.split("not done: ")[1]
    assert not _gone(iam, kind)
    del proxy.faults[failing]
    rerun = proxied_home.run(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert _gone(iam, kind)


def test_interrupted_usercreate_says_what_was_done_and_a_rerun_finishes(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_group(GroupName="staff")
    proxy.faults["AddUserToGroup"] = Fault("status", count=None, status=503)
    line = one_error_line(
        proxied_home.run("usercreate", "frank", "-g", "staff", "-k", env={"AWS_MAX_ATTEMPTS": "1"}),
        "usercreate",
    )
    assert (
        "done: create user frank -- not done: add frank to group staff; create an access "
        "key for frank" in line
    )
    del proxy.faults["AddUserToGroup"]
    rerun = proxied_home.run("usercreate", "frank", "-g", "staff", "-k")
    assert rerun.returncode == 0, rerun.stderr
    assert "already exists" in rerun.stderr and len(rerun.lines) == 2
    assert [u["UserName"] for u in iam.get_group(GroupName="staff")["Users"]] == ["frank"]
    assert len(iam.list_access_keys(UserName="frank")["AccessKeyMetadata"]) == 1


def test_usercreate_of_an_existing_user_alone_is_still_an_error(home: Home, iam: Any) -> None:
    iam.create_user(UserName="frank")
    assert "(EntityAlreadyExists)" in one_error_line(home.run("usercreate", "frank"), "usercreate")


# --- concurrency ---------------------------------------------------------------------------------


def spawn(home: Home, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    from tests.conftest import BIN

    return subprocess.Popen(
        [str(BIN / f"euare-{args[0]}"), *args[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**home.env, **(env or {})},
    )


def test_twenty_processes_under_heavy_throttling_all_finish(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_group(GroupName="crowd")
    proxy.faults["*"] = Fault("throttle", count=None, first_only=True)
    procs = [
        spawn(
            proxied_home, "usercreate", f"user{i:02d}", "-g", "crowd", env={"AWS_MAX_ATTEMPTS": "5"}
        )
        for i in range(20)
    ]
    results = [(p.wait(timeout=180), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in results] == [0] * 20, results
    members = {u["UserName"] for u in iam.get_group(GroupName="crowd")["Users"]}
    assert members == {f"user{i:02d}" for i in range(20)}
    assert proxy.faults["*"].hits >= 40


def test_two_concurrent_userdel_r_one_wins_the_other_says_so(home: Home, iam: Any) -> None:
    _user(iam)
    procs = [spawn(home, "userdel", "-r", "carol") for _ in range(2)]
    outcomes = []
    for p in procs:
        _out, err = p.communicate(timeout=120)
        outcomes.append((p.returncode, err))
    assert sorted(code for code, _ in outcomes)[0] == 0
    for code, err in outcomes:
        assert "Traceback" not in err
        if code:
            lines = err.splitlines()
            assert code == 1 and len(lines) == 1
            assert "(NoSuchEntity)" in lines[0] or "(DeleteConflict)" in lines[0]
    assert iam.list_users()["Users"] == []
