"""euare-accountapply's plan, made from two snapshots without IAM (euare.state.planner): the
steps IAM needs, in the order IAM accepts them (docs/apply.md, "The order"), what is never
touched, and what is refused before anything is sent.

The order is held here, on the plan itself: plain moto accepts deletes in any order (a group
with members, a role in an instance profile, a policy still attached or with versions), so an
end-to-end test cannot fail on a wrong order until the sandbox models IAM's DeleteConflict."""

from __future__ import annotations

import json
from typing import Any

import pytest

from euare.core.errors import UsageError
from euare.state.plan import Plan, Step
from euare.state.planner import build
from euare.state.scope import pattern, patterns_in
from euare.state.script import line, lines

ACCOUNT = "123456789012"
DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def arn(kind: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


def snapshot(**kinds: Any) -> dict[str, Any]:
    return {"Format": "euare-snapshot/1", "Account": ACCOUNT, **kinds}


def user(name: str, **more: Any) -> dict[str, Any]:
    return {"UserName": name, "Path": "/", "Arn": arn("user", name), **more}


def group(name: str, **more: Any) -> dict[str, Any]:
    return {"GroupName": name, "Path": "/", "Arn": arn("group", name), **more}


def role(name: str, **more: Any) -> dict[str, Any]:
    return {
        "RoleName": name,
        "Path": "/",
        "Arn": arn("role", name),
        "AssumeRolePolicyDocument": TRUST,
        "MaxSessionDuration": 3600,
        **more,
    }


def profile(name: str, *roles: str) -> dict[str, Any]:
    return {
        "InstanceProfileName": name,
        "Path": "/",
        "Arn": arn("instance-profile", name),
        "Roles": list(roles),
    }


def policy(name: str, document: Any = DOC, **more: Any) -> dict[str, Any]:
    return {
        "PolicyName": name,
        "Path": "/",
        "Arn": arn("policy", name),
        "Document": document,
        **more,
    }


def attached(name: str) -> dict[str, str]:
    return {"PolicyName": name, "PolicyArn": arn("policy", name)}


def plan_of(live: dict[str, Any], desired: dict[str, Any], **options: Any) -> Plan:
    return build(live, desired, account=ACCOUNT, **options)


def index(plan: Plan, says: str) -> int:
    found = [n for n, step in enumerate(plan.steps) if step.says == says]
    assert len(found) == 1, (says, [s.says for s in plan.steps])
    return found[0]


def before(plan: Plan, first: str, then: str) -> bool:
    """``first`` runs before ``then``: earlier in a phase that ends before ``then``'s starts."""
    a, b = plan.steps[index(plan, first)], plan.steps[index(plan, then)]
    return a.phase < b.phase or (
        a.phase == b.phase and a.lane == b.lane and index(plan, first) < index(plan, then)
    )


# --- the order IAM requires ---------------------------------------------------------------------


def test_a_role_is_taken_out_of_its_instance_profiles_before_it_is_deleted() -> None:
    live = snapshot(
        Roles=[role("app")], InstanceProfiles=[profile("web", "app"), profile("keep", "app")]
    )
    desired = snapshot(InstanceProfiles=[profile("keep")])
    plan = plan_of(live, desired, prune=True)
    for holder in ("web", "keep"):
        assert before(plan, f"remove role app from instance profile {holder}", "delete role app")
    assert before(plan, "remove role app from instance profile web", "delete instance profile web")


def test_a_group_loses_its_members_and_policies_before_it_is_deleted() -> None:
    live = snapshot(
        Users=[user("alice", GroupList=["ops"]), user("bob", GroupList=["ops"])],
        Groups=[
            group(
                "ops",
                GroupPolicyList=[{"PolicyName": "own", "PolicyDocument": DOC}],
                AttachedManagedPolicies=[attached("shared")],
            )
        ],
        Policies=[policy("shared")],
    )
    desired = snapshot(Users=[user("alice"), user("bob")], Policies=[policy("shared")])
    plan = plan_of(live, desired, prune=True)
    for step in (
        "remove user alice from group ops",
        "remove user bob from group ops",
        "delete inline policy own of group ops",
        f"detach {arn('policy', 'shared')} from group ops",
    ):
        assert before(plan, step, "delete group ops")
    assert [s.says for s in plan.steps].count("remove user alice from group ops") == 1


def test_a_policy_is_detached_everywhere_before_it_is_deleted_with_its_versions() -> None:
    """The policy's delete is policydel -r's: its non-default versions first (all five)."""
    everywhere = [attached("doomed")]
    live = snapshot(
        Users=[user("u", AttachedManagedPolicies=everywhere, PermissionsBoundary=None)],
        Groups=[group("g", AttachedManagedPolicies=everywhere)],
        Roles=[role("r", AttachedManagedPolicies=everywhere)],
        Policies=[policy("doomed", DefaultVersionId="v5")],
    )
    desired = snapshot(Users=[user("u")], Groups=[group("g")], Roles=[role("r")])
    plan = plan_of(live, desired, prune=True)
    doomed = arn("policy", "doomed")
    for kind, name in (("user", "u"), ("group", "g"), ("role", "r")):
        assert before(plan, f"detach {doomed} from {kind} {name}", "delete managed policy doomed")
    step = plan.steps[index(plan, "delete managed policy doomed")]
    assert step.argv == ("euare-policydel", "-r", doomed) and step.how == "policydel"
    assert step is plan.steps[-1]


def test_the_three_deletions_in_one_plan() -> None:
    """Issue 23's case: a role held by an instance profile, a policy attached everywhere, a
    group with members, all pruned at once: every taking-away before every delete."""
    everywhere = [attached("p")]
    live = snapshot(
        Users=[user("m", GroupList=["g"], AttachedManagedPolicies=everywhere)],
        Groups=[group("g", AttachedManagedPolicies=everywhere)],
        Roles=[role("r", AttachedManagedPolicies=everywhere)],
        InstanceProfiles=[profile("ip", "r")],
        Policies=[policy("p")],
    )
    plan = plan_of(live, snapshot(Users=[user("m")], InstanceProfiles=[profile("ip")]), prune=True)
    deletes = [
        n
        for n, s in enumerate(plan.steps)
        if s.says.startswith("delete ") and "inline" not in s.says
    ]
    removals = [n for n, s in enumerate(plan.steps) if s.says.startswith(("remove", "detach"))]
    assert removals and deletes and max(removals) < min(deletes)
    assert [plan.steps[n].says for n in deletes] == [
        "delete group g",
        "delete role r",
        "delete managed policy p",
    ]


def test_what_a_step_uses_is_made_first() -> None:
    """A policy before the user it bounds and the group it is attached to; a user and a group
    before the membership; a role before the instance profile that holds it."""
    desired = snapshot(
        Users=[
            user(
                "new",
                GroupList=["team"],
                PermissionsBoundary={"PermissionsBoundaryArn": arn("policy", "edge")},
            )
        ],
        Groups=[group("team", AttachedManagedPolicies=[attached("edge")])],
        Roles=[role("svc")],
        InstanceProfiles=[profile("svc", "svc")],
        Policies=[policy("edge")],
    )
    plan = plan_of(snapshot(), desired)
    assert before(plan, "create managed policy edge", "create user new")
    assert before(
        plan, "create managed policy edge", f"attach {arn('policy', 'edge')} to group team"
    )
    assert before(plan, "create user new", "add user new to group team")
    assert before(plan, "create group team", "add user new to group team")
    assert before(plan, "create role svc", "add role svc to instance profile svc")
    create = plan.steps[index(plan, "create user new")]
    assert create.params["PermissionsBoundary"] == arn("policy", "edge")


def test_a_profile_loses_its_old_role_before_it_gets_the_new_one() -> None:
    """An instance profile holds one role: the old one must go first."""
    live = snapshot(Roles=[role("old"), role("new")], InstanceProfiles=[profile("ip", "old")])
    desired = snapshot(Roles=[role("old"), role("new")], InstanceProfiles=[profile("ip", "new")])
    plan = plan_of(live, desired)
    assert before(
        plan, "remove role old from instance profile ip", "add role new to instance profile ip"
    )


def test_a_changed_document_is_a_new_default_version_made_before_anything_else() -> None:
    """policycreateversion --prune: the oldest non-default version goes when five exist."""
    changed = {**DOC, "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    live = snapshot(Policies=[policy("p")], Users=[user("u")])
    desired = snapshot(
        Policies=[policy("p", changed)], Users=[user("u", AttachedManagedPolicies=[attached("p")])]
    )
    plan = plan_of(live, desired)
    step = plan.steps[0]
    assert step.says == "give managed policy p a new default version" and step.how == "version"
    assert step.argv[-2:] == ("--set-as-default", "--prune")
    assert json.loads(step.params["PolicyDocument"]) == changed


def test_phases_never_go_back() -> None:
    live = snapshot(
        Users=[user("a", GroupList=["g1"], Tags=[{"Key": "k", "Value": "1"}])],
        Groups=[group("g1")],
        Policies=[policy("p1")],
    )
    desired = snapshot(
        Users=[user("a", GroupList=["g2"], Tags=[{"Key": "k", "Value": "2"}], Path="/x/")],
        Groups=[group("g2")],
        Policies=[policy("p2")],
    )
    plan = plan_of(live, desired, prune=True)
    phases = [s.phase for s in plan.steps]
    assert phases == sorted(phases) and len(set(phases)) >= 5


# --- what is never done --------------------------------------------------------------------------


def test_without_prune_nothing_is_deleted_and_each_is_listed_as_kept() -> None:
    live = snapshot(Users=[user("bob")], Groups=[group("old")], Policies=[policy("p")])
    plan = plan_of(live, snapshot())
    assert plan.empty
    assert [n.line() for n in plan.kept] == [
        "user bob: not in DESIRED, kept (--prune deletes it)",
        "group old: not in DESIRED, kept (--prune deletes it)",
        "managed policy p: not in DESIRED, kept (--prune deletes it)",
    ]


@pytest.mark.parametrize(
    "record",
    [
        role("AWSServiceRoleForAutoScaling", Path="/aws-service-role/autoscaling.amazonaws.com/"),
        role("AWSReservedSSO_Admin", Path="/aws-reserved/sso.amazonaws.com/"),
        role("stack-role", Tags=[{"Key": "aws:cloudformation:stack-name", "Value": "s"}]),
        role("ci-runner", Path="/ci/"),
        role("tmp-1"),
        role("owned", Tags=[{"Key": "owner", "Value": "ops"}]),
    ],
    ids=[
        "service-linked",
        "aws-reserved",
        "cloudformation",
        "ignored-path",
        "ignored-glob",
        "ignored-tag",
    ],
)
def test_prune_never_deletes_what_is_not_ours(record: dict[str, Any]) -> None:
    ignored = [pattern("/ci/"), pattern("tmp-*"), pattern("tag:owner=ops")]
    plan = plan_of(snapshot(Roles=[record]), snapshot(), prune=True, ignored=ignored)
    assert plan.empty and not plan.kept
    assert [n.name for n in plan.untouched] == [record["RoleName"]]


def test_an_ignored_entity_is_not_made_either() -> None:
    desired = snapshot(
        Users=[user("tmp-x")],
        Roles=[role("r", Tags=[{"Key": "aws:cloudformation:x", "Value": "y"}])],
    )
    plan = plan_of(snapshot(), desired, ignored=[pattern("tmp-*")])
    assert plan.empty and {n.name for n in plan.untouched} == {"tmp-x", "r"}


def test_credentials_are_never_created_only_reported() -> None:
    desired = snapshot(
        Users=[
            user(
                "alice",
                AccessKeys=[{"AccessKeyId": "AKIAEXAMPLE000000001", "Status": "Active"}],
                MFADevices=[{"SerialNumber": "arn:aws:iam::123456789012:mfa/alice"}],
                LoginProfile={"PasswordResetRequired": True},
            )
        ],
        ServerCertificates=[{"ServerCertificateName": "www", "Path": "/", "CertificateBody": "x"}],
        VirtualMFADevices=[{"SerialNumber": "arn:aws:iam::123456789012:mfa/spare"}],
    )
    plan = plan_of(snapshot(), desired)
    assert [s.operation for s in plan.steps] == ["CreateUser"]
    held = "\n".join(n.line() for n in plan.held)
    assert "AccessKeys, LoginProfile, MFADevices: credentials are not state" in held
    assert "server certificate www" in held and "virtual MFA device" in held


def test_what_iam_cannot_change_in_place_is_reported() -> None:
    plan = plan_of(snapshot(Roles=[role("r")]), snapshot(Roles=[role("r", Path="/moved/")]))
    assert plan.empty
    assert "Path cannot be changed in place" in plan.held[0].line()


# --- refused before anything is sent ----------------------------------------------------------


def test_a_snapshot_of_another_account_is_refused_unless_asked() -> None:
    theirs = snapshot(Users=[user("a")])
    theirs["Account"] = "111122223333"
    with pytest.raises(UsageError, match="snapshot of account 111122223333, not of this one"):
        plan_of(snapshot(), theirs)
    theirs["Users"][0]["AttachedManagedPolicies"] = [
        {"PolicyName": "p", "PolicyArn": "arn:aws:iam::111122223333:policy/p"}
    ]
    theirs["Policies"] = [{**policy("p"), "Arn": "arn:aws:iam::111122223333:policy/p"}]
    plan = plan_of(snapshot(), theirs, ignore_account=True)
    attach = plan.steps[index(plan, f"attach {arn('policy', 'p')} to user a")]
    assert attach.params["PolicyArn"] == arn("policy", "p")


@pytest.mark.parametrize(
    ("desired", "named"),
    [
        (snapshot(Users=[user("a", GroupList=["nowhere"])]), "user a is in group nowhere"),
        (
            snapshot(InstanceProfiles=[profile("ip", "ghost")]),
            "instance profile ip holds role ghost",
        ),
        (snapshot(Users=[user("a", AttachedManagedPolicies=[attached("gone")])]), "uses policy"),
    ],
)
def test_a_desired_state_naming_what_will_not_exist_is_refused(
    desired: dict[str, Any], named: str
) -> None:
    with pytest.raises(UsageError, match=named):
        plan_of(snapshot(), desired)


def test_a_pruned_group_a_kept_user_still_names_is_refused() -> None:
    live = snapshot(Users=[user("a", GroupList=["g"])], Groups=[group("g")])
    with pytest.raises(UsageError, match="user a is in group g"):
        plan_of(live, snapshot(Users=[user("a", GroupList=["g"])]), prune=True)
    assert plan_of(live, snapshot(Users=[user("a", GroupList=["g"])])).empty  # kept: fine


def test_ignore_patterns() -> None:
    assert [
        p.text for p in patterns_in("# comment\n/ci/\n\n tmp-* # trailing\ntag:a=b\n", "f")
    ] == [
        "/ci/",
        "tmp-*",
        "tag:a=b",
    ]
    for bad in ("tag:", "tag:=x", "/no-slash"):
        with pytest.raises(UsageError):
            pattern(bad)


# --- the script ----------------------------------------------------------------------------------


def test_the_script_is_one_line_a_step_and_stops_at_the_first_failure() -> None:
    desired = snapshot(
        Roles=[
            role(
                "r",
                Description="two\nlines and a 'quote' and \x1b[31m",
                Tags=[{"Key": "k", "Value": "a b"}],
            )
        ],
        SAMLProviders=[
            {"Name": "sso", "SAMLMetadataDocument": "<x>\n  \\n 'q'\n</x>\n", "Tags": []}
        ],
    )
    plan = plan_of(snapshot(), desired)
    text = list(lines(plan, "desired.json"))
    assert text[0] == "#!/bin/sh" and "set -e" in text
    body = [t for t in text if not t.startswith("#") and t != "set -e"]
    assert len(body) == len(plan.steps)
    assert all("\n" not in t and "\x1b" not in t for t in text)


def test_a_script_word_round_trips_through_sh(tmp_path: Any) -> None:
    """Every word the script gives a command is the text it stands for, once sh has read it."""
    import subprocess

    odd = [
        "plain",
        "it's",
        "a b",
        "two\nlines",
        "back\\slash\\n",
        "tab\tend",
        "\x1b[31m",
        "émoji ✓",
        "$HOME `x`",
    ]
    step = Step(1, "x", "user", "u", "say", "X", {}, ("printf", "%s\\0", *odd), stdin=None)
    done = subprocess.run(["sh", "-c", line(step)], capture_output=True, timeout=10)
    assert done.stdout.decode().split("\0")[:-1] == odd
    piped = Step(1, "x", "user", "u", "say", "X", {}, ("cat",), stdin="\n".join(odd) + "\n")
    done = subprocess.run(["sh", "-c", line(piped)], capture_output=True, timeout=10)
    assert done.stdout.decode() == "\n".join(odd) + "\n"


def test_a_field_no_step_makes_is_reported_not_dropped() -> None:
    """A field the format does not name (a later version's, a hand-written one) is kept and
    compared: the plan says it cannot apply it."""
    plan = plan_of(snapshot(Users=[user("u")]), snapshot(Users=[user("u", Mystery="x")]))
    assert plan.empty
    assert [n.line() for n in plan.held] == ["user u: Mystery: not managed; reported, not applied"]


def test_prune_keeps_what_a_never_touched_entity_holds() -> None:
    """CloudFormation's role attaches a policy, sits in a group-less world, is held by an
    instance profile...: deleting what it holds would mean changing it. Kept, and said."""
    cfn = [{"Key": "aws:cloudformation:stack-name", "Value": "s"}]
    live = snapshot(
        Users=[user("stack-user", Tags=cfn, GroupList=["team"])],
        Groups=[group("team")],
        Roles=[role("stack-role", Tags=cfn, AttachedManagedPolicies=[attached("used")])],
        Policies=[policy("used"), policy("free")],
    )
    plan = plan_of(live, snapshot(), prune=True)
    assert [s.says for s in plan.steps] == ["delete managed policy free"]
    kept = {n.name: n.what for n in plan.kept}
    assert set(kept) == {"team", "used"} and "never touched" in kept["used"]
