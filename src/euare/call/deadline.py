"""How long one API call may take, all its attempts together, and what a terminal is told while
it waits.

botocore decides whether and when to retry (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS): this module
only bounds that, through the hooks :meth:`Budget.register` puts on a client. A call (one
request, its retries and the pauses between them) ends within EUARE_CALL_TIMEOUT seconds:

* each attempt's read timeout is cut so that, connect timeout included, it ends by then;
* a retry is not made unless the longest pause botocore may take before it (:meth:`Budget.
  pause`), its connect timeout and a second of reading (:data:`MIN_READ`) fit in the time left:
  botocore is told not to retry (``needs-retry`` answers False), and the last failure is the
  error, with "gave up after N attempts in S s" added (:func:`note`);
* should a retry still find less than its connect timeout and a second left (a pause longer
  than botocore's rules say), it is refused before it is sent (:class:`GaveUp`).

On a terminal (standard error a tty) the wait is not silent: once per command, when an answer
has been awaited for :data:`NOTICE` seconds, a line says so, and each retry after that says why
and which attempt it is. In a pipe, a file or cron only the final error line is written.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import IO, Any

from euare.core.errors import GAVE_UP, EuareError

MIN_READ = 1.0  # seconds of reading an attempt needs to be worth making
NOTICE = 5.0  # seconds without an answer after which a terminal is told (at most)
KEY = "euare_clock"  # the call's Clock, in botocore's request context

_voice: tuple[str, IO[str]] | None = None  # who speaks (euare-VERB) and where: see speak_to
_noticed = threading.Event()  # the "no answer yet" line is written once per process


def speak_to(prog: str, stream: IO[str]) -> None:
    """Notices about waiting go to ``stream`` as ``prog: ...``, if it is a terminal."""
    global _voice
    _voice = (prog, stream)


def _say(line: str) -> bool:
    """Write ``prog: line`` to the terminal spoken to; False if there is none."""
    from euare.core.redact import redact

    if _voice is None:
        return False
    prog, stream = _voice
    try:
        if not stream.isatty():
            return False
        stream.write(f"{prog}: {redact(' '.join(line.split()))}\n")
        stream.flush()
    except (OSError, ValueError):  # a closed or broken stderr: the error line will say it all
        return False
    return True


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def _attempts(count: int) -> str:
    return f"{count} attempt" + ("" if count == 1 else "s")


class GaveUp(EuareError):
    """A retry refused because it could not end within EUARE_CALL_TIMEOUT."""


@dataclass(frozen=True)
class Budget:
    """A client's bound: ``total`` seconds for a call, its ``connect`` and ``read`` timeouts,
    the ``attempts`` botocore may make (to say "attempt 2 of 5") and its retry ``mode``."""

    total: float = 60.0
    connect: float = 10.0
    read: float = 30.0
    attempts: int = 5
    mode: str = "standard"

    def pause(self, attempts: int) -> float:
        """The longest pause botocore takes after attempt number ``attempts`` before the next:
        a random fraction of 2^(attempts-1) seconds, at most 20 in standard and adaptive mode
        (botocore.retries.standard's backoff; legacy mode has no cap)."""
        from euare.core.retry import backoff

        return backoff(attempts, 1.0, math.inf if self.mode == "legacy" else 20.0)

    @property
    def min_read(self) -> float:
        return min(MIN_READ, self.read)

    @property
    def notice_after(self) -> float:
        return min(NOTICE, self.read / 2)

    def register(self, events: Any, service: str) -> None:
        events.register(f"before-send.{service}.*", self.before_send)
        events.register(f"needs-retry.{service}.*", self.needs_retry)
        events.register(f"after-call.{service}.*", self.finished)
        events.register(f"after-call-error.{service}.*", self.finished)

    # --- the hooks ---------------------------------------------------------------------------

    def before_send(self, request: Any, **_: Any) -> None:
        """Each attempt: start the call's clock (the first), refuse a retry that could not end
        in time, and cut the attempt's read timeout to the time left."""
        context = request.context
        now = time.monotonic()
        clock: Clock | None = context.get(KEY)
        if clock is None:
            clock = context[KEY] = Clock(self, request.url, now)
            clock.arm()
        else:
            if clock.deadline - now < self.connect + self.min_read:
                clock.finish()
                raise GaveUp(clock.gave_up(now))
            clock.retrying(now)
        clock.attempt += 1
        left = clock.deadline - now - self.connect
        context["read_timeout"] = max(self.min_read, min(self.read, left))

    def needs_retry(
        self,
        request_dict: dict[str, Any],
        attempts: int,
        caught_exception: BaseException | None = None,
        response: Any = None,
        **_: Any,
    ) -> bool | None:
        """After each attempt (before botocore's own handler, whose decision it leaves alone):
        False, no retry, when no retry could end in time; else None."""
        clock: Clock | None = (request_dict.get("context") or {}).get(KEY)
        if clock is None:
            return None
        if isinstance(caught_exception, GaveUp):
            return False
        clock.last = caught_exception if caught_exception is not None else response
        now = time.monotonic()
        needed = self.pause(attempts) + self.connect + self.min_read
        if attempts >= self.attempts or clock.deadline - now >= needed:
            return None
        words = f"gave up after {_attempts(attempts)} in {_seconds(now - clock.started)} s"
        words += f" (EUARE_CALL_TIMEOUT is {_seconds(self.total)} s)"
        if _transient(caught_exception):
            setattr(caught_exception, GAVE_UP, words)
        elif caught_exception is None and _failed_answer(response):
            response[1].setdefault("ResponseMetadata", {})[GAVE_UP] = words
        clock.finish()
        return False

    def finished(self, context: dict[str, Any], **_: Any) -> None:
        clock: Clock | None = context.get(KEY)
        if clock is not None:
            clock.finish()


def _transient(exc: BaseException | None) -> bool:
    """A failure to connect or to get an answer: what botocore retries."""
    if exc is None:
        return False
    from euare.core.outcome import Outcome, outcome

    return outcome(exc) is Outcome.TRANSIENT


def _failed_answer(response: Any) -> bool:
    """A 5xx, 429 or throttling answer (what botocore retries) with its parsed form."""
    from euare.core.outcome import retryable_answer

    try:
        status = int(response[0].status_code)
        parsed = response[1]
    except (TypeError, AttributeError, IndexError, ValueError):
        return False
    if not isinstance(parsed, dict):
        return False
    return retryable_answer(status, parsed)


@dataclass
class Clock:
    """One call's time: when it started, its deadline, its attempts, its last failure."""

    budget: Budget
    url: str
    started: float
    attempt: int = 0
    last: Any = None
    deadline: float = field(init=False)
    _done: threading.Event = field(default_factory=threading.Event)
    _timer: threading.Timer | None = None

    def __post_init__(self) -> None:
        self.deadline = self.started + self.budget.total

    def arm(self) -> None:
        """On a terminal, say once (per command) that the answer is late, if it is."""
        if _noticed.is_set() or _voice is None or not _voice[1].isatty():
            return
        self._timer = threading.Timer(self.budget.notice_after, self._late)
        self._timer.daemon = True
        self._timer.start()

    def _late(self) -> None:
        if self._done.is_set() or _noticed.is_set():
            return
        waited = _seconds(time.monotonic() - self.started)
        if _say(
            f"no answer yet from {self._where()} after {waited} s; waiting and retrying for up "
            f"to {_seconds(self.budget.total)} s in all ({_attempts(self.budget.attempts)} at "
            "most; EUARE_CALL_TIMEOUT, AWS_MAX_ATTEMPTS)"
        ):
            _noticed.set()

    def retrying(self, now: float) -> None:
        """A retry botocore decided on: on a terminal, once the call has been waited on, why."""
        if now - self.started >= self.budget.notice_after:
            attempt = self.attempt + 1
            _say(f"{self._reason()}; retrying (attempt {attempt} of {self.budget.attempts})")

    def gave_up(self, now: float) -> str:
        return (
            f"{self._reason()}; gave up after {_attempts(self.attempt)} in "
            f"{_seconds(now - self.started)} s (EUARE_CALL_TIMEOUT is "
            f"{_seconds(self.budget.total)} s)"
        )

    def finish(self) -> None:
        self._done.set()
        if self._timer is not None:
            self._timer.cancel()

    def _where(self) -> str:
        from euare.core.redact import strip_userinfo

        return strip_userinfo(self.url)

    def _reason(self) -> str:
        from euare.core.errors import describe

        last = self.last
        if isinstance(last, BaseException):
            return describe(last).message
        try:
            return f"{self._where()} answered HTTP {int(last[0].status_code)}"
        except (TypeError, AttributeError, IndexError, ValueError):
            return f"no answer from {self._where()}"
