"""Accounts for the euare-accountapply tests: a desired state written as a snapshot's records,
loaded into the test moto server through the sandbox's own loader (euare.sandbox.load, which
makes entities with boto3 in an order IAM accepts), and the snapshots taken with the installed
euare-accountsnapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from euare.sandbox.load import Loader
from euare.state.snapshot import KINDS
from tests.conftest import Home, MotoServer, boto_client
from tests.support.documents import DOC, TRUST

ACCOUNT = "123456789012"  # moto's
METADATA = (Path(__file__).parent / "saml-metadata.xml").read_text()


def arn(kind: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


def document(action: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
    }


def spec(**kinds: Any) -> dict[str, Any]:
    """A snapshot of the given kinds (the others empty), as a desired state written by hand."""
    found: dict[str, Any] = {"Format": "euare-snapshot/1", "Account": ACCOUNT}
    for kind in KINDS:
        found[kind.key] = kinds.pop(kind.key, [])
    found["AccountAliases"] = kinds.pop("AccountAliases", [])
    found["PasswordPolicy"] = kinds.pop("PasswordPolicy", None)
    assert not kinds, kinds
    return found


def load(moto: MotoServer, snapshot: dict[str, Any]) -> None:
    """Empty the moto server, then make ``snapshot``'s entities there."""
    moto.reset()
    loader = Loader(boto_client(moto.url), ACCOUNT)
    loader.load(snapshot)
    # a state written by hand has no ValidUntil: moto sets its own
    missed = [line for line in loader.lines() if "ValidUntil (the sandbox sets" not in line]
    assert not missed, missed


def taken(home: Home, path: Path) -> dict[str, Any]:
    """The account's snapshot, taken with euare-accountsnapshot into ``path``."""
    done = home.run("accountsnapshot", "-o", str(path))
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(path.read_text())
    return found


def write(path: Path, snapshot: dict[str, Any]) -> Path:
    path.write_text(json.dumps(snapshot, indent=2))
    return path


