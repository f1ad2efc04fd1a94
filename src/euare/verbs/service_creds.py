"""Service-specific credentials (a user name and password for one service, such as AWS
CodeCommit's HTTPS Git or Amazon Keyspaces): create, list, reset, activate or deactivate,
delete.

The password is in the answers to CreateServiceSpecificCredential and
ResetServiceSpecificCredential only: it is printed once, on stdout, and registered as a secret
by the hook every call goes through (euare.core.redact.watch), so that no error line or --debug
log shows it. A create whose answer is lost made a credential
whose password nobody has: the error names it, with the commands that delete or reset it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from euare.call.context import Call
from euare.call.once import Found, Lookup
from euare.cli import params as o
from euare.cli.params import Decorator, option, positional
from euare.cli.verb import api_verb, list_verb, verb
from euare.core.render import Record, Result, as_text
from euare.ops.finds import new_items

LIST, KEY, ID = (
    "ListServiceSpecificCredentials",
    "ServiceSpecificCredentials",
    "ServiceSpecificCredentialId",
)


def cred_id() -> Decorator:
    return positional("CRED_ID", ID, "ID of the service-specific credential")


def _secret_lines(records: list[Record]) -> Iterator[str]:
    """A new password as a new access key prints: the credential's ID, the user name to log in
    with, then the password (for Amazon Bedrock: the alias and the secret)."""
    for r in records:
        yield str(r[ID])
        yield str(r.get("ServiceUserName") or r.get("ServiceCredentialAlias") or "")
        yield str(r.get("ServicePassword") or r.get("ServiceCredentialSecret") or "")


def _with_secret(answer: dict[str, Any]) -> Result:
    cred: dict[str, Any] = answer["ServiceSpecificCredential"]
    return Result([cred], _secret_lines, one=True)


@verb(
    "useraddservicecred",
    "Create a service-specific credential for a user (a user name and password for one "
    "service, such as codecommit.amazonaws.com) and print its ID, user name and password. The "
    "password is shown this once only.",
    examples=("alice -s codecommit.amazonaws.com", "alice -s cassandra.amazonaws.com"),
    sends="CreateServiceSpecificCredential",
)
@o.user()
@option(
    "-s",
    "--service",
    api="ServiceName",
    metavar="SERVICE",
    required=True,
    help="the service the credential is for (codecommit.amazonaws.com, cassandra.amazonaws.com)",
)
def useraddservicecred(call: Call, *, user: str, service: str) -> Result:
    """Sent once (Call.send_once): after a lost answer, the user's credentials for the service
    are listed and compared with those listed before; a new one is named, with the commands
    that delete it or give it a new password, since its password never reached euare."""
    only = {"UserName": user, "ServiceName": service}
    before = {str(c[ID]) for c in call.pages(LIST, KEY, **only)}

    def look() -> Found | None:
        new = new_items(call, LIST, KEY, ID, before, **only)
        return {KEY: new} if new else None

    def leftover(found: Found) -> str:
        ids = [str(c[ID]) for c in found[KEY]]
        fixes = "; ".join(f"euare-userdelservicecred {user} {i}" for i in ids)
        return (
            f"service-specific credential {', '.join(ids)} was created but its password never "
            f"reached euare: delete it with: {fixes} (or get a new password with "
            f"euare-userresetservicecred {user} {ids[0]})"
        )

    lookup = Lookup(f"a new {service} credential for {user}", look, leftover)
    return _with_secret(call.send_once("CreateServiceSpecificCredential", only, lookup))


@verb(
    "userresetservicecred",
    "Give a user's service-specific credential a new password, and print its ID, user name "
    "and the new password (shown this once only; the old one stops working).",
    examples=("alice ACCA1234567890EXAMPLE",),
    sends="ResetServiceSpecificCredential",
)
@o.user()
@cred_id()
def userresetservicecred(call: Call, *, user: str, cred_id: str) -> Result:
    # A resend after a lost answer only resets it again: the password printed is the last one.
    answer = call.request("ResetServiceSpecificCredential", UserName=user, **{ID: cred_id})
    return _with_secret(answer)


api_verb(
    "userdelservicecred",
    "DeleteServiceSpecificCredential",
    "Delete a user's service-specific credential.",
    o.user(),
    cred_id(),
    examples=("alice ACCA1234567890EXAMPLE",),
)

api_verb(
    "usermodservicecred",
    "UpdateServiceSpecificCredential",
    "Make a user's service-specific credential active or inactive.",
    o.user(),
    cred_id(),
    o.status("credential"),
    examples=("alice ACCA1234567890EXAMPLE -s Inactive",),
)


def _listed(records: Iterable[Record]) -> Iterator[str]:
    """A line a credential, tab-separated: ID, service, user name, status, creation date."""
    for r in records:
        name = r.get("ServiceUserName") or r.get("ServiceCredentialAlias") or ""
        fields = [r[ID], r.get("ServiceName"), name, r.get("Status"), r.get("CreateDate")]
        yield "\t".join(as_text(f) for f in fields)


list_verb(
    "userlistservicecreds",
    LIST,
    "List a user's service-specific credentials, a line each: ID, service, user name, "
    "status and creation date (never a password).",
    o.user(required=False),
    option(
        "-s",
        "--service",
        api="ServiceName",
        metavar="SERVICE",
        help="list only the credentials for SERVICE",
    ),
    key=KEY,
    text=_listed,
    examples=("alice", "alice -s codecommit.amazonaws.com"),
)
