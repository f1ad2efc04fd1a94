"""What is a secret: the one decision that the registry of :mod:`euare.core.redact` acts on.

A secret is

- every member that botocore's IAM and STS models mark ``sensitive`` (a string, a blob, a whole
  structure, a list's items, a map's values), found by walking the models' shapes: each shape's
  verdict (does anything under it hold a secret?) is worked out once per process and kept, so an
  answer with nothing secret in it (a page of users) is passed over without being walked; and
- what :data:`UNMARKED` names, each with its reason: the members the models leave unmarked that
  still carry secrets, and the values that no model member carries at all, or not yet when they
  must already be masked.

A member's value is registered by the two botocore hooks that every client euare makes goes
through (:func:`euare.core.redact.watch`, called once per client by
:func:`euare.call.client.register_hooks`). A value of the second kind is registered with
:func:`euare.core.redact.register_secret`, by the one place that makes or reads it, which the table
names; no verb registers anything itself (``tests/unit/test_secrets_registered.py`` holds both).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple


class Unmarked(NamedTuple):
    """A secret the models do not mark: why it is one, and, for a value that no hook sees,
    the one place that registers it (``module:function``); None for a member, which the hooks
    find by its name in whatever IAM or STS request or answer holds it."""

    why: str
    where: str | None = None


UNMARKED: dict[str, Unmarked] = {
    # --- members of IAM's and STS's requests and answers that the models leave unmarked ---
    "SessionToken": Unmarked(
        "the session token of STS's Credentials (AssumeRole, GetSessionToken, "
        "GetFederationToken...): with the key ID and the secret key it is the temporary "
        "credential, yet the model marks only the secret key"
    ),
    "TokenCode": Unmarked(
        "an MFA device's current code, sent by AssumeRole and GetSessionToken: with a stolen "
        "password it passes the MFA check until it expires"
    ),
    "AuthenticationCode1": Unmarked(
        "the first of the two consecutive MFA codes that EnableMFADevice and ResyncMFADevice "
        "send (as TokenCode)"
    ),
    "AuthenticationCode2": Unmarked(
        "the second of the two consecutive MFA codes that EnableMFADevice and ResyncMFADevice "
        "send (as TokenCode)"
    ),
    # --- values that pass through no hook, or must be masked before they do ---
    "credentials": Unmarked(
        "the secret key and session token a Settings holds (from -S/--security-token, the "
        "environment, an iamrc or a eucarc, or a new key a rotation signs with) and the password "
        "in its endpoint URL: botocore signs with them or connects with them, and no model "
        "member carries them",
        "euare.core.settings:Settings.__post_init__",
    ),
    "iamrc": Unmarked(
        "an AWSSecretKey read from an iamrc, also one the settings did not come from: the "
        "credential file euare-userrotatekey --credential-file replaces",
        "euare.core.settings:parse_iamrc",
    ),
    "chain": Unmarked(
        "the secret key and session token that boto3's own chain found (a profile, an instance "
        "role): botocore signs with them, and no model member carries them",
        "euare.call.awsfiles:chain_credentials",
    ),
    "assumed": Unmarked(
        "the secret key and session token of the role euare assumes in each account of --org: "
        "the AssumeRole answer's hooks see them, but they are kept in refreshable credentials "
        "that botocore signs with, and taken from the answer before any client uses them",
        "euare.call.accounts:role_credentials",
    ),
    "typed": Unmarked(
        "a password typed at the prompt or read from standard input: masked from the moment it "
        "is read, before it is judged or sent (a hook sees it only when it is sent)",
        "euare.call.context:Call.read_secret",
    ),
    "given": Unmarked(
        "a value the user gave for a secret member (-p, --mfa-code, -c1/-c2, a private key "
        "file): masked as it is judged, while the command line is read, so that no refusal and "
        "no call made before the one that sends it can show it (a hook sees it only when it is "
        "sent)",
        "euare.cli.rules:refuse",
    ),
    "misplaced key": Unmarked(
        "a private key found where a certificate, a public key or SAML metadata was expected: "
        "refused before anything is sent, so no hook ever sees it",
        "euare.cli.paramtypes:refuse_private_key",
    ),
    "sandbox password": Unmarked(
        "a service-specific credential's password the sandbox's model makes: the client's hooks "
        "see it in the answer, but the sandbox's own log and error lines must not show it",
        "euare.sandbox.model.servicecreds:_password",
    ),
    "made key": Unmarked(
        "the private key euare-usercreatecert generates: only its certificate is sent, so no "
        "hook ever sees the key",
        "euare.verbs.certs:make_certificate",
    ),
}

# The services whose models' ``sensitive`` marks are secrets. Organizations' model marks an
# account's name and e-mail address sensitive, as personal data, not as a credential: --org
# prints the names (AccountName), and none of its answers carries a secret.
MARKED = ("iam", "sts")

# The member names of the table: a member so named is secret wherever it is.
MEMBERS = frozenset(name for name, entry in UNMARKED.items() if entry.where is None)


def is_secret(name: str, shape: Any) -> bool:
    """Whether member ``name`` of that ``shape`` (botocore's, or its view in euare.core.shapes)
    holds a secret."""
    return bool(shape.metadata.get("sensitive")) or name in MEMBERS


def _children(shape: Any) -> Iterator[tuple[str | None, Any]]:
    """The shapes directly under ``shape``, each with its member name (None: a list's item or a
    map's key or value)."""
    kind = shape.type_name
    if kind == "structure":
        yield from shape.members.items()
    elif kind == "list":
        yield None, shape.member
    elif kind == "map":
        yield None, shape.key
        yield None, shape.value


def _secret_here(name: str | None, shape: Any) -> bool:
    return is_secret(name, shape) if name is not None else bool(shape.metadata.get("sensitive"))


# (service, shape name): whether anything under a value of that shape is secret. Worked out for
# the shapes a call reaches when it is first made, then kept for the process's life.
_holds: dict[tuple[str, str], bool] = {}


def _learn(service: str, root: Any) -> None:
    """Work out :data:`_holds` for ``root`` and every shape under it not known yet: a shape holds
    a secret if one is directly under it, or under a shape it holds (to a fixed point, so that
    a shape within itself is judged rightly)."""
    reached: dict[str, Any] = {}
    todo = [root]
    while todo:
        shape = todo.pop()
        if shape.name in reached or (service, shape.name) in _holds:
            continue
        reached[shape.name] = shape
        todo.extend(child for _, child in _children(shape))
    verdict = {
        name: bool(shape.metadata.get("sensitive"))
        or any(_secret_here(member, child) for member, child in _children(shape))
        for name, shape in reached.items()
    }

    def known(child: Any) -> bool:
        return verdict.get(child.name, _holds.get((service, child.name), False))

    changed = True
    while changed:
        changed = False
        for name, shape in reached.items():
            if not verdict[name] and any(known(child) for _, child in _children(shape)):
                verdict[name] = changed = True
    _holds.update({(service, name): held for name, held in verdict.items()})


def holds_secrets(service: str, shape: Any) -> bool:
    """Whether any value under a value of ``shape`` (of ``service``'s model) can be secret."""
    if (service, shape.name) not in _holds:
        _learn(service, shape)
    return _holds[(service, shape.name)]


def leaves(value: Any) -> Iterator[str | bytes]:
    """Every text in ``value`` (a string, bytes, or lists and dicts of them)."""
    if isinstance(value, (str, bytes)):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from leaves(item)


def secrets_in(service: str, shape: Any, value: Any) -> Iterator[str | bytes]:
    """Every text under a secret part of ``value``, walking botocore's ``shape`` of it (of
    ``service``'s model): whatever the type of a secret part, all its strings are secret. A part
    whose shape holds no secret is not walked (nor any value of a service not in MARKED)."""
    if shape is None or service not in MARKED:
        return
    if shape.metadata.get("sensitive"):
        yield from leaves(value)
        return
    if not holds_secrets(service, shape):
        return
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name not in value:
                continue
            if is_secret(name, member):
                yield from leaves(value[name])
            else:
                yield from secrets_in(service, member, value[name])
    elif kind == "list" and isinstance(value, list):
        for item in value:
            yield from secrets_in(service, shape.member, item)
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from secrets_in(service, shape.key, key)
            yield from secrets_in(service, shape.value, item)
