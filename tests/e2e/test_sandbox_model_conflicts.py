"""The sandbox's DeleteConflict rules (euare.sandbox.model.conflicts; docs/sandbox.md): a delete
of an entity that still holds something is refused with IAM's message, the same to the
installed euare-* command (without -r) and to boto3, and nothing is deleted. Once what it holds
is gone, the delete goes through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Home, one_error_line
from tests.support.certs import self_signed, ssh_public_key

POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
MFA_CODES = {"AuthenticationCode1": "123456", "AuthenticationCode2": "654321"}


def _mfa(iam: Any, user: str) -> None:
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user}-mfa")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName=user, SerialNumber=serial["SerialNumber"], **MFA_CODES)


def _attached(iam: Any, user: str) -> None:
    arn = iam.create_policy(PolicyName="managed", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)


def _member(iam: Any, user: str) -> None:
    iam.create_group(GroupName="staff")
    iam.add_user_to_group(GroupName="staff", UserName=user)


# What a user may hold, how to give it, and IAM's message for a DeleteUser while it is held.
HOLDINGS: dict[str, tuple[Callable[[Any, str], Any], str]] = {
    "login profile": (
        lambda iam, u: iam.create_login_profile(UserName=u, Password="Erin-Passw0rd!"),
        "Cannot delete entity, must delete login profile first.",
    ),
    "access key": (
        lambda iam, u: iam.create_access_key(UserName=u),
        "Cannot delete entity, must delete access keys first.",
    ),
    "signing certificate": (
        lambda iam, u: iam.upload_signing_certificate(UserName=u, CertificateBody=self_signed()[0]),
        "Cannot delete entity, must delete signing certificates first.",
    ),
    "SSH public key": (
        lambda iam, u: iam.upload_ssh_public_key(UserName=u, SSHPublicKeyBody=ssh_public_key()),
        "Cannot delete entity, must delete SSH public keys first.",
    ),
    "service-specific credential": (
        lambda iam, u: iam.create_service_specific_credential(
            UserName=u, ServiceName="codecommit.amazonaws.com"
        ),
        "Cannot delete entity, must delete service specific credentials first.",
    ),
    "MFA device": (_mfa, "Cannot delete entity, must delete MFA device first."),
    "inline policy": (
        lambda iam, u: iam.put_user_policy(UserName=u, PolicyName="p", PolicyDocument=POLICY),
        "Cannot delete entity, must delete policies first.",
    ),
    "attached policy": (_attached, "Cannot delete entity, must detach all policies first."),
    "group membership": (_member, "Cannot delete entity, must remove users from group first."),
}


def refused_alike(home: Home, verb: str, argument: str, boto_call: Callable[[], Any]) -> str:
    """Run ``euare-VERB ARGUMENT`` and ``boto_call``: both refused with DeleteConflict and the
    same message; return the message."""
    done = home.run(verb, argument)
    line = one_error_line(done, verb)
    assert done.stdout == ""
    with pytest.raises(ClientError) as caught:
        boto_call()
    error = caught.value.response["Error"]
    assert error["Code"] == "DeleteConflict"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert line.startswith(f"euare-{verb}: error (DeleteConflict): {error['Message']}")
    return str(error["Message"])


@pytest.mark.parametrize("held", list(HOLDINGS))
def test_userdel_without_r_refuses_a_user_who_holds_anything(
    home: Home, iam: Any, held: str
) -> None:
    give, message = HOLDINGS[held]
    iam.create_user(UserName="erin")
    give(iam, "erin")
    said = refused_alike(home, "userdel", "erin", lambda: iam.delete_user(UserName="erin"))
    assert said == message
    assert iam.get_user(UserName="erin")["User"]["UserName"] == "erin"


def test_userdel_names_the_first_holding_in_the_order_iam_lists_them(home: Home, iam: Any) -> None:
    """DeleteUser's documented order: login profile, keys, ... group memberships."""
    iam.create_user(UserName="erin")
    for give, _ in HOLDINGS.values():
        give(iam, "erin")
    said = refused_alike(home, "userdel", "erin", lambda: iam.delete_user(UserName="erin"))
    assert said == HOLDINGS["login profile"][1]
    iam.delete_login_profile(UserName="erin")
    said = refused_alike(home, "userdel", "erin", lambda: iam.delete_user(UserName="erin"))
    assert said == HOLDINGS["access key"][1]


def test_userdel_goes_through_once_nothing_is_held(home: Home, iam: Any) -> None:
    iam.create_user(UserName="erin")
    key = iam.create_access_key(UserName="erin")["AccessKey"]["AccessKeyId"]
    assert home.run("userdel", "erin").returncode == 1
    iam.delete_access_key(UserName="erin", AccessKeyId=key)
    done = home.run("userdel", "erin")
    assert done.returncode == 0, done.stderr
    assert "erin" not in [u["UserName"] for u in iam.list_users()["Users"]]


