"""The resource an IAM or STS request is authorized on, as IAM's Service Authorization Reference
gives it for each action: the entity the request names, by its ARN with its path (a user under
/cron/ is ``user/cron/NAME``); the caller itself for the calls on one's own credentials made
without a UserName (``ListAccessKeys``, ``ChangePassword``...); the role for ``sts:AssumeRole``;
for a listing of a kind, the kind's ARN at the path prefix (``ListUsers`` under /cron/ is
``user/cron/``); ``*`` for what concerns the account as a whole, and for Organizations."""

from __future__ import annotations

from urllib.parse import urlsplit

from euare.sandbox.model.directory import Directory, Principal
from euare.sandbox.model.wire import Call

# The parameter that names the request's resource, in order of precedence, and its ARN's kind.
NAMED = (
    ("InstanceProfileName", "instance-profile"),
    ("GroupName", "group"),
    ("UserName", "user"),
    ("RoleName", "role"),
)
ARNS = ("PolicyArn", "SAMLProviderArn", "OpenIDConnectProviderArn", "RoleArn")
LISTINGS = {
    "ListUsers": "user",
    "ListGroups": "group",
    "ListRoles": "role",
    "ListPolicies": "policy",
    "ListInstanceProfiles": "instance-profile",
    "ListServerCertificates": "server-certificate",
    "ListVirtualMFADevices": "mfa",
}
# Calls on a user's own credentials: without a UserName, on the caller.
ON_THE_CALLER = (
    "AccessKey",
    "SigningCertificate",
    "SSHPublicKey",
    "ServiceSpecificCredential",
    "MFADevice",
    "ChangePassword",
    "GetUser",
    "LoginProfile",
)
# Creating an entity of a kind: the new entity's ARN, at the Path given.
CREATES = {
    "CreateUser": ("user", "UserName"),
    "CreateGroup": ("group", "GroupName"),
    "CreateRole": ("role", "RoleName"),
    "CreateInstanceProfile": ("instance-profile", "InstanceProfileName"),
    "CreatePolicy": ("policy", "PolicyName"),
    "UploadServerCertificate": ("server-certificate", "ServerCertificateName"),
    "CreateVirtualMFADevice": ("mfa", "VirtualMFADeviceName"),
    "CreateSAMLProvider": ("saml-provider", "Name"),
}


def _arn(account: str, kind: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account}:{kind}{path or '/'}{name}"


def _found(directory: Directory, kind: str, name: str) -> Principal | None:
    tables = {"user": directory.users, "group": directory.groups, "role": directory.roles}
    return tables.get(kind, {}).get(name)


def resource(call: Call, account: str, directory: Directory, caller: str | None) -> str:
    """The ARN ``call`` is authorized on (see the module's docstring); ``caller`` is the
    calling user's name (None for a role session)."""
    action, params = call.action, call.params
    if call.service == "sts":
        return params.get("RoleArn") or "*"
    if call.service != "iam":
        return "*"  # Organizations': its resource-level permissions are not modelled
    if action in CREATES:
        kind, name = CREATES[action]
        return _arn(account, kind, params.get("Path", "/"), params.get(name, ""))
    if action == "CreateOpenIDConnectProvider":
        parts = urlsplit(params.get("Url", ""))
        return f"arn:aws:iam::{account}:oidc-provider/{parts.netloc}{parts.path}"
    for param, kind in NAMED:
        named = params.get(param)
        if named:
            found = _found(directory, kind, named)
            if found is not None:
                return found.arn
            return _arn(account, kind, "/", named)
    for param in ARNS:
        if params.get(param):
            return params[param]
    if params.get("ServerCertificateName"):
        return _arn(account, "server-certificate", "/", params["ServerCertificateName"])
    if params.get("SerialNumber", "").startswith("arn:"):
        return params["SerialNumber"]
    if action in LISTINGS:
        return _arn(account, LISTINGS[action], params.get("PathPrefix", "/"), "")
    if caller is not None and any(part in action for part in ON_THE_CALLER):
        user = directory.users.get(caller)
        return user.arn if user else _arn(account, "user", "/", caller)
    return "*"
