"""Each issue-2 verb: flags, positional and dummy-flag forms, printed output, effect on IAM."""

from __future__ import annotations

import json
import stat
from typing import Any

import pytest

from tests.conftest import Home, boto_client, one_error_line


@pytest.mark.parametrize("form", [["alice"], ["-u", "alice"], ["--user-name", "alice"]])
def test_usercreate_accepts_positional_and_dummy_flag(
    home: Home, iam: Any, form: list[str]
) -> None:
    assert home.run("usercreate", *form).returncode == 0
    assert iam.get_user(UserName="alice")["User"]["UserName"] == "alice"


def test_usercreate_prints_nothing_by_default(home: Home, iam: Any) -> None:
    result = home.run("usercreate", "alice", "-p", "/staff/")
    assert (result.returncode, result.stdout) == (0, "")
    assert iam.get_user(UserName="alice")["User"]["Path"] == "/staff/"


def test_usercreate_v_k_prints_arn_id_key_secret(home: Home, iam: Any) -> None:
    result = home.run("usercreate", "alice", "-v", "-k")
    user = iam.get_user(UserName="alice")["User"]
    key = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"][0]["AccessKeyId"]
    assert result.lines[:3] == [user["Arn"], user["UserId"], key]
    assert len(result.lines) == 4 and len(result.lines[3]) >= 20


def test_usercreate_w_prints_a_working_iamrc(home: Home, iam: Any) -> None:
    result = home.run("usercreate", "alice", "-w")
    assert [line.split("=")[0] for line in result.lines] == ["AWSAccessKeyId", "AWSSecretKey"]
    home.write("alice.iamrc", result.stdout)
    who = home.run("usergetattributes", env={"AWS_CREDENTIAL_FILE": str(home.path / "alice.iamrc")})
    assert who.returncode == 0, who.stderr
    key_id = result.lines[0].split("=", 1)[1]
    assert iam.list_access_keys(UserName="alice")["AccessKeyMetadata"][0]["AccessKeyId"] == key_id


def test_usercreate_v_and_w_are_exclusive(home: Home, iam: Any) -> None:
    result = home.run("usercreate", "alice", "-v", "-w")
    assert result.returncode == 2
    assert "cannot be used together" in result.stderr
    assert iam.list_users()["Users"] == []


