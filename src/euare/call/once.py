"""Sending a create once, and settling its lost answer by looking at what exists now.

IAM's creates are not idempotent: resent after its answer was lost, CreateAccessKey makes a
second key (the first one's secret gone for good) and CreateUser fails with EntityAlreadyExists
although it took effect. So every create goes through ``Call.send_once``: one sending (throttling
and failures to connect, after which nothing was done, are tried again; see client.call_once),
and, when the answer is lost or Ctrl-C (SIGTERM, SIGHUP) ends the wait for it, its
:class:`Lookup` decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from euare.core import interrupts
from euare.core.errors import EuareError, describe

# Operations IAM does not let one send twice: a resend makes a second one (CreateAccessKey,
# CreatePolicyVersion, UploadSigningCertificate) or fails (EntityAlreadyExists, LimitExceeded)
# although the first took effect. Call.request refuses them: they go through Call.send_once.
ONCE_ONLY_PREFIXES = ("Create", "Upload")
ONCE_ONLY = {"AddRoleToInstanceProfile", "EnableMFADevice"}

Found = dict[str, Any]


def once_only(operation: str) -> bool:
    return operation.startswith(ONCE_ONLY_PREFIXES) or operation in ONCE_ONLY


@dataclass(frozen=True)
class Lookup:
    """How to tell whether a create whose answer never came took effect.

    ``look`` looks at what exists now and returns the entity's description, in the shape of the
    create's own answer (it was created: by this call), or None (it was not: running the command
    again is safe). ``what`` names it in messages ("user alice"). ``leftover``, for a create
    whose answer alone holds something needed (CreateAccessKey's secret), says what was created
    in vain and the command that removes it; the command then fails instead of going on.
    """

    what: str
    look: Callable[[], Found | None]
    leftover: Callable[[Found], str] | None = None


class Interrupted(EuareError):
    """Ctrl-C (exit 130; SIGTERM 143, SIGHUP 129), after looking at what a create that was
    waiting for its answer did. ``found`` is its description if it took effect;
    ``took_effect`` says the step is done."""

    def __init__(self, message: str, found: Found | None = None, took_effect: bool = False):
        super().__init__(message, exit_code=interrupts.status())
        self.found = found
        self.took_effect = took_effect


def _look(find: Lookup, reason: str, fail: Callable[[str], EuareError], safe: str) -> Found:
    """What ``find`` finds, or the error (made by ``fail``) when it finds nothing."""
    try:
        found = find.look()
    except KeyboardInterrupt:
        raise Interrupted(f"{reason}; whether {find.what} exists is unknown") from None
    except Exception as exc:
        unknown = f"whether {find.what} exists is unknown ({describe(exc).message})"
        raise fail(f"{reason}; {unknown}") from exc
    if found is None:
        raise fail(f"{reason}; {find.what} does not exist{safe}")
    return found


def settle(find: Lookup, reason: str, code: str | None) -> Found:
    """After a lost answer (``reason``): the description found, which is the create's answer,
    or an error line (naming what to remove, when found with a ``leftover``)."""
    found = _look(
        find,
        reason,
        lambda message: EuareError(message, code),
        ", so running the command again is safe",
    )
    if find.leftover is not None:
        raise EuareError(f"{reason}; {find.leftover(found)}", code)
    return found


def settle_interrupt(find: Lookup, operation: str) -> Interrupted:
    """After Ctrl-C (SIGTERM, SIGHUP) while ``operation``'s answer was awaited: the error that
    ends the command, saying whether it took effect (and naming what to remove, with a
    ``leftover``)."""
    reason = f"{interrupts.word()} before the answer to {operation} came"
    try:
        found = _look(find, reason, Interrupted, "")
    except Interrupted as nothing:
        return nothing
    if find.leftover is not None:
        return Interrupted(f"{reason}; {find.leftover(found)}", found)
    return Interrupted(f"{reason}; {find.what} exists now", found, took_effect=True)
