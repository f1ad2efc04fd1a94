"""Users holding many attachments, built with boto3, for the fan-out tests and bench/: what a
recursive delete has to remove, and the account's state read back afterwards."""

from __future__ import annotations

from typing import Any

from tests.support.certs import self_signed, ssh_public_key
from tests.support.documents import DOC


def load_user(iam: Any, user: str, each: int = 3, mfa: int = 2) -> dict[str, list[str]]:
    """Create ``user`` with ``each`` inline policies, groups and attached managed policies,
    ``mfa`` enabled virtual MFA devices, two access keys, two signing certificates, two SSH
    keys and a login profile (IAM allows only two keys and two certificates). Returns what was
    attached, by kind: the names, and the devices' serial numbers."""
    iam.create_user(UserName=user)
    made: dict[str, list[str]] = {"keys": [], "policies": [], "groups": [], "managed": []}
    made["mfa"] = []
    for _ in range(2):
        made["keys"].append(iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"])
        iam.upload_signing_certificate(UserName=user, CertificateBody=self_signed()[0])
        iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=ssh_public_key())
    for n in range(each):
        policy, group, managed = f"{user}-inline-{n}", f"{user}-group-{n}", f"{user}-managed-{n}"
        iam.put_user_policy(UserName=user, PolicyName=policy, PolicyDocument=DOC)
        iam.create_group(GroupName=group)
        iam.add_user_to_group(UserName=user, GroupName=group)
        arn = iam.create_policy(PolicyName=managed, PolicyDocument=DOC)["Policy"]["Arn"]
        iam.attach_user_policy(UserName=user, PolicyArn=arn)
        made["policies"].append(policy)
        made["groups"].append(group)
        made["managed"].append(arn)
    for n in range(mfa):
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user}-mfa-{n}")
        serial = device["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(
            UserName=user,
            SerialNumber=serial,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
        made["mfa"].append(serial)
    iam.create_login_profile(UserName=user, Password="Loaded-Passw0rd!")
    return made


def wide_user(iam: Any, user: str, attachments: int = 50) -> None:
    """Create ``user`` with ``attachments`` things to remove: half inline policies, half group
    memberships (IAM's limit on groups per user is 10 by default; moto has none)."""
    iam.create_user(UserName=user)
    for n in range(attachments - attachments // 2):
        iam.put_user_policy(UserName=user, PolicyName=f"inline-{n}", PolicyDocument=DOC)
    for n in range(attachments // 2):
        iam.create_group(GroupName=f"{user}-group-{n}")
        iam.add_user_to_group(UserName=user, GroupName=f"{user}-group-{n}")


def account_state(iam: Any) -> dict[str, Any]:
    """What a recursive delete may change, read back with boto3: the users, each group's
    members, each local managed policy's attachment count, the virtual MFA devices."""
    groups = iam.list_groups()["Groups"]
    return {
        "users": sorted(u["UserName"] for u in iam.list_users()["Users"]),
        "members": {
            g["GroupName"]: sorted(
                u["UserName"] for u in iam.get_group(GroupName=g["GroupName"])["Users"]
            )
            for g in groups
        },
        "attachments": {
            p["PolicyName"]: p["AttachmentCount"]
            for p in iam.list_policies(Scope="Local")["Policies"]
        },
        "mfa": sorted(
            d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]
        ),
    }
