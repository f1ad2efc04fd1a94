"""Waiting between tries, in one place: every loop that pauses before trying something again
(a create botocore must not resend, a new key's proof, a rotation's cleanup, a report being
generated, a lock, the worker starting) pauses here. What botocore retries on its own (an
idempotent call's throttling, 5xx and lost connections) is left to botocore.

Two shapes of loop:

* :func:`retry`: ``fn()`` until it succeeds, or fails in a way ``retry_on`` does not approve,
  or its tries (``attempts``) or its time (``budget`` seconds) are used up; then its last
  failure is raised. A pause that would end after the budget is not begun.
* :func:`poll`: ``fn()`` until ``done(answer)``, or until ``budget`` seconds have passed; the
  last pause is cut short to end with the budget, ``fn()`` is asked once more then, and its
  answer is returned, done or not (the caller says what "not yet" means).

The pauses grow exponentially (:func:`backoff`): ``first`` seconds after the first try, doubled
after each, never more than ``most``. With ``jitter`` ("full jitter", as botocore's standard mode
does) each is a random part of that, so that clients throttled together do not come back
together.

Ctrl-C, SIGTERM and SIGHUP (euare.core.interrupts) end a loop at once: their handler raises
KeyboardInterrupt during a pause or a try, and it is never retried. Only ``Exception`` is ever
given to ``retry_on``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

Sleep = Callable[[float], None]
Clock = Callable[[], float]
Random = Callable[[], float]  # a number from 0 up to 1


def backoff(tries: int, first: float, most: float) -> float:
    """The longest pause after ``tries`` tries (1 or more): ``first`` doubled ``tries - 1``
    times, at most ``most``."""
    return min(most, first * 2.0 ** min(max(tries - 1, 0), 64))


def _pause(tries: int, first: float, most: float, jitter: bool, rand: Random | None) -> float:
    longest = backoff(tries, first, most)
    if not jitter:
        return longest
    if rand is None:  # imported only when needed: random costs every command a few ms
        import random

        rand = random.random
    return rand() * longest


def retry(
    fn: Callable[[], T],
    *,
    retry_on: Callable[[Exception], bool],
    attempts: int | None = None,
    budget: float | None = None,
    first: float = 0.5,
    most: float = 20.0,
    jitter: bool = True,
    on_wait: Callable[[Exception, float], None] | None = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
    rand: Random | None = None,
) -> T:
    """``fn()``, tried again after each failure ``retry_on`` approves, at most ``attempts``
    tries in all and no pause ending more than ``budget`` seconds after the first try began
    (at least one of the two must be given); else its failure is raised. ``on_wait(failure,
    pause)`` is told before each pause."""
    if attempts is None and budget is None:
        raise ValueError("retry() without attempts or budget would never give up")
    start = clock()
    tries = 0
    while True:
        tries += 1
        try:
            return fn()
        except Exception as exc:
            if not retry_on(exc) or (attempts is not None and tries >= attempts):
                raise
            pause = _pause(tries, first, most, jitter, rand)
            if budget is not None and clock() + pause > start + budget:
                raise
            if on_wait is not None:
                on_wait(exc, pause)
        sleep(pause)


def poll(
    fn: Callable[[], T],
    *,
    done: Callable[[T], bool],
    budget: float,
    first: float,
    most: float,
    jitter: bool = False,
    on_wait: Callable[[T, float], None] | None = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
    rand: Random | None = None,
) -> T:
    """``fn()`` until ``done`` says its answer is final, for up to ``budget`` seconds: then
    the last answer, final or not. ``on_wait(answer, pause)`` is told before each pause."""
    start = clock()
    tries = 0
    while True:
        tries += 1
        answer = fn()
        if done(answer):
            return answer
        left = start + budget - clock()
        if left <= 0:
            return answer
        pause = min(_pause(tries, first, most, jitter, rand), left)
        if on_wait is not None:
            on_wait(answer, pause)
        sleep(pause)


def wait_out(left: Callable[[], float], sleep: Sleep = time.sleep) -> None:
    """Pause until ``left()`` (seconds still to wait, read again after each pause: another
    thread may make it longer) is no more than zero."""
    while True:
        pause = left()
        if pause <= 0:
            return
        sleep(pause)
