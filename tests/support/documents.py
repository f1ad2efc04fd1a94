"""Policy documents and step lists that several test files build state with."""

from __future__ import annotations

import json
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
