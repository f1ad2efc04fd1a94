"""A snapshot as a tree of small files (``accountsnapshot --split DIR``, docs/snapshot.md, "A
tree for code review"), so that a change in a pull request reads like the change it is.

    DIR/account.json                         Format, Taken, Account, aliases, password policy
    DIR/Users/alice.json                     a user's record, without its inline policies
    DIR/Users/alice/UserPolicyList/s3.json   each inline policy's document, indented JSON
    DIR/Roles/app.json                       a role's record, without its documents
    DIR/Roles/app/AssumeRolePolicyDocument.json
    DIR/Policies/deploy.json                 and DIR/Policies/deploy/Document.json

A file is named after the entity (a policy after its name): characters other than letters,
digits and ``_+=,@.-`` are written ``%XX`` (an OpenID Connect provider's URL, an MFA device's
serial number), as is a leading dot, so no name can leave its directory. An inline policy is in
the snapshot when its file is in the tree: adding a file adds a policy. Reading the tree gives
the snapshot the file form holds (every kind present, empty when the tree has none of it), and
writing a snapshot as a tree gives the same files: the two forms convert both ways without
loss.

Writing changes only the files whose content changed, removes those of entities no longer
there, and leaves anything else in DIR alone (a README, ``.git``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from euare.core.errors import UsageError
from euare.state.snapshot import KINDS, Kind, dumps

ACCOUNT = "account.json"
DOCUMENTS = {"Roles": ("AssumeRolePolicyDocument",), "Policies": ("Document",)}
INLINE = {"Users": "UserPolicyList", "Groups": "GroupPolicyList", "Roles": "RolePolicyList"}
_SAFE = "_+=,@.-"


def name_of(name: str) -> str:
    """A file name for ``name``: itself where it is plain, else with ``%XX`` escapes."""
    found = quote(name, safe=_SAFE)
    return "%2E" + found[1:] if found.startswith(".") else found


def files(snapshot: Mapping[str, Any]) -> dict[str, str]:
    """The tree's files (path relative to DIR: text) for ``snapshot``."""
    kinds = {kind.key for kind in KINDS}
    found = {ACCOUNT: dumps({k: v for k, v in snapshot.items() if k not in kinds})}
    for kind in KINDS:
        for record in snapshot.get(kind.key) or []:
            base = f"{kind.key}/{name_of(str(record[kind.name]))}"
            rest = dict(record)
            for field in DOCUMENTS.get(kind.key, ()):
                if field in rest:
                    found[f"{base}/{field}.json"] = dumps(rest.pop(field))
            field = INLINE.get(kind.key, "")
            for policy in rest.pop(field, None) or []:
                path = f"{base}/{field}/{name_of(str(policy['PolicyName']))}.json"
                found[path] = dumps(policy.get("PolicyDocument"))
            if f"{base}.json" in found:
                raise UsageError(f"two {kind.label}s would be written to {base}.json")
            found[f"{base}.json"] = dumps(rest)
    return found


# --- reading --------------------------------------------------------------------------------------


