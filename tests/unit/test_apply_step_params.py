"""Every step euare-accountapply plans sends parameters IAM takes (euare.state.planner): each
step kind of each managed kind, made from two states that differ in everything a step changes,
in both directions, with and without --prune, from an empty account and to one.

A desired state written by hand has no ``Arn`` (and one taken elsewhere may hold another path's):
a step that names its entity by ARN must take it from the account, or from the name and path
the entity will be made with, never from the desired record. Each step's parameters are checked
against botocore's model of the operation (lengths, types, required members), and each ARN it
sends is one of the states' entities'."""

from __future__ import annotations

import copy
import json
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from euare.state.plan import Plan, Step
from euare.state.planner import build
from tests.support.applied import METADATA

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:iam::{ACCOUNT}:"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:*"}
    ],
}


def doc(action: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
    }


def tags(**pairs: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


def attached(name: str) -> list[dict[str, str]]:
    return [{"PolicyName": name, "PolicyArn": f"{PREFIX}policy/{name}"}]


def boundary(name: str) -> dict[str, str]:
    return {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": f"{PREFIX}policy/{name}",
    }


def state(n: int) -> dict[str, Any]:
    """One of two states (n = 0 or 1) of every managed kind, as a snapshot takes them (ARNs
    included), differing in every field a step changes."""
    pol = ("one", "two")[n]
    path = ("/", "/moved/")[n]
    oidc = "token.example.com"
    return {
        "Format": "euare-snapshot/1",
        "Account": ACCOUNT,
        "Users": [
            {
                "UserName": "u",
                "Path": path,
                "Arn": f"{PREFIX}user{path}u",
                "Tags": tags(**{f"k{n}": "v"}),
                "PermissionsBoundary": boundary(pol),
                "GroupList": [f"g{n}", "g"],
                "UserPolicyList": [{"PolicyName": f"p{n}", "PolicyDocument": doc(f"s3:{pol}")}],
                "AttachedManagedPolicies": attached(pol),
            },
            *([{"UserName": "gone", "Path": "/", "Arn": f"{PREFIX}user/gone"}] if n else []),
        ],
        "Groups": [
            {
                "GroupName": name,
                "Path": path,
                "Arn": f"{PREFIX}group{path}{name}",
                "GroupPolicyList": [{"PolicyName": f"p{n}", "PolicyDocument": doc("s3:*")}],
                "AttachedManagedPolicies": attached(pol),
            }
            for name in ("g", f"g{n}")
        ],
        "Roles": [
            {
                "RoleName": name,
                "Path": "/",
                "Arn": f"{PREFIX}role/{name}",
                "AssumeRolePolicyDocument": {**TRUST, "Id": pol},
                "Description": pol,
                "MaxSessionDuration": 3600 * (n + 1),
                "Tags": tags(**{f"k{n}": "v"}),
                "PermissionsBoundary": boundary(pol),
                "RolePolicyList": [{"PolicyName": f"p{n}", "PolicyDocument": doc("s3:*")}],
                "AttachedManagedPolicies": attached(pol),
            }
            for name in ("r", f"r{n}")
        ],
        "InstanceProfiles": [
            {
                "InstanceProfileName": name,
                "Path": "/",
                "Arn": f"{PREFIX}instance-profile/{name}",
                "Roles": [f"r{n}"],
                "Tags": tags(**{f"k{n}": "v"}),
            }
            for name in ("ip", f"ip{n}")
        ],
        "Policies": [
            {
                "PolicyName": name,
                "Path": "/",
                "Arn": f"{PREFIX}policy/{name}",
                "Document": doc(f"s3:{pol}"),
                "Tags": tags(**{f"k{n}": "v"}),
            }
            for name in ("shared", "one", "two")
        ],
        "OpenIDConnectProviders": [
            {
                "Url": url,
                "Arn": f"{PREFIX}oidc-provider/{url}",
                "ClientIDList": [f"c{n}", "c"],
                "ThumbprintList": [str(n) * 40],
                "Tags": tags(**{f"k{n}": "v"}),
            }
            for url in (oidc, f"{oidc}/{n}")
        ],
        "SAMLProviders": [
            {
                "Name": name,
                "Arn": f"{PREFIX}saml-provider/{name}",
                "SAMLMetadataDocument": METADATA.replace("example", ("example", "other")[n]),
                "Tags": tags(**{f"k{n}": "v"}),
            }
            for name in ("sso", f"sso{n}")
        ],
        "ServerCertificates": [
            {
                "ServerCertificateName": "www",
                "Path": "/",
                "Arn": f"{PREFIX}server-certificate/www",
                "Tags": tags(**{f"k{n}": "v"}),
            }
        ],
        "AccountAliases": [f"alias-{n}"],
        "PasswordPolicy": {"MinimumPasswordLength": 8 + n, "MaxPasswordAge": 90 * n},
    }


def by_hand(snapshot: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` as a desired state written by hand: no ARN of its entities."""
    found = copy.deepcopy(snapshot)
    for records in found.values():
        if isinstance(records, list):
            for record in records:
                if isinstance(record, dict):
                    record.pop("Arn", None)
    return found


def plans() -> list[Plan]:
    a, b = state(0), state(1)
    empty = {"Format": "euare-snapshot/1", "Account": ACCOUNT}
    found = []
    for live, desired in ((a, b), (b, a), (empty, a), (a, empty)):
        for desired_form in (desired, by_hand(desired)):
            for prune in (False, True):
                found.append(build(live, desired_form, account=ACCOUNT, prune=prune))
    return found


def steps() -> list[Step]:
    """Each step of the plans once (the same call in several plans is one)."""
    found: dict[tuple[str, str], Step] = {}
    for plan in plans():
        for step in plan.steps:
            found.setdefault((step.operation, json.dumps(step.params, sort_keys=True)), step)
    return list(found.values())


def arns() -> set[str]:
    """Every ARN the two states hold (their entities', their policies', under any path)."""
    found = set()
    for snapshot in (state(0), state(1)):
        for records in snapshot.values():
            for record in records if isinstance(records, list) else ():
                if isinstance(record, dict) and record.get("Arn"):
                    found.add(str(record["Arn"]))
    return found


# What a plan between the two states must hold, so that the checks below see each step kind.
EXPECTED = {
    "AddClientIDToOpenIDConnectProvider",
    "AddRoleToInstanceProfile",
    "AddUserToGroup",
    "AttachGroupPolicy",
    "AttachRolePolicy",
    "AttachUserPolicy",
    "CreateAccountAlias",
    "CreateGroup",
    "CreateInstanceProfile",
    "CreateOpenIDConnectProvider",
    "CreatePolicy",
    "CreatePolicyVersion",
    "CreateRole",
    "CreateSAMLProvider",
    "CreateUser",
    "DeleteAccountAlias",
    "DeleteAccountPasswordPolicy",
    "DeleteGroup",
    "DeleteGroupPolicy",
    "DeleteInstanceProfile",
    "DeleteOpenIDConnectProvider",
    "DeletePolicy",
    "DeleteRole",
    "DeleteRolePolicy",
    "DeleteSAMLProvider",
    "DeleteUser",
    "DeleteUserPolicy",
    "DetachGroupPolicy",
    "DetachRolePolicy",
    "DetachUserPolicy",
    "PutGroupPolicy",
    "PutRolePermissionsBoundary",
    "PutRolePolicy",
    "PutUserPermissionsBoundary",
    "PutUserPolicy",
    "RemoveClientIDFromOpenIDConnectProvider",
    "RemoveRoleFromInstanceProfile",
    "RemoveUserFromGroup",
    "TagInstanceProfile",
    "TagOpenIDConnectProvider",
    "TagPolicy",
    "TagRole",
    "TagSAMLProvider",
    "TagServerCertificate",
    "TagUser",
    "UntagInstanceProfile",
    "UntagOpenIDConnectProvider",
    "UntagPolicy",
    "UntagRole",
    "UntagSAMLProvider",
    "UntagServerCertificate",
    "UntagUser",
    "UpdateAccountPasswordPolicy",
    "UpdateAssumeRolePolicy",
    "UpdateGroup",
    "UpdateOpenIDConnectProviderThumbprint",
    "UpdateRole",
    "UpdateSAMLProvider",
    "UpdateUser",
}


def test_the_plans_hold_every_step_kind() -> None:
    assert {s.operation for s in steps()} == EXPECTED


MODEL = botocore.session.get_session().get_service_model("iam")


@pytest.mark.parametrize("step", steps(), ids=lambda s: f"{s.operation}:{s.lane}")
def test_each_step_sends_parameters_iam_takes(step: Step) -> None:
    shape = MODEL.operation_model(step.operation).input_shape
    if shape is None:  # an operation that takes no parameter
        assert not step.params, step.params
        return
    report = ParamValidator().validate(dict(step.params), shape)
    assert not report.has_errors(), report.generate_report()
    assert all(word != "" for word in step.argv[:2]), step.argv


@pytest.mark.parametrize("step", steps(), ids=lambda s: f"{s.operation}:{s.lane}")
def test_each_arn_a_step_sends_is_its_entitys(step: Step) -> None:
    known = arns()
    for name, value in step.params.items():
        if name.endswith("Arn") or name == "PermissionsBoundary":
            assert value in known, (name, value)
            assert value in step.argv, (value, step.argv)
