"""What ``euare-sandbox --load`` names when it says what it left out: each kind of thing, as
(one, many), so that a line reads "1 user" or "2 users' inline policies"."""

from __future__ import annotations

# What may be left out, as (one, many): "1 user", "2 users' inline policies".
Label = tuple[str, str]
POLICY = ("managed policy", "managed policies")
GROUP = ("group", "groups")
USER = ("user", "users")
MEMBERSHIP = ("group membership", "group memberships")
LOGIN = ("login profile", "login profiles")
KEY = ("access key", "access keys")
MFA = ("MFA device", "MFA devices")
VIRTUAL_MFA = ("virtual MFA device", "virtual MFA devices")
ROLE = ("role", "roles")
PROFILE = ("instance profile", "instance profiles")
OIDC = ("OpenID Connect provider", "OpenID Connect providers")
SAML = ("SAML provider", "SAML providers")
CERT = ("server certificate", "server certificates")
ALIAS = ("account alias", "account aliases")
PASSWORD_POLICY = ("password policy", "password policies")
INLINE = ("inline policy", "inline policies")
ATTACHED = ("policy attachment", "policy attachments")
# Fields read back, to tell when the sandbox did not keep them as the snapshot has them.
FIELDS: dict[str, Label] = {
    "Tags": ("tags", "tags"),
    "PermissionsBoundary": ("permissions boundary", "permissions boundaries"),
    "ValidUntil": ("ValidUntil", "ValidUntil"),
    "Expiration": ("Expiration", "Expiration"),
}


def of(owner: Label, part: Label) -> Label:
    """What part of an entity: ("user's inline policy", "users' inline policies")."""
    return f"{owner[0]}'s {part[0]}", f"{owner[1]}' {part[1]}"


# The snapshot's kinds, in the order they are made: whatever an entity names exists before it.
LABELS: dict[str, Label] = {
    "Policies": POLICY,
    "Groups": GROUP,
    "Users": USER,
    "VirtualMFADevices": VIRTUAL_MFA,
    "Roles": ROLE,
    "InstanceProfiles": PROFILE,
    "OpenIDConnectProviders": OIDC,
    "SAMLProviders": SAML,
    "ServerCertificates": CERT,
    "PasswordPolicy": PASSWORD_POLICY,
}
