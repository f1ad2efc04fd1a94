"""Policy documents and step lists that several test files build state with."""

from __future__ import annotations

import json

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
