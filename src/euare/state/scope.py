"""What ``euare-accountapply`` manages, and what it never touches (docs/apply.md, "What is
never touched").

Never managed, on either side (neither made, changed nor deleted): what AWS itself owns
(service-linked roles, anything under ``/aws-service-role/`` or ``/aws-reserved/``), what
CloudFormation owns (an entity tagged ``aws:cloudformation:*``), and whatever an ``--ignore``
pattern names: a path prefix (``/ci/``), a name glob (``tmp-*``), or a tag (``tag:owner``,
``tag:owner=ops``). Patterns come from the command line and from an ignore file beside the
desired snapshot (:data:`IGNORE_FILE`), one a line, ``#`` starting a comment.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from euare.core.errors import UsageError
from euare.state.snapshot import KINDS, Kind

IGNORE_FILE = ".euare-ignore"
AWS_PATHS = ("/aws-service-role/", "/aws-reserved/")
CLOUDFORMATION = "aws:cloudformation:"


@dataclass(frozen=True)
class Pattern:
    """One ``--ignore`` pattern, as given."""

    text: str

    def matches(self, record: Mapping[str, Any], kind: Kind) -> bool:
        if self.text.startswith("tag:"):
            key, has_value, value = self.text[4:].partition("=")
            return any(
                tag.get("Key") == key and (not has_value or tag.get("Value", "") == value)
                for tag in record.get("Tags") or []
            )
        if self.text.startswith("/"):
            return str(record.get("Path") or "/").startswith(self.text)
        return fnmatch.fnmatchcase(str(record.get(kind.name, "")), self.text)


def pattern(text: str, origin: str = "--ignore") -> Pattern:
    """A pattern as given, checked: a path prefix starts and ends with ``/``, a tag has a key."""
    text = text.strip()
    if not text:
        raise UsageError(f"{origin}: an empty pattern")
    if text.startswith("tag:") and not text[4:].partition("=")[0]:
        raise UsageError(f"{origin}: {text!r} names no tag key (tag:KEY or tag:KEY=VALUE)")
    if text.startswith("/") and not text.endswith("/"):
        raise UsageError(f"{origin}: the path prefix {text!r} must end with / (as IAM paths do)")
    return Pattern(text)


def patterns_in(text: str, origin: str) -> list[Pattern]:
    """The patterns of an ignore file: one a line; blank lines and ``#`` comments skipped."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0]  # no name, path or tag IAM takes holds a #
        if line.strip():
            found.append(pattern(line, f"{origin} line {number}"))
    return found


def why_unmanaged(
    record: Mapping[str, Any], kind: Kind, ignored: Iterable[Pattern] = ()
) -> str | None:
    """Why an entity is never touched (None: it is managed)."""
    path = str(record.get("Path") or "")
    if path.startswith(AWS_PATHS):
        return "AWS's own"
    if any(str(t.get("Key", "")).startswith(CLOUDFORMATION) for t in record.get("Tags") or []):
        return "CloudFormation's"
    for found in ignored:
        if found.matches(record, kind):
            return f"--ignore {found.text}"
    return None


@dataclass
class Scope:
    """The two snapshots without what is never touched (``live``, ``desired``), and what was
    left out: (kind, name, why) for each, and the names by kind (a reference to one of them is
    a reference to something that exists and stays)."""

    live: dict[str, Any]
    desired: dict[str, Any]
    left_out: list[tuple[Kind, str, str]]
    names: dict[str, set[str]]

    def pinned(self, account: Mapping[str, Any]) -> dict[str, set[str]]:
        """What the account's never-touched entities hold (``account``: its whole snapshot),
        which therefore cannot be deleted: groups their users are in, roles their instance
        profiles hold, managed policies (by ARN) they attach or are bounded by."""
        found: dict[str, set[str]] = {"Groups": set(), "Roles": set(), "Policies": set()}
        for kind in KINDS:
            for record in account.get(kind.key) or []:
                if str(record.get(kind.name)) not in self.names[kind.key]:
                    continue
                found["Groups"].update(str(g) for g in record.get("GroupList") or [])
                found["Roles"].update(str(r) for r in record.get("Roles") or [])
                found["Policies"].update(
                    str(a.get("PolicyArn")) for a in record.get("AttachedManagedPolicies") or []
                )
                bound = (record.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
                if bound:
                    found["Policies"].add(str(bound))
        return found


def narrow(
    live: Mapping[str, Any], desired: Mapping[str, Any], ignored: Iterable[Pattern] = ()
) -> Scope:
    """Leave out of both snapshots every entity that is unmanaged on either side."""
    ignored = list(ignored)
    left_out: list[tuple[Kind, str, str]] = []
    names: dict[str, set[str]] = {}
    kept = {"live": dict(live), "desired": dict(desired)}
    for kind in KINDS:
        why: dict[str, str] = {}
        for side in (live, desired):
            for record in side.get(kind.key) or []:
                reason = why_unmanaged(record, kind, ignored)
                name = str(record.get(kind.name))
                if reason is not None and name not in why:
                    why[name] = reason
        names[kind.key] = set(why)
        left_out.extend((kind, name, reason) for name, reason in sorted(why.items()))
        for key, side in (("live", live), ("desired", desired)):
            if kind.key in side:
                kept[key][kind.key] = [
                    r for r in side.get(kind.key) or [] if str(r.get(kind.name)) not in why
                ]
    return Scope(kept["live"], kept["desired"], left_out, names)
