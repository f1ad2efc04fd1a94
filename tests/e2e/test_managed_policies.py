"""Managed policies: create, describe, list, versions, attach/detach/list for users, groups and
roles, where a policy is attached, recursive delete, and policy names resolved to ARNs.

moto differences that matter here: moto deletes a policy that is still attached, or that still
has other versions (AWS answers DeleteConflict), so what policydel -r sends is also checked on
the wire; and moto's server holds none of AWS's managed policies, so --scope is checked by what
is sent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.documents import TRUST, attach_everywhere
from tests.support.output import sections
from tests.support.proxy import Fault

ACCOUNT = "123456789012"  # moto's account, which STS GetCallerIdentity reports


def doc(action: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
        }
    )


def arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


def make(iam: Any, name: str, path: str = "/", action: str = "s3:*") -> str:
    created = iam.create_policy(PolicyName=name, PolicyDocument=doc(action), Path=path)
    return str(created["Policy"]["Arn"])


def refusal(code: str) -> bytes:
    """An IAM error answer with ``code``."""
    error = f"<Error><Code>{code}</Code><Message>refused</Message></Error>"
    return f"<ErrorResponse>{error}</ErrorResponse>".encode()


# --- policycreate --------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["file", "stdin", "inline"])
def test_policycreate_sends_the_document_from_each_source(home: Home, iam: Any, how: str) -> None:
    document = doc(f"s3:Get{how}")
    path = home.write("p.json", document)
    args = {"file": ["-f", str(path)], "stdin": ["-f", "-"], "inline": ["-o", document]}[how]
    result = home.run("policycreate", "p1", *args, input=document if how == "stdin" else None)
    assert result.returncode == 0, result.stderr
    version = iam.get_policy_version(PolicyArn=arn("p1"), VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(document)


def test_policycreate_prints_nothing_without_v(home: Home, iam: Any) -> None:
    result = home.run("policycreate", "p1", "-o", doc("s3:*"))
    assert (result.returncode, result.stdout) == (0, "")
    assert iam.get_policy(PolicyArn=arn("p1"))["Policy"]["PolicyName"] == "p1"


def test_policycreate_v_prints_arn_and_id(home: Home, iam: Any) -> None:
    result = home.run("policycreate", "--policy-name", "p1", "-o", doc("s3:*"), "-v")
    created = iam.get_policy(PolicyArn=arn("p1"))["Policy"]
    assert result.lines == [created["Arn"], created["PolicyId"]]


def test_policycreate_sends_description(home: Home, iam: Any) -> None:
    home.run("policycreate", "p1", "-o", doc("s3:*"), "--description", "for the team")
    assert iam.get_policy(PolicyArn=arn("p1"))["Policy"]["Description"] == "for the team"


@pytest.mark.parametrize(
    "args", [["p1", "-p", "/team/"], ["p1", "--path", "/team/"], ["/team/p1"]], ids=str
)
def test_policycreate_path(home: Home, iam: Any, args: list[str]) -> None:
    result = home.run("policycreate", *args, "-o", doc("s3:*"))
    assert result.returncode == 0, result.stderr
    assert iam.get_policy(PolicyArn=arn("team/p1"))["Policy"]["Path"] == "/team/"


def test_policycreate_refuses_two_different_paths(proxied_home: Home, proxy: Any) -> None:
    result = proxied_home.run("policycreate", "/team/p1", "-p", "/other/", "-o", doc("s3:*"))
    assert result.returncode == 2
    assert "--path" in result.stderr and proxy.actions == []


@pytest.mark.parametrize(
    ("verb", "extra"), [("policycreate", []), ("policycreateversion", ["--set-as-default"])]
)
def test_a_bad_document_is_refused_before_anything_is_sent(
    proxied_home: Home, proxy: Any, verb: str, extra: list[str]
) -> None:
    result = proxied_home.run(verb, "p1", "-o", '{"Statement": []}', *extra)
    assert "non-empty list" in one_error_line(result, verb, status=2)
    assert proxy.actions == []


def test_policycreate_needs_a_document(home: Home, iam: Any) -> None:
    result = home.run("policycreate", "p1")
    assert result.returncode == 2 and "-f/--policy-document" in result.stderr
    assert iam.list_policies(Scope="Local")["Policies"] == []


# --- describing and listing ----------------------------------------------------------------------


def test_policygetattributes(home: Home, iam: Any) -> None:
    make(iam, "p1", path="/team/")
    iam.create_policy_version(PolicyArn=arn("team/p1"), PolicyDocument=doc("ec2:*"))
    iam.set_default_policy_version(PolicyArn=arn("team/p1"), VersionId="v2")
    iam.create_user(UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=arn("team/p1"))
    found = iam.get_policy(PolicyArn=arn("team/p1"))["Policy"]
    assert home.run("policygetattributes", "/team/p1").lines == [
        found["Arn"],
        found["PolicyId"],
        "v2",
        "1",
    ]


def test_policygetattributes_records(home: Home, iam: Any) -> None:
    make(iam, "p1")
    result = home.run("policygetattributes", arn("p1"), "--format", "json")
    record = json.loads(result.stdout)  # IAM's Policy, whole
    found = iam.get_policy(PolicyArn=arn("p1"))["Policy"]
    assert {k: record[k] for k in ("Arn", "PolicyId", "PolicyName", "Path")} == {
        k: found[k] for k in ("Arn", "PolicyId", "PolicyName", "Path")
    }
    assert (record["DefaultVersionId"], record["AttachmentCount"]) == ("v1", 0)


def test_policylistbypath_path_prefix(home: Home, iam: Any) -> None:
    team = make(iam, "p1", path="/team/")
    other = make(iam, "p2")
    assert home.run("policylistbypath", "-p", "/team/").lines == [team]
    assert sorted(home.run("policylistbypath").lines) == sorted([team, other])


def test_policylistbypath_only_attached(home: Home, iam: Any) -> None:
    make(iam, "p1")
    attached = make(iam, "p2")
    iam.create_user(UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=attached)
    assert home.run("policylistbypath", "--only-attached").lines == [attached]


@pytest.mark.parametrize(("given", "sent"), [([], "Local"), (["--scope", "aws"], "AWS")])
def test_policylistbypath_scope(
    proxied_home: Home, proxy: Any, given: list[str], sent: str
) -> None:
    """Local (the account's own) unless --scope says otherwise; moto holds no AWS policies, so
    the Scope that is sent is checked."""
    assert proxied_home.run("policylistbypath", *given).returncode == 0
    assert [f.get("Scope") for f in proxy.forms if f["Action"] == "ListPolicies"] == [sent]


@pytest.fixture
def many_policies(iam: Any) -> list[str]:
    """More policies than moto puts on one page (100), so listing them takes two pages."""
    return sorted(make(iam, f"p{i:03}") for i in range(101))


def test_policylistbypath_joins_every_page(
    proxied_home: Home, proxy: Any, many_policies: list[str]
) -> None:
    assert sorted(proxied_home.run("policylistbypath").lines) == many_policies
    assert proxy.actions.count("ListPolicies") == 2


# --- versions ------------------------------------------------------------------------------------


def test_policycreateversion_prints_the_new_version(home: Home, iam: Any) -> None:
    make(iam, "p1")
    created = home.run("policycreateversion", "p1", "-o", doc("ec2:*"))
    versions = iam.list_policy_versions(PolicyArn=arn("p1"))["Versions"]
    assert created.lines == [v["VersionId"] for v in versions if v["VersionId"] != "v1"]
    assert iam.get_policy(PolicyArn=arn("p1"))["Policy"]["DefaultVersionId"] == "v1"


def test_policycreateversion_set_as_default(home: Home, iam: Any) -> None:
    make(iam, "p1")
    created = home.run("policycreateversion", "p1", "-f", "-", "--set-as-default", input=doc("x:*"))
    assert created.returncode == 0, created.stderr
    found = iam.get_policy(PolicyArn=arn("p1"))["Policy"]
    assert found["DefaultVersionId"] == created.lines[0]
    version = iam.get_policy_version(PolicyArn=arn("p1"), VersionId=created.lines[0])
    assert version["PolicyVersion"]["Document"] == json.loads(doc("x:*"))


def test_policygetversion_default_and_given(home: Home, iam: Any) -> None:
    make(iam, "p1", action="s3:*")
    iam.create_policy_version(PolicyArn=arn("p1"), PolicyDocument=doc("ec2:*"), SetAsDefault=True)
    assert json.loads(home.run("policygetversion", "p1").stdout) == json.loads(doc("ec2:*"))
    given = home.run("policygetversion", "p1", "--version-id", "v1")
    assert json.loads(given.stdout) == json.loads(doc("s3:*"))


def test_policygetversion_pretty_print(home: Home, iam: Any) -> None:
    make(iam, "p1")
    result = home.run("policygetversion", "p1", "--pretty-print")
    assert len(result.lines) > 1 and result.lines[1].startswith("    ")
    assert json.loads(result.stdout) == json.loads(doc("s3:*"))


def test_policylistversions(home: Home, iam: Any) -> None:
    make(iam, "p1")
    iam.create_policy_version(PolicyArn=arn("p1"), PolicyDocument=doc("ec2:*"), SetAsDefault=True)
    rows = [line.split("\t") for line in home.run("policylistversions", arn("p1")).lines]
    assert sorted(row[:2] for row in rows) == [["v1", "false"], ["v2", "true"]]
    assert all(row[2].endswith("Z") and len(row) == 3 for row in rows)


def test_policysetdefaultversion(home: Home, iam: Any) -> None:
    make(iam, "p1")
    iam.create_policy_version(PolicyArn=arn("p1"), PolicyDocument=doc("ec2:*"), SetAsDefault=True)
    assert home.run("policysetdefaultversion", "p1", "--version-id", "v1").returncode == 0
    assert iam.get_policy(PolicyArn=arn("p1"))["Policy"]["DefaultVersionId"] == "v1"


def test_policydelversion(home: Home, iam: Any) -> None:
    make(iam, "p1")
    iam.create_policy_version(PolicyArn=arn("p1"), PolicyDocument=doc("ec2:*"))
    assert home.run("policydelversion", "p1", "--version-id", "v2").returncode == 0
    versions = iam.list_policy_versions(PolicyArn=arn("p1"))["Versions"]
    assert [v["VersionId"] for v in versions] == ["v1"]


def test_version_id_is_required(home: Home, iam: Any) -> None:
    make(iam, "p1")
    result = home.run("policydelversion", "p1")
    assert result.returncode == 2 and "--version-id" in result.stderr


@pytest.fixture
def five_versions(iam: Any) -> str:
    """A policy with the most versions IAM allows; v1 (the oldest) is the default."""
    policy = make(iam, "p1")
    for i in range(4):
        iam.create_policy_version(PolicyArn=policy, PolicyDocument=doc(f"ec2:Get{i}"))
    return policy


def test_sixth_version_is_refused_naming_the_oldest_non_default(
    home: Home, iam: Any, five_versions: str
) -> None:
    line = one_error_line(
        home.run("policycreateversion", "p1", "-o", doc("iam:*")), "policycreateversion"
    )
    assert "already has 5 versions" in line and "--prune" in line
    assert "v2" in line and "v1" not in line
    assert len(iam.list_policy_versions(PolicyArn=five_versions)["Versions"]) == 5


def test_prune_deletes_the_oldest_non_default_version_first(
    home: Home, iam: Any, five_versions: str
) -> None:
    pruned = home.run("policycreateversion", "p1", "-o", doc("iam:*"), "--prune")
    assert pruned.returncode == 0, pruned.stderr
    ids = {v["VersionId"] for v in iam.list_policy_versions(PolicyArn=five_versions)["Versions"]}
    assert ids == {"v1", "v3", "v4", "v5", pruned.lines[0]}
    assert pruned.lines[0] not in {"v1", "v2", "v3", "v4", "v5"}


def test_prune_does_nothing_below_the_limit(home: Home, iam: Any) -> None:
    make(iam, "p1")
    iam.create_policy_version(PolicyArn=arn("p1"), PolicyDocument=doc("ec2:*"))
    assert home.run("policycreateversion", "p1", "-o", doc("iam:*"), "--prune").lines == ["v3"]
    assert len(iam.list_policy_versions(PolicyArn=arn("p1"))["Versions"]) == 3


def test_policycreateversion_lost_answer_is_not_sent_again(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """The version was made but its answer lost: the versions are listed, not created twice."""
    make(iam, "p1")
    proxy.faults["CreatePolicyVersion"] = Fault("reset-after", count=1)
    result = proxied_home.run("policycreateversion", "p1", "-o", doc("ec2:*"))
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("CreatePolicyVersion") == 1
    ids = [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn("p1"))["Versions"]]
    assert sorted(ids) == ["v1", "v2"] and result.lines == ["v2"]


# --- attaching -----------------------------------------------------------------------------------

KINDS = [
    ("user", "create_user", "UserName", {}),
    ("group", "create_group", "GroupName", {}),
    ("role", "create_role", "RoleName", {"AssumeRolePolicyDocument": TRUST}),
]


def entity(iam: Any, create: str, param: str, extra: dict[str, str], name: str = "e") -> None:
    getattr(iam, create)(**{param: name}, **extra)


def attached(iam: Any, kind: str, param: str) -> list[str]:
    found = getattr(iam, f"list_attached_{kind}_policies")(**{param: "e"})["AttachedPolicies"]
    return [p["PolicyArn"] for p in found]


@pytest.mark.parametrize(("kind", "create", "param", "extra"), KINDS)
def test_attachpolicy_by_arn(
    home: Home, iam: Any, kind: str, create: str, param: str, extra: dict[str, str]
) -> None:
    entity(iam, create, param, extra)
    policy = make(iam, "p1")
    assert home.run(f"{kind}attachpolicy", "e", "--policy-arn", policy).returncode == 0
    assert attached(iam, kind, param) == [policy]


@pytest.mark.parametrize(("kind", "create", "param", "extra"), KINDS)
def test_detachpolicy(
    home: Home, iam: Any, kind: str, create: str, param: str, extra: dict[str, str]
) -> None:
    entity(iam, create, param, extra)
    keep, drop = make(iam, "keep"), make(iam, "drop")
    for policy in (keep, drop):
        getattr(iam, f"attach_{kind}_policy")(**{param: "e"}, PolicyArn=policy)
    assert home.run(f"{kind}detachpolicy", "e", "-p", drop).returncode == 0
    assert attached(iam, kind, param) == [keep]


@pytest.mark.parametrize(("kind", "create", "param", "extra"), KINDS)
def test_listattachedpolicies(
    home: Home, iam: Any, kind: str, create: str, param: str, extra: dict[str, str]
) -> None:
    entity(iam, create, param, extra)
    team, other = make(iam, "p1", path="/team/"), make(iam, "p2")
    for policy in (team, other):
        getattr(iam, f"attach_{kind}_policy")(**{param: "e"}, PolicyArn=policy)
    assert sorted(home.run(f"{kind}listattachedpolicies", "e").lines) == sorted([team, other])
    assert home.run(f"{kind}listattachedpolicies", "e", "-p", "/team/").lines == [team]


def test_listattachedpolicies_joins_every_page(
    proxied_home: Home, proxy: Any, iam: Any, many_policies: list[str]
) -> None:
    iam.create_user(UserName="e")
    for policy in many_policies:
        iam.attach_user_policy(UserName="e", PolicyArn=policy)
    assert sorted(proxied_home.run("userlistattachedpolicies", "-u", "e").lines) == many_policies
    assert proxy.actions.count("ListAttachedUserPolicies") == 2


@pytest.mark.parametrize(("kind", "create", "param", "extra"), KINDS)
def test_attachpolicy_by_name_resolves_to_the_accounts_policy(
    home: Home, iam: Any, kind: str, create: str, param: str, extra: dict[str, str]
) -> None:
    """A name with a path: the ARN boto3 sees attached is built from STS's account."""
    entity(iam, create, param, extra)
    made = home.run("policycreate", "/team/p1", "-o", doc("s3:*"))
    assert made.returncode == 0, made.stderr
    assert home.run(f"{kind}attachpolicy", "e", "-p", "/team/p1").returncode == 0
    assert attached(iam, kind, param) == [f"arn:aws:iam::{ACCOUNT}:policy/team/p1"]


def test_a_name_costs_one_sts_call_and_an_arn_none(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_user(UserName="e")
    policy = make(iam, "p1")
    proxied_home.run("userattachpolicy", "e", "-p", policy)
    assert "GetCallerIdentity" not in proxy.actions
    proxied_home.run("userdetachpolicy", "e", "-p", "p1")
    assert proxy.actions.count("GetCallerIdentity") == 1
    assert iam.list_attached_user_policies(UserName="e")["AttachedPolicies"] == []


def test_a_name_is_resolved_with_getuser_when_sts_fails(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """With -U naming an IAM endpoint, STS requests go there too and are refused; the caller's
    ARN from IAM GetUser gives the account instead."""
    iam.create_user(UserName="e")
    policy = make(iam, "p1")
    refused = refusal("InvalidAction")
    proxy.faults["GetCallerIdentity"] = Fault("status", count=None, status=400, body=refused)
    result = proxied_home.run("userattachpolicy", "e", "-p", "p1")
    assert result.returncode == 0, result.stderr
    assert "GetUser" in proxy.actions
    assert iam.list_attached_user_policies(UserName="e")["AttachedPolicies"][0]["PolicyArn"] == (
        policy
    )


def test_a_name_that_cannot_be_resolved_says_to_give_the_arn(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_user(UserName="e")
    refused = refusal("AccessDenied")
    for action in ("GetCallerIdentity", "GetUser"):
        proxy.faults[action] = Fault("status", count=None, status=403, body=refused)
    line = one_error_line(proxied_home.run("userattachpolicy", "e", "-p", "p1"), "userattachpolicy")
    assert "(AccessDenied)" in line and "ARN" in line
    assert "AttachUserPolicy" not in proxy.actions


# --- where a policy is attached, and deleting it -------------------------------------------------


@pytest.fixture
def attached_policy(iam: Any) -> str:
    """Policy 'wide' with a second version, attached to user u1, group g1 and role r1."""
    policy = make(iam, "wide")
    iam.create_policy_version(PolicyArn=policy, PolicyDocument=doc("ec2:*"))
    attach_everywhere(iam, policy)
    return policy


def test_policylistentities(home: Home, attached_policy: str) -> None:
    assert home.run("policylistentities", "wide").lines == [
        "users",
        "\tu1",
        "groups",
        "\tg1",
        "roles",
        "\tr1",
    ]


def test_policylistentities_filter(home: Home, iam: Any, attached_policy: str) -> None:
    iam.create_role(RoleName="r2", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="r2", PolicyArn=attached_policy)
    listed = home.run("policylistentities", attached_policy, "--entity-filter", "Role").lines
    assert listed[0] == "roles" and sorted(listed[1:]) == ["\tr1", "\tr2"]


def test_policydel_p_lists_everything_grouped(home: Home, attached_policy: str) -> None:
    result = home.run("policydel", "wide", "-p")
    assert result.returncode == 0, result.stderr
    assert sections(result.lines) == {
        "users": ["u1"],
        "groups": ["g1"],
        "roles": ["r1"],
        "versions": ["v2"],
    }


def test_policydel_p_changes_nothing(home: Home, iam: Any, attached_policy: str) -> None:
    assert home.run("policydel", "-p", attached_policy).returncode == 0
    assert iam.get_policy(PolicyArn=attached_policy)["Policy"]["AttachmentCount"] == 3
    assert len(iam.list_policy_versions(PolicyArn=attached_policy)["Versions"]) == 2


def test_policydel_r_detaches_everywhere_and_deletes(
    home: Home, iam: Any, attached_policy: str
) -> None:
    result = home.run("policydel", "-r", "wide")
    assert result.returncode == 0, result.stderr
    assert iam.list_policies(Scope="Local")["Policies"] == []
    assert iam.list_attached_user_policies(UserName="u1")["AttachedPolicies"] == []
    assert iam.list_attached_group_policies(GroupName="g1")["AttachedPolicies"] == []
    assert iam.list_attached_role_policies(RoleName="r1")["AttachedPolicies"] == []


def test_policydel_r_removes_everything_before_deleting(
    proxied_home: Home, proxy: Any, attached_policy: str
) -> None:
    """moto deletes an attached policy anyway; AWS does not. So the calls on the wire are
    checked: every detach and every other version's deletion come before DeletePolicy (among
    themselves in any order: they run --jobs at a time)."""
    assert proxied_home.run("policydel", "-r", "wide").returncode == 0
    changes = [
        (
            f["Action"],
            f.get("UserName") or f.get("GroupName") or f.get("RoleName") or f.get("VersionId"),
        )
        for f in proxy.forms
        if f["Action"].startswith(("Detach", "Delete"))
    ]
    assert sorted(changes[:-1]) == [
        ("DeletePolicyVersion", "v2"),
        ("DetachGroupPolicy", "g1"),
        ("DetachRolePolicy", "r1"),
        ("DetachUserPolicy", "u1"),
    ]
    assert changes[-1] == ("DeletePolicy", None)


def test_policydel_without_r_only_deletes(proxied_home: Home, proxy: Any, iam: Any) -> None:
    make(iam, "p1")
    assert proxied_home.run("policydel", arn("p1")).returncode == 0
    assert proxy.actions == ["DeletePolicy"]
    assert iam.list_policies(Scope="Local")["Policies"] == []
