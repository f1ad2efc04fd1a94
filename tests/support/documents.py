"""Policy documents and step lists that several test files build state with."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

# An identity policy IAM accepts.
DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)

# A trust policy that lets EC2 assume a role.
TRUST = json.dumps(
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

# What `userdel -r` sends for a user with one of everything, the final DeleteUser last.
USER_DELETE_STEPS = [
    "DeleteAccessKey",
    "DeleteUserPolicy",
    "DeleteSigningCertificate",
    "RemoveUserFromGroup",
    "DetachUserPolicy",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "DeleteSSHPublicKey",
    "DeleteLoginProfile",
    "DeleteUser",
]


def attach_everywhere(iam: Any, policy: str) -> None:
    """Attach the managed ``policy`` to a new user u1, group g1 and role r1 (boto3 ``iam``)."""
    iam.create_user(UserName="u1")
    iam.attach_user_policy(UserName="u1", PolicyArn=policy)
    iam.create_group(GroupName="g1")
    iam.attach_group_policy(GroupName="g1", PolicyArn=policy)
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="r1", PolicyArn=policy)


def wildcard_policy(resources: int = 4700) -> dict[str, Any]:
    """Issue 19's document: Allow s3:*, ec2:* and iam:* on ``resources`` wildcard S3 object
    ARNs (``arn:aws:s3:::bk-0000/*``...). 4,700 of them are about 122,000 characters of JSON,
    within the 131,072 IAM takes; the lint finds that no Resource is an EC2 or IAM one."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:*", "ec2:*", "iam:*"],
                "Resource": [f"arn:aws:s3:::bk-{i:04d}/*" for i in range(resources)],
            }
        ],
    }


# What IAM's API takes of a policy document (PutUserPolicy's PolicyDocument and the like).
DOCUMENT_LIMIT = 131_072


def _filled(document: dict[str, Any], items: list[Any], make: Callable[[int], Any]) -> None:
    """Append ``make(0)``, ``make(1)``... to ``items`` (a list inside ``document``) while the
    document's JSON stays within DOCUMENT_LIMIT characters."""
    size = len(json.dumps(document))
    for i in itertools.count():
        item = make(i)
        more = len(json.dumps(item)) + (2 if items else 0)  # ", " between items
        if size + more > DOCUMENT_LIMIT:
            return
        items.append(item)
        size += more


def _statement(actions: Any, resources: Any, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **more}


def stress_policies() -> dict[str, dict[str, Any]]:
    """Documents IAM would take, each as big as it takes, each aimed at a part of the lint that
    could cost the document's size times the catalogue's: the time of each is bench/'s."""
    from euare.policy import catalogue

    every = [f"{prefix}:*" for prefix in catalogue.services()]
    found: dict[str, dict[str, Any]] = {}

    def grown(name: str, statement: dict[str, Any], key: str, make: Callable[[int], Any]) -> None:
        document = {"Version": "2012-10-17", "Statement": [statement]}
        _filled(document, statement[key], make)
        found[name] = document

    grown(
        "every service's actions on ARNs of any service",
        _statement(list(every), []),
        "Resource",
        lambda i: f"arn:aws:*:*:*:q{i}:/x?",
    )
    grown(
        "distinct misspelt actions",
        _statement([], "*"),
        "Action",
        lambda i: f"ec2:DescribeInstancez{i}",
    )
    grown("distinct action patterns", _statement([], "*"), "Action", lambda i: f"ec2:*x{i}")
    conditions: dict[str, Any] = {}
    keys = {"Version": "2012-10-17", "Statement": [_statement("s3:ListBucket", "*")]}
    keys["Statement"][0]["Condition"] = {"StringLike": conditions}
    size = len(json.dumps(keys))
    for i in itertools.count():
        more = len(json.dumps({f"s3:prefx{i}": "a"})) - 2 + (2 if conditions else 0)
        if size + more > DOCUMENT_LIMIT:
            break
        conditions[f"s3:prefx{i}"] = "a"
        size += more
    found["distinct unknown condition keys"] = keys
    many: dict[str, Any] = {"Version": "2012-10-17", "Statement": []}
    _filled(
        many,
        many["Statement"],
        lambda i: _statement(["s3:GetObject", "ec2:*"], f"arn:aws:s3:::b{i}"),
    )
    found["statements of the same actions"] = many
    long = _statement(list(every), "")
    head = len(json.dumps({"Version": "2012-10-17", "Statement": [long]}))
    long["Resource"] = "arn:aws:*:*:*:" + "a:/" * ((DOCUMENT_LIMIT - head - 14) // 3)
    found["one long ARN of any service"] = {"Version": "2012-10-17", "Statement": [long]}
    return found
