"""What differs between two account snapshots: ``euare-accountdiff`` (docs/snapshot.md,
"Comparing two snapshots").

Pure functions over two documents as :mod:`euare.state.snapshot` writes them, no IAM. The entities
of
each kind are matched by the field that names them; an entity on one side only is added or
removed, and one on both sides is changed when a compared field differs. Lists inside a record
(groups, tags, access keys, inline policies, attachments...) are compared item by item, each item
by its name, and a changed policy document (any document: trust policies, SAML metadata,
certificates) comes with a unified diff of the two. The account-wide settings are compared field
by field. What IAM assigns (``snapshot.ASSIGNED``: unique IDs, dates, counters) is compared only
when ``strict``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from euare.core.errors import UsageError
from euare.state.snapshot import ASSIGNED, KINDS, Kind, account_of

NEVER = frozenset({"Format", "Taken"})  # about the document, not the account
# Fields whose values are documents: a change to one is shown as a unified diff.
DOCUMENTS = frozenset(
    {"PolicyDocument", "Document", "AssumeRolePolicyDocument", "SAMLMetadataDocument"}
    | {"CertificateBody", "CertificateChain"}
)
# The member that names an item of a list of records; a list of plain values (group names,
# aliases, thumbprints) is a set of them.
ITEM_KEYS = {
    "Tags": "Key",
    "AccessKeys": "AccessKeyId",
    "MFADevices": "SerialNumber",
    "UserPolicyList": "PolicyName",
    "GroupPolicyList": "PolicyName",
    "RolePolicyList": "PolicyName",
    "AttachedManagedPolicies": "PolicyArn",
}
PLACEHOLDER = "<account>"  # what --ignore-account puts in place of each side's account ID
ADDED, REMOVED, CHANGED = "+", "-", "~"
_WORDS = {ADDED: "added", REMOVED: "removed", CHANGED: "changed"}


@dataclass(frozen=True)
class Change:
    """One difference: in ``field`` (of a record, or an account-wide setting), in the list
    item named ``item``, in its (or the field's) ``member``. ``old``/``new`` is None on the side
    that lacks it; ``diff`` is the unified diff of the documents involved."""

    sign: str
    field: str
    item: str | None = None
    member: str | None = None
    old: Any = None
    new: Any = None
    diff: str = ""
    shown: str = ""  # an added or removed item, as the text names it

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"Change": _WORDS[self.sign], "Field": self.field}
        for key, value in (("Item", self.item), ("Member", self.member)):
            if value is not None:
                found[key] = value
        if self.old is not None:
            found["Old"] = self.old
        if self.new is not None:
            found["New"] = self.new
        if self.diff:
            found["Diff"] = self.diff
        return found


@dataclass(frozen=True)
class Entity:
    """An entity added, removed or changed. ``record`` is the record on the side that has it
    (the new one when changed); ``changes`` its differences (for one added or removed: how it
    differs from nothing, what ``-v`` shows)."""

    sign: str
    kind: Kind
    name: str
    record: Mapping[str, Any]
    changes: tuple[Change, ...]

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"Kind": self.kind.key, "Name": self.name}
        if self.sign == CHANGED:
            found["Changes"] = [c.as_json() for c in self.changes]
        else:
            found["Record"] = self.record
        return found


@dataclass(frozen=True)
class Diff:
    """Everything that differs, entities in KINDS order and by name."""

    old: Mapping[str, Any]
    new: Mapping[str, Any]
    entities: tuple[Entity, ...] = ()
    settings: tuple[Change, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def equal(self) -> bool:
        return not self.entities and not self.settings

    def as_json(self) -> dict[str, Any]:
        def picked(sign: str) -> list[dict[str, Any]]:
            return [e.as_json() for e in self.entities if e.sign == sign]

        return {
            "Equal": self.equal,
            "Old": {k: self.old.get(k) for k in ("Account", "Taken")},
            "New": {k: self.new.get(k) for k in ("Account", "Taken")},
            "Added": picked(ADDED),
            "Removed": picked(REMOVED),
            "Changed": picked(CHANGED),
            "Settings": [c.as_json() for c in self.settings],
        }

    def rows(self) -> list[dict[str, Any]]:
        """A row per changed setting and entity, for --format table: what happened to it, its
        kind, its name, and the fields that changed."""
        found = [
            {"Change": _WORDS[c.sign], "Kind": "account", "Name": c.field, "Fields": c.field}
            for c in self.settings
        ]
        for entity in self.entities:
            fields = sorted({c.field for c in entity.changes}) if entity.sign == CHANGED else []
            found.append(
                {
                    "Change": _WORDS[entity.sign],
                    "Kind": entity.kind.label,
                    "Name": entity.name,
                    "Fields": ", ".join(fields),
                }
            )
        return found


def compare(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    *,
    strict: bool = False,
    ignore_account: bool = False,
) -> Diff:
    """What changed from snapshot ``old`` to snapshot ``new`` (both read by snapshot.loads).
    None on one side: the account is not there at all (it joined an organization since, or
    left it), so that each of its entities is added (removed), and so is its ``Account``."""
    warnings = []
    absent = old is None or new is None
    old, new = old or {}, new or {}
    accounts = (_account(old), _account(new))
    given = old, new
    if ignore_account:
        old, new = anonymous(old, accounts[0]), anonymous(new, accounts[1])
    elif None not in accounts and accounts[0] != accounts[1]:
        warnings.append(
            f"the snapshots are of two accounts ({accounts[0]} and {accounts[1]}): every ARN "
            "differs; --ignore-account compares them as one"
        )
    records = _Records(strict)
    entities = []
    for kind in KINDS:
        before, after = _index(old, kind, "old"), _index(new, kind, "new")
        for name in sorted(set(before) | set(after)):
            a, b = before.get(name), after.get(name)
            where = f"{kind.key}/{name}"
            if a is None or b is None:
                sign, record = (ADDED, b) if a is None else (REMOVED, a)
                assert record is not None
                details = records.compare(a or {}, b or {}, where, skip=kind.name)
                entities.append(Entity(sign, kind, name, record, tuple(details)))
                continue
            changes = records.compare(a, b, where, skip=kind.name)
            if changes:
                entities.append(Entity(CHANGED, kind, name, b, tuple(changes)))
    account_wide = _settings(old), _settings(new)
    if None in accounts and not absent:  # an empty account's snapshot cannot say which it is
        for side in account_wide:
            side.pop("Account", None)
    settings = records.compare(*account_wide, "", skip=None)
    taken = str(old.get("Taken") or ""), str(new.get("Taken") or "")
    if (entities or settings) and taken[1] and taken[0] > taken[1]:
        warnings.append(
            f"the old snapshot was taken after the new one ({taken[0]} > {taken[1]}): "
            "what shows is how to go from the later to the earlier"
        )
    return Diff(*given, tuple(entities), tuple(settings), tuple(warnings))


# --- comparing records ---------------------------------------------------------------------------


class _Records:
    """Compares records field by field; ``strict``: the fields IAM assigns too."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict

    def compared(self, name: str, skip: str | None = None) -> bool:
        return name != skip and (self.strict or name not in ASSIGNED)

    def canon(self, value: Any, key: str) -> str:
        """Field ``key``'s ``value`` as compared: JSON text, without the fields IAM assigns
        unless strict (a document is compared whole). JSON tells ``true`` from ``1``; ``==``
        does not."""
        import json

        return json.dumps(value if key in DOCUMENTS else self.plain(value), sort_keys=True)

    def plain(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                k: v if k in DOCUMENTS else self.plain(v)
                for k, v in value.items()
                if self.compared(k)
            }
        if isinstance(value, list):
            return [self.plain(v) for v in value]
        return value

    def compare(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        where: str,
        skip: str | None,
        field: str | None = None,
        item: str | None = None,
    ) -> list[Change]:
        """How two records differ, field by field; or, given ``field`` (and ``item``: the list
        item they are), how two values of an object field differ, member by member."""
        changes: list[Change] = []
        for key in sorted(set(old) | set(new)):
            a, b = old.get(key), new.get(key)
            if not self.compared(key, skip) or self.canon(a, key) == self.canon(b, key):
                continue
            at: tuple[str, str | None, str | None] = (
                (key, None, None) if field is None else (field, item, key)
            )
            if key in DOCUMENTS:
                changes.append(Change(_sign(a, b), *at, a, b, _unified(where, *at, a, b)))
            elif field is None:
                changes.extend(self.field(where, key, a, b))
            else:
                changes.append(Change(_sign(a, b), *at, a, b))
        return changes

    def field(self, where: str, name: str, old: Any, new: Any) -> list[Change]:
        items = _items(name, old), _items(name, new)
        if items[0] is not None and items[1] is not None:
            return self.items(where, name, items[0], items[1])
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            return self.compare(old, new, where, None, name)
        return [Change(_sign(old, new), name, old=old, new=new)]

    def items(
        self, where: str, name: str, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> list[Change]:
        changes = []
        for item in sorted(set(old) | set(new)):
            a, b = old.get(item), new.get(item)
            if a is None or b is None:
                whole = a if b is None else b
                documents = "".join(
                    _unified(where, name, item, m, _member(a, m), _member(b, m))
                    for m in (sorted(whole) if isinstance(whole, Mapping) else ())
                    if m in DOCUMENTS
                )
                changes.append(
                    Change(_sign(a, b), name, item, None, a, b, documents, _shown(name, whole))
                )
            elif isinstance(a, Mapping) and isinstance(b, Mapping):
                changes.extend(self.compare(a, b, where, ITEM_KEYS.get(name), name, item))
        return changes


def _sign(old: Any, new: Any) -> str:
    return ADDED if old is None else REMOVED if new is None else CHANGED


def _member(item: Any, member: str) -> Any:
    return item.get(member) if isinstance(item, Mapping) else None


def _items(name: str, value: Any) -> dict[str, Any] | None:
    """A list field's items by name, or None when ``value`` is no such list (then it is
    compared whole)."""
    if value is None:
        return {}
    if not isinstance(value, list):
        return None
    if all(isinstance(v, (str, int, float, bool)) for v in value):
        return {str(v): v for v in value}
    key = ITEM_KEYS.get(name)
    if key is not None and all(isinstance(v, Mapping) and key in v for v in value):
        return {str(v[key]): v for v in value}
    return None


def _shown(name: str, item: Any) -> str:
    """How the text names an added or removed list item: its name, a tag as KEY=VALUE."""
    if not isinstance(item, Mapping):
        return str(item)
    if name == "Tags":
        return f"{item.get('Key')}={item.get('Value', '')}"
    return str(item.get(ITEM_KEYS.get(name, ""), ""))


def _unified(
    where: str, name: str, item: str | None, member: str | None, old: Any, new: Any
) -> str:
    """The unified diff of two documents (None: none on that side), each as JSON with sorted
    keys and two-space indents (a document kept as text: that text), labelled with where it is:
    ``old/Users/alice/UserPolicyList/s3-read/PolicyDocument``."""
    import difflib

    path = "/".join(p for p in (where, name, item, member) if p)
    lines = difflib.unified_diff(
        _lines(old), _lines(new), f"old/{path}", f"new/{path}", lineterm=""
    )
    return "".join(line + "\n" for line in lines)


def _lines(document: Any) -> list[str]:
    import json

    if document is None:
        return []
    if isinstance(document, str):
        return document.splitlines()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


# --- the two documents ---------------------------------------------------------------------------


def _index(snapshot: Mapping[str, Any], kind: Kind, side: str) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for record in snapshot.get(kind.key) or []:
        name = str(record[kind.name])
        if name in found:
            raise UsageError(f"the {side} snapshot has two {kind.label}s named {name!r}")
        found[name] = record
    return found


def _settings(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The account-wide part: Account, AccountAliases, PasswordPolicy (and any other key that
    is not a kind of entity), compared field by field."""
    kinds = {kind.key for kind in KINDS}
    return {k: v for k, v in snapshot.items() if k not in NEVER and k not in kinds}


def _account(snapshot: Mapping[str, Any]) -> str | None:
    account = snapshot.get("Account") or account_of(snapshot)
    return str(account) if account else None


def anonymous(
    snapshot: Mapping[str, Any], account: str | None, to: str = PLACEHOLDER
) -> dict[str, Any]:
    """``snapshot`` with ``account`` (a 12-digit ID, not part of a longer number) replaced by
    ``to`` (PLACEHOLDER) in every string, keys included."""
    if not account:
        return dict(snapshot)
    pattern = re.compile(rf"(?<!\d){re.escape(account)}(?!\d)")

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(to, value)
        if isinstance(value, Mapping):
            return {walk(k): walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return {k: v if k in NEVER else walk(v) for k, v in snapshot.items()}
