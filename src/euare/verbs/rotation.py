"""euare-userrotatekey: replace the access key in a credential file, safely enough for cron.

The order is what makes it safe: make the new key, write it to the file (atomically, the old
file kept as FILE.previous), prove the new key works, and only then retire the old one. If
anything fails or is interrupted before the old key is retired, the old key goes back into the
file and the new key is deleted, so at every moment either the file or the old key works.

Two runs on one file never overlap: each holds FILE.lock for the whole rotation. A writer that
does not take the lock (a person, another tool) is noticed: the file is re-read before each
change, and is touched only while it still holds what this run left in it.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from euare.call.context import Call
from euare.cli.outputs import OutputFile
from euare.cli.params import USERS, option
from euare.cli.verb import verb
from euare.core import interrupts, process
from euare.core.errors import EuareError, stderr_line
from euare.core.files import (
    Busy,
    cannot_keep_owner,
    lock_path,
    locked,
    target_of,
)
from euare.core.render import Record, Result
from euare.core.settings import parse_iamrc, read_text
from euare.ops.access_keys import age_in_days, key_ages
from euare.ops.deletion import Item
from euare.ops.rotation_calls import persist
from euare.ops.rotation_steps import MIN_CLEANUP_SECONDS, Rotation

# However short --wait is, cleaning up after a failure may retry for this long.


def _check_slots(keys: list[Item], mine: Item, user: str, delete_inactive: bool) -> Item | None:
    """The inactive key to delete first, or None; refuses when no slot can be had."""
    others = [k for k in keys if k["AccessKeyId"] != mine["AccessKeyId"]]
    if len(keys) < 2:
        return None
    inactive = [k for k in others if k["Status"] == "Inactive"]
    if inactive and delete_inactive:
        return inactive[0]
    listed = ", ".join(f"{k['AccessKeyId']} ({k['Status']})" for k in others)
    hint = (
        f"rerun with --delete-inactive to delete {inactive[0]['AccessKeyId']}"
        if inactive
        else f"deactivate it first: euare-usermodkey -u {user} -s Inactive "
        f"{others[0]['AccessKeyId']}"
    )
    raise EuareError(
        f"{user} already has {len(keys)} access keys; besides the one in use, {listed}; {hint}"
    )


@verb(
    "userrotatekey",
    "Replace the access key in a credential file with a new one: create it, write it "
    "(atomically, keeping the file's owner and mode), prove it works, then deactivate the old "
    "key. Runs on one file take turns (FILE.lock); see docs/rotation.md.",
    exclusive=[(("delete", "keep"), False)],
    examples=(
        "--max-age 90 --delete-inactive",
        "-u backup-script --credential-file /etc/backup/iamrc --delete -v",
    ),
    sends="CreateAccessKey",
)
@option(
    "-u",
    "--user-name",
    "asked_user",
    api="UserName",
    metavar="USER",
    help="user whose key to rotate (default: the caller)",
    shell_complete=USERS,
)
@option(
    "--credential-file",
    type=OutputFile(secret=True, rewrite=True, instead="name the file to rotate"),
    metavar="FILE",
    help="file to rotate (default: the one euare reads: $AWS_CREDENTIAL_FILE or ~/.iamrc)",
)
@option(
    "--max-age",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="do nothing unless the current key is more than DAYS days old",
)
@option(
    "--wait",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="how long to keep trying the new key (and cleaning up) before giving up",
)
@option(
    "--lock-wait",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="how long to wait for another rotation of the same file to finish",
)
@option("--delete", is_flag=True, help="delete the old key instead of deactivating it")
@option(
    "--force",
    is_flag=True,
    help="with --delete, rotate a file that has other hard links even so (they keep the old, "
    "deleted key)",
)
@option("--keep", is_flag=True, help="leave the old key active")
@option(
    "--delete-inactive",
    is_flag=True,
    help="if the user's other key slot holds an inactive key, delete it to make room",
)
@option("--no-backup", is_flag=True, help="do not keep the old file as FILE.previous")
@option("--show-secret", is_flag=True, help="also print the new secret key")
@option("-v", "--verbose", is_flag=True, help="say on stderr what is done, and why nothing is")
def userrotatekey(
    call: Call,
    *,
    asked_user: str | None,
    credential_file: Path | None,
    max_age: int | None,
    wait: int,
    lock_wait: int,
    delete: bool,
    force: bool,
    keep: bool,
    delete_inactive: bool,
    no_backup: bool,
    show_secret: bool,
    verbose: bool,
) -> Result | None:
    say = functools.partial(_say, call, verbose)
    path = credential_file or call.settings().credential_file
    if path is None:
        raise EuareError("no credential file to rotate: name one with --credential-file")
    read_text(path, "credential file")  # a missing or unreadable file is reported as such
    rotate = Rotate(
        call=call,
        path=path,
        user=asked_user,
        max_age=max_age,
        wait=wait,
        retire=None if keep else delete,
        force=force,
        delete_inactive=delete_inactive,
        backup=not no_backup,
        say=say,
    )
    new_key = _locked(call, path, lock_wait, say, rotate)
    if new_key is None:
        return None
    # The new key as CreateAccessKey answered; its secret only with --show-secret.
    record: Record = dict(new_key)
    if not show_secret:
        del record["SecretAccessKey"]
    return Result([record], _new_key_lines, one=True)


def _say(call: Call, verbose: bool, message: str) -> None:
    """With -v, one line on stderr saying what is done (or why nothing is)."""
    if verbose:
        call.stderr.write(stderr_line(call.prog, message) + "\n")
        call.stderr.flush()


def _locked(
    call: Call,
    path: Path,
    lock_wait: int,
    say: Callable[[str], None],
    rotate: Callable[[], dict[str, Any] | None],
) -> dict[str, Any] | None:
    """``rotate()`` under the file's lock: the new key, or None if none was due."""
    rotated: list[dict[str, Any] | None] = []
    try:
        with _lock(call, path, lock_wait, say):
            rotated.append(rotate())
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM or SIGHUP
        if not rotated:  # a rotation under way turns its own interrupt into its own message
            raise EuareError(
                f"{interrupts.word()} before a new key was made; {path} was not changed",
                exit_code=interrupts.status(),
            ) from None
    return rotated[0]


