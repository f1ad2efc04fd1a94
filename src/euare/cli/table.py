"""The verb table: every ``euare-*`` verb and the family module that declares it.

This table is the single list of verbs. The console scripts in pyproject.toml, the README's verb
list and docs/cli-reference.md are generated from it (``python -m euare.manual``), and tests check
that they agree.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs the worker's front milliseconds to import


FAMILIES: dict[str, tuple[str, ...]] = {
    "users": (
        "usercreate",
        "userdel",
        "usermod",
        "usergetattributes",
        "userlistbypath",
        "userlistgroups",
        "useraddpolicy",
        "useruploadpolicy",
        "usergetpolicy",
        "userdelpolicy",
        "userlistpolicies",
    ),
    "keys": ("useraddkey", "userdelkey", "usermodkey", "userlistkeys", "accountauditkeys"),
    "rotation": ("userrotatekey",),
    "certs": ("useraddcert", "usercreatecert", "userdelcert", "usermodcert", "userlistcerts"),
    "login": (
        "useraddloginprofile",
        "usergetloginprofile",
        "usermodloginprofile",
        "userdelloginprofile",
        "changepassword",
    ),
    "mfa": (
        "userenablemfadevice",
        "userdeactivatemfadevice",
        "userresyncmfadevice",
        "userlistmfadevices",
        "mfacreate",
        "mfalist",
        "mfadel",
    ),
    "groups": (
        "groupcreate",
        "groupdel",
        "groupmod",
        "grouplistbypath",
        "grouplistusers",
        "groupadduser",
        "groupremoveuser",
        "groupaddpolicy",
        "groupuploadpolicy",
        "groupgetpolicy",
        "groupdelpolicy",
        "grouplistpolicies",
    ),
    "roles": (
        "rolecreate",
        "roledel",
        "rolegetattributes",
        "rolelistbypath",
        "roleupdateassumepolicy",
        "roleaddpolicy",
        "roleuploadpolicy",
        "rolegetpolicy",
        "roledelpolicy",
        "rolelistpolicies",
        "rolemod",
    ),
    "instance_profiles": (
        "instanceprofilecreate",
        "instanceprofiledel",
        "instanceprofilegetattributes",
        "instanceprofilelistbypath",
        "instanceprofilelistforrole",
        "instanceprofileaddrole",
        "instanceprofileremoverole",
    ),
    "server_certs": (
        "servercertupload",
        "servercertdel",
        "servercertgetattributes",
        "servercertlistbypath",
        "servercertmod",
    ),
    "oidc": (
        "oidcprovidercreate",
        "oidcproviderdel",
        "oidcprovidergetattributes",
        "oidcproviderlist",
        "oidcprovideraddclientid",
        "oidcproviderdelclientid",
        "oidcproviderchangethumbprint",
    ),
    "account": (
        "accountaliascreate",
        "accountaliasdelete",
        "accountaliaslist",
        "accountgetsummary",
    ),
    "boundaries": ("usersetboundary", "userdelboundary", "rolesetboundary", "roledelboundary"),
    "account_password": (
        "accountgetpasswordpolicy",
        "accountsetpasswordpolicy",
        "accountdelpasswordpolicy",
    ),
    "service_linked": ("rolecreateservicelinked", "roledelservicelinked"),
    "sts": ("getcallerid", "assumerole", "releaserole"),
    "policy_versions": (
        "policygetversion",
        "policylistversions",
        "policycreateversion",
        "policysetdefaultversion",
        "policydelversion",
    ),
    "managed_policies": (
        "policycreate",
        "policydel",
        "policygetattributes",
        "policylistbypath",
        "policylistentities",
        "userattachpolicy",
        "userdetachpolicy",
        "userlistattachedpolicies",
        "groupattachpolicy",
        "groupdetachpolicy",
        "grouplistattachedpolicies",
        "roleattachpolicy",
        "roledetachpolicy",
        "rolelistattachedpolicies",
    ),
    "tags": (
        "usertag",
        "useruntag",
        "userlisttags",
        "roletag",
        "roleuntag",
        "rolelisttags",
        "policytag",
        "policyuntag",
        "policylisttags",
        "instanceprofiletag",
        "instanceprofileuntag",
        "instanceprofilelisttags",
        "oidcprovidertag",
        "oidcprovideruntag",
        "oidcproviderlisttags",
        "samlprovidertag",
        "samlprovideruntag",
        "samlproviderlisttags",
        "servercerttag",
        "servercertuntag",
        "servercertlisttags",
        "mfatag",
        "mfauntag",
        "mfalisttags",
    ),
    "reports": ("accountcredentialreport",),
    "account_state": ("accountsnapshot", "accountdiff"),
    "account_apply": ("accountapply",),
    "simulation": ("policysimulate",),
    "policylint": ("policylint",),
    "saml": (
        "samlprovidercreate",
        "samlproviderdel",
        "samlprovidergetattributes",
        "samlproviderlist",
        "samlprovidermod",
    ),
    "ssh_keys": (
        "useraddsshkey",
        "userdelsshkey",
        "usergetsshkey",
        "usermodsshkey",
        "userlistsshkeys",
    ),
    "service_creds": (
        "useraddservicecred",
        "userdelservicecred",
        "usermodservicecred",
        "userresetservicecred",
        "userlistservicecreds",
    ),
}

VERBS: dict[str, str] = {verb: family for family, verbs in FAMILIES.items() for verb in verbs}

# How each family is named in headings (euare --help, euare(1), the README and
# docs/cli-reference.md): its proper name, where the module's name is an abbreviation.
TITLES: dict[str, str] = {
    "users": "Users",
    "keys": "Access keys",
    "rotation": "Access key rotation",
    "certs": "Signing certificates",
    "login": "Login profiles",
    "mfa": "MFA devices",
    "groups": "Groups",
    "roles": "Roles",
    "instance_profiles": "Instance profiles",
    "server_certs": "Server certificates",
    "oidc": "OIDC providers",
    "account": "Account",
    "boundaries": "Permissions boundaries",
    "account_password": "Account password policy",
    "service_linked": "Service-linked roles",
    "sts": "STS",
    "policy_versions": "Policy versions",
    "managed_policies": "Managed policies",
    "tags": "Tags",
    "reports": "Reports",
    "account_state": "Account state",
    "account_apply": "Applying an account state",
    "simulation": "Policy simulation",
    "policylint": "Policy lint",
    "saml": "SAML providers",
    "ssh_keys": "SSH keys",
    "service_creds": "Service-specific credentials",
}


def title(family: str) -> str:
    """The heading of ``family``: its entry in TITLES (a family without one is an error)."""
    return TITLES[family]


TOOLS: dict[str, str] = {"sandbox": "euare.sandbox.command:main"}


def scripts() -> dict[str, str]:
    """The ``[project.scripts]`` table: one console script per verb, plus the tools."""
    table = {f"euare-{verb}": f"euare.entry:{verb}" for verb in sorted(VERBS)}
    table.update({f"euare-{name}": target for name, target in TOOLS.items()})
    table["euare"] = "euare.entry:euare"
    return dict(sorted(table.items()))
