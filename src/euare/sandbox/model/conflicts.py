"""DeleteConflict (HTTP 409), as IAM answers a delete of an entity that still holds something: moto
deletes a user with keys, a group with members, a policy still attached. Each rule asks moto (by
sub-requests) what the entity holds, in the order the IAM API Reference lists what must go
first, and refuses with IAM's message for the first thing found. A delete of an entity that
does not exist gets moto's NoSuchEntity, as from IAM.

DeleteRole (instance profiles, inline and attached policies) and DeleteInstanceProfile (roles)
are refused by moto itself, with IAM's messages (tests/e2e/test_sandbox_model_conflicts.py
holds them)."""

from __future__ import annotations

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.wire import Call, conflict, each, text

KEYS = "Cannot delete entity, must delete access keys first."
LOGIN = "Cannot delete entity, must delete login profile first."
CERTIFICATES = "Cannot delete entity, must delete signing certificates first."
SSH_KEYS = "Cannot delete entity, must delete SSH public keys first."
SERVICE_CREDENTIALS = "Cannot delete entity, must delete service specific credentials first."
MFA = "Cannot delete entity, must delete MFA device first."
INLINE = "Cannot delete entity, must delete policies first."
ATTACHED = "Cannot delete entity, must detach all policies first."
MEMBERS = "Cannot delete entity, must remove users from group first."
POLICY_ATTACHED = "Cannot delete a policy attached to entities."
POLICY_VERSIONS = (
    "This policy has more than one version. Before you delete a policy, you must delete the "
    "policy's versions. The default version is deleted with the policy."
)
MFA_IN_USE = "Cannot delete entity, must deactivate MFA device first."


def _holds(context: Context, call: Call, action: str, listed: str, **params: str) -> bool:
    """Whether moto's answer to ``action`` lists anything under ``listed``."""
    root = context.ask(call, action, **params)
    return any(True for _ in each(root, f"{action}Result", listed))


def delete_user(context: Context, call: Call) -> None:
    """DeleteUser (IAM API Reference): "you must delete the items attached to the user
    manually": password, access keys, signing certificates, SSH public keys, service-specific
    credentials, MFA devices, inline policies, attached managed policies, group memberships;
    DeleteConflict while any is there."""
    user = call.params.get("UserName", "")
    keys = _holds(context, call, "ListAccessKeys", "AccessKeyMetadata", UserName=user)
    if context.request(call, "GetLoginProfile", UserName=user).ok:
        raise conflict(LOGIN)
    if keys:
        raise conflict(KEYS)
    if _holds(context, call, "ListSigningCertificates", "Certificates", UserName=user):
        raise conflict(CERTIFICATES)
    if _holds(context, call, "ListSSHPublicKeys", "SSHPublicKeys", UserName=user):
        raise conflict(SSH_KEYS)
    with context.store.lock:
        held = any(c.user == user for c in context.store.service_credentials.values())
    if held:
        raise conflict(SERVICE_CREDENTIALS)
    if _holds(context, call, "ListMFADevices", "MFADevices", UserName=user):
        raise conflict(MFA)
    if _holds(context, call, "ListUserPolicies", "PolicyNames", UserName=user):
        raise conflict(INLINE)
    if _holds(context, call, "ListAttachedUserPolicies", "AttachedPolicies", UserName=user):
        raise conflict(ATTACHED)
    if _holds(context, call, "ListGroupsForUser", "Groups", UserName=user):
        raise conflict(MEMBERS)


def delete_group(context: Context, call: Call) -> None:
    """DeleteGroup (IAM API Reference): "The group must not contain any users or have any
    attached policies"; inline policies go first too (DeleteGroupPolicy)."""
    group = call.params.get("GroupName", "")
    if _holds(context, call, "GetGroup", "Users", GroupName=group):
        raise conflict(MEMBERS)
    if _holds(context, call, "ListGroupPolicies", "PolicyNames", GroupName=group):
        raise conflict(INLINE)
    if _holds(context, call, "ListAttachedGroupPolicies", "AttachedPolicies", GroupName=group):
        raise conflict(ATTACHED)


def delete_policy(context: Context, call: Call) -> None:
    """DeletePolicy (IAM API Reference): first detach the policy from every user, group and
    role, and delete every version but the default one."""
    arn = call.params.get("PolicyArn", "")
    policy = context.ask(call, "GetPolicy", PolicyArn=arn)
    if (text(policy, "GetPolicyResult", "Policy", "AttachmentCount") or "0") != "0":
        raise conflict(POLICY_ATTACHED)
    versions = context.ask(call, "ListPolicyVersions", PolicyArn=arn)
    if len(list(each(versions, "ListPolicyVersionsResult", "Versions"))) > 1:
        raise conflict(POLICY_VERSIONS)


def delete_virtual_mfa_device(context: Context, call: Call) -> None:
    """DeleteVirtualMFADevice (IAM API Reference): "You must deactivate a user's virtual MFA
    device before you can delete it"; DeleteConflict while it is assigned."""
    serial = call.params.get("SerialNumber", "")
    listed = context.ask(call, "ListVirtualMFADevices", AssignmentStatus="Assigned")
    for device in each(listed, "ListVirtualMFADevicesResult", "VirtualMFADevices"):
        if text(device, "SerialNumber") == serial:
            raise conflict(MFA_IN_USE)


def register(rules: Rules) -> None:
    rules.check("DeleteUser")(delete_user)
    rules.check("DeleteGroup")(delete_group)
    rules.check("DeletePolicy")(delete_policy)
    rules.check("DeleteVirtualMFADevice")(delete_virtual_mfa_device)
