"""The JSON shapes docs/output.md promises for the users, keys, rotation, certs, login, mfa and
groups families and the inline-policy verbs of users, groups and roles; and policy documents that
print back exactly as they were uploaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, MotoServer, Result
from tests.support.certs import self_signed
from tests.support.documents import TRUST
from tests.support.rotation import Rotating
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways

JSON = ("--format", "json")

# A document as someone would write it in a file: several lines, tabs, a trailing space, keys in
# no particular order, and text outside ASCII. It must print back exactly like this.
MULTI_LINE = (
    "{\n"
    '    "Statement": [\n'
    "\t{\n"
    '\t  "Resource": "*",  \n'
    '\t  "Action": ["s3:GetObject",\n'
    '\t             "s3:ListBucket"],\n'
    '\t  "Effect": "Allow",\n'
    '\t  "Sid": "Lesen\u00e4"\n'
    "\t}\n"
    "    ],\n"
    '    "Version": "2012-10-17"\n'
    "}"
)


def js(home: Home, verb: str, *args: str) -> Result:
    return home.run(verb, *args, *JSON)


def test_user_verbs(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="staff")
    made = js(home, "usercreate", "bob", "-g", "staff", "-k")
    created = assert_shape(made, "usercreate")
    key = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"][0]
    assert created["User"]["Arn"] == iam.get_user(UserName="bob")["User"]["Arn"]
    assert created["AccessKey"]["AccessKeyId"] == key["AccessKeyId"]
    assert created["AccessKey"]["SecretAccessKey"]  # printed on purpose, as text prints it
    plain = js(home, "usercreate", "carol")
    assert assert_shape(plain, "usercreate")["User"]["UserName"] == "carol"

    got = js(home, "usergetattributes", "bob")
    assert assert_shape(got, "usergetattributes")["UserId"] == created["User"]["UserId"]
    listed = js(home, "userlistbypath")
    assert {u["UserName"] for u in assert_shape(listed, "userlistbypath")} == {"bob", "carol"}
    groups = js(home, "userlistgroups", "bob")
    assert [g["GroupName"] for g in assert_shape(groups, "userlistgroups")] == ["staff"]

    moved = js(home, "usermod", "carol", "-p", "/moved/")
    assert_shape(moved, "usermod")
    assert iam.get_user(UserName="carol")["User"]["Path"] == "/moved/"
    deleted = js(home, "userdel", "carol")
    assert_shape(deleted, "userdel")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["bob"]


def _inline_runs(home: Home, kind: str, owner: str, flag: str) -> dict[str, Result]:
    """Every inline-policy verb of ``kind`` on ``owner``, in JSON; ``flag`` is the -r/-c
    resource flag of its addpolicy."""
    doc = home.write("doc.json", MULTI_LINE)
    return {
        "add": js(
            home, f"{kind}addpolicy", owner, "-p", "built", "-e", "Allow", "-a", "s3:*", flag, "*"
        ),
        "upload": js(home, f"{kind}uploadpolicy", owner, "-p", "file", "-f", str(doc)),
        "get": js(home, f"{kind}getpolicy", owner, "-p", "file"),
        "list": js(home, f"{kind}listpolicies", owner),
        "list -v": js(home, f"{kind}listpolicies", owner, "-v"),
        "del": js(home, f"{kind}delpolicy", owner, "-p", "built"),
    }


def verbose_listing(result: Result) -> Any:
    """``*listpolicies -v``: each item is Get*Policy's answer (docs/output.md, below users)."""
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _check_inline(runs: dict[str, Any], kind: str, owner: str) -> None:
    """What the inline-policy verbs printed, beyond their shapes."""
    name = f"{kind.capitalize()}Name"
    assert runs["add"][name] == owner and runs["add"]["PolicyName"] == "built"
    assert runs["add"]["PolicyDocument"]["Statement"][0]["Action"] == ["s3:*"]
    assert runs["get"]["PolicyDocument"]["Statement"][0]["Sid"] == "Lesen\u00e4"
    assert runs["list"] == ["built", "file"]
    assert [p["PolicyName"] for p in runs["list -v"]] == ["built", "file"]
    assert all(p[name] == owner for p in runs["list -v"])


