"""The calls of a key rotation that must outlast a bad moment: proving a new key works, and
cleaning up (retiring the old key, deleting a new one) through throttling, outages and Ctrl-C
(or SIGTERM, or SIGHUP: see euare.core.interrupts).

What proves a key is an allow-list: an answer made with it that could only come from a valid
signature. Anything else -- throttling, a 5xx, a timeout, a dropped connection, an answer that
does not parse or does not name the user -- proves nothing, and is tried again until the time
runs out.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, TypeVar

from euare.call.context import Call
from euare.core import interrupts
from euare.core.errors import EuareError, describe
from euare.core.outcome import denied, gone, transient
from euare.core.retry import retry as retrying

T = TypeVar("T")


def client_as(
    call: Call,
    service: str,
    key_id: str,
    secret: str,
    attempts: int | None = None,
    timeout: float | None = None,
) -> Any:
    """A client like the call's own for ``service``, but signing with another key (and with
    connect and read timeouts cut to ``timeout`` seconds, if given)."""
    from euare.call.client import make_client

    settings = dataclasses.replace(
        call.settings(service), access_key_id=key_id, secret_key=secret, token=None
    )
    if timeout is not None:
        settings = dataclasses.replace(
            settings,
            connect_timeout=min(settings.connect_timeout, timeout),
            read_timeout=min(settings.read_timeout, timeout),
        )
    return make_client(settings, attempts=attempts)


def _no_proof(client: Any, use_sts: bool, user: str) -> EuareError | None:
    """None if one call made with the key proves it valid; else why it does not."""
    from euare.call.client import call as api_call

    try:
        if use_sts:
            arn = api_call(client, "GetCallerIdentity").get("Arn")
        else:
            arn = (api_call(client, "GetUser", UserName=user).get("User") or {}).get("Arn")
    except Exception as exc:
        return None if denied(exc) else describe(exc)  # refused by policy: validly signed
    if isinstance(arn, str) and arn.rsplit("/", 1)[-1] == user:
        return None
    return EuareError(f"the answer did not name {user}")


def verify(call: Call, key_id: str, secret: str, user: str, wait: int) -> None:
    """Call the service with the new key until an answer proves it valid, or ``wait`` runs out
    (then raise, with the last reason it was not proven)."""
    use_sts = bool(call.settings("sts").endpoint) or call.settings("iam").endpoint is None
    service = "sts" if use_sts else "iam"
    deadline = time.monotonic() + wait

    def prove() -> None:
        left = math.ceil(max(1.0, deadline - time.monotonic()))
        client = client_as(call, service, key_id, secret, attempts=1, timeout=left)
        why = _no_proof(client, use_sts, user)
        if why is not None:
            raise _NotProven(why)

    def unproven(exc: BaseException) -> bool:
        return isinstance(exc, _NotProven)

    try:
        retrying(prove, retry_on=unproven, budget=wait, first=0.5, most=5.0, jitter=False)
    except _NotProven as last:
        why = last.why
        raise EuareError(
            f"the new key was not proven to work within {wait} s: {why.message}", code=why.code
        ) from None


class _NotProven(Exception):
    """One try at proving a key did not prove it; ``why``."""

    def __init__(self, why: EuareError) -> None:
        super().__init__(why.message)
        self.why = why


def persist(
    run: Callable[[], T],
    budget: float,
    done: Callable[[BaseException], bool] = gone,
    retry: Callable[[BaseException], bool] | None = None,
) -> T | None:
    """``run()``, tried again after transient failures (and those ``retry`` approves) for up to
    ``budget`` seconds. For calls that are safe to repeat; a failure ``done`` approves (by
    default: the key is gone already) counts as success, and returns None."""

    def once() -> T | None:
        try:
            return run()
        except Exception as exc:
            if done(exc):
                return None
            raise

    def worth_it(exc: BaseException) -> bool:
        return transient(exc) or (retry is not None and retry(exc))

    return retrying(once, retry_on=worth_it, budget=budget, first=0.5, most=4.0, jitter=False)


class Interrupts:
    """Ctrl-C, SIGTERM or SIGHUP during a rollback: a file being written back is finished
    first; a request under way is abandoned (and named as not done), and so is any request not
    yet begun."""

    def __init__(self) -> None:
        self.hits = 0
        self.armed = False
        self.handling = contextlib.ExitStack()

    def __enter__(self) -> Interrupts:
        self.handling.enter_context(interrupts.handled_by(self._handle))
        return self

    def __exit__(self, *_: object) -> None:
        self.handling.close()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        interrupts.note(signum)
        self.hits += 1
        if self.armed:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def network(self) -> Iterator[None]:
        if self.hits:
            raise KeyboardInterrupt
        self.armed = True
        try:
            yield
        finally:
            self.armed = False
