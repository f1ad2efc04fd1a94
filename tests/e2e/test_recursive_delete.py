"""userdel -r / groupdel -r remove everything AWS requires removed; -p lists it all and changes
nothing. Entities carry every kind of attachment moto supports (moto has no service-specific
credentials API; an endpoint without it counts as having none)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.certs import self_signed, ssh_public_key
from tests.support.documents import USER_DELETE_STEPS
from tests.support.output import sections
from tests.support.proxy import Fault, iam_error

POLICY = (
    '{"Version": "2012-10-17", '
    '"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
)


@pytest.fixture
def loaded_user(iam: Any) -> dict[str, str]:
    """A user 'carol' holding one of everything."""
    iam.create_user(UserName="carol")
    key = iam.create_access_key(UserName="carol")["AccessKey"]["AccessKeyId"]
    cert = iam.upload_signing_certificate(UserName="carol", CertificateBody=self_signed()[0])
    ssh = iam.upload_ssh_public_key(UserName="carol", SSHPublicKeyBody=ssh_public_key())
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol-mfa")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="carol",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.create_login_profile(UserName="carol", Password="Carol-Passw0rd!")
    iam.put_user_policy(UserName="carol", PolicyName="inline-s3", PolicyDocument=POLICY)
    managed = iam.create_policy(PolicyName="managed-s3", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="carol", PolicyArn=managed)
    iam.create_group(GroupName="staff")
    iam.add_user_to_group(UserName="carol", GroupName="staff")
    return {
        "key": key,
        "cert": cert["Certificate"]["CertificateId"],
        "ssh": ssh["SSHPublicKey"]["SSHPublicKeyId"],
        "mfa": serial,
        "managed": managed,
        "group": iam.get_group(GroupName="staff")["Group"]["Arn"],
    }


def test_userdel_p_lists_every_attachment_grouped(home: Home, loaded_user: dict[str, str]) -> None:
    result = home.run("userdel", "-p", "carol")
    assert result.returncode == 0, result.stderr
    assert sections(result.lines) == {
        "accesskeys": [loaded_user["key"]],
        "policies": ["inline-s3"],
        "certificates": [loaded_user["cert"]],
        "groups": [loaded_user["group"]],
        "attachedpolicies": [loaded_user["managed"]],
        "mfadevices": [loaded_user["mfa"]],
        "sshkeys": [loaded_user["ssh"]],
        "servicecredentials": [],
        "loginprofile": ["carol"],
    }


def test_userdel_p_json_gives_iam_s_items_whole(home: Home, loaded_user: dict[str, str]) -> None:
    import json

    result = home.run("userdel", "-p", "carol", "--format", "json")
    assert result.returncode == 0, result
    found = json.loads(result.stdout)
    assert [k["AccessKeyId"] for k in found["accesskeys"]] == [loaded_user["key"]]
    assert found["accesskeys"][0]["Status"] == "Active"
    assert [c["CertificateId"] for c in found["certificates"]] == [loaded_user["cert"]]
    assert [g["Arn"] for g in found["groups"]] == [loaded_user["group"]]
    assert found["policies"] == ["inline-s3"]


def test_userdel_p_changes_nothing(home: Home, iam: Any, loaded_user: dict[str, str]) -> None:
    home.run("userdel", "-p", "carol")
    assert iam.get_user(UserName="carol")["User"]["UserName"] == "carol"
    assert len(iam.list_access_keys(UserName="carol")["AccessKeyMetadata"]) == 1
    assert len(iam.list_mfa_devices(UserName="carol")["MFADevices"]) == 1


def test_userdel_r_removes_everything_and_the_user(
    home: Home, iam: Any, loaded_user: dict[str, str]
) -> None:
    result = home.run("userdel", "-r", "carol")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert [u["UserName"] for u in iam.list_users()["Users"]] == []
    virtual = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert loaded_user["mfa"] not in [d["SerialNumber"] for d in virtual]
    assert iam.get_group(GroupName="staff")["Users"] == []
    assert iam.get_policy(PolicyArn=loaded_user["managed"])["Policy"]["AttachmentCount"] == 0


def test_userdel_without_r_refuses_a_user_with_policies(
    home: Home, loaded_user: dict[str, str], iam: Any
) -> None:
    result = home.run("userdel", "carol")
    assert "(DeleteConflict)" in one_error_line(result, "userdel")
    assert iam.get_user(UserName="carol")["User"]["UserName"] == "carol"


@pytest.fixture
def loaded_group(iam: Any) -> str:
    iam.create_group(GroupName="ops")
    for name in ("dave", "erin"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(UserName=name, GroupName="ops")
    iam.put_group_policy(GroupName="ops", PolicyName="inline-ops", PolicyDocument=POLICY)
    managed = iam.create_policy(PolicyName="ops-managed", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="ops", PolicyArn=managed)
    return str(managed)


def test_groupdel_p_lists_members_and_policies(home: Home, iam: Any, loaded_group: str) -> None:
    result = home.run("groupdel", "-p", "-g", "ops")
    assert result.returncode == 0, result.stderr
    users = sorted(u["Arn"] for u in iam.get_group(GroupName="ops")["Users"])
    found = sections(result.lines)
    assert sorted(found.pop("users")) == users
    assert found == {"policies": ["inline-ops"], "attachedpolicies": [loaded_group]}
    assert iam.get_group(GroupName="ops")["Group"]["GroupName"] == "ops"


def test_groupdel_r_removes_members_policies_and_group(
    home: Home, iam: Any, loaded_group: str
) -> None:
    result = home.run("groupdel", "-r", "ops")
    assert result.returncode == 0, result.stderr
    assert iam.list_groups()["Groups"] == []
    assert iam.list_groups_for_user(UserName="dave")["Groups"] == []
    assert iam.get_policy(PolicyArn=loaded_group)["Policy"]["AttachmentCount"] == 0


def test_userdel_r_sends_every_removal_the_api_requires(
    proxied_home: Home, proxy: Any, loaded_user: dict[str, str]
) -> None:
    """moto deletes a user with keys, certificates or MFA devices anyway; AWS does not. So the
    calls themselves are checked, as the proxy saw them on the wire."""
    assert proxied_home.run("userdel", "-r", "carol").returncode == 0
    sent = [a for a in proxy.actions if not a.startswith(("List", "Get"))]
    assert sorted(sent[:-1]) == sorted(USER_DELETE_STEPS[:-1])
    assert sent[-1] == "DeleteUser"
    assert sent.index("DeactivateMFADevice") < sent.index("DeleteVirtualMFADevice")


def _held(iam: Any, verb: str) -> str:
    """Make an entity that ``verb`` cannot delete without -r (a thing it holds); its name."""
    from tests.support.documents import DOC as POLICY
    from tests.support.documents import TRUST

    if verb in ("userdel", "groupdel"):
        iam.create_user(UserName="held")
        iam.create_group(GroupName="held")
        iam.add_user_to_group(UserName="held", GroupName="held")
        return "held"
    if verb == "roledel":
        iam.create_role(RoleName="held", AssumeRolePolicyDocument=TRUST)
        iam.put_role_policy(RoleName="held", PolicyName="p", PolicyDocument=POLICY)
        return "held"
    if verb == "instanceprofiledel":
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
        iam.create_instance_profile(InstanceProfileName="held")
        iam.add_role_to_instance_profile(InstanceProfileName="held", RoleName="r")
        return "held"
    arn: str = iam.create_policy(PolicyName="held", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_user(UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=arn)
    return arn


@pytest.mark.parametrize(
    ("verb", "flag"),
    [
        ("userdel", "-r"),
        ("groupdel", "-r"),
        ("roledel", "-c"),
        ("policydel", "-r"),
        ("instanceprofiledel", "-r"),
    ],
)
def test_a_delete_conflict_says_how_to_see_and_remove_what_is_in_the_way(
    proxied_home: Home, proxy: Any, iam: Any, verb: str, flag: str
) -> None:
    """moto refuses only some of these deletes (a group with members, a policy still attached
    go through), so IAM's DeleteConflict answer comes from the proxy, once."""
    name = _held(iam, verb)
    operation = {"instanceprofiledel": "DeleteInstanceProfile", "policydel": "DeletePolicy"}.get(
        verb, "Delete" + verb.removesuffix("del").capitalize()
    )
    message = "Cannot delete entity, must remove referenced objects first."
    proxy.faults[operation] = Fault("status", status=409, body=iam_error("DeleteConflict", message))
    line = one_error_line(proxied_home.run(verb, name), verb)
    hint = f"(-p lists what is in the way; {flag} removes it)"
    assert line.endswith(f"error (DeleteConflict): {message} {hint}"), line
    pretend = proxied_home.run(verb, "-p", name)  # what the hint promises
    assert pretend.returncode == 0 and pretend.stdout.strip(), pretend.stderr
    assert proxied_home.run(verb, flag, name).returncode == 0