def test_user_inline_policy_verbs(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    runs = _inline_runs(home, "user", "bob", "-r")
    shown = {
        "add": assert_shape(runs["add"], "useraddpolicy"),
        "get": assert_shape(runs["get"], "usergetpolicy"),
        "list": assert_shape(runs["list"], "userlistpolicies"),
        "list -v": verbose_listing(runs["list -v"]),
    }
    assert_shape(runs["upload"], "useruploadpolicy")
    assert_shape(runs["del"], "userdelpolicy")
    _check_inline(shown, "user", "bob")
    assert iam.list_user_policies(UserName="bob")["PolicyNames"] == ["file"]


def test_group_inline_policy_verbs(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="staff")
    runs = _inline_runs(home, "group", "staff", "-r")
    shown = {
        "add": assert_shape(runs["add"], "groupaddpolicy"),
        "get": assert_shape(runs["get"], "groupgetpolicy"),
        "list": assert_shape(runs["list"], "grouplistpolicies"),
        "list -v": verbose_listing(runs["list -v"]),
    }
    assert_shape(runs["upload"], "groupuploadpolicy")
    assert_shape(runs["del"], "groupdelpolicy")
    _check_inline(shown, "group", "staff")
    assert iam.list_group_policies(GroupName="staff")["PolicyNames"] == ["file"]


def test_role_inline_policy_verbs(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)
    runs = _inline_runs(home, "role", "ops", "-c")
    shown = {
        "add": assert_shape(runs["add"], "roleaddpolicy"),
        "get": assert_shape(runs["get"], "rolegetpolicy"),
        "list": assert_shape(runs["list"], "rolelistpolicies"),
        "list -v": verbose_listing(runs["list -v"]),
    }
    assert_shape(runs["upload"], "roleuploadpolicy")
    assert_shape(runs["del"], "roledelpolicy")
    _check_inline(shown, "role", "ops")
    assert iam.list_role_policies(RoleName="ops")["PolicyNames"] == ["file"]


KINDS = {
    "user": (lambda iam: iam.create_user(UserName="e1"), True),
    "group": (lambda iam: iam.create_group(GroupName="e1"), False),
    "role": (lambda iam: iam.create_role(RoleName="e1", AssumeRolePolicyDocument=TRUST), True),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_policy_uploaded_from_a_multi_line_file_prints_back_byte_for_byte(
    home: Home, iam: Any, kind: str
) -> None:
    make, trailer = KINDS[kind]
    make(iam)
    doc = home.write("policy.json", MULTI_LINE)
    up = home.run(f"{kind}uploadpolicy", "e1", "-p", "multi", "-f", str(doc))
    assert up.returncode == 0, up.stderr
    end = "IsTruncated: false\n" if trailer else ""
    assert home.run(f"{kind}getpolicy", "e1", "-p", "multi").stdout == MULTI_LINE + "\n"
    listed = home.run(f"{kind}listpolicies", "e1", "-v")
    assert listed.stdout == f"multi\n{MULTI_LINE}\n{end}"
    only = home.run(f"{kind}listpolicies", "e1", "-v", "-p", "multi")
    assert only.stdout == f"{MULTI_LINE}\n{end}"


def test_key_verbs(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    ran = js(home, "useraddkey", "bob")
    added = assert_shape(ran, "useraddkey")
    assert added["UserName"] == "bob" and added["Status"] == "Active"
    key_id = added["AccessKeyId"]
    ran = js(home, "userlistkeys", "bob")
    listed = assert_shape(ran, "userlistkeys")
    assert [k["AccessKeyId"] for k in listed] == [key_id]
    assert "AccessKeyLastUsed" not in listed[0]
    ran = js(home, "userlistkeys", "bob", "-v")
    verbose = assert_shape(ran, "userlistkeys")
    used = iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]
    assert verbose[0]["AccessKeyLastUsed"]["ServiceName"] == used["ServiceName"]
    assert verbose[0]["AccessKeyLastUsed"]["Region"] == used["Region"]

    modded = js(home, "usermodkey", key_id, "-u", "bob", "-s", "Inactive")
    assert_shape(modded, "usermodkey")
    assert iam.list_access_keys(UserName="bob")["AccessKeyMetadata"][0]["Status"] == "Inactive"
    gone = js(home, "userdelkey", key_id, "-u", "bob")
    assert_shape(gone, "userdelkey")
    assert iam.list_access_keys(UserName="bob")["AccessKeyMetadata"] == []


def test_rotation_prints_the_new_key_without_its_secret(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    rot = Rotating(home, iam, moto_server)
    rotated = home.run("userrotatekey", *JSON)
    shown = assert_shape(rotated, "userrotatekey")
    new_id, new_secret = rot.file_key()
    assert shown["AccessKeyId"] == new_id and shown["UserName"] == "rot"
    assert "SecretAccessKey" not in shown and new_secret not in rotated.stdout


def test_cert_verbs(home: Home, iam: Any, tmp_path: Path) -> None:
    iam.create_user(UserName="bob")
    pem = home.write("cert.pem", self_signed("bob")[0])
    ran = js(home, "useraddcert", "bob", "-f", str(pem))
    added = assert_shape(ran, "useraddcert")
    ran = js(home, "userlistcerts", "bob")
    listed = assert_shape(ran, "userlistcerts")
    assert [c["CertificateId"] for c in listed] == [added["CertificateId"]]
    cid = added["CertificateId"]
    modded = js(home, "usermodcert", cid, "-u", "bob", "-s", "Inactive")
    assert_shape(modded, "usermodcert")
    assert iam.list_signing_certificates(UserName="bob")["Certificates"][0]["Status"] == "Inactive"
    gone = js(home, "userdelcert", cid, "-u", "bob")
    assert_shape(gone, "userdelcert")
    assert iam.list_signing_certificates(UserName="bob")["Certificates"] == []

    made = js(home, "usercreatecert", "bob", "--out", str(tmp_path / "bob.crt"))
    created = assert_shape(made, "usercreatecert")
    assert created["Certificate"]["UserName"] == "bob"
    assert "PRIVATE KEY-----" in created["PrivateKey"] and "CertificateBody" not in created
    both = js(home, "usercreatecert", "bob")
    assert {"Certificate", "CertificateBody", "PrivateKey"} <= set(
        assert_shape(both, "usercreatecert")
    )


def test_login_verbs(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    added = js(home, "useraddloginprofile", "bob", "-p", "Pa55-word-one")
    assert assert_shape(added, "useraddloginprofile")["UserName"] == "bob"
    ran = js(home, "usergetloginprofile", "bob")
    got = assert_shape(ran, "usergetloginprofile")
    assert got["UserName"] == "bob"
    modded = js(home, "usermodloginprofile", "bob", "-p", "Pa55-word-two")
    assert_shape(modded, "usermodloginprofile")
    gone = js(home, "userdelloginprofile", "bob")
    assert_shape(gone, "userdelloginprofile")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName="bob")


def test_mfa_verbs(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    enabled = js(home, "userenablemfadevice", "bob", "-s", serial, "-c1", "123456", "-c2", "234567")
    assert_shape(enabled, "userenablemfadevice")
    ran = js(home, "userlistmfadevices", "bob")
    listed = assert_shape(ran, "userlistmfadevices")
    assert [d["SerialNumber"] for d in listed] == [serial]
    off = js(home, "userdeactivatemfadevice", "bob", "-s", serial)
    assert_shape(off, "userdeactivatemfadevice")
    assert iam.list_mfa_devices(UserName="bob")["MFADevices"] == []


def test_userresyncmfadevice_prints_nothing(home: Home, iam: Any) -> None:
    """ResyncMFADevice is the sandbox's model's (moto has none)."""
    iam.create_user(UserName="bob")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="bob",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    args = ["bob", "-s", serial, "-c1", "123456", "-c2", "234567", *JSON]
    assert_shape(home.run("userresyncmfadevice", *args), "userresyncmfadevice")


def test_group_verbs(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    ran = js(home, "groupcreate", "staff")
    made = assert_shape(ran, "groupcreate")
    assert made["Arn"] == iam.get_group(GroupName="staff")["Group"]["Arn"]
    ran = js(home, "grouplistbypath")
    listed = assert_shape(ran, "grouplistbypath")
    assert [g["GroupName"] for g in listed] == ["staff"]
    joined = js(home, "groupadduser", "staff", "-u", "bob")
    assert_shape(joined, "groupadduser")
    ran = js(home, "grouplistusers", "staff")
    members = assert_shape(ran, "grouplistusers")
    assert members["Group"]["GroupName"] == "staff"
    assert [u["UserName"] for u in members["Users"]] == ["bob"]
    left = js(home, "groupremoveuser", "staff", "-u", "bob")
    assert_shape(left, "groupremoveuser")
    assert iam.get_group(GroupName="staff")["Users"] == []
    renamed = js(home, "groupmod", "staff", "-n", "crew")
    assert_shape(renamed, "groupmod")
    gone = js(home, "groupdel", "crew")
    assert_shape(gone, "groupdel")
    assert iam.list_groups()["Groups"] == []
