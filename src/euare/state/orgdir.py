"""A directory of an organization's snapshots (``accountsnapshot --org -o DIR``): one file per
account, ``DIR/ACCOUNT_ID.json`` (the snapshot of euare.state.snapshot, 0600 and atomic, as -o
writes one), and ``DIR/index.json``, which says for each account its name, when it was last
taken, and ``ok`` or the error that kept it from being taken. The index is rewritten (whole,
atomically) as each account finishes, so a run killed halfway leaves a directory that says how
far it got; ``--resume`` then takes again only the accounts whose file is older than
``--max-age``.

The accounts of ``accountdiff --org`` and ``accountapply --org`` are a directory's: those the
index says were taken (``ok``, or failed since with a ``LastTaken`` file kept), else every
``ACCOUNT_ID.json`` there. For accountdiff, an account the index records as failed and never
taken is known to have been tried; any other account was not there (:class:`Held`).
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from euare.call.accounts import Account
from euare.core.errors import EuareError, UsageError

INDEX = "index.json"
LEFT = "left"  # an index entry's Status once its account is no longer in the organization
LOCK = ".index.lock"  # held while the index is read and rewritten (euare.core.locks)
FILE = re.compile(r"^([0-9]{12})\.json$")
DEFAULT_MAX_AGE = 24 * 3600.0
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def max_age(text: str) -> float:
    """A duration: ``90s``, ``30m``, ``12h``, ``2d`` (a bare number: seconds)."""
    found = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([smhd]?)\s*", text)
    if not found:
        raise UsageError(f"--max-age {text!r} is not a duration such as 90s, 30m, 12h or 2d")
    return float(found.group(1)) * UNITS[found.group(2) or "s"]


class SnapshotDir:
    """DIR of ``accountsnapshot --org -o DIR`` (see the module)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}

    def make(self) -> None:
        """The directory, made (0700) if it is not there; the index found there, if any."""
        try:
            self.path.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise EuareError(f"cannot make {self.path}: {exc.strerror or exc}") from None
        if not self.path.is_dir():
            raise UsageError(f"-o {self.path} is not a directory")
        self.entries = {e["Account"]: e for e in self.index()}

    def file(self, account: str) -> Path:
        return self.path / f"{account}.json"

    def fresh(self, account: str, age: float, now: float | None = None) -> bool:
        """Whether the account's file was written less than ``age`` seconds ago."""
        try:
            written = os.stat(self.file(account)).st_mtime
        except OSError:
            return False
        return (now if now is not None else time.time()) - written < age

    def write(self, account: str, snapshot: dict[str, Any]) -> None:
        from euare.core.files import write_private
        from euare.state.snapshot import dumps

        try:
            write_private(self.file(account), dumps(snapshot))
        except OSError as exc:
            raise EuareError(f"cannot write {self.file(account)}: {exc.strerror or exc}") from None

    def record(self, account: Account, error: str | None, kept: bool = False) -> None:
        """Say in the index how the account ended (``kept``: its file was fresh, taken before),
        and write the index: read again and rewritten under a lock, so that two runs writing
        to one directory at once (cron's and a person's) keep each other's accounts."""
        from euare.core.locks import Busy, locked

        try:
            with locked(self.path / LOCK, 30.0, f"pid {os.getpid()}"):
                self.entries.update({e["Account"]: e for e in self.index()})
                self._record(account, error, kept)
        except Busy as busy:
            raise EuareError(f"cannot update {self.path / INDEX}: {busy}") from None
        except OSError as exc:
            raise EuareError(f"cannot lock {self.path / LOCK}: {exc.strerror or exc}") from None

    def departed(self, members: set[str]) -> None:
        """Say in the index that each account it lists and ``members`` (the organization's
        whole ACTIVE list, just asked) lacks has left: ``"Status": "left"`` and when it was
        seen gone (``Left``), its file kept as it was. Such an account is no longer one of the
        directory's (:meth:`held`), so accountdiff --org against an earlier copy shows it
        removed; it is taken again, and recorded as usual, if it comes back."""
        from euare.core.locks import Busy, locked
        from euare.core.render import as_text

        try:
            with locked(self.path / LOCK, 30.0, f"pid {os.getpid()}"):
                self.entries.update({e["Account"]: e for e in self.index()})
                gone = [
                    k
                    for k, e in self.entries.items()
                    if k not in members and e.get("Status") != LEFT
                ]
                if not gone:
                    return
                now = as_text(_utc(time.time()))
                for key in gone:
                    self.entries[key] = {**self.entries[key], "Status": LEFT, "Left": now}
                self._write_index()
        except Busy as busy:
            raise EuareError(f"cannot update {self.path / INDEX}: {busy}") from None
        except OSError as exc:
            raise EuareError(f"cannot lock {self.path / LOCK}: {exc.strerror or exc}") from None

    def _record(self, account: Account, error: str | None, kept: bool) -> None:
        from euare.core.render import as_text

        before = self.entries.get(account.id) or {}
        entry: dict[str, Any] = {"Account": account.id, "AccountName": account.name}
        if kept and before.get("Status") == "ok":
            entry = {**before, **entry, "Kept": True}
        elif kept:
            taken = os.stat(self.file(account.id)).st_mtime
            entry.update(Taken=as_text(_utc(taken)), Status="ok", Kept=True)
        else:
            status = "ok" if error is None else "error"
            entry.update(Taken=as_text(_utc(time.time())), Status=status)
            if error is not None:
                entry["Error"] = error
                if before.get("Status") == "ok":  # the file there is still the last good one
                    entry["LastTaken"] = before.get("LastTaken") or before.get("Taken")
        self.entries[account.id] = entry
        self._write_index()

    def _write_index(self) -> None:
        from euare.core.files import write_private

        listed = [self.entries[k] for k in sorted(self.entries)]
        text = json.dumps({"Accounts": listed}, indent=2, sort_keys=True) + "\n"
        try:
            write_private(self.path / INDEX, text)
        except OSError as exc:
            raise EuareError(f"cannot write {self.path / INDEX}: {exc.strerror or exc}") from None

    def index(self) -> list[dict[str, Any]]:
        """The index's entries ([] where there is none)."""
        from euare.core.inputs import MAX_LARGE_BYTES, LoaderError, read_text

        where = self.path / INDEX
        if not where.exists():
            return []
        try:
            data = json.loads(read_text(where, "snapshot index", MAX_LARGE_BYTES))
        except (LoaderError, ValueError) as exc:
            raise EuareError(f"cannot read {where}: {exc}") from None
        entries = data.get("Accounts") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise EuareError(f"{where} is not an index of snapshots (no Accounts list)")
        return [e for e in entries if isinstance(e, dict) and isinstance(e.get("Account"), str)]

    def accounts(self) -> list[Account]:
        """The accounts the directory has a snapshot of (see the module)."""
        return list(self.held().taken.values())

    def held(self) -> Held:
        """What the directory holds, read once: :class:`Held`."""
        entries = self.index()
        if entries:
            here = [e for e in entries if e.get("Status") != LEFT]
            return Held(
                self,
                {
                    e["Account"]: Account(e["Account"], str(e.get("AccountName") or ""))
                    for e in here
                    if e.get("Status") == "ok" or e.get("LastTaken")
                },
                {
                    e["Account"]: str(e.get("Error") or "it could not be taken")
                    for e in here
                    if e.get("Status") != "ok" and not e.get("LastTaken")
                },
                {e["Account"] for e in entries if e.get("Status") == LEFT},
            )
        try:
            names = sorted(os.listdir(self.path))
        except OSError as exc:
            raise EuareError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        return Held(
            self, {m.group(1): Account(m.group(1)) for m in map(FILE.match, names) if m}, {}, set()
        )

    def read(self, account: str, stdin: IO[str]) -> dict[str, Any]:
        """The account's snapshot, read and checked as any snapshot is."""
        from euare.state.load import read

        where = self.file(account)
        if not where.exists():
            raise EuareError(f"no snapshot of it in {self.path}")
        return read(str(where), stdin)


@dataclass(frozen=True)
class Held:
    """A directory's accounts: those it has a snapshot of (``taken``), and those its index
    records as failed with no snapshot kept (``failed``, each with its error), and those it
    records as having left the organization (``left``, their files kept). Any other account
    was not in the organization when the directory was written (or not chosen)."""

    folder: SnapshotDir
    taken: dict[str, Account]
    failed: dict[str, str]
    left: set[str]

    def snapshot(self, account: str, stdin: IO[str]) -> dict[str, Any] | None:
        """The account's snapshot, or None when the directory has none and does not say it
        tried, or says it left (accountdiff --org: the account joined since, or left); one
        that failed, or whose file is missing, is an error."""
        if account in self.left:
            return None
        if account in self.failed:
            raise EuareError(f"no snapshot of it in {self.folder.path}: {self.failed[account]}")
        if account not in self.taken and not self.folder.file(account).exists():
            return None
        return self.folder.read(account, stdin)


def _utc(stamp: float) -> Any:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(stamp, timezone.utc)
