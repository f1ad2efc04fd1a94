"""The steps of a key rotation (see euare-userrotatekey): create, write, prove, retire, and the
rollback that puts the old key back; plus reading and rewriting the key in the file's text."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from euare.call.context import Call
from euare.core import interrupts
from euare.core.errors import EuareError, describe, interrupted
from euare.core.files import owner_of, rewrite, write_private
from euare.core.outcome import unknown_key
from euare.core.settings import parse_iamrc, read_text
from euare.ops.access_keys import create_access_key, key_ages
from euare.ops.rotation_calls import Interrupts, client_as, persist, verify

MIN_CLEANUP_SECONDS = 5


def replace_key(text: str, key_id: str, secret: str) -> str:
    """``text`` with the first AWSAccessKeyId and AWSSecretKey values replaced, all else kept."""
    done: set[str] = set()
    out = []
    for line in text.splitlines(keepends=True):
        match = re.match(
            r"^(\s*(?:export\s+)?(AWSAccessKeyId|AWSSecretKey)\s*=\s*)([^\s#]*)(.*)$", line, re.S
        )
        if match and match.group(2) not in done:
            name = match.group(2)
            done.add(name)
            value = key_id if name == "AWSAccessKeyId" else secret
            line = match.group(1) + value + match.group(4)
        out.append(line)
    return "".join(out)


def holds(text: str, key_id: str, secret: str | None = None) -> bool:
    """Whether credential-file ``text`` holds ``key_id`` (and ``secret``, if given)."""
    values = parse_iamrc(text)
    if values.get("AWSAccessKeyId") != key_id:
        return False
    return secret is None or values.get("AWSSecretKey") == secret


@dataclasses.dataclass(kw_only=True)
class Rotation:
    """One rotation's state once the old key is known: what to undo if a step fails."""

    call: Call
    path: Path
    user: str
    old_id: str
    old_secret: str
    wait: int
    budget: int  # seconds that cleanup calls may retry for
    say: Callable[[str], None]
    before: set[str]  # the user's keys before ours was made
    new_id: str | None = None
    new_secret: str = ""
    backup: Path | None = None

    def run(self, backup: Path | None, delete: bool | None) -> dict[str, Any]:
        """Create, write, prove, retire (``delete`` None: keep the old key active); the new
        key, as CreateAccessKey answered."""
        try:
            key = create_access_key(self.call, self.user)
            self.new_id, self.new_secret = key["AccessKeyId"], key["SecretAccessKey"]
            self.say(f"created {self.new_id}")
            text = self.read()
            if not holds(text, self.old_id, self.old_secret):
                raise EuareError(self.changed(f"it no longer holds {self.old_id}"))
            if backup is not None:
                write_private(backup, text, owner_of(self.path))
                self.backup = backup
            rewrite(self.path, replace_key(text, self.new_id, self.new_secret))
            kept = f" (old file kept as {backup})" if backup else ""
            self.say(f"wrote {self.new_id} to {self.path}{kept}")
            verify(self.call, self.new_id, self.new_secret, self.user, self.wait)
            self.say(f"{self.new_id} works")
            if not holds(self.read(), self.new_id, self.new_secret):
                raise EuareError(self.changed(f"it no longer holds {self.new_id}"))
        except BaseException as exc:
            raise self.roll_back(exc) from exc
        if delete is not None:
            self.retire(delete)
        return key

    def read(self) -> str:
        return read_text(self.path, "credential file")

    def changed(self, how: str) -> str:
        return f"{self.path} was changed by something else during the rotation: {how}"

    def retire(self, delete: bool) -> None:
        """Deactivate (or delete) the old key; one already gone counts as done."""
        assert self.new_id is not None
        user, old = self.user, self.old_id
        if delete:
            what, fix = "delete", f"euare-userdelkey -u {user} {old}"
            operation, extra = "DeleteAccessKey", {}
        else:
            what, fix = "deactivate", f"euare-usermodkey -u {user} -s Inactive {old}"
            operation, extra = "UpdateAccessKey", {"Status": "Inactive"}
        send = _retirer(self.call, old, self.new_id, self.new_secret)
        # Signed with the new key, IAM may not know it yet even though STS has accepted it.
        young = unknown_key if self.call.settings().access_key_id == old else None
        try:
            persist(
                lambda: send(operation, UserName=user, AccessKeyId=old, **extra),
                self.budget,
                retry=young,
            )
        except BaseException as exc:
            err, stopped = describe(exc), isinstance(exc, KeyboardInterrupt)
            head = interrupts.word() if stopped else f"could not {what} the old key: {err.message}"
            raise EuareError(
                f"{head}; {self.new_id} is in {self.path} and works, but the old key {old} "
                f"may still be active; {what} it with: {fix}",
                code=None if stopped else err.code,
                exit_code=interrupts.status() if stopped else err.exit_code,
            ) from exc
        self.say(f"{what}d {old}")

    def roll_back(self, exc: BaseException) -> EuareError:
        """Put the old key back in the file if it holds ours, delete our new key; say so."""
        cause = describe(exc)
        # Ctrl-C (SIGTERM, SIGHUP) itself, or a create that send_once settled after one
        # (once.Interrupted)
        stopped = isinstance(exc, KeyboardInterrupt) or interrupted(cause)
        notes = [f"the old key {self.old_id} is still active"]
        with Interrupts() as guard:
            notes += self.restore_file()
            notes += self.remove_new_key(guard, looked_for=stopped)
        head = interrupts.word() if stopped else f"rotation failed: {cause.message}"
        return EuareError(
            "; ".join([head, *notes]),
            code=None if stopped else cause.code,
            exit_code=interrupts.status() if stopped else 1,
        )

    def restore_file(self) -> list[str]:
        if self.new_id is None:
            return []
        kept = f"; the old file is {self.backup}" if self.backup else ""
        try:
            text = self.read()
        except EuareError as err:
            return [f"could NOT check {self.path} ({err.message}){kept}"]
        if not holds(text, self.new_id):
            if holds(text, self.old_id):
                return []
            return [f"left {self.path} as it is: something else changed it meanwhile"]
        try:
            rewrite(self.path, replace_key(text, self.old_id, self.old_secret))
        except OSError as err:
            return [f"could NOT put the old key back in {self.path} ({err.strerror}){kept}"]
        return [f"put the old key back in {self.path}"]

    def remove_new_key(self, guard: Interrupts, looked_for: bool) -> list[str]:
        """Delete the new key; interrupted while creating it, look for a key made meanwhile."""
        fix = f"euare-userdelkey -u {self.user}"
        if self.new_id is None:
            if not looked_for:
                return []  # the create's own error says whether a key was made
            try:
                with guard.network():
                    keys = persist(lambda: key_ages(self.call, self.user), self.budget) or []
            except BaseException as err:
                return [f"could NOT check whether a new key was made ({_why(err)})"]
            made = [k["AccessKeyId"] for k in keys if k["AccessKeyId"] not in self.before]
            return [
                f"access key {k} was made as it was interrupted: delete it with: {fix} {k}"
                for k in made
            ]
        new_id = self.new_id
        try:
            with guard.network():
                persist(
                    lambda: self.call.request(
                        "DeleteAccessKey", UserName=self.user, AccessKeyId=new_id
                    ),
                    self.budget,
                )
        except BaseException as err:
            return [
                f"could NOT delete the new key {new_id} ({_why(err)}): delete it with: "
                f"{fix} {new_id}"
            ]
        return [f"deleted the new key {new_id}"]


def _why(exc: BaseException) -> str:
    return "interrupted again" if isinstance(exc, KeyboardInterrupt) else describe(exc).message


def _retirer(call: Call, old_id: str, new_id: str, new_secret: str) -> Any:
    """Calls that retire the old key: made with the new key when the caller used the old one."""
    from euare.call.client import call as api_call

    if call.settings().access_key_id != old_id:
        return call.request
    client = client_as(call, "iam", new_id, new_secret)
    return lambda operation, **params: api_call(client, operation, **params)