@dataclass(frozen=True, kw_only=True)
class Rotate:
    """userrotatekey's steps once the file is locked: read the key in use from the file, find
    it among its user's keys, tell whether it is due (``max_age``), make room for a new key,
    check the file can be replaced as it is, then rotate (euare.ops.rotation_steps.Rotation).
    ``retire``: True deletes the old key, False deactivates it, None keeps it active."""

    call: Call
    path: Path
    user: str | None  # -u; by default, the caller
    max_age: int | None
    wait: int
    retire: bool | None
    force: bool
    delete_inactive: bool
    backup: bool
    say: Callable[[str], None]

    def __call__(self) -> dict[str, Any] | None:
        """The rotation: the new key, or None if the key in use is not due."""
        # The caller's own key may come from this file, which a run we waited for has rotated.
        self.call.reload_settings()
        old_id, old_secret = self.key_in_file()
        user = self.user or str(self.call.request("GetUser")["User"]["UserName"])
        keys = key_ages(self.call, user)
        mine = self.key_in_use(keys, old_id, user)
        if not self.due(mine, old_id):
            return None
        stale = _check_slots(keys, mine, user, self.delete_inactive)
        self.check_file(old_id)
        budget = max(self.wait, MIN_CLEANUP_SECONDS)
        before = self.make_room(stale, keys, user, budget)
        rotation = Rotation(
            call=self.call,
            path=self.path,
            user=user,
            old_id=old_id,
            old_secret=old_secret,
            wait=self.wait,
            budget=budget,
            say=self.say,
            before=before,
        )
        target = target_of(self.path)
        backup = target.with_name(target.name + ".previous") if self.backup else None
        return rotation.run(backup, self.retire)

    def key_in_file(self) -> tuple[str, str]:
        """The key ID and secret the file holds now."""
        values = parse_iamrc(read_text(self.path, "credential file"))
        old_id, old_secret = values.get("AWSAccessKeyId"), values.get("AWSSecretKey")
        if not old_id or not old_secret:
            raise EuareError(f"{self.path} has no AWSAccessKeyId and AWSSecretKey lines to rotate")
        return old_id, old_secret

    def key_in_use(self, keys: list[Item], old_id: str, user: str) -> Item:
        mine = next((k for k in keys if k["AccessKeyId"] == old_id), None)
        if mine is None:
            raise EuareError(
                f"the key in {self.path} ({old_id}) is not one of {user}'s access keys"
            )
        return mine

    def due(self, mine: Item, old_id: str) -> bool:
        """Whether the key in use is older than --max-age (always, without it)."""
        days = age_in_days(mine.get("CreateDate"))
        if self.max_age is not None and days <= self.max_age:
            self.say(f"{old_id} is {days} days old, not more than {self.max_age}: nothing to do")
            return False
        return True

    def check_file(self, old_id: str) -> None:
        """Refuse a file this run could not replace with its owner kept; warn of hard links."""
        why = cannot_keep_owner(self.path)
        if why:
            raise EuareError(f"cannot replace {self.path} as it is: {why}; run this as its owner")
        _check_links(self.call, self.path, old_id, self.retire, self.force)

    def make_room(self, stale: Item | None, keys: list[Item], user: str, budget: int) -> set[str]:
        """Delete the inactive key ``stale`` (--delete-inactive), if any; the IDs of the user's
        keys before the new one is made."""
        before = {str(k["AccessKeyId"]) for k in keys}
        if stale is not None:
            stale_id = str(stale["AccessKeyId"])
            persist(
                lambda: self.call.request("DeleteAccessKey", UserName=user, AccessKeyId=stale_id),
                budget,
            )
            before.discard(stale_id)
            self.say(f"deleted inactive key {stale_id}")
        return before


