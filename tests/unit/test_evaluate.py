"""euare.policy.evaluate: the simulator's corpus. Each case gives the documents (identity
policies, a permissions boundary, resource-based policies), the request, and what IAM's
documented evaluation logic says the simulator answers: the decision, the statements that
decided it, the context keys missing, and whether the boundary allows. Each cites the rule it
follows. "Eval" is the IAM User Guide's "Policy evaluation logic" (and its pages), "Ops" its
"IAM JSON policy elements: Condition operators", "Multi" "Conditions with multiple context keys
or values" and "Single-valued vs. multivalued context keys", "Vars" "IAM policy elements:
Variables and tags", "Res" "IAM JSON policy elements: Resource", "Bounds" "Permissions
boundaries for IAM entities", "API" the EvaluationResult and Simulate* API references.

Documents are laid out one statement a line (:func:`text`), so that where IAM places a matched
statement follows from the layout alone: statement ``i`` is on line ``i + 2``, its ``{`` in
column 3 and its ``}`` in column ``len + 2``, and IAM gives the positions just past each
(test_evaluate_text.py holds documents laid out by hand, and IAM's own example)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from euare.policy.evaluate import Match, Policy, Position, Request, evaluate

ACCOUNT = "123456789012"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/admin"
BUCKET = "arn:aws:s3:::examplebucket"
OBJECT = f"{BUCKET}/photos/cat.jpg"
GET = "s3:GetObject"
A, E, I = "allowed", "explicitDeny", "implicitDeny"  # noqa: E741

Statement = dict[str, Any]


def allow(action: Any = "s3:*", resource: Any = "*", **more: Any) -> Statement:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action: Any = "s3:*", resource: Any = "*", **more: Any) -> Statement:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def when(condition: dict[str, Any], action: str = GET, effect: str = "Allow") -> Statement:
    """A statement on any resource that applies when ``condition`` holds."""
    return {"Effect": effect, "Action": action, "Resource": "*", "Condition": condition}


def grant(principal: Any, effect: str = "Allow", key: str = "Principal") -> Statement:
    """A resource-based policy's statement on the bucket's objects."""
    return {"Effect": effect, key: principal, "Action": "s3:*", "Resource": f"{BUCKET}/*"}


def text(statements: Sequence[Statement], version: str = "2012-10-17") -> str:
    """A document, one statement a line: ``{"Version": ..., "Statement": [`` then each
    statement indented by two spaces, then ``]}``."""
    body = [
        "  " + json.dumps(s) + ("," if i < len(statements) - 1 else "")
        for i, s in enumerate(statements)
    ]
    return "\n".join([f'{{"Version": "{version}", "Statement": [', *body, "]}"])


def placed(statements: Sequence[Statement], index: int) -> tuple[Position, Position]:
    """Where IAM places statement ``index`` of :func:`text`'s layout: just past its braces."""
    length = len(json.dumps(statements[index]))
    return Position(index + 2, 4), Position(index + 2, length + 3)


@dataclass(frozen=True)
class Case:
    action: str
    resource: str
    decision: str
    identity: Sequence[Sequence[Statement]] = ()
    boundary: Sequence[Sequence[Statement]] = ()
    resources: Sequence[Sequence[Statement]] = ()
    matched: Sequence[str] = ()  # "identity-1:0": the policy's ID, the statement's index
    missing: Sequence[str] = ()
    context: Mapping[str, Sequence[str]] = field(default_factory=dict)
    principal: str | None = None
    within: bool | None = None  # allowed_by_boundary
    version: str = "2012-10-17"


def case(name: str, **given: Any) -> Any:
    return pytest.param(Case(**given), id=name)


def cond(condition: dict[str, Any], context: Mapping[str, Sequence[str]], decision: str,
         missing: Sequence[str] = ()) -> dict[str, Any]:  # fmt: skip
    """A case's fields for one conditional Allow of s3:GetObject."""
    return {
        "identity": [[when(condition)]],
        "action": GET,
        "resource": OBJECT,
        "context": context,
        "decision": decision,
        "matched": ["identity-1:0"] if decision == A else [],
        "missing": missing,
    }


