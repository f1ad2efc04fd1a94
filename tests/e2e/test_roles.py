"""Roles and instance profiles: create, read back, list, modify, delete, recursive delete."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Home, one_error_line

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


def trust_of(iam: Any, role: str) -> Any:
    return iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]


def test_rolecreate_from_service(home: Home, iam: Any) -> None:
    result = home.run("rolecreate", "-r", "web", "-s", "ec2.amazonaws.com", "-p", "/svc/", "-v")
    assert result.returncode == 0, result.stderr
    role = iam.get_role(RoleName="web")["Role"]
    assert result.lines[:2] == [role["Arn"], role["RoleId"]]
    assert json.loads(result.lines[2]) == role["AssumeRolePolicyDocument"]
    assert role["Path"] == "/svc/"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": ["ec2.amazonaws.com"]
    }


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_rolecreate_from_trust_policy(home: Home, iam: Any, how: str) -> None:
    path = home.write("trust.json", json.dumps(TRUST))
    args = ["-f", str(path)] if how == "file" else ["--trust-policy", "-"]
    result = home.run(
        "rolecreate", "fn", *args, input=json.dumps(TRUST) if how == "stdin" else None
    )
    assert result.returncode == 0, result.stderr
    assert trust_of(iam, "fn") == TRUST


def test_rolecreate_refuses_a_bad_trust_policy_before_sending(home: Home, iam: Any) -> None:
    bad = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    path = home.write("bad.json", json.dumps(bad))
    line = one_error_line(home.run("rolecreate", "fn", "-f", str(path)), "rolecreate")
    assert "Statement[0] needs Principal or NotPrincipal" in line
    assert iam.list_roles()["Roles"] == []


def test_rolecreate_needs_one_trust_source(home: Home) -> None:
    result = home.run("rolecreate", "fn", "-s", "a.amazonaws.com", "-f", "x.json")
    assert result.returncode == 2 and "cannot be used together" in result.stderr


def test_rolegetattributes_and_rolelistbypath(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="a", Path="/x/", AssumeRolePolicyDocument=EC2_TRUST)
    iam.create_role(RoleName="b", AssumeRolePolicyDocument=EC2_TRUST)
    role = iam.get_role(RoleName="a")["Role"]
    lines = home.run("rolegetattributes", "a").lines
    assert lines[:2] == [role["Arn"], role["RoleId"]]
    assert json.loads(lines[2]) == role["AssumeRolePolicyDocument"]
    assert home.run("rolelistbypath", "-p", "/x/").lines == [role["Arn"]]


def test_roleupdateassumepolicy(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    result = home.run("roleupdateassumepolicy", "-r", "a", "-s", "lambda.amazonaws.com", "-o")
    assert result.returncode == 0, result.stderr
    assert trust_of(iam, "a") == json.loads(result.stdout)
    assert trust_of(iam, "a")["Statement"][0]["Principal"]["Service"] == ["lambda.amazonaws.com"]


def test_role_inline_policies(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    added = home.run("roleaddpolicy", "a", "-p", "p", "-e", "Allow", "-a", "s3:*", "-c", "*")
    assert added.returncode == 0, added.stderr
    assert home.run("rolelistpolicies", "a").lines == ["p", "IsTruncated: false"]
    got = json.loads(home.run("rolegetpolicy", "a", "-p", "p").stdout)
    assert got == iam.get_role_policy(RoleName="a", PolicyName="p")["PolicyDocument"]
    assert home.run("roledelpolicy", "a", "-p", "p").returncode == 0
    assert iam.list_role_policies(RoleName="a")["PolicyNames"] == []


@pytest.fixture
def loaded_role(iam: Any) -> dict[str, str]:
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=EC2_TRUST)
    iam.create_instance_profile(InstanceProfileName="app-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=DOC)
    managed = iam.create_policy(PolicyName="m", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="app", PolicyArn=managed)
    profile = iam.get_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]
    return {"profile": profile["Arn"], "managed": managed}


def test_roledel_p_lists_and_changes_nothing(
    home: Home, iam: Any, loaded_role: dict[str, str]
) -> None:
    result = home.run("roledel", "app", "-p")
    assert result.lines == [
        "instance profiles",
        f"\t{loaded_role['profile']}",
        "policies",
        "\tinline",
        "attachedpolicies",
        f"\t{loaded_role['managed']}",
    ]
    assert iam.get_role(RoleName="app")["Role"]["RoleName"] == "app"


def test_roledel_c_removes_everything_and_the_role(
    home: Home, iam: Any, loaded_role: dict[str, str]
) -> None:
    result = home.run("roledel", "-r", "app", "-c")
    assert result.returncode == 0, result.stderr
    assert iam.list_roles()["Roles"] == []
    assert (
        iam.get_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]["Roles"]
        == []
    )
    assert iam.get_policy(PolicyArn=loaded_role["managed"])["Policy"]["AttachmentCount"] == 0


def test_roledel_without_c_is_refused_while_attached(
    home: Home, iam: Any, loaded_role: dict[str, str]
) -> None:
    assert "(DeleteConflict)" in one_error_line(home.run("roledel", "app"), "roledel")


def test_instanceprofilecreate_with_new_role_keeps_the_path(home: Home, iam: Any) -> None:
    result = home.run("instanceprofilecreate", "-s", "web", "--create-role", "-p", "/w/", "-v")
    assert result.returncode == 0, result.stderr
    profile = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert result.lines == [profile["Arn"], profile["InstanceProfileId"]]
    assert [r["RoleName"] for r in profile["Roles"]] == ["web"]
    assert iam.get_role(RoleName="web")["Role"]["Path"] == "/w/"


def test_instance_profile_roles(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=EC2_TRUST)
    assert home.run("instanceprofilecreate", "ip", "-r", "r1").returncode == 0
    profile = iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]
    role_arn = iam.get_role(RoleName="r1")["Role"]["Arn"]
    assert home.run("instanceprofilegetattributes", "ip", "-r").lines == [
        profile["Arn"],
        profile["InstanceProfileId"],
        role_arn,
    ]
    assert home.run("instanceprofilelistforrole", "r1").lines == [profile["Arn"]]
    assert home.run("instanceprofilelistbypath").lines == [profile["Arn"]]
    assert home.run("instanceprofileremoverole", "ip", "-r", "r1").returncode == 0
    assert iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]["Roles"] == []
    assert home.run("instanceprofileaddrole", "-s", "ip", "--role-name", "r1").returncode == 0
    assert len(iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]["Roles"]) == 1


def test_instanceprofiledel_p_and_r(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=EC2_TRUST)
    iam.create_instance_profile(InstanceProfileName="ip")
    iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r1")
    role_arn = iam.get_role(RoleName="r1")["Role"]["Arn"]
    assert home.run("instanceprofiledel", "ip", "-p").lines == ["roles", f"\t{role_arn}"]
    assert len(iam.list_instance_profiles()["InstanceProfiles"]) == 1
    assert home.run("instanceprofiledel", "ip", "-r").returncode == 0
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    assert iam.get_role(RoleName="r1")["Role"]["RoleName"] == "r1"


def test_instanceprofilecreate_failure_midway_says_what_was_done(home: Home, iam: Any) -> None:
    line = one_error_line(
        home.run("instanceprofilecreate", "ip", "-r", "no-such-role"), "instanceprofilecreate"
    )
    assert "done: create instance profile ip" in line
    assert "not done: add role no-such-role to ip" in line