def _check_links(call: Call, path: Path, old_id: str, delete: bool | None, force: bool) -> None:
    """A file with other hard links: they go on naming the old file, so they keep the old key.
    Said on stderr before anything is done; with --delete (their key then deleted), refused
    unless --force."""
    links = target_of(path).stat().st_nlink - 1
    if links < 1:
        return
    fate = {None: "which stays active", False: "which is deactivated", True: "which is deleted"}
    names = f"{links} other hard link{'s' if links > 1 else ''}"
    if delete and not force:
        raise EuareError(
            f"{path} has {names}, which would keep the old key {old_id} once it is deleted; "
            "rotate without --delete, or give --force"
        )
    call.stderr.write(
        stderr_line(
            call.prog,
            f"warning: {path} has {names}; they keep the old key {old_id}, {fate[delete]}",
        )
        + "\n"
    )
    call.stderr.flush()


def _new_key_lines(records: list[Record]) -> list[str]:
    keys = ("AccessKeyId", "SecretAccessKey")
    return [str(r[k]) for r in records for k in keys if k in r]


@contextlib.contextmanager
def _lock(call: Call, path: Path, wait: int, say: Callable[[str], None]) -> Iterator[None]:
    """Hold FILE.lock for the rotation; after ``wait`` seconds, one line naming the holder."""
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    me = f"pid {process.pid()} on {socket.gethostname()}, {call.prog} since {since}"

    def waiting(holder: str) -> None:
        say(f"waiting up to {wait} s for {path}, being rotated by {holder or 'another run'}")

    with contextlib.ExitStack() as stack:
        lock = lock_path(path)
        try:
            stack.enter_context(locked(lock, wait, me, waiting))
        except Busy as busy:
            raise EuareError(
                f"{path} is being rotated by another run ({busy.holder or 'holder unknown'}; "
                f"lock {lock}); gave up after waiting {wait} s (--lock-wait)"
            ) from None
        except OSError as exc:
            raise EuareError(f"cannot lock {path}: {exc.strerror or exc}: {lock}") from None
        yield