def test_userdel_r_removes_a_service_specific_credential_too(home: Home, iam: Any) -> None:
    iam.create_user(UserName="erin")
    iam.create_service_specific_credential(UserName="erin", ServiceName="codecommit.amazonaws.com")
    done = home.run("userdel", "-r", "erin")
    assert done.returncode == 0, done.stderr
    assert "erin" not in [u["UserName"] for u in iam.list_users()["Users"]]


@pytest.mark.parametrize(
    ("held", "message"),
    [
        ("member", "Cannot delete entity, must remove users from group first."),
        ("inline", "Cannot delete entity, must delete policies first."),
        ("attached", "Cannot delete entity, must detach all policies first."),
    ],
)
def test_groupdel_without_r_refuses_a_group_that_holds_anything(
    home: Home, iam: Any, held: str, message: str
) -> None:
    iam.create_group(GroupName="staff")
    if held == "member":
        iam.create_user(UserName="erin")
        iam.add_user_to_group(GroupName="staff", UserName="erin")
    elif held == "inline":
        iam.put_group_policy(GroupName="staff", PolicyName="p", PolicyDocument=POLICY)
    else:
        arn = iam.create_policy(PolicyName="managed", PolicyDocument=POLICY)["Policy"]["Arn"]
        iam.attach_group_policy(GroupName="staff", PolicyArn=arn)
    said = refused_alike(home, "groupdel", "staff", lambda: iam.delete_group(GroupName="staff"))
    assert said == message
    assert iam.get_group(GroupName="staff")["Group"]["GroupName"] == "staff"


TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
)


@pytest.mark.parametrize(
    ("held", "message"),
    [
        ("profile", "Cannot delete entity, must remove roles from instance profile first."),
        ("inline", "Cannot delete entity, must delete policies first."),
        ("attached", "Cannot delete entity, must detach all policies first."),
    ],
)
def test_roledel_without_c_refuses_a_role_that_holds_anything(
    home: Home, iam: Any, held: str, message: str
) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    if held == "profile":
        iam.create_instance_profile(InstanceProfileName="web")
        iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    elif held == "inline":
        iam.put_role_policy(RoleName="web", PolicyName="p", PolicyDocument=POLICY)
    else:
        arn = iam.create_policy(PolicyName="managed", PolicyDocument=POLICY)["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="web", PolicyArn=arn)
    said = refused_alike(home, "roledel", "web", lambda: iam.delete_role(RoleName="web"))
    assert said == message


def test_policydel_without_r_refuses_an_attached_policy(home: Home, iam: Any) -> None:
    arn = iam.create_policy(PolicyName="managed", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="web", PolicyArn=arn)
    said = refused_alike(home, "policydel", arn, lambda: iam.delete_policy(PolicyArn=arn))
    assert said == "Cannot delete a policy attached to entities."
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn


def test_policydel_without_r_refuses_a_policy_with_other_versions(home: Home, iam: Any) -> None:
    arn = iam.create_policy(PolicyName="managed", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=POLICY, SetAsDefault=True)
    said = refused_alike(home, "policydel", arn, lambda: iam.delete_policy(PolicyArn=arn))
    assert said.startswith("This policy has more than one version.")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    done = home.run("policydel", arn)
    assert done.returncode == 0, done.stderr


def test_instanceprofiledel_without_r_refuses_a_profile_with_a_role(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    iam.create_instance_profile(InstanceProfileName="web")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    said = refused_alike(
        home,
        "instanceprofiledel",
        "web",
        lambda: iam.delete_instance_profile(InstanceProfileName="web"),
    )
    assert said == "Cannot delete entity, must remove roles from instance profile first."


def test_mfadel_refuses_an_assigned_device(home: Home, iam: Any) -> None:
    iam.create_user(UserName="erin")
    _mfa(iam, "erin")
    serial = iam.list_mfa_devices(UserName="erin")["MFADevices"][0]["SerialNumber"]
    said = refused_alike(
        home, "mfadel", serial, lambda: iam.delete_virtual_mfa_device(SerialNumber=serial)
    )
    assert said == "Cannot delete entity, must deactivate MFA device first."
    iam.deactivate_mfa_device(UserName="erin", SerialNumber=serial)
    done = home.run("mfadel", serial)
    assert done.returncode == 0, done.stderr
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Any")["VirtualMFADevices"] == []


@pytest.mark.parametrize(
    ("verb", "call"),
    [
        ("userdel", lambda iam: iam.delete_user(UserName="nobody")),
        ("groupdel", lambda iam: iam.delete_group(GroupName="nobody")),
    ],
)
def test_a_delete_of_nothing_is_no_such_entity_as_from_iam(
    home: Home, iam: Any, verb: str, call: Callable[[Any], Any]
) -> None:
    line = one_error_line(home.run(verb, "nobody"), verb)
    with pytest.raises(ClientError) as caught:
        call(iam)
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    message = caught.value.response["Error"]["Message"]
    assert line.startswith(f"euare-{verb}: error (NoSuchEntity): {message}")
