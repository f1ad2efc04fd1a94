"""Tags, declared once for every kind of entity IAM tags.

``tag_verbs("role", "Role", ...)`` declares euare-roletag (TagRole), euare-roleuntag
(UntagRole) and euare-rolelisttags (ListRoleTags). Each kind's entity is named by the positional
its other verbs take: users, roles, instance profiles and server certificates by name, a managed
policy by ARN or name (as the attach verbs take it), OIDC and SAML providers by ARN, a virtual
MFA device by its serial number (its ARN).

Tags are checked against IAM's limits before anything is sent (params.Tag, params.tag_set).
listtags' records are IAM's Tag items whole; its text is ``KEY<TAB>VALUE`` a line.
"""

from __future__ import annotations

from collections.abc import Iterable

from euare.cli import params as o
from euare.cli.helpdoc import a
from euare.cli.params import Decorator, positional
from euare.cli.verb import api_verb, list_verb
from euare.core.render import Record

ACCOUNT = "123456789012"  # the account the examples name


def tag_lines(tags: Iterable[Record]) -> Iterable[str]:
    """A tag a line, as ``KEY<TAB>VALUE`` (lazily: lists stream)."""
    return (f"{t['Key']}\t{t.get('Value', '')}" for t in tags)


def tag_verbs(kind: str, operation: str, noun: str, entity: Decorator, example: str) -> None:
    """Declare euare-KINDtag, -KINDuntag and -KINDlisttags: Tag{operation},
    Untag{operation} and List{operation}Tags about one ``noun`` named by ``entity``
    (``example`` names one, for --help)."""
    api_verb(
        f"{kind}tag",
        f"Tag{operation}",
        f"Tag {a(noun)}: add tags, or change the value of tags it has.",
        entity,
        o.tags(
            "-t",
            "--tag",
            required=True,
            help="a tag to set, KEY=VALUE (repeatable; the value may be empty)",
        ),
        examples=(f"{example} -t team=web -t cost-center=4711",),
    )
    api_verb(
        f"{kind}untag",
        f"Untag{operation}",
        f"Remove tags from {a(noun)} (a key it does not have is no error).",
        entity,
        o.tag_keys(),
        examples=(f"{example} -k team",),
    )
    list_verb(
        f"{kind}listtags",
        f"List{operation}Tags",
        f"List {a(noun)}'s tags, KEY<TAB>VALUE a line.",
        entity,
        text=tag_lines,
        examples=(example,),
    )


def mfa_device() -> Decorator:
    return positional(
        "SERIAL",
        "SerialNumber",
        "serial number (the ARN) of the virtual MFA device",
        "-s",
        "--serial-number",
    )


tag_verbs("user", "User", "user", o.user(), "alice")
tag_verbs("role", "Role", "role", o.role(), "web-server")
tag_verbs("policy", "Policy", "managed policy", o.the_policy(), "/team/s3-backups")
tag_verbs("instanceprofile", "InstanceProfile", "instance profile", o.profile(), "web-server")
tag_verbs(
    "oidcprovider",
    "OpenIDConnectProvider",
    "OpenID Connect provider",
    o.oidc_provider(),
    f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
)
tag_verbs(
    "samlprovider",
    "SAMLProvider",
    "SAML provider",
    o.saml_provider(),
    "corp-idp",
)
tag_verbs(
    "servercert", "ServerCertificate", "server certificate", o.server_cert(), "www-example-com"
)
tag_verbs(
    "mfa", "MFADevice", "virtual MFA device", mfa_device(), f"arn:aws:iam::{ACCOUNT}:mfa/alice"
)
