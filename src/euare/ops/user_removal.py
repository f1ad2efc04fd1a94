"""What keeps a user from being deleted, kind by kind, and how each item is removed: the
USER kind that :func:`euare.ops.deletion.delete_recursively` deletes: euare-userdel -r and -p,
and euare-accountapply --prune, which removes a user exactly as ``userdel -r`` does."""

from __future__ import annotations

from typing import Any

from euare.call.arns import arn_of
from euare.call.context import Call
from euare.ops.deletion import Blocker, Kind, fetch_single


def _mfa_removal(user: str, device: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    serial = device["SerialNumber"]
    steps = [
        (
            f"deactivate MFA device {serial}",
            "DeactivateMFADevice",
            {"UserName": user, "SerialNumber": serial},
        )
    ]
    if serial.startswith("arn:") and ":mfa/" in serial:
        steps.append(
            (
                f"delete virtual MFA device {serial}",
                "DeleteVirtualMFADevice",
                {"SerialNumber": serial},
            )
        )
    return steps


def _mfa_removed(call: Call, user: str, device: dict[str, Any], operation: str) -> bool:
    """Deactivated: no longer listed for the user (who then cannot find it again: so this is
    known within the same run); deleted: no longer among the virtual devices."""
    serial = device["SerialNumber"]
    if operation == "DeleteVirtualMFADevice":
        listed = call.pages("ListVirtualMFADevices", "VirtualMFADevices")
    else:
        listed = call.pages("ListMFADevices", "MFADevices", UserName=user)
    return all(d["SerialNumber"] != serial for d in listed)


USER_BLOCKERS = (
    # euca2ools' four kinds first, in its order, so scripts reading `userdel -p` keep working
    Blocker(
        "accesskeys",
        "ListAccessKeys",
        "AccessKeyMetadata",
        lambda i: i["AccessKeyId"],
        lambda u, i: [
            (
                f"delete access key {i['AccessKeyId']}",
                "DeleteAccessKey",
                {"UserName": u, "AccessKeyId": i["AccessKeyId"]},
            )
        ],
    ),
    Blocker(
        "policies",
        "ListUserPolicies",
        "PolicyNames",
        str,
        lambda u, name: [
            (f"delete policy {name}", "DeleteUserPolicy", {"UserName": u, "PolicyName": name})
        ],
    ),
    Blocker(
        "certificates",
        "ListSigningCertificates",
        "Certificates",
        lambda i: i["CertificateId"],
        lambda u, i: [
            (
                f"delete signing certificate {i['CertificateId']}",
                "DeleteSigningCertificate",
                {"UserName": u, "CertificateId": i["CertificateId"]},
            )
        ],
    ),
    Blocker(
        "groups",
        "ListGroupsForUser",
        "Groups",
        arn_of,
        lambda u, i: [
            (
                f"remove from group {i['GroupName']}",
                "RemoveUserFromGroup",
                {"UserName": u, "GroupName": i["GroupName"]},
            )
        ],
    ),
    Blocker(
        "attachedpolicies",
        "ListAttachedUserPolicies",
        "AttachedPolicies",
        lambda i: i["PolicyArn"],
        lambda u, i: [
            (
                f"detach policy {i['PolicyArn']}",
                "DetachUserPolicy",
                {"UserName": u, "PolicyArn": i["PolicyArn"]},
            )
        ],
    ),
    Blocker(
        "mfadevices",
        "ListMFADevices",
        "MFADevices",
        lambda i: i["SerialNumber"],
        _mfa_removal,
        removed=_mfa_removed,
    ),
    Blocker(
        "sshkeys",
        "ListSSHPublicKeys",
        "SSHPublicKeys",
        lambda i: i["SSHPublicKeyId"],
        lambda u, i: [
            (
                f"delete SSH public key {i['SSHPublicKeyId']}",
                "DeleteSSHPublicKey",
                {"UserName": u, "SSHPublicKeyId": i["SSHPublicKeyId"]},
            )
        ],
    ),
    Blocker(
        "servicecredentials",
        "ListServiceSpecificCredentials",
        "ServiceSpecificCredentials",
        lambda i: i["ServiceSpecificCredentialId"],
        lambda u, i: [
            (
                f"delete service-specific credential {i['ServiceSpecificCredentialId']}",
                "DeleteServiceSpecificCredential",
                {"UserName": u, "ServiceSpecificCredentialId": i["ServiceSpecificCredentialId"]},
            )
        ],
        optional=True,
    ),
    Blocker(
        "loginprofile",
        "GetLoginProfile",
        "LoginProfile",
        lambda i: i["UserName"],
        lambda u, i: [("delete login profile", "DeleteLoginProfile", {"UserName": u})],
        items=fetch_single("GetLoginProfile", "LoginProfile"),
    ),
)
USER = Kind(noun="user", param="UserName", delete="DeleteUser", blockers=USER_BLOCKERS)