def guarded(condition: dict[str, Any], context: Mapping[str, Sequence[str]], decision: str,
            action: str = GET, missing: Sequence[str] = ()) -> dict[str, Any]:  # fmt: skip
    """A case's fields for an Allow of everything and a Deny of ``action`` under
    ``condition``."""
    return {
        "identity": [[allow("*"), when(condition, action, "Deny")]],
        "action": action,
        "resource": OBJECT,
        "context": context,
        "decision": decision,
        "matched": ["identity-1:1"] if decision == E else ["identity-1:0"],
        "missing": missing,
    }


ATTRIBUTES = "dynamodb:requestedAttributes"
TAGS = {ATTRIBUTES: ["PostDateTime", "Message", "Tags"]}
FORBIDDEN = {"ForAnyValue:StringLike": {ATTRIBUTES: ["ID", "PostDateTime"]}}
HOME = f"{BUCKET}/home/${{aws:username}}/*"
NOT_IAM = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
ONLY_READ_IAM = {"Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"], "Resource": "*"}
NOT_SECRET = {"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/secret/*"}
REGIONS = ["us-east-1", "eu-west-1"]
FINANCE = "arn:aws:someservice:*:111122223333:finance/*"
STORE = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/doc.txt"
TOPICS = f"arn:aws:sns:*:{ACCOUNT}:topic-*"
TOPIC = f"arn:aws:sns:us-east-2:{ACCOUNT}:topic-a"
TEAM = "aws:PrincipalTag/team"
JOB = "aws:PrincipalTag/job"
REGION = "aws:RequestedRegion"
IP = "aws:SourceIp"

