"""An account's IAM state as one JSON document: what ``euare-accountsnapshot`` writes,
``euare-accountdiff`` compares and ``euare-sandbox --load`` recreates (docs/snapshot.md).

The document is built (by euare.state.take) from GetAccountAuthorizationDetails and the
few calls it lacks (access keys, MFA devices, login profiles, tags of policies and instance
profiles, identity providers, server certificates, aliases, the password policy). Every record
is made of the fields named there and nothing else, so a secret IAM might send along (a
virtual MFA device's seed, say) can never reach the document. Every list is sorted, and the
document is written with sorted keys, so two snapshots of an unchanged account differ only in
their ``Taken`` line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from euare.core.errors import UsageError
from euare.core.render import Record, as_text

FORMAT = "euare-snapshot/1"


@dataclass(frozen=True)
class Kind:
    """One kind of entity: the document's list of them, the field that names one, and what a
    person calls it."""

    key: str
    name: str
    label: str


KINDS: tuple[Kind, ...] = (
    Kind("Users", "UserName", "user"),
    Kind("Groups", "GroupName", "group"),
    Kind("Roles", "RoleName", "role"),
    Kind("InstanceProfiles", "InstanceProfileName", "instance profile"),
    Kind("Policies", "PolicyName", "managed policy"),
    Kind("VirtualMFADevices", "SerialNumber", "virtual MFA device"),
    Kind("OpenIDConnectProviders", "Url", "OpenID Connect provider"),
    Kind("SAMLProviders", "Name", "SAML provider"),
    Kind("ServerCertificates", "ServerCertificateName", "server certificate"),
)
# The account-wide settings: not lists of entities, compared as wholes.
SETTINGS = ("AccountAliases", "PasswordPolicy")
# What IAM assigns when an entity is made (its unique ID, its dates) and what it counts: a
# copy of the account (the sandbox's) differs here even when nothing that matters does.
# accountdiff leaves them out unless asked (--strict).
ASSIGNED = frozenset(
    {
        "UserId",
        "GroupId",
        "RoleId",
        "PolicyId",
        "InstanceProfileId",
        "ServerCertificateId",
        "CreateDate",
        "UpdateDate",
        "UploadDate",
        "EnableDate",
        "DefaultVersionId",
        "AttachmentCount",
        "PermissionsBoundaryUsageCount",
    }
)


def plain(value: Any) -> Any:
    """``value`` as the document holds it: dates as IAM prints them (UTC, to the second, Z),
    policy documents parsed, nothing else changed."""
    from euare.core.render import PolicyText

    if isinstance(value, PolicyText):
        return document(value)
    if isinstance(value, datetime):
        return as_text(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def document(value: Any) -> Any:
    """A policy document as IAM gave it (text, URL-encoded or not, or already parsed), parsed."""
    import json

    if not isinstance(value, str):
        return value
    from euare.policy.documents import decode

    text = decode(value)
    try:
        return json.loads(text)
    except ValueError:
        return text  # kept as IAM stored it; the diff compares it as text


def pick(record: Mapping[str, Any], fields: Iterable[str]) -> Record:
    """The named fields of ``record`` that it has (not None nor empty text), made plain."""
    return {f: plain(record[f]) for f in fields if record.get(f) not in (None, "")}


def tags(record: Mapping[str, Any] | None) -> list[Record]:
    return sorted(
        ({"Key": t["Key"], "Value": t.get("Value", "")} for t in (record or {}).get("Tags") or []),
        key=lambda t: str(t["Key"]),
    )


def inline(policies: Iterable[Mapping[str, Any]] | None) -> list[Record]:
    return sorted(
        (
            {"PolicyName": p["PolicyName"], "PolicyDocument": document(p["PolicyDocument"])}
            for p in policies or []
        ),
        key=lambda p: str(p["PolicyName"]),
    )


def attached(policies: Iterable[Mapping[str, Any]] | None) -> list[Record]:
    return sorted(
        (pick(p, ("PolicyName", "PolicyArn")) for p in policies or []),
        key=lambda p: str(p["PolicyArn"]),
    )


def by(field: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda record: str(record.get(field, ""))


def account_of(snapshot: Mapping[str, Any]) -> str | None:
    """The account ID, from the first ARN of the account's own entities (None: no entity)."""
    for kind in KINDS:
        for record in snapshot.get(kind.key) or []:
            parts = str(record.get("Arn") or record.get("SerialNumber") or "").split(":")
            if len(parts) > 4 and parts[0] == "arn" and parts[4].isdigit():
                return parts[4]
    return None