def test_usergetattributes_takes_a_name(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    bob = iam.get_user(UserName="bob")["User"]
    assert home.run("usergetattributes", "-u", "bob").lines == [bob["Arn"], bob["UserId"]]


def test_userlistbypath_filters_by_prefix(home: Home, iam: Any) -> None:
    iam.create_user(UserName="a", Path="/eng/")
    iam.create_user(UserName="b", Path="/ops/")
    result = home.run("userlistbypath", "-p", "/eng/")
    assert result.lines == [iam.get_user(UserName="a")["User"]["Arn"]]


def test_access_key_lifecycle(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    added = home.run("useraddkey", "bob")
    key_id, _secret = added.lines
    assert [
        k["AccessKeyId"] for k in iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    ] == [key_id]
    assert home.run("userlistkeys", "bob").lines == [key_id, "Active"]
    assert home.run("usermodkey", key_id, "-u", "bob", "-s", "Inactive").returncode == 0
    assert iam.list_access_keys(UserName="bob")["AccessKeyMetadata"][0]["Status"] == "Inactive"
    assert home.run("usermodkey", "-k", key_id, "-u", "bob", "--status", "active").returncode == 0
    assert iam.list_access_keys(UserName="bob")["AccessKeyMetadata"][0]["Status"] == "Active"
    assert home.run("userdelkey", key_id, "-u", "bob").returncode == 0
    assert iam.list_access_keys(UserName="bob")["AccessKeyMetadata"] == []


def test_useraddkey_w_is_an_iamrc(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    result = home.run("useraddkey", "-u", "bob", "-w")
    key = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"][0]["AccessKeyId"]
    assert result.lines[0] == f"AWSAccessKeyId={key}"
    assert result.lines[1].startswith("AWSSecretKey=")


@pytest.mark.both
def test_login_profile_from_stdin_never_echoed(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    result = home.run("useraddloginprofile", "bob", input="Stdin-Passw0rd!\n")
    assert result.returncode == 0, result.stderr
    assert "Stdin-Passw0rd!" not in result.stdout + result.stderr
    assert iam.get_login_profile(UserName="bob")["LoginProfile"]["UserName"] == "bob"


@pytest.mark.both
def test_login_profile_without_password_on_empty_stdin_fails_cleanly(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    line = one_error_line(home.run("useraddloginprofile", "bob", input=""), "useraddloginprofile")
    assert "no password given" in line


def test_userdelloginprofile(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Bob-Passw0rd!")
    assert home.run("userdelloginprofile", "-u", "bob").returncode == 0
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName="bob")


def test_groupcreate_verbose_and_path(home: Home, iam: Any) -> None:
    result = home.run("groupcreate", "-g", "ops", "-p", "/teams/", "-v")
    group = iam.get_group(GroupName="ops")["Group"]
    assert result.lines == [group["Arn"], group["GroupId"]]
    assert group["Path"] == "/teams/"


def test_grouplistusers_format(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="ops")
    iam.create_user(UserName="bob")
    iam.add_user_to_group(GroupName="ops", UserName="bob")
    lines = home.run("grouplistusers", "ops").lines
    assert lines == [
        iam.get_group(GroupName="ops")["Group"]["Arn"],
        "   users",
        "   " + iam.get_user(UserName="bob")["User"]["Arn"],
    ]


def test_groupadduser_and_groupremoveuser_repeatable(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="ops")
    for name in ("a", "b", "c"):
        iam.create_user(UserName=name)
        assert home.run("groupadduser", "ops", "-u", name).returncode == 0
    assert home.run("groupremoveuser", "-g", "ops", "-u", "a", "-u", "c").returncode == 0
    assert [u["UserName"] for u in iam.get_group(GroupName="ops")["Users"]] == ["b"]


def test_groupaddpolicy_one_statement_per_resource(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="ops")
    result = home.run(
        "groupaddpolicy",
        "ops",
        "-p",
        "p1",
        "-e",
        "deny",
        "-a",
        "ec2:*",
        "-a",
        "s3:Get*",
        "-r",
        "arn:aws:s3:::a",
        "-r",
        "arn:aws:s3:::b",
    )
    assert (result.returncode, result.stdout) == (0, "")
    doc = iam.get_group_policy(GroupName="ops", PolicyName="p1")["PolicyDocument"]
    assert doc["Version"] == "2012-10-17"
    assert [s["Resource"] for s in doc["Statement"]] == ["arn:aws:s3:::a", "arn:aws:s3:::b"]
    assert all(
        s["Action"] == ["ec2:*", "s3:Get*"] and s["Effect"] == "Deny" for s in doc["Statement"]
    )
    assert len({s["Sid"] for s in doc["Statement"]}) == 2


@pytest.mark.parametrize("how", ["file", "stdin", "inline"])
def test_groupuploadpolicy_sources(home: Home, iam: Any, how: str) -> None:
    iam.create_group(GroupName="ops")
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}],
    }
    text = json.dumps(document, indent=2)
    path = home.write("policy.json", text)
    args = {"file": ["-f", str(path)], "stdin": ["-f", "-"], "inline": ["-o", text]}[how]
    result = home.run(
        "groupuploadpolicy", "ops", "-p", "up", *args, input=text if how == "stdin" else None
    )
    assert result.returncode == 0, result.stderr
    assert iam.get_group_policy(GroupName="ops", PolicyName="up")["PolicyDocument"] == document


def test_groupuploadpolicy_bad_json_names_line_and_column(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="ops")
    path = home.write("bad.json", '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}')
    line = one_error_line(
        home.run("groupuploadpolicy", "ops", "-p", "x", "-f", str(path)),
        "groupuploadpolicy",
        status=2,
    )
    assert "line 3 column" in line
    assert iam.list_group_policies(GroupName="ops")["PolicyNames"] == []


def test_groupuploadpolicy_missing_file_is_one_line(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="ops")
    line = one_error_line(
        home.run("groupuploadpolicy", "ops", "-p", "x", "-f", "/nonexistent"), "groupuploadpolicy"
    )
    assert "/nonexistent" in line


def test_groupuploadpolicy_needs_exactly_one_source(home: Home) -> None:
    result = home.run("groupuploadpolicy", "ops", "-p", "x")
    assert result.returncode == 2
    assert "one of -o/--policy-content, -f/--policy-document is required" in result.stderr


def test_account_alias_lifecycle(home: Home, iam: Any) -> None:
    assert home.run("accountaliascreate", "my-corp").returncode == 0
    assert iam.list_account_aliases()["AccountAliases"] == ["my-corp"]
    assert home.run("accountaliaslist").lines == ["Alias: my-corp"]
    assert home.run("accountaliasdelete", "-a", "my-corp").returncode == 0
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_json_and_table_formats(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    user = iam.get_user(UserName="bob")["User"]
    listed = json.loads(home.run("userlistbypath", "--format", "json").stdout)
    assert listed == [{**user, "CreateDate": user["CreateDate"].strftime("%Y-%m-%dT%H:%M:%SZ")}], (
        "every field IAM gave, dates in ISO 8601 UTC"
    )
    table = home.run("userlistbypath", "--format", "table").lines
    assert table[0].split() == ["UserName", "UserId", "Path", "CreateDate"]
    assert table[-1].split()[:3] == ["bob", user["UserId"], "/"]


def test_front_door_runs_verbs(home: Home, iam: Any) -> None:
    assert home.run("euare", "usercreate", "zed").returncode == 0
    assert iam.get_user(UserName="zed")["User"]["UserName"] == "zed"


def test_flags_override_files(home: Home, iam: Any, tmp_path: Any) -> None:
    """-U beats the .eucarc endpoint: pointing .eucarc nowhere still works with -U."""
    home.write(".eucarc", "export EUARE_URL=http://127.0.0.1:9/\n")
    result = home.run("usercreate", "via-flag", "-U", home.url)
    assert result.returncode == 0, result.stderr
    assert boto_client(home.url).get_user(UserName="via-flag")["User"]["UserName"] == "via-flag"
    assert stat.S_IMODE((home.path / ".iamrc").stat().st_mode) == 0o600