def rich_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """Two states that differ in every way accountapply changes something: A, the account's,
    and B, the desired one (every kind, tags, boundaries, versions, trust, profiles, providers,
    the alias and the password policy)."""
    trust = json.loads(TRUST)
    a = spec(
        Users=[
            {
                "UserName": "alice",
                "Path": "/people/",
                "GroupList": ["ops"],
                "Tags": [{"Key": "team", "Value": "a"}],
                "UserPolicyList": [
                    {"PolicyName": "own", "PolicyDocument": document("s3:GetObject")}
                ],
                "AttachedManagedPolicies": [
                    {"PolicyName": "shared", "PolicyArn": arn("policy", "shared")}
                ],
            },
            {"UserName": "leaver", "Path": "/", "GroupList": ["ops"]},
            {"UserName": "mover", "Path": "/old/"},
        ],
        Groups=[
            {
                "GroupName": "ops",
                "Path": "/",
                "GroupPolicyList": [{"PolicyName": "g", "PolicyDocument": json.loads(DOC)}],
                "AttachedManagedPolicies": [
                    {"PolicyName": "shared", "PolicyArn": arn("policy", "shared")}
                ],
            },
            {"GroupName": "old", "Path": "/"},
        ],
        Roles=[
            {
                "RoleName": "app",
                "Path": "/svc/",
                "AssumeRolePolicyDocument": trust,
                "Description": "before",
                "MaxSessionDuration": 3600,
                "Tags": [{"Key": "tier", "Value": "web"}],
                "RolePolicyList": [{"PolicyName": "logs", "PolicyDocument": document("logs:*")}],
                "AttachedManagedPolicies": [
                    {"PolicyName": "shared", "PolicyArn": arn("policy", "shared")}
                ],
            },
            {
                "RoleName": "retired",
                "Path": "/",
                "AssumeRolePolicyDocument": trust,
                "AttachedManagedPolicies": [
                    {"PolicyName": "doomed", "PolicyArn": arn("policy", "doomed")}
                ],
            },
        ],
        InstanceProfiles=[
            {
                "InstanceProfileName": "web",
                "Path": "/",
                "Roles": ["retired"],
                "Tags": [{"Key": "k", "Value": "1"}],
            },
        ],
        Policies=[
            {
                "PolicyName": "shared",
                "Path": "/",
                "Document": document("s3:*"),
                "Tags": [{"Key": "owner", "Value": "ops"}],
            },
            {"PolicyName": "doomed", "Path": "/", "Document": document("ec2:*")},
        ],
        OpenIDConnectProviders=[
            {
                "Url": "token.example.com/a",
                "ClientIDList": ["one", "two"],
                "ThumbprintList": ["a" * 40],
                "Tags": [],
            },
        ],
        SAMLProviders=[{"Name": "sso", "SAMLMetadataDocument": METADATA, "Tags": []}],
        AccountAliases=["before-alias"],
        PasswordPolicy={"MinimumPasswordLength": 10, "RequireSymbols": True},
    )
    b = spec(
        Users=[
            {
                "UserName": "alice",
                "Path": "/people/",
                "GroupList": ["devs"],
                "Tags": [{"Key": "team", "Value": "b"}, {"Key": "new", "Value": ""}],
                "UserPolicyList": [
                    {"PolicyName": "own", "PolicyDocument": document("s3:PutObject")}
                ],
                "AttachedManagedPolicies": [
                    {"PolicyName": "fresh", "PolicyArn": arn("policy", "fresh")}
                ],
            },
            {
                "UserName": "newbie",
                "Path": "/",
                "GroupList": ["devs", "ops"],
                "Tags": [{"Key": "t", "Value": "v"}],
            },
            {"UserName": "mover", "Path": "/new/"},
        ],
        Groups=[
            {"GroupName": "ops", "Path": "/", "AttachedManagedPolicies": []},
            {
                "GroupName": "devs",
                "Path": "/",
                "GroupPolicyList": [{"PolicyName": "d", "PolicyDocument": document("iam:Get*")}],
                "AttachedManagedPolicies": [
                    {"PolicyName": "shared", "PolicyArn": arn("policy", "shared")}
                ],
            },
        ],
        Roles=[
            {
                "RoleName": "app",
                "Path": "/svc/",
                "AssumeRolePolicyDocument": {
                    **trust,
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "Description": "after",
                "MaxSessionDuration": 7200,
                "Tags": [{"Key": "tier", "Value": "api"}],
                "PermissionsBoundary": {
                    "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                    "PermissionsBoundaryArn": arn("policy", "fresh"),
                },
                "RolePolicyList": [],
                "AttachedManagedPolicies": [
                    {"PolicyName": "shared", "PolicyArn": arn("policy", "shared")}
                ],
            },
            {
                "RoleName": "worker",
                "Path": "/",
                "AssumeRolePolicyDocument": trust,
                "Description": "made",
            },
        ],
        InstanceProfiles=[
            {
                "InstanceProfileName": "web",
                "Path": "/",
                "Roles": ["worker"],
                "Tags": [{"Key": "k", "Value": "2"}],
            },
            {"InstanceProfileName": "batch", "Path": "/b/", "Roles": ["app"], "Tags": []},
        ],
        Policies=[
            {"PolicyName": "shared", "Path": "/", "Document": document("s3:List*"), "Tags": []},
            {
                "PolicyName": "fresh",
                "Path": "/team/",
                "Description": "new one",
                "Document": document("sqs:*"),
                "Tags": [{"Key": "x", "Value": "y"}],
            },
        ],
        OpenIDConnectProviders=[
            {
                "Url": "token.example.com/a",
                "ClientIDList": ["one", "two"],
                "ThumbprintList": ["b" * 40],
                "Tags": [{"Key": "i", "Value": "d"}],
            },
            {
                "Url": "login.example.org",
                "ClientIDList": ["c"],
                "ThumbprintList": ["c" * 40],
                "Tags": [],
            },
        ],
        SAMLProviders=[
            {
                "Name": "sso",
                "SAMLMetadataDocument": METADATA.replace("example", "exemplary"),
                "Tags": [],
            }
        ],
        AccountAliases=["after-alias"],
        PasswordPolicy={"MinimumPasswordLength": 14, "RequireNumbers": True, "MaxPasswordAge": 90},
    )
    b["Users"][0]["AttachedManagedPolicies"][0]["PolicyArn"] = arn("policy", "fresh", "/team/")
    b["Roles"][0]["PermissionsBoundary"]["PermissionsBoundaryArn"] = arn(
        "policy", "fresh", "/team/"
    )
    return a, b
