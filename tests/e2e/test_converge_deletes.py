"""Recursive deletes converge: a lost answer to any step (the removal took effect, and botocore
sent it again and got NoSuchEntity, or every attempt's answer was lost) counts as done, seen by
looking again, so the command finishes in the same run. A name that never existed is still an
error. Optional probes are retried like every other read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.e2e.test_recursive_delete import loaded_user  # noqa: F401 (a fixture)
from tests.support.documents import DOC, TRUST, USER_DELETE_STEPS
from tests.support.proxy import Fault

USER_STEPS = USER_DELETE_STEPS


def converges(
    home: Home, proxy: Any, args: list[str], action: str, gone: Callable[[], bool]
) -> None:
    """Run ``args`` with ``action``'s answers lost (as set up in ``proxy.faults``): the removal
    took effect, and so the command finishes, in the same run."""
    result = home.run(*args)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert proxy.actions.count(action) >= 1
    assert gone()


@pytest.mark.parametrize("action", USER_STEPS)
@pytest.mark.parametrize("lost", [1, None], ids=["resent", "every-attempt"])
def test_userdel_r_converges_after_a_lost_answer_to_any_step(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    loaded_user: dict[str, str],  # noqa: F811
    action: str,
    lost: int | None,
) -> None:
    proxy.faults[action] = Fault("reset-after", count=lost)
    converges(
        proxied_home,
        proxy,
        ["userdel", "-r", "carol"],
        action,
        lambda: iam.list_users()["Users"] == [],
    )
    virtual = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert loaded_user["mfa"] not in [d["SerialNumber"] for d in virtual]


def test_userdel_r_resent_steps_end_in_exit_0(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    loaded_user: dict[str, str],  # noqa: F811
) -> None:
    """Every removal's first answer lost, botocore's resend answered NoSuchEntity: done."""
    for action in USER_STEPS:
        proxy.faults[action] = Fault("reset-after", count=1)
    result = proxied_home.run("userdel", "-r", "carol")
    assert result.returncode == 0, result.stderr
    assert all(proxy.actions.count(a) == 2 for a in USER_STEPS), proxy.actions
    assert iam.list_users()["Users"] == []


def _group(iam: Any) -> Callable[[], bool]:
    iam.create_group(GroupName="ops")
    iam.create_user(UserName="dave")
    iam.add_user_to_group(UserName="dave", GroupName="ops")
    iam.put_group_policy(GroupName="ops", PolicyName="p", PolicyDocument=DOC)
    arn = iam.create_policy(PolicyName="ops", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="ops", PolicyArn=arn)
    return lambda: iam.list_groups()["Groups"] == []


def _role(iam: Any) -> Callable[[], bool]:
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=DOC)
    arn = iam.create_policy(PolicyName="app", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="app", PolicyArn=arn)
    iam.create_instance_profile(InstanceProfileName="app")
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    return lambda: iam.list_roles()["Roles"] == []


def _policy(iam: Any) -> Callable[[], bool]:
    arn = iam.create_policy(PolicyName="wide", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.create_user(UserName="erin")
    iam.attach_user_policy(UserName="erin", PolicyArn=arn)
    iam.create_group(GroupName="g")
    iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOC)
    return lambda: iam.list_policies(Scope="Local")["Policies"] == []


def _profile(iam: Any) -> Callable[[], bool]:
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=TRUST)
    iam.create_instance_profile(InstanceProfileName="ip")
    iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r1")
    return lambda: iam.list_instance_profiles()["InstanceProfiles"] == []


OTHERS = [
    (_group, ["groupdel", "-r", "ops"], "RemoveUserFromGroup"),
    (_group, ["groupdel", "-r", "ops"], "DeleteGroupPolicy"),
    (_group, ["groupdel", "-r", "ops"], "DetachGroupPolicy"),
    (_group, ["groupdel", "-r", "ops"], "DeleteGroup"),
    (_role, ["roledel", "-c", "app"], "RemoveRoleFromInstanceProfile"),
    (_role, ["roledel", "-c", "app"], "DeleteRolePolicy"),
    (_role, ["roledel", "-c", "app"], "DetachRolePolicy"),
    (_role, ["roledel", "-c", "app"], "DeleteRole"),
    (_policy, ["policydel", "-r", "wide"], "DetachUserPolicy"),
    (_policy, ["policydel", "-r", "wide"], "DetachGroupPolicy"),
    (_policy, ["policydel", "-r", "wide"], "DeletePolicyVersion"),
    (_policy, ["policydel", "-r", "wide"], "DeletePolicy"),
    (_profile, ["instanceprofiledel", "-r", "ip"], "RemoveRoleFromInstanceProfile"),
    (_profile, ["instanceprofiledel", "-r", "ip"], "DeleteInstanceProfile"),
]


@pytest.mark.parametrize(
    ("setup", "args", "action"), OTHERS, ids=[f"{a[0]}-{s}" for _, a, s in OTHERS]
)
@pytest.mark.parametrize("lost", [1, None], ids=["resent", "every-attempt"])
def test_other_recursive_deletes_converge_after_a_lost_answer(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    setup: Callable[[Any], Callable[[], bool]],
    args: list[str],
    action: str,
    lost: int | None,
) -> None:
    gone = setup(iam)
    proxy.faults[action] = Fault("reset-after", count=lost)
    converges(proxied_home, proxy, args, action, gone)


@pytest.mark.parametrize(
    "args",
    [["userdel", "nobody"], ["userdel", "-r", "nobody"], ["groupdel", "-r", "nobody"]],
    ids=["userdel", "userdel-r", "groupdel-r"],
)
def test_deleting_what_never_existed_is_still_an_error(home: Home, args: list[str]) -> None:
    assert "(NoSuchEntity)" in one_error_line(home.run(*args), args[0])


def test_final_delete_that_fails_while_the_user_exists_still_fails(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """The final delete's failure is settled by looking: a user still there keeps the error."""
    iam.create_user(UserName="carol")
    proxy.faults["DeleteUser"] = Fault("status", count=None, status=503)
    line = one_error_line(proxied_home.run("userdel", "-r", "carol"), "userdel")
    assert "(503)" in line or "(ServiceUnavailable)" in line
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["carol"]


# --- optional probes -----------------------------------------------------------------------------


@pytest.mark.parametrize("probe", ["ListServiceSpecificCredentials", "ListSSHPublicKeys"])
def test_throttled_probe_is_retried_and_userdel_r_succeeds(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    loaded_user: dict[str, str],  # noqa: F811
    probe: str,
) -> None:
    """moto lacks service-specific credentials (it answers an HTML 500, which counts as "no such
    API"); a Throttling answer does not count so, and is asked again."""
    proxy.faults[probe] = Fault("throttle", count=1)
    result = proxied_home.run("userdel", "-r", "carol")
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count(probe) == 2
    assert iam.list_users()["Users"] == []


def test_probe_answered_not_implemented_counts_as_none(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """An IAM-compatible cloud without the API (euare-sandbox answers 501 XML) has none."""
    iam.create_user(UserName="carol")
    body = (
        b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
        b"<Type>Sender</Type><Code>NotImplemented</Code><Message>no such API</Message></Error>"
        b"<RequestId>proxy</RequestId></ErrorResponse>"
    )
    proxy.faults["ListServiceSpecificCredentials"] = Fault(
        "status", count=None, status=501, body=body
    )
    result = proxied_home.run("userdel", "-r", "carol")
    assert result.returncode == 0, result.stderr
    assert iam.list_users()["Users"] == []
