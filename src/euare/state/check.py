"""What each field of a snapshot must be (docs/snapshot.md, "The document"), checked when one is
read back (:func:`euare.state.snapshot.loads`), before accountdiff or the sandbox uses any of it.

A field of the wrong type is refused in one line naming it by its path in the document
(``Users[3].Tags[0].Key``), so that no reader meets a string where it expects a record. A field
the document leaves out, or gives as null, is absent; a field this table does not know is
kept and compared as it is (a later version of the format may add some). Documents (policies,
trust policies) may be any JSON. Nesting deeper than :data:`MAX_DEPTH` is refused before
anything walks the document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 100  # a snapshot is about 13 levels deep, a policy's conditions included
_NAMED = 5  # levels a depth refusal names (Roles[0].RolePolicyList[0]), then only the field

TEXT, NUMBER, FLAG, DATE, ANY = "text", "a whole number", "true or false", "date", "any"
_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


@dataclass(frozen=True)
class ListOf:
    item: Spec


@dataclass(frozen=True)
class Record:
    fields: Mapping[str, Spec]
    required: tuple[str, ...] = ()
    what: str = "an object"


Spec = str | ListOf | Record


class Refusal(Exception):
    """A field that is not what the format says: ``path`` and why."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path} {why}")
        self.path, self.why = path, why


TAGS = ListOf(Record({"Key": TEXT, "Value": TEXT}, ("Key",), "a tag"))
NAMES = ListOf(TEXT)
BOUNDARY = Record(
    {"PermissionsBoundaryType": TEXT, "PermissionsBoundaryArn": TEXT},
    ("PermissionsBoundaryArn",),
    "a permissions boundary",
)
INLINE = ListOf(
    Record({"PolicyName": TEXT, "PolicyDocument": ANY}, ("PolicyName",), "an inline policy")
)
ATTACHED = ListOf(
    Record({"PolicyName": TEXT, "PolicyArn": TEXT}, ("PolicyArn",), "an attached policy")
)
_ENTITY: dict[str, Spec] = {"Path": TEXT, "Arn": TEXT, "CreateDate": DATE}  # most kinds'

USER = Record(
    {
        "UserName": TEXT,
        "UserId": TEXT,
        **_ENTITY,
        "Tags": TAGS,
        "PermissionsBoundary": BOUNDARY,
        "GroupList": NAMES,
        "UserPolicyList": INLINE,
        "AttachedManagedPolicies": ATTACHED,
        "AccessKeys": ListOf(
            Record(
                {"AccessKeyId": TEXT, "Status": TEXT, "CreateDate": DATE},
                ("AccessKeyId",),
                "an access key",
            )
        ),
        "MFADevices": ListOf(
            Record({"SerialNumber": TEXT, "EnableDate": DATE}, ("SerialNumber",), "an MFA device")
        ),
        "LoginProfile": Record(
            {"CreateDate": DATE, "PasswordResetRequired": FLAG}, (), "a login profile"
        ),
    },
    ("UserName",),
    "a user",
)
GROUP = Record(
    {
        "GroupName": TEXT,
        "GroupId": TEXT,
        **_ENTITY,
        "GroupPolicyList": INLINE,
        "AttachedManagedPolicies": ATTACHED,
    },
    ("GroupName",),
    "a group",
)
ROLE = Record(
    {
        "RoleName": TEXT,
        "RoleId": TEXT,
        **_ENTITY,
        "Tags": TAGS,
        "Description": TEXT,
        "MaxSessionDuration": NUMBER,
        "PermissionsBoundary": BOUNDARY,
        "AssumeRolePolicyDocument": ANY,
        "RolePolicyList": INLINE,
        "AttachedManagedPolicies": ATTACHED,
    },
    ("RoleName",),
    "a role",
)
PROFILE = Record(
    {
        "InstanceProfileName": TEXT,
        "InstanceProfileId": TEXT,
        **_ENTITY,
        "Roles": NAMES,
        "Tags": TAGS,
    },
    ("InstanceProfileName",),
    "an instance profile",
)
POLICY = Record(
    {
        "PolicyName": TEXT,
        "PolicyId": TEXT,
        **_ENTITY,
        "Tags": TAGS,
        "Description": TEXT,
        "IsAttachable": FLAG,
        "DefaultVersionId": TEXT,
        "Document": ANY,
        "AttachmentCount": NUMBER,
        "PermissionsBoundaryUsageCount": NUMBER,
        "UpdateDate": DATE,
    },
    ("PolicyName",),
    "a managed policy",
)
VIRTUAL_MFA = Record(
    {"SerialNumber": TEXT, "UserName": TEXT, "EnableDate": DATE},
    ("SerialNumber",),
    "a virtual MFA device",
)
OIDC = Record(
    {
        "Url": TEXT,
        "Arn": TEXT,
        "ClientIDList": NAMES,
        "ThumbprintList": NAMES,
        "CreateDate": DATE,
        "Tags": TAGS,
    },
    ("Url",),
    "an OpenID Connect provider",
)
SAML = Record(
    {
        "Name": TEXT,
        "Arn": TEXT,
        "SAMLMetadataDocument": TEXT,
        "ValidUntil": DATE,
        "CreateDate": DATE,
        "Tags": TAGS,
    },
    ("Name",),
    "a SAML provider",
)
CERTIFICATE = Record(
    {
        "ServerCertificateName": TEXT,
        "ServerCertificateId": TEXT,
        "Path": TEXT,
        "Arn": TEXT,
        "UploadDate": DATE,
        "Expiration": DATE,
        "CertificateBody": TEXT,
        "CertificateChain": TEXT,
        "Tags": TAGS,
    },
    ("ServerCertificateName",),
    "a server certificate",
)
PASSWORD_POLICY = Record(
    {
        "MinimumPasswordLength": NUMBER,
        "RequireSymbols": FLAG,
        "RequireNumbers": FLAG,
        "RequireUppercaseCharacters": FLAG,
        "RequireLowercaseCharacters": FLAG,
        "AllowUsersToChangePassword": FLAG,
        "ExpirePasswords": FLAG,
        "MaxPasswordAge": NUMBER,
        "PasswordReusePrevention": NUMBER,
        "HardExpiry": FLAG,
    },
    (),
    "a password policy",
)
DOCUMENT = Record(
    {
        "Format": TEXT,
        "Taken": DATE,
        "Account": TEXT,
        "AccountAliases": NAMES,
        "PasswordPolicy": PASSWORD_POLICY,
        "Users": ListOf(USER),
        "Groups": ListOf(GROUP),
        "Roles": ListOf(ROLE),
        "InstanceProfiles": ListOf(PROFILE),
        "Policies": ListOf(POLICY),
        "VirtualMFADevices": ListOf(VIRTUAL_MFA),
        "OpenIDConnectProviders": ListOf(OIDC),
        "SAMLProviders": ListOf(SAML),
        "ServerCertificates": ListOf(CERTIFICATE),
    },
    ("Format",),
    "a snapshot",
)