class _Reader:
    """Reads the tree at ``root`` through euare.core.inputs, at most MAX_SNAPSHOT_BYTES in all."""

    def __init__(self, root: Path) -> None:
        from euare.core.inputs import MAX_SNAPSHOT_BYTES

        self.root, self.left = root, MAX_SNAPSHOT_BYTES

    def refuse(self, why: str) -> UsageError:
        return UsageError(f"{self.root} is not a snapshot tree: {why}")

    def load(self, path: Path) -> Any:
        from euare.core.inputs import MAX_LARGE_BYTES, LoaderError, read_text

        shown = path.relative_to(self.root)
        try:
            text = read_text(path, "snapshot tree file", min(MAX_LARGE_BYTES, self.left))
        except LoaderError as exc:
            raise UsageError(exc.message) from None
        self.left -= len(text.encode("utf-8"))
        try:
            return json.loads(text)
        except ValueError as exc:
            raise self.refuse(f"{shown} is not JSON ({exc})") from None
        except RecursionError:
            raise self.refuse(f"{shown} is nested too deeply") from None

    def records(self, kind: Kind) -> Iterator[dict[str, Any]]:
        directory = self.root / kind.key
        if not directory.is_dir():
            return
        entries = sorted(os.listdir(directory))
        names = {e[: -len(".json")] for e in entries if e.endswith(".json")}
        for entry in entries:
            path = directory / entry
            if path.is_dir() and entry not in names:
                raise self.refuse(f"{kind.key}/{entry}/ has no {kind.key}/{entry}.json beside it")
            if not entry.endswith(".json") or path.is_dir():
                continue
            record = self.load(path)
            if not isinstance(record, dict):
                raise self.refuse(f"{kind.key}/{entry} is not a record (a JSON object)")
            name = record.get(kind.name)
            if not isinstance(name, str) or f"{name_of(name)}.json" != entry:
                raise self.refuse(
                    f"{kind.key}/{entry} holds {kind.label} {name!r}, whose file is "
                    f"{kind.key}/{name_of(str(name))}.json"
                )
            yield self.documents(kind, directory / entry[: -len(".json")], record)

    def documents(self, kind: Kind, base: Path, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with the documents of its directory put back."""
        for field in DOCUMENTS.get(kind.key, ()):
            if (base / f"{field}.json").exists():
                record[field] = self.load(base / f"{field}.json")
        inline = INLINE.get(kind.key)
        if inline is not None:
            folder = base / inline
            found = sorted(os.listdir(folder)) if folder.is_dir() else []
            policies = [
                {"PolicyName": unquote(e[: -len(".json")]), "PolicyDocument": self.load(folder / e)}
                for e in found
                if e.endswith(".json")
            ]
            record[inline] = sorted(policies, key=lambda p: str(p["PolicyName"]))
        return record


def read(root: Path) -> dict[str, Any]:
    """The snapshot the tree at ``root`` holds (checked by the caller, as a file's is)."""
    reader = _Reader(root)
    if not (root / ACCOUNT).is_file():
        raise UsageError(
            f"snapshot {root} is a directory, not a regular file nor a snapshot tree "
            f"(it has no {ACCOUNT}; accountsnapshot --split writes one)"
        )
    found = reader.load(root / ACCOUNT)
    if not isinstance(found, dict):
        raise reader.refuse(f"{ACCOUNT} is not a JSON object")
    for kind in KINDS:
        records = list(reader.records(kind))
        found[kind.key] = sorted(records, key=lambda r: str(r.get(kind.name, "")))
    return found


# --- writing --------------------------------------------------------------------------------------


def write(root: Path, snapshot: Mapping[str, Any]) -> None:
    """Write ``snapshot`` as a tree at ``root`` (made if need be): each file whose content
    changed is replaced atomically (0600, as ``-o`` writes a snapshot); files of entities no
    longer there are removed; nothing else in ``root`` is touched. Raises OSError."""
    from euare.core.files import Refused, write_output

    wanted = files(snapshot)
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        raise Refused("is not a directory")
    root.mkdir(mode=0o700, parents=False, exist_ok=True)
    for relative, text in sorted(wanted.items()):
        path = root / relative
        _directory(root, path.parent)
        if path.is_symlink():
            raise Refused(f"holds a symbolic link ({relative}): not followed")
        try:
            if path.read_text(encoding="utf-8") == text:
                continue
        except (OSError, UnicodeDecodeError):
            pass
        write_output(path, text, replace=True)
    for stale in sorted(_ours(root) - set(wanted), reverse=True):
        (root / stale).unlink()
    for kind in KINDS:
        _prune_empty(root / kind.key)


def _directory(root: Path, directory: Path) -> None:
    """Make ``directory`` (under ``root``), refusing one that is a link (it would lead out)."""
    from euare.core.files import Refused

    for part in reversed([directory, *directory.parents]):
        if part == root or root not in part.parents:
            continue
        if part.is_symlink():
            raise Refused(f"holds a symbolic link ({part.relative_to(root)}): not followed")
        if not part.exists():
            part.mkdir(mode=0o700)


def _ours(root: Path) -> set[str]:
    """The JSON files of the tree that are there now (relative paths)."""
    found = set()
    for kind in KINDS:
        top = root / kind.key
        if not top.is_dir() or top.is_symlink():
            continue
        for folder, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
            for name in names:
                if name.endswith(".json"):
                    found.add(str((Path(folder) / name).relative_to(root)))
    return found


def _prune_empty(top: Path) -> None:
    if not top.is_dir() or top.is_symlink():
        return
    for folder, _, _ in sorted(os.walk(top), key=lambda walked: -len(walked[0])):
        if folder != str(top) and not os.listdir(folder):
            os.rmdir(folder)