# --- reading and writing one ----------------------------------------------------------------------


def summary(snapshot: Mapping[str, Any], shown: int = 5) -> list[Record]:
    """A row per kind, for --format table: how many there are, and the first few names."""
    rows = []
    for kind in KINDS:
        names = [str(r.get(kind.name)) for r in snapshot.get(kind.key) or []]
        more = f", ... ({len(names) - shown} more)" if len(names) > shown else ""
        rows.append(
            {"Kind": kind.key, "Count": len(names), "Names": ", ".join(names[:shown]) + more}
        )
    return rows


def dumps(snapshot: Mapping[str, Any]) -> str:
    """The document's text: sorted keys, two-space indents, one final newline."""
    import json

    return json.dumps(snapshot, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def loads(text: str, origin: str) -> dict[str, Any]:
    """A snapshot read back; a usage error (exit 2) naming ``origin`` when it is not one."""
    import json

    try:
        found = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{origin} is not a snapshot: not JSON ({exc})") from None
    except RecursionError:
        raise UsageError(f"{origin} is not a snapshot: nested too deeply") from None
    return checked(found, origin)


def checked(found: Any, origin: str) -> dict[str, Any]:
    """``found`` (parsed JSON, or a tree read back) once checked as a snapshot: a usage error
    (exit 2) naming ``origin`` when it is not one."""
    if not isinstance(found, dict) or found.get("Format") != FORMAT:
        raise UsageError(
            f'{origin} is not a snapshot: no "Format": "{FORMAT}" (made by euare-accountsnapshot)'
        )
    from euare.state.check import Refusal, check

    try:
        check(found)  # every field the readers use is of its type; no nesting past 100 levels
    except Refusal as exc:
        raise UsageError(f"{origin} is not a snapshot: {exc}") from None
    return found


def read(path: str, stdin: IO[str]) -> dict[str, Any]:
    """The snapshot in file ``path`` (``-``: ``stdin``), read through euare.core.inputs (a regular
    file or standard input, at most MAX_SNAPSHOT_BYTES) and checked by :func:`loads`; any
    failure is a usage error, exit 2."""
    from euare.core.inputs import MAX_SNAPSHOT_BYTES, LoaderError, read_named

    try:
        text, _ = read_named(path, "snapshot", stdin, MAX_SNAPSHOT_BYTES)
    except LoaderError as exc:
        raise UsageError(exc.message) from None
    return loads(text, "standard input" if path == "-" else path)


def policies_in(snapshot: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each customer managed policy's document and each inline policy's, with what names it
    (``policy /PATH/NAME``, ``user alice policy NAME``...), in the snapshot's order."""
    for policy in snapshot.get("Policies") or []:
        where = f"policy {policy.get('Path') or '/'}{policy.get('PolicyName')}"
        if policy.get("Document") is not None:
            yield where, policy["Document"]
    for kind, name, member in (
        ("Users", "UserName", "UserPolicyList"),
        ("Groups", "GroupName", "GroupPolicyList"),
        ("Roles", "RoleName", "RolePolicyList"),
    ):
        for entity in snapshot.get(kind) or []:
            for inline_policy in entity.get(member) or []:
                owner = f"{kind[:-1].lower()} {entity.get(name)}"
                yield (
                    f"{owner} policy {inline_policy.get('PolicyName')}",
                    inline_policy.get("PolicyDocument"),
                )