def check(document: Any) -> None:
    """Raise a Refusal naming the first field of ``document`` that is not as the format says
    (or the first place nested deeper than MAX_DEPTH)."""
    _depth(document)
    _check(document, DOCUMENT, "")


def _depth(document: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH, walking without recursion (so that the check
    itself cannot run out of stack)."""
    stack: list[tuple[Any, int, str]] = [(document, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise Refusal(path or "the document", f"is nested more than {MAX_DEPTH} levels deep")
        if depth > _NAMED:  # the path names the field (Users[0].Path), not each level in it
            stack.extend((v, depth + 1, path) for v in _children(value))
        elif isinstance(value, dict):
            stack.extend((v, depth + 1, _at(path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, f"{path}[{n}]") for n, v in enumerate(value))


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else []


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _a(value: Any) -> str:
    """What a JSON value is, for the error line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _check(value: Any, spec: Spec, path: str) -> None:
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            raise Refusal(path, f"is {_a(value)}, not a list")
        for n, item in enumerate(value):
            _check(item, spec.item, f"{path}[{n}]")
    elif isinstance(spec, Record):
        if not isinstance(value, dict):
            raise Refusal(path or "the document", f"is {_a(value)}, not {spec.what}")
        for name in spec.required:
            if value.get(name) is None:
                raise Refusal(_at(path, name), f"is missing (it names {spec.what})")
        for name, member in spec.fields.items():
            if value.get(name) is not None:
                _check(value[name], member, _at(path, name))
    elif spec == TEXT and not isinstance(value, str):
        raise Refusal(path, f"is {_a(value)}, not text")
    elif spec == NUMBER and (isinstance(value, bool) or not isinstance(value, int)):
        raise Refusal(path, f"is {_a(value)}, not {NUMBER}")
    elif spec == FLAG and not isinstance(value, bool):
        raise Refusal(path, f"is {_a(value)}, not true or false")
    elif spec == DATE and not (isinstance(value, str) and _DATE.match(value)):
        shown = "text" if isinstance(value, str) else _a(value)
        raise Refusal(path, f"is {shown}, not a date and time such as 2026-11-30T01:02:03Z")
