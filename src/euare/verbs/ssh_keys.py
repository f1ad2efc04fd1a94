"""SSH public keys (for AWS CodeCommit): upload, list, show, activate or deactivate, delete."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli import params as o
from euare.cli.params import FILE, Decorator, Given, option, positional
from euare.cli.paramtypes import refuse_private_key
from euare.cli.verb import api_verb, list_verb
from euare.core.errors import UsageError
from euare.core.render import Record


class PublicKey(Given):
    """An SSH public key (``-f FILE``, ``-`` for standard input), sent without the blank lines
    around it; refused before it is sent if it is empty or is a private key (``~/.ssh/id_rsa``
    given for ``~/.ssh/id_rsa.pub``: the private key is never sent, nor shown)."""

    name = "key"

    def __init__(self) -> None:
        super().__init__("SSH public key", FILE, file_what="public key file")

    def check(self, text: str, origin: str) -> str:
        refuse_private_key(text, origin, "the public key (the .pub file)")
        if not text.strip():
            raise UsageError(f"{origin} is empty")
        return text.strip()


def key_id() -> Decorator:
    return positional("KEY_ID", "SSHPublicKeyId", "ID of the SSH public key")


def _same_key(a: str, b: str) -> bool:
    """The same key: its type and its base64 body (the comment after them does not count)."""
    return a.split()[:2] == b.split()[:2]


def uploaded(call: Call, params: dict[str, Any]) -> Lookup:
    """UploadSSHPublicKey is sent once (a resend fails, DuplicateSSHPublicKey): after a lost
    answer the user's keys are listed, and ours is known by its body (a listing has no body,
    so each key's is fetched)."""
    user, body = params["UserName"], str(params["SSHPublicKeyBody"])

    def look() -> dict[str, Any] | None:
        for listed in call.pages("ListSSHPublicKeys", "SSHPublicKeys", UserName=user):
            key = call.request(
                "GetSSHPublicKey",
                UserName=user,
                SSHPublicKeyId=listed["SSHPublicKeyId"],
                Encoding="SSH",
            )["SSHPublicKey"]
            if _same_key(str(key.get("SSHPublicKeyBody") or ""), body):
                return {"SSHPublicKey": key}
        return None

    return Lookup(f"the SSH public key of {user}", look)


api_verb(
    "useraddsshkey",
    "UploadSSHPublicKey",
    "Upload an SSH public key for a user (for AWS CodeCommit) and print its ID.",
    o.user(),
    option(
        "-f",
        "--public-key-file",
        api="SSHPublicKeyBody",
        metavar="FILE",
        type=PublicKey(),
        required=True,
        help="file holding the public key, e.g. ~/.ssh/id_ed25519.pub (- reads standard input)",
    ),
    result="SSHPublicKey",
    text=lambda rs: [str(r["SSHPublicKeyId"]) for r in rs],
    find=uploaded,
    examples=("alice -f ~/.ssh/id_ed25519.pub",),
)

api_verb(
    "userdelsshkey",
    "DeleteSSHPublicKey",
    "Delete a user's SSH public key.",
    o.user(),
    key_id(),
    examples=("alice APKAEIBAERJR2EXAMPLE",),
)

api_verb(
    "usergetsshkey",
    "GetSSHPublicKey",
    "Print a user's SSH public key, in OpenSSH form (SSH) or as PEM.",
    o.user(),
    key_id(),
    option(
        "--encoding",
        api="Encoding",
        type=o.IamChoice(["SSH", "PEM"]),
        default="SSH",
        show_default=True,
        help="the form to print the key in",
    ),
    result="SSHPublicKey",
    text=lambda rs: [str(r["SSHPublicKeyBody"]).rstrip("\n") for r in rs],
    examples=("alice APKAEIBAERJR2EXAMPLE", "alice APKAEIBAERJR2EXAMPLE --encoding PEM"),
)

api_verb(
    "usermodsshkey",
    "UpdateSSHPublicKey",
    "Make a user's SSH public key active or inactive.",
    o.user(),
    key_id(),
    o.status("key"),
    examples=("alice APKAEIBAERJR2EXAMPLE -s Inactive",),
)


def _key_lines(records: Iterable[Record]) -> Iterator[str]:
    for record in records:  # lazily: the list streams
        yield str(record["SSHPublicKeyId"])
        yield str(record["Status"])


list_verb(
    "userlistsshkeys",
    "ListSSHPublicKeys",
    "List a user's SSH public keys: each key's ID, then its status (as userlistkeys).",
    o.user(required=False),
    text=_key_lines,
    examples=("alice",),
)
