"""The sandbox's UpdateUser and UpdateGroup (euare.sandbox.model.moves; docs/sandbox.md): a user
or group renamed or moved with the installed euare-usermod / euare-groupmod keeps everything it
holds, read back with boto3 under its new name and path, as IAM keeps it ("Rename an IAM user",
"Rename an IAM user group"); a name in use is EntityAlreadyExists. And UpdateRole, which moto
already does as IAM, keeps what a role holds."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Home, one_error_line
from tests.support.certs import self_signed, ssh_public_key

POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
)
TAGS = [{"Key": "team", "Value": "a"}, {"Key": "cost", "Value": "42"}]


def code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def holding_everything(iam: Any, user: str, path: str = "/") -> dict[str, str]:
    """A user with one of everything a user holds; the IDs of what it holds."""
    arn = iam.create_policy(PolicyName="edge", PolicyDocument=POLICY)["Policy"]["Arn"]
    made = iam.create_user(UserName=user, Path=path, Tags=TAGS, PermissionsBoundary=arn)["User"]
    key = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    iam.create_login_profile(UserName=user, Password="Erin-Passw0rd!")
    cert = iam.upload_signing_certificate(UserName=user, CertificateBody=self_signed()[0])
    ssh = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=ssh_public_key())
    iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user}-mfa")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=serial["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.put_user_policy(UserName=user, PolicyName="own", PolicyDocument=POLICY)
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.create_group(GroupName="staff")
    iam.add_user_to_group(GroupName="staff", UserName=user)
    return {
        "id": made["UserId"],
        "policy": arn,
        "key": key,
        "cert": cert["Certificate"]["CertificateId"],
        "ssh": ssh["SSHPublicKey"]["SSHPublicKeyId"],
    }


def holds_everything(iam: Any, user: str, path: str, held: dict[str, str]) -> None:
    """``user`` (at ``path``) holds all :func:`holding_everything` gave it, each naming it."""
    got = iam.get_user(UserName=user)["User"]
    assert (got["UserId"], got["Path"]) == (held["id"], path)
    assert got["Arn"].endswith(f":user{path}{user}")
    assert got["PermissionsBoundary"]["PermissionsBoundaryArn"] == held["policy"]
    assert sorted(iam.list_user_tags(UserName=user)["Tags"], key=str) == sorted(TAGS, key=str)
    assert got.get("Tags", []) == iam.list_user_tags(UserName=user)["Tags"]
    keys = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["UserName"]) for k in keys] == [(held["key"], user)]
    assert iam.get_access_key_last_used(AccessKeyId=held["key"])["UserName"] == user
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["UserName"] == user
    certs = iam.list_signing_certificates(UserName=user)["Certificates"]
    assert [(c["CertificateId"], c["UserName"]) for c in certs] == [(held["cert"], user)]
    ssh = iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]
    assert [(k["SSHPublicKeyId"], k["UserName"]) for k in ssh] == [(held["ssh"], user)]
    one = iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=held["ssh"], Encoding="SSH")
    assert one["SSHPublicKey"]["UserName"] == user
    creds = iam.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]
    assert [c["UserName"] for c in creds] == [user]
    assert [d["UserName"] for d in iam.list_mfa_devices(UserName=user)["MFADevices"]] == [user]
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == ["own"]
    attached = iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
    assert [a["PolicyArn"] for a in attached] == [held["policy"]]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == ["staff"]
    assert [u["UserName"] for u in iam.get_group(GroupName="staff")["Users"]] == [user]
    listed = iam.get_account_authorization_details(Filter=["User"])["UserDetailList"]
    details = [d for d in listed if d["UserId"] == held["id"]]
    assert [(d["UserName"], d["Path"]) for d in details] == [(user, path)]
    assert sorted(details[0]["Tags"], key=str) == sorted(TAGS, key=str)


@pytest.mark.parametrize(
    ("args", "name", "path"),
    [
        (["-n", "alice.smith"], "alice.smith", "/people/"),
        (["-p", "/moved/"], "alice", "/moved/"),
        (["-n", "alice.smith", "-p", "/moved/"], "alice.smith", "/moved/"),
    ],
    ids=["renamed", "moved", "both"],
)
def test_usermod_keeps_everything_the_user_holds(
    home: Home, iam: Any, args: list[str], name: str, path: str
) -> None:
    held = holding_everything(iam, "alice", "/people/")
    done = home.run("usermod", "alice", *args)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    holds_everything(iam, name, path, held)
    if name != "alice":
        with pytest.raises(ClientError) as gone:
            iam.get_user(UserName="alice")
        assert code(gone) == "NoSuchEntity"


def test_a_user_made_where_a_moved_one_was_holds_nothing_of_it(iam: Any) -> None:
    iam.create_user(UserName="alice", Tags=TAGS)
    iam.update_user(UserName="alice", NewPath="/moved/")
    iam.update_user(UserName="alice", NewUserName="alice.smith")
    iam.create_user(UserName="alice")
    assert iam.list_user_tags(UserName="alice")["Tags"] == []
    assert "Tags" not in iam.get_user(UserName="alice")["User"]
    assert len(iam.list_user_tags(UserName="alice.smith")["Tags"]) == 2


def test_a_name_in_use_is_entity_already_exists_and_nobody_changes(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice", Tags=TAGS)
    bob = iam.create_user(UserName="bob", Tags=[{"Key": "who", "Value": "bob"}])["User"]
    line = one_error_line(home.run("usermod", "alice", "-n", "bob"), "usermod")
    assert "(EntityAlreadyExists)" in line and "bob" in line
    with pytest.raises(ClientError) as taken:
        iam.update_user(UserName="alice", NewUserName="bob", NewPath="/x/")
    assert code(taken) == "EntityAlreadyExists"
    assert taken.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert iam.get_user(UserName="bob")["User"]["UserId"] == bob["UserId"]
    assert iam.list_user_tags(UserName="bob")["Tags"] == [{"Key": "who", "Value": "bob"}]
    assert iam.get_user(UserName="alice")["User"]["Path"] == "/"
    assert len(iam.list_user_tags(UserName="alice")["Tags"]) == 2


def test_no_such_user_is_no_such_entity(home: Home, iam: Any) -> None:
    line = one_error_line(home.run("usermod", "nobody", "-p", "/x/"), "usermod")
    assert "(NoSuchEntity)" in line
    line = one_error_line(home.run("groupmod", "nogroup", "-p", "/x/"), "groupmod")
    assert "(NoSuchEntity)" in line


@pytest.mark.parametrize("old_name_taken", [False, True], ids=["old-name-free", "old-name-taken"])
def test_a_renamed_users_key_is_deleted_and_then_the_user(
    home: Home, iam: Any, old_name_taken: bool
) -> None:
    """moto finds a key's user by the name the key was made under: after a rename it left the
    key on the user, which could then never be deleted (userdel -r: DeleteConflict)."""
    held = holding_everything(iam, "alice")
    second = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.update_user(UserName="alice", NewUserName="alice.smith", NewPath="/moved/")
    if old_name_taken:
        iam.create_user(UserName="alice", Tags=[{"Key": "new", "Value": "one"}])
        theirs = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    done = home.run("userdelkey", second, "-u", "alice.smith")
    assert done.returncode == 0, done.stderr
    keys = iam.list_access_keys(UserName="alice.smith")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [held["key"]]
    holds_everything(iam, "alice.smith", "/moved/", held)
    if old_name_taken:
        got = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
        assert [(k["AccessKeyId"], k["UserName"]) for k in got] == [(theirs, "alice")]
        assert iam.list_user_tags(UserName="alice")["Tags"] == [{"Key": "new", "Value": "one"}]
    done = home.run("userdel", "-r", "alice.smith")
    assert done.returncode == 0, done.stderr
    names = [u["UserName"] for u in iam.list_users()["Users"]]
    assert names == (["alice"] if old_name_taken else [])


def test_groupmod_moves_a_group_that_keeps_everything(home: Home, iam: Any) -> None:
    arn = iam.create_policy(PolicyName="edge", PolicyDocument=POLICY)["Policy"]["Arn"]
    group = iam.create_group(GroupName="ops")["Group"]
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="ops", UserName="alice")
    iam.put_group_policy(GroupName="ops", PolicyName="own", PolicyDocument=POLICY)
    iam.attach_group_policy(GroupName="ops", PolicyArn=arn)
    for args, name, path in (
        (["-p", "/team/"], "ops", "/team/"),
        (["-n", "operators"], "operators", "/team/"),
        (["-n", "ops", "-p", "/"], "ops", "/"),
    ):
        done = home.run("groupmod", group["GroupName"], *args)
        assert (done.returncode, done.stderr) == (0, ""), args
        got = iam.get_group(GroupName=name)
        assert (got["Group"]["GroupId"], got["Group"]["Path"]) == (group["GroupId"], path)
        assert got["Group"]["Arn"].endswith(f":group{path}{name}")
        assert [u["UserName"] for u in got["Users"]] == ["alice"]
        assert iam.list_group_policies(GroupName=name)["PolicyNames"] == ["own"]
        attached = iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"]
        assert [a["PolicyArn"] for a in attached] == [arn]
        assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == [
            name
        ]
        assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == [name]
        group = got["Group"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1


def test_groupmod_onto_a_name_in_use_is_entity_already_exists(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="ops")
    iam.create_group(GroupName="devs", Path="/d/")
    line = one_error_line(home.run("groupmod", "ops", "-n", "devs", "-p", "/x/"), "groupmod")
    assert "(EntityAlreadyExists)" in line
    paths = {g["GroupName"]: g["Path"] for g in iam.list_groups()["Groups"]}
    assert paths == {"ops": "/", "devs": "/d/"}


def test_rolemod_keeps_everything_the_role_holds(home: Home, iam: Any) -> None:
    arn = iam.create_policy(PolicyName="edge", PolicyDocument=POLICY)["Policy"]["Arn"]
    role = iam.create_role(
        RoleName="app",
        Path="/svc/",
        AssumeRolePolicyDocument=TRUST,
        Tags=TAGS,
        PermissionsBoundary=arn,
        Description="before",
    )["Role"]
    iam.put_role_policy(RoleName="app", PolicyName="own", PolicyDocument=POLICY)
    iam.attach_role_policy(RoleName="app", PolicyArn=arn)
    iam.create_instance_profile(InstanceProfileName="web")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="app")
    for args in (["--description", "after"], ["--max-session-duration", "7200"]):
        done = home.run("rolemod", "app", *args)
        assert (done.returncode, done.stderr) == (0, ""), args
    got = iam.get_role(RoleName="app")["Role"]
    assert (got["RoleId"], got["Arn"], got["Path"]) == (role["RoleId"], role["Arn"], "/svc/")
    assert (got["Description"], got["MaxSessionDuration"]) == ("after", 7200)
    assert got["PermissionsBoundary"]["PermissionsBoundaryArn"] == arn
    assert got["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"
    }
    assert sorted(iam.list_role_tags(RoleName="app")["Tags"], key=str) == sorted(TAGS, key=str)
    assert iam.list_role_policies(RoleName="app")["PolicyNames"] == ["own"]
    attached = iam.list_attached_role_policies(RoleName="app")["AttachedPolicies"]
    assert [a["PolicyArn"] for a in attached] == [arn]
    profiles = iam.list_instance_profiles_for_role(RoleName="app")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in profiles] == ["web"]