# fmt: off
CORPUS = [
    # --- the order of evaluation ---------------------------------------------------------------
    # Eval: a statement allows the request and none denies it.
    case("allow", identity=[[allow(GET, OBJECT)]], action=GET, resource=OBJECT, decision=A,
         matched=["identity-1:0"]),
    # Eval: "By default, all requests are implicitly denied": no statement is for the action.
    case("implicit-deny", identity=[[allow("s3:PutObject", OBJECT)]], action=GET,
         resource=OBJECT, decision=I),
    # Eval: no policy at all.
    case("no-policies", action=GET, resource=OBJECT, decision=I),
    # Eval: "An explicit deny in any of the policies overrides the allow"; API EvaluationResult:
    # "the deny statement is the only entry included in the result".
    case("deny-beats-allow", identity=[[allow()], [deny(GET, OBJECT)]], action=GET,
         resource=OBJECT, decision=E, matched=["identity-2:0"]),
    case("deny-in-the-same-policy",
         identity=[[allow(GET, OBJECT), deny("s3:Get*", f"{BUCKET}/photos/*")]],
         action=GET, resource=OBJECT, decision=E, matched=["identity-1:1"]),
    # Eval: a Deny of another action does not apply.
    case("deny-of-another-action", identity=[[allow(), deny("s3:DeleteObject")]], action=GET,
         resource=OBJECT, decision=A, matched=["identity-1:0"]),
    # API EvaluationResult: the statements that allow, every one, in the policies' order.
    case("every-allow-listed", identity=[[allow(GET), allow("s3:*", OBJECT)], [allow("*")]],
         action=GET, resource=OBJECT, decision=A,
         matched=["identity-1:0", "identity-1:1", "identity-2:0"]),
    # --- Action and NotAction -------------------------------------------------------------------
    # "IAM JSON policy elements: Action": "The prefix and the action name are case insensitive".
    case("action-ignores-case", identity=[[allow("S3:getobject")]], action=GET, resource=OBJECT,
         decision=A, matched=["identity-1:0"]),
    # Action: "*" for any characters...
    case("action-star", identity=[[allow("s3:Get*")]], action="s3:GetObjectAcl",
         resource=OBJECT, decision=A, matched=["identity-1:0"]),
    case("action-star-other", identity=[[allow("s3:Get*")]], action="s3:PutObject",
         resource=OBJECT, decision=I),
    # ... and "?" for exactly one.
    case("action-question", identity=[[allow("s3:Get?bject")]], action=GET, resource=OBJECT,
         decision=A, matched=["identity-1:0"]),
    case("action-question-is-one", identity=[[allow("s3:Get?bject")]], action="s3:Getbject",
         resource=OBJECT, decision=I),
    case("action-everything", identity=[[allow("*")]], action="iam:CreateUser", resource="*",
         decision=A, matched=["identity-1:0"]),
    # "IAM JSON policy elements: NotAction": an Allow of every action but those listed...
    case("not-action-allows", identity=[[NOT_IAM]], action=GET, resource=OBJECT, decision=A,
         matched=["identity-1:0"]),
    case("not-action-excludes", identity=[[NOT_IAM]], action="iam:CreateUser", resource="*",
         decision=I),
    # ... and a Deny of every action but those listed.
    case("not-action-deny", identity=[[allow("*"), ONLY_READ_IAM]], action=GET,
         resource=OBJECT, decision=E, matched=["identity-1:1"]),
    case("not-action-deny-spares", identity=[[allow("*"), ONLY_READ_IAM]],
         action="iam:GetUser", resource=ALICE, decision=A, matched=["identity-1:0"]),
    # --- Resource and NotResource ---------------------------------------------------------------
    # "IAM JSON policy elements: NotResource": every resource but those listed.
    case("not-resource-allows", identity=[[NOT_SECRET]], action=GET, resource=OBJECT,
         decision=A, matched=["identity-1:0"]),
    case("not-resource-excludes", identity=[[NOT_SECRET]], action=GET,
         resource=f"{BUCKET}/secret/key", decision=I),
    # Res: "*" any combination of characters.
    case("resource-star", identity=[[allow(GET, f"{BUCKET}/*")]], action=GET, resource=OBJECT,
         decision=A, matched=["identity-1:0"]),
    case("resource-star-not-the-bucket", identity=[[allow(GET, f"{BUCKET}/*")]], action=GET,
         resource=BUCKET, decision=I),
    # Res: "?" any single character.
    case("resource-question", identity=[[allow(GET, f"{BUCKET}/photos/ca?.jpg")]], action=GET,
         resource=OBJECT, decision=A, matched=["identity-1:0"]),
    # Res: "In the Resource element, the IAM user name is case sensitive."
    case("resource-part-keeps-case",
         identity=[[allow("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/Alice")]],
         action="iam:GetUser", resource=ALICE, decision=I),
    # The fields before the resource part (arn, partition, service, region, account) ignore it.
    case("resource-prefix-ignores-case", identity=[[allow(GET, "ARN:AWS:S3:::examplebucket/*")]],
         action=GET, resource=OBJECT, decision=A, matched=["identity-1:0"]),
    # Res: wildcards "within the individual segments of an ARN": "*2" in the region field does
    # not take "us-east-2:123456789012" across a colon...
    case("wildcard-stays-in-its-segment",
         identity=[[allow("sqs:SendMessage", "arn:aws:sqs:*2:queue1")]],
         action="sqs:SendMessage", resource=f"arn:aws:sqs:us-east-2:{ACCOUNT}:queue1",
         decision=I),
    # ... but "If the * wildcard is the last character of a resource ARN segment, it can expand
    # to match beyond the colon boundaries."
    case("trailing-star-spans-segments", identity=[[allow("iam:GetUser", "arn:aws:iam::*")]],
         action="iam:GetUser", resource=ALICE, decision=A, matched=["identity-1:0"]),
    # API SimulateCustomPolicy: with no ResourceArns the resource is "*", which an ARN pattern
    # does not match (a Resource of "*" does).
    case("request-for-any-resource", identity=[[allow(GET, f"{BUCKET}/*")]], action=GET,
         resource="*", decision=I),
    case("request-for-any-resource-star", identity=[[allow(GET)]], action=GET, resource="*",
         decision=A, matched=["identity-1:0"]),
    # Res: several resources, any one of them.
    case("resource-list", identity=[[allow(GET, [f"{BUCKET}/a", OBJECT])]], action=GET,
         resource=OBJECT, decision=A, matched=["identity-1:0"]),
    # --- permissions boundaries -----------------------------------------------------------------
    # Bounds: "the entity can perform only the actions that are allowed by both".
    case("boundary-allows", identity=[[allow()]], boundary=[[allow(GET)]], action=GET,
         resource=OBJECT, decision=A, matched=["identity-1:0"], within=True),
    # Bounds: Shirley's iam:CreateUser, allowed by her policy, outside her boundary.
    case("boundary-silent", identity=[[allow("iam:CreateUser")]], boundary=[[allow("s3:*")]],
         action="iam:CreateUser", resource="*", decision=I, within=False),
    # Bounds: "it limits the user's permissions but does not provide permissions on its own".
    case("boundary-alone-grants-nothing", boundary=[[allow("s3:*")]], action=GET,
         resource=OBJECT, decision=I, within=True),
    # Bounds: "An explicit deny in either of these policies overrides the allow".
    case("boundary-denies", identity=[[allow()]],
         boundary=[[allow("*"), deny("s3:*", "arn:aws:s3:::logs/*")]], action=GET,
         resource="arn:aws:s3:::logs/x", decision=E, matched=["boundary-1:1"], within=False),
    # Bounds: "Within an account, permissions boundaries do not reduce the permissions granted
    # by resource-based policies."
    case("boundary-spares-resource-policies", boundary=[[allow("ec2:*")]],
         resources=[[grant({"AWS": ALICE})]], principal=ALICE, action=GET, resource=OBJECT,
         decision=A, matched=["resource-1:0"], within=False),
    # --- resource-based policies ----------------------------------------------------------------
    # Eval: "If either the identity-based policy or the resource-based policy within the same
    # account allows the request and the other doesn't, the request is still allowed."
    case("resource-policy-grants", resources=[[grant({"AWS": ALICE})]], principal=ALICE,
         action=GET, resource=OBJECT, decision=A, matched=["resource-1:0"]),
    case("resource-policy-both-grant", identity=[[allow(GET)]],
         resources=[[grant({"AWS": [BOB, ALICE]})]], principal=ALICE, action=GET,
         resource=OBJECT, decision=A, matched=["identity-1:0", "resource-1:0"]),
    case("resource-policy-other-principal", resources=[[grant({"AWS": ALICE})]],
         principal=BOB, action=GET, resource=OBJECT, decision=I),
    # "IAM JSON policy elements: Principal": "*" is everyone.
    case("resource-policy-everyone", resources=[[grant("*")]], action=GET, resource=OBJECT,
         decision=A, matched=["resource-1:0"]),
    case("resource-policy-denies", identity=[[allow()]], resources=[[grant("*", "Deny")]],
         principal=ALICE, action=GET, resource=OBJECT, decision=E, matched=["resource-1:0"]),
    # "NotPrincipal": a Deny of everyone but the principals listed.
    case("not-principal-denies", identity=[[allow()]],
         resources=[[grant({"AWS": ADMIN}, "Deny", "NotPrincipal")]], principal=ALICE,
         action=GET, resource=OBJECT, decision=E, matched=["resource-1:0"]),
    case("not-principal-spares", identity=[[allow()]],
         resources=[[grant({"AWS": ADMIN}, "Deny", "NotPrincipal")]], principal=ADMIN,
         action=GET, resource=OBJECT, decision=A, matched=["identity-1:0"]),
    # "Principal": naming an account delegates to its identity policies; alone it grants the
    # account's users nothing.
    case("account-principal-delegates", resources=[[grant({"AWS": ACCOUNT})]],
         principal=ALICE, action=GET, resource=OBJECT, decision=I),
    # --- conditions -----------------------------------------------------------------------------
    # Ops: StringEquals, "Exact matching, case sensitive".
    case("string-equals", **cond({"StringEquals": {JOB: "admin"}}, {JOB: ["admin"]}, A)),
    case("string-equals-keeps-case",
         **cond({"StringEquals": {JOB: "admin"}}, {JOB: ["Admin"]}, I)),
    # Multi: "multiple values for a context key, those values are evaluated using a logical OR".
    case("string-equals-any-value",
         **cond({"StringEquals": {REGION: REGIONS}}, {REGION: ["eu-west-1"]}, A)),
    # Multi: "a single negated matching condition operator ... logical NOR".
    case("string-not-equals-nor",
         **cond({"StringNotEquals": {REGION: REGIONS}}, {REGION: ["eu-west-1"]}, I)),
    case("string-not-equals-none",
         **cond({"StringNotEquals": {REGION: REGIONS}}, {REGION: ["us-west-2"]}, A)),
    # Ops: StringEqualsIgnoreCase and StringNotEqualsIgnoreCase.
    case("string-equals-ignore-case",
         **cond({"StringEqualsIgnoreCase": {JOB: "ADMIN"}}, {JOB: ["admin"]}, A)),
    case("string-not-equals-ignore-case",
         **cond({"StringNotEqualsIgnoreCase": {JOB: "ADMIN"}}, {JOB: ["admin"]}, I)),
    # Ops: StringLike, "Case-sensitive matching", with "*" and "?".
    case("string-like",
         **cond({"StringLike": {"s3:prefix": ["", "home/*"]}}, {"s3:prefix": ["home/a/x"]}, A)),
    case("string-like-keeps-case",
         **cond({"StringLike": {"s3:prefix": ["", "home/*"]}}, {"s3:prefix": ["Home/a"]}, I)),
    case("string-not-like",
         **cond({"StringNotLike": {"s3:prefix": "secret/*"}}, {"s3:prefix": ["public/a"]}, A)),
    # Ops: "If the key ... is not present in the request context ... the condition is false"...
    case("missing-key", **cond({"StringEquals": {JOB: "admin"}}, {}, I, [JOB])),
    # ... "If the policy condition requires that the key is not matched ... the condition is
    # true".
    case("missing-key-negated", **cond({"StringNotEquals": {JOB: "intern"}}, {}, A, [JOB])),
    # Ops: the Numeric operators compare numbers.
    case("numeric-at-most",
         **cond({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": ["10"]}, A)),
    case("numeric-over",
         **cond({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": ["11"]}, I)),
    case("numeric-not-equals",
         **cond({"NumericNotEquals": {"s3:max-keys": ["5", "10"]}}, {"s3:max-keys": ["10.0"]},
                I)),
    # Grammar: a condition value may be a JSON number.
    case("numeric-greater",
         **cond({"NumericGreaterThan": {"aws:MultiFactorAuthAge": 3600}},
                {"aws:MultiFactorAuthAge": ["7200"]}, A)),
    # Ops: the Date operators; the AWS CLI's simulate-custom-policy examples, allowed and not.
    case("date-after",
         **cond({"DateGreaterThan": {"aws:CurrentTime": "2018-08-16T12:00:00Z"}},
                {"aws:CurrentTime": ["2019-04-25T11:00:00Z"]}, A)),
    case("date-before",
         **cond({"DateGreaterThan": {"aws:CurrentTime": "2018-08-16T12:00:00Z"}},
                {"aws:CurrentTime": ["2014-04-25T11:00:00Z"]}, I)),
    # Ops: dates "in epoch (UNIX) time" too.
    case("date-epoch",
         **cond({"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
                {"aws:CurrentTime": ["1500000000"]}, A)),
    # W3C's ISO 8601 profile: 12:00+02:00 is 10:00Z.
    case("date-zone",
         **cond({"DateGreaterThanEquals": {"aws:TokenIssueTime": "2020-06-01T12:00:00+02:00"}},
                {"aws:TokenIssueTime": ["2020-06-01T10:00:00Z"]}, A)),
    # Ops: Bool; the documented Deny of S3 without SSL.
    case("bool-denies-insecure",
         **guarded({"Bool": {"aws:SecureTransport": "false"}},
                   {"aws:SecureTransport": ["false"]}, E)),
    case("bool-ignores-case",
         **guarded({"Bool": {"aws:SecureTransport": "false"}},
                   {"aws:SecureTransport": ["TRUE"]}, A)),
    case("bool-json-literal",
         **cond({"Bool": {"aws:MultiFactorAuthPresent": True}},
                {"aws:MultiFactorAuthPresent": ["true"]}, A)),
    # Ops: IpAddress takes CIDR blocks...
    case("ip-inside",
         **cond({"IpAddress": {IP: "203.0.113.0/24"}}, {IP: ["203.0.113.7"]}, A)),
    case("ip-outside",
         **cond({"IpAddress": {IP: "203.0.113.0/24"}}, {IP: ["198.51.100.7"]}, I)),
    # ... "If you specify an IP address without the associated routing prefix, IAM uses the
    # default prefix value of /32"...
    case("ip-address-is-32",
         **cond({"IpAddress": {IP: "203.0.113.7"}}, {IP: ["203.0.113.8"]}, I)),
    # ... and IPv6 ranges beside IPv4 ones.
    case("ip-v6",
         **cond({"IpAddress": {IP: ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
                {IP: ["2001:db8:1234:5678::1"]}, A)),
    case("not-ip-denies",
         **guarded({"NotIpAddress": {IP: "203.0.113.0/24"}}, {IP: ["198.51.100.7"]}, E)),
    # Ops: ArnLike, each field with its wildcards; ArnEquals and ArnLike "behave identically".
    case("arn-like",
         **cond({"ArnLike": {"aws:SourceArn": TOPICS}}, {"aws:SourceArn": [TOPIC]}, A)),
    case("arn-equals-is-like",
         **cond({"ArnEquals": {"aws:SourceArn": TOPICS}}, {"aws:SourceArn": [TOPIC]}, A)),
    # Ops: the documented pattern and value: "With a StringLike condition, the match succeeds",
    # "With an ArnLike condition ... the match fails".
    case("arn-like-by-field",
         **cond({"ArnLike": {"aws:SourceArn": FINANCE}}, {"aws:SourceArn": [STORE]}, I)),
    case("string-like-across-fields",
         **cond({"StringLike": {"aws:SourceArn": FINANCE}}, {"aws:SourceArn": [STORE]}, A)),
    case("arn-not-like",
         **cond({"ArnNotLike": {"aws:SourceArn": f"arn:aws:sns:*:{ACCOUNT}:*"}},
                {"aws:SourceArn": ["arn:aws:sns:us-east-1:999999999999:t"]}, A)),
    # Ops: Null "true (the key doesn't exist — it is null)"...
    case("null-absent",
         **cond({"Null": {"aws:TokenIssueTime": "true"}}, {}, A, ["aws:TokenIssueTime"])),
    case("null-present",
         **cond({"Null": {"aws:TokenIssueTime": "true"}},
                {"aws:TokenIssueTime": ["2020-01-01T00:00:00Z"]}, I)),
    # ... "or false (the key exists and its value is not null)".
    case("null-false", **cond({"Null": {TEAM: "false"}}, {TEAM: ["blue"]}, A)),
    # Ops: "...IfExists": "If the key is not present, evaluate the condition element as true"...
    case("if-exists-absent",
         **cond({"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*"]}}, {}, A,
                ["ec2:InstanceType"])),
    case("if-exists-present",
         **cond({"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*"]}},
                {"ec2:InstanceType": ["m5.large"]}, I)),
    # ... "If you are using an "Effect": "Deny" element with a negated condition operator like
    # StringNotEqualsIfExists, the request is still denied even if the tag is missing."
    case("negated-if-exists-denies",
         **guarded({"StringNotEqualsIfExists": {"aws:ResourceTag/env": "dev"}}, {}, E,
                   missing=["aws:ResourceTag/env"])),
    # Multi: ForAllValues, "a match between every one of the specified key values in the
    # request and at least one value in the policy"...
    case("for-all-values",
         **cond({"ForAllValues:StringLike": TAGS}, {ATTRIBUTES: ["PostDateTime", "Message"]},
                A)),
    case("for-all-values-one-outside",
         **cond({"ForAllValues:StringLike": TAGS}, {ATTRIBUTES: ["PostDateTime", "UserName"]},
                I)),
    # ... "It also returns true if there are no context keys in the request".
    case("for-all-values-absent",
         **cond({"ForAllValues:StringLike": TAGS}, {}, A, [ATTRIBUTES])),
    # ... and with a negated operator every value must be outside the list.
    case("for-all-values-negated",
         **cond({"ForAllValues:StringNotEquals": {"aws:TagKeys": "secret"}},
                {"aws:TagKeys": ["env", "team"]}, A)),
    case("for-all-values-negated-hit",
         **cond({"ForAllValues:StringNotEquals": {"aws:TagKeys": "secret"}},
                {"aws:TagKeys": ["env", "secret"]}, I)),
    # Multi: ForAnyValue, the documented Deny of PutItem on ID or PostDateTime.
    case("for-any-value-denies",
         **guarded(FORBIDDEN, {ATTRIBUTES: ["UserName", "Message", "PostDateTime"]}, E,
                   "dynamodb:PutItem")),
    case("for-any-value-none",
         **guarded(FORBIDDEN, {ATTRIBUTES: ["UserName"]}, A, "dynamodb:PutItem")),
    # Multi: "For no matching context key or if the key does not exist, the condition returns
    # false" (ForAnyValue).
    case("for-any-value-absent",
         **cond({"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}}, {}, I, ["aws:TagKeys"])),
    # Multi: the keys of one operator are ANDed...
    case("keys-and",
         **cond({"StringEquals": {TEAM: "blue", REGION: "us-east-1"}},
                {TEAM: ["blue"], REGION: ["eu-west-1"]}, I)),
    # ... and so are operators.
    case("operators-and",
         **cond({"StringEquals": {TEAM: "blue"}, "Bool": {"aws:SecureTransport": "true"}},
                {TEAM: ["blue"], "aws:SecureTransport": ["true"]}, A)),
    # Vars: "Key names are case-insensitive".
    case("key-names-ignore-case",
         **cond({"IpAddress": {"AWS:SourceIP": "203.0.113.0/24"}},
                {"aws:sourceip": ["203.0.113.9"]}, A)),
    # Multi: a key with several values and no set operator: any value may match.
    case("several-values-no-set-operator",
         **cond({"StringEquals": {"aws:TagKeys": "env"}}, {"aws:TagKeys": ["team", "env"]}, A)),
    # --- policy variables -----------------------------------------------------------------------
    # Vars: "IAM replaces the variable ${aws:username} with the friendly name".
    case("variable-in-resource", identity=[[allow(GET, HOME)]], action=GET,
         resource=f"{BUCKET}/home/alice/x", context={"aws:username": ["alice"]}, decision=A,
         matched=["identity-1:0"]),
    case("variable-other-user", identity=[[allow(GET, HOME)]], action=GET,
         resource=f"{BUCKET}/home/bob/x", context={"aws:username": ["alice"]}, decision=I),
    # Vars: "not present ... any attempt to match it fails and causes the statement to be
    # invalid"; the simulator names the key missing...
    case("variable-without-value", identity=[[allow(GET, HOME)]], action=GET,
         resource=f"{BUCKET}/home/alice/x", decision=I, missing=["aws:username"]),
    # ... and an invalid Deny applies no more than an Allow.
    case("variable-without-value-voids-deny",
         identity=[[allow(), when({"StringNotEquals": {"s3:prefix": "${aws:username}/"}}, GET,
                                  "Deny")]],
         action=GET, resource=OBJECT, context={"s3:prefix": ["x/"]}, decision=A,
         matched=["identity-1:0"], missing=["aws:username"]),
    # Vars: policy variables "in string comparisons in the Condition element".
    case("variable-in-condition",
         **cond({"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
                {"aws:ResourceTag/team": ["blue"], TEAM: ["blue"]}, A)),
    case("variable-in-condition-differs",
         **cond({"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
                {"aws:ResourceTag/team": ["red"], TEAM: ["blue"]}, I)),
    case("variable-userid",
         **cond({"StringEquals": {"dynamodb:LeadingKeys": "${aws:userid}"}},
                {"dynamodb:LeadingKeys": ["AIDAEXAMPLE"], "aws:userid": ["AIDAEXAMPLE"]}, A)),
    # Vars: "Specifying default values": ${aws:userid, 'anonymous'}.
    case("variable-default",
         identity=[[allow(GET, f"{BUCKET}/home/${{aws:userid, 'anonymous'}}/*")]], action=GET,
         resource=f"{BUCKET}/home/anonymous/f", decision=A, matched=["identity-1:0"],
         missing=["aws:userid"]),
    # Vars: "${*} - use where you need an * (asterisk) character"...
    case("special-star", identity=[[allow(GET, f"{BUCKET}/${{*}}")]], action=GET,
         resource=f"{BUCKET}/*", decision=A, matched=["identity-1:0"]),
    case("special-star-is-literal", identity=[[allow(GET, f"{BUCKET}/${{*}}")]], action=GET,
         resource=f"{BUCKET}/x", decision=I),
    # ... ${?} and ${$} likewise.
    case("special-question-dollar", identity=[[allow(GET, f"{BUCKET}/what${{?}}${{$}}")]],
         action=GET, resource=f"{BUCKET}/what?$", decision=A, matched=["identity-1:0"]),
    case("special-question-is-literal", identity=[[allow(GET, f"{BUCKET}/what${{?}}")]],
         action=GET, resource=f"{BUCKET}/whatX", decision=I),
    # Vars: without Version 2012-10-17 "variables like ${aws:username} are treated as literal
    # strings in the policy".
    case("variables-need-2012-10-17", identity=[[allow(GET, f"{BUCKET}/${{aws:username}}")]],
         version="2008-10-17", action=GET, resource=f"{BUCKET}/alice",
         context={"aws:username": ["alice"]}, decision=I),
    # A variable's value is text, not wildcards.
    case("variable-value-is-literal", identity=[[allow(GET, HOME)]], action=GET,
         resource=f"{BUCKET}/home/bob/x", context={"aws:username": ["*"]}, decision=I),
    # Multi: "you can't use a multivalued context key as a policy variable".
    case("multivalued-key-is-no-variable",
         identity=[[allow(GET, f"{BUCKET}/${{aws:PrincipalTag/team}}")]], action=GET,
         resource=f"{BUCKET}/blue", context={TEAM: ["blue", "red"]}, decision=I),
    # --- missing context values -----------------------------------------------------------------
    # API: MissingContextValues, "context keys that are required by the included input
    # policies but that were not provided": IAM lists those of every statement, whatever the
    # action simulated (boto/boto3#3111, with the policy of that report).
    case("missing-keys-of-every-statement",
         identity=[[{**allow("s3:ListBucket", BUCKET),
                     "Condition": {"StringLike": {"aws:PrincipalTag/allowed_service": "s3"}}},
                    allow(GET, f"{BUCKET}/${{aws:username}}")]],
         action="s3:ListBucket", resource=BUCKET, decision=I,
         missing=["aws:PrincipalTag/allowed_service", "aws:username"]),
    # Sorted, once each whatever their case, those given left out; the boundary's keys and the
    # resource-based policies' too.
    case("missing-keys-sorted-once",
         identity=[[when({"IpAddress": {IP: "203.0.113.0/24"}, "StringLike": {"s3:prefix": "a*"}})],
                   [when({"IpAddress": {"AWS:SOURCEIP": "198.51.100.0/24"},
                          "StringEquals": {"aws:PrincipalTag/b": "y"}})]],
         boundary=[[when({"StringEquals": {REGION: "us-east-1"}}, "*")]],
         resources=[[{**grant("*"), "Condition": {"StringEquals": {"aws:SourceVpce": "v"}}}]],
         action=GET, resource=OBJECT, context={"S3:Prefix": ["a/"]}, decision=I, within=False,
         missing=["aws:PrincipalTag/b", REGION, IP, "aws:SourceVpce"]),
]
# fmt: on


def _policies(kind: str, documents: Sequence[Sequence[Statement]], version: str) -> list[Policy]:
    types = {"identity": "user", "boundary": "user-managed", "resource": "resource"}
    return [
        Policy(f"{kind}-{n}", types[kind], text(statements, version))
        for n, statements in enumerate(documents, 1)
    ]


@pytest.mark.parametrize("given", CORPUS)
def test_the_simulator_corpus(given: Case) -> None:
    documents = {
        "identity": given.identity,
        "boundary": given.boundary,
        "resource": given.resources,
    }
    policies = {kind: _policies(kind, docs, given.version) for kind, docs in documents.items()}
    request = Request(given.action, given.resource, given.context, given.principal)
    decision = evaluate(request, policies["identity"], policies["boundary"], policies["resource"])
    expected = []
    for name in given.matched:  # "identity-1:0"
        kind, number, index = name.replace(":", "-").split("-")
        policy = policies[kind][int(number) - 1]
        start, end = placed(documents[kind][int(number) - 1], int(index))
        expected.append(Match(policy.source_id, policy.source_type, start, end))
    assert decision.decision == given.decision
    assert list(decision.matched) == expected
    assert list(decision.missing_context) == list(given.missing)
    assert decision.allowed_by_boundary is given.within


def test_the_corpus_is_large_and_covers_every_decision() -> None:
    """At least 40 cases, every decision among them, and every family of operator."""
    assert len(CORPUS) >= 40
    cases = [param.values[0] for param in CORPUS]
    assert {c.decision for c in cases} == {A, E, I}
    written = json.dumps([c.identity for c in cases])
    for family in ("String", "Numeric", "Date", "Bool", "IpAddress", "Arn", "Null", "IfExists",
                   "ForAllValues", "ForAnyValue", "NotAction", "NotResource"):  # fmt: skip
        assert family in written, family
