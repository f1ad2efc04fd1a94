"""Managed policies: create, describe, list, versions, attach/detach, recursive delete."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Home, one_error_line

ACCOUNT = "123456789012"


def doc(action: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
        }
    )


def arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


@pytest.mark.parametrize("how", ["file", "stdin", "inline"])
def test_policycreate_sources(home: Home, iam: Any, how: str) -> None:
    path = home.write("p.json", doc("s3:*"))
    args = {"file": ["-f", str(path)], "stdin": ["-f", "-"], "inline": ["-o", doc("s3:*")]}[how]
    result = home.run(
        "policycreate",
        "p1",
        *args,
        "--description",
        "demo",
        "-v",
        input=doc("s3:*") if how == "stdin" else None,
    )
    assert result.returncode == 0, result.stderr
    created = iam.get_policy(PolicyArn=arn("p1"))["Policy"]
    assert result.lines == [created["Arn"], created["PolicyId"]]
    version = iam.get_policy_version(PolicyArn=arn("p1"), VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(doc("s3:*"))


def test_policycreate_refuses_a_bad_document(home: Home, iam: Any) -> None:
    line = one_error_line(home.run("policycreate", "p1", "-o", '{"Statement": []}'), "policycreate")
    assert "non-empty list" in line
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_policygetattributes_and_listbypath(home: Home, iam: Any) -> None:
    iam.create_policy(PolicyName="p1", PolicyDocument=doc("s3:*"), Path="/team/")
    iam.create_policy(PolicyName="p2", PolicyDocument=doc("s3:*"))
    found = iam.get_policy(PolicyArn=arn("team/p1"))["Policy"]
    assert home.run("policygetattributes", "/team/p1").lines == [
        found["Arn"],
        found["PolicyId"],
        "v1",
        "0",
    ]
    assert home.run("policylistbypath", "-p", "/team/").lines == [found["Arn"]]
    assert sorted(home.run("policylistbypath").lines) == sorted([found["Arn"], arn("p2")])
    iam.create_user(UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=arn("p2"))
    assert home.run("policylistbypath", "--only-attached").lines == [arn("p2")]


def test_versions(home: Home, iam: Any) -> None:
    iam.create_policy(PolicyName="p1", PolicyDocument=doc("s3:*"))
    created = home.run("policycreateversion", "p1", "-o", doc("ec2:*"), "--set-as-default")
    assert created.lines == ["v2"]
    assert iam.get_policy(PolicyArn=arn("p1"))["Policy"]["DefaultVersionId"] == "v2"
    assert json.loads(home.run("policygetversion", "p1").stdout) == json.loads(doc("ec2:*"))
    assert json.loads(
        home.run("policygetversion", "p1", "--version-id", "v1").stdout
    ) == json.loads(doc("s3:*"))
    listed = home.run("policylistversions", arn("p1")).lines
    assert sorted(line.split("\t")[:2] for line in listed) == [["v1", "-"], ["v2", "default"]]
    assert home.run("policysetdefaultversion", "p1", "--version-id", "v1").returncode == 0
    assert iam.get_policy(PolicyArn=arn("p1"))["Policy"]["DefaultVersionId"] == "v1"
    assert home.run("policydelversion", "p1", "--version-id", "v2").returncode == 0
    versions = iam.list_policy_versions(PolicyArn=arn("p1"))["Versions"]
    assert [v["VersionId"] for v in versions] == ["v1"]


def test_sixth_version_needs_prune(home: Home, iam: Any) -> None:
    iam.create_policy(PolicyName="p1", PolicyDocument=doc("s3:*"))
    for i in range(4):
        iam.create_policy_version(PolicyArn=arn("p1"), PolicyDocument=doc(f"ec2:Get{i}"))
    line = one_error_line(
        home.run("policycreateversion", "p1", "-o", doc("iam:*")), "policycreateversion"
    )
    assert "already has 5 versions" in line and "--prune" in line and "v2" in line
    assert len(iam.list_policy_versions(PolicyArn=arn("p1"))["Versions"]) == 5
    pruned = home.run("policycreateversion", "p1", "-o", doc("iam:*"), "--prune")
    assert pruned.returncode == 0, pruned.stderr
    ids = {v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn("p1"))["Versions"]}
    assert "v2" not in ids and pruned.lines[0] in ids and len(ids) == 5


@pytest.mark.parametrize(
    ("kind", "create", "param"),
    [
        ("user", "create_user", "UserName"),
        ("group", "create_group", "GroupName"),
        ("role", "create_role", "RoleName"),
    ],
)
def test_attach_list_detach(home: Home, iam: Any, kind: str, create: str, param: str) -> None:
    extra = (
        {
            "AssumeRolePolicyDocument": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            )
        }
        if kind == "role"
        else {}
    )
    getattr(iam, create)(**{param: "e"}, **extra)
    iam.create_policy(PolicyName="p1", PolicyDocument=doc("s3:*"))
    assert home.run(f"{kind}attachpolicy", "e", "-p", "p1").returncode == 0
    attached = getattr(iam, f"list_attached_{kind}_policies")(**{param: "e"})["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn("p1")]
    assert home.run(f"{kind}listattachedpolicies", "e").lines == [arn("p1")]
    assert home.run(f"{kind}detachpolicy", "e", "--policy-arn", arn("p1")).returncode == 0
    assert getattr(iam, f"list_attached_{kind}_policies")(**{param: "e"})["AttachedPolicies"] == []


@pytest.fixture
def attached_policy(iam: Any) -> str:
    iam.create_policy(PolicyName="wide", PolicyDocument=doc("s3:*"))
    iam.create_policy_version(PolicyArn=arn("wide"), PolicyDocument=doc("ec2:*"))
    iam.create_user(UserName="u1")
    iam.attach_user_policy(UserName="u1", PolicyArn=arn("wide"))
    iam.create_group(GroupName="g1")
    iam.attach_group_policy(GroupName="g1", PolicyArn=arn("wide"))
    return arn("wide")


def test_policylistentities(home: Home, attached_policy: str) -> None:
    assert home.run("policylistentities", "wide").lines == [
        "users",
        "\tu1",
        "groups",
        "\tg1",
        "roles",
    ]


def test_policydel_p_lists_and_changes_nothing(home: Home, iam: Any, attached_policy: str) -> None:
    assert home.run("policydel", "wide", "-p").lines == [
        "users",
        "\tu1",
        "groups",
        "\tg1",
        "roles",
        "versions",
        "\tv2",
    ]
    assert iam.get_policy(PolicyArn=attached_policy)["Policy"]["AttachmentCount"] == 2


def test_policydel_r_detaches_deletes_versions_and_policy(
    home: Home, iam: Any, attached_policy: str
) -> None:
    result = home.run("policydel", "-r", attached_policy)
    assert result.returncode == 0, result.stderr
    assert iam.list_policies(Scope="Local")["Policies"] == []
    assert iam.list_attached_user_policies(UserName="u1")["AttachedPolicies"] == []


def test_policydel_r_sends_every_removal_first(
    proxied_home: Home, proxy: Any, attached_policy: str
) -> None:
    """moto deletes an attached policy anyway; AWS does not. So the calls on the wire are
    checked: everything is detached and every other version deleted before DeletePolicy."""
    assert proxied_home.run("policydel", "-r", "wide").returncode == 0
    changes = [a for a in proxy.actions if a.startswith(("Detach", "Delete"))]
    assert changes == [
        "DetachUserPolicy",
        "DetachGroupPolicy",
        "DeletePolicyVersion",
        "DeletePolicy",
    ]
