"""euare.core.retry, the one loop that waits between tries, on a clock the test turns: how many
tries, how long each pause (exponential, capped, with or without full jitter), the time budget,
what is tried again and what not, and Ctrl-C (SIGTERM, SIGHUP) ending a wait at once -- a real
signal during a real pause included."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from euare.core import interrupts
from euare.core.retry import backoff, poll, retry, wait_out


class Clock:
    """A clock that moves only when slept on (or when a try says it took time)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.slept.append(round(seconds, 6))
        self.now += seconds


class Flaky:
    """Fails ``failures`` times (with ``error``), then answers; each try takes ``takes`` s."""

    def __init__(
        self, clock: Clock, failures: int, error: type[Exception] = OSError, takes: float = 0.0
    ):
        self.clock, self.failures, self.error, self.takes = clock, failures, error, takes
        self.tries = 0

    def __call__(self) -> str:
        self.tries += 1
        self.clock.now += self.takes
        if self.tries <= self.failures:
            raise self.error(f"try {self.tries}")
        return "answer"


def always(_: BaseException) -> bool:
    return True


def test_backoff_doubles_from_first_up_to_most() -> None:
    assert [backoff(n, 0.5, 4.0) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert backoff(10_000, 1.0, float("inf")) > 1e18  # no overflow however many tries
    assert backoff(0, 0.5, 4.0) == 0.5


def test_a_first_success_does_not_wait() -> None:
    clock = Clock()
    fn = Flaky(clock, 0)
    assert retry(fn, retry_on=always, attempts=5, sleep=clock.sleep, clock=clock) == "answer"
    assert (fn.tries, clock.slept) == (1, [])


def test_tries_until_success_with_pauses_doubling_without_jitter() -> None:
    clock = Clock()
    fn = Flaky(clock, 5)
    got = retry(
        fn, retry_on=always, attempts=6, most=4.0, jitter=False, sleep=clock.sleep, clock=clock
    )
    assert got == "answer"
    assert clock.slept == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_attempts_bound_the_tries_and_the_last_failure_is_raised() -> None:
    clock = Clock()
    fn = Flaky(clock, 10)
    with pytest.raises(OSError, match="try 3"):
        retry(fn, retry_on=always, attempts=3, jitter=False, sleep=clock.sleep, clock=clock)
    assert (fn.tries, clock.slept) == (3, [0.5, 1.0])


def test_a_failure_retry_on_refuses_is_raised_at_once() -> None:
    clock = Clock()
    fn = Flaky(clock, 3, error=ValueError)
    asked: list[BaseException] = []

    def only_os_errors(exc: BaseException) -> bool:
        asked.append(exc)
        return isinstance(exc, OSError)

    with pytest.raises(ValueError, match="try 1"):
        retry(fn, retry_on=only_os_errors, attempts=5, sleep=clock.sleep, clock=clock)
    assert (fn.tries, clock.slept, len(asked)) == (1, [], 1)


def test_full_jitter_keeps_each_pause_between_zero_and_the_backoff() -> None:
    clock = Clock()
    fn = Flaky(clock, 8)
    seeded = random.Random(7)
    retry(
        fn,
        retry_on=always,
        attempts=9,
        first=0.5,
        most=3.0,
        sleep=clock.sleep,
        clock=clock,
        rand=seeded.random,
    )
    assert len(clock.slept) == 8
    for tries, pause in enumerate(clock.slept, start=1):
        assert 0 <= pause <= backoff(tries, 0.5, 3.0)
    assert len(set(clock.slept)) == 8  # random, not fixed


@pytest.mark.parametrize(("rand", "expected"), [(0.0, [0.0, 0.0]), (0.5, [0.25, 0.5])])
def test_jitter_is_a_fraction_of_the_backoff(rand: float, expected: list[float]) -> None:
    clock = Clock()
    with pytest.raises(OSError):
        retry(
            Flaky(clock, 9),
            retry_on=always,
            attempts=3,
            sleep=clock.sleep,
            clock=clock,
            rand=lambda: rand,
        )
    assert clock.slept == expected


def test_jitter_by_default_uses_random_within_bounds() -> None:
    clock = Clock()
    with pytest.raises(OSError):
        retry(
            Flaky(clock, 99), retry_on=always, attempts=40, most=2.0, sleep=clock.sleep, clock=clock
        )
    assert all(0 <= p <= 2.0 for p in clock.slept) and len(set(clock.slept)) > 30


def test_no_pause_is_begun_that_would_end_after_the_budget() -> None:
    clock = Clock()
    fn = Flaky(clock, 99, takes=1.0)  # each try takes a second
    with pytest.raises(OSError, match="try 4"):
        retry(fn, retry_on=always, budget=10, jitter=False, sleep=clock.sleep, clock=clock)
    # tries begin at 0, 1.5, 3.5, 6.5 (each 1 s long); after the fourth (at 7.5) a 4 s pause
    # would end at 11.5, past 10: the failure is raised instead
    assert clock.slept == [0.5, 1.0, 2.0]
    assert clock.now - 1000.0 == pytest.approx(7.5)


def test_attempts_or_budget_is_needed() -> None:
    with pytest.raises(ValueError):
        retry(lambda: 1, retry_on=always)


def test_on_wait_is_told_each_failure_and_pause() -> None:
    clock = Clock()
    told: list[tuple[str, float]] = []
    retry(
        Flaky(clock, 2),
        retry_on=always,
        attempts=3,
        jitter=False,
        sleep=clock.sleep,
        clock=clock,
        on_wait=lambda exc, pause: told.append((str(exc), pause)),
    )
    assert told == [("try 1", 0.5), ("try 2", 1.0)]


def test_ctrl_c_in_a_try_is_never_retried() -> None:
    clock = Clock()
    fn = Flaky(clock, 3, error=OSError)
    tries = 0

    def interrupted() -> str:
        nonlocal tries
        tries += 1
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        retry(interrupted, retry_on=always, attempts=5, sleep=clock.sleep, clock=clock)
    assert (tries, clock.slept, fn.tries) == (1, [], 0)


def test_ctrl_c_in_a_pause_ends_the_loop() -> None:
    clock = Clock()
    fn = Flaky(clock, 99)

    def sleep(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        retry(fn, retry_on=always, attempts=5, sleep=sleep, clock=clock)
    assert fn.tries == 1
    with pytest.raises(KeyboardInterrupt):
        poll(lambda: None, done=lambda _: False, budget=60, first=1, most=1, sleep=sleep)


@pytest.fixture
def handlers() -> Iterator[None]:
    """A command's own handlers for INT, TERM and HUP, as a command's process has them."""
    kept = {signum: signal.getsignal(signum) for signum in interrupts.STOPPING}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    interrupts.install()
    try:
        yield
    finally:
        for signum, handler in kept.items():
            signal.signal(signum, handler)
        interrupts._first = None


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_real_signal_during_a_real_pause_ends_it_at_once(handlers: None, signum: int) -> None:
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signum))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            retry(lambda: _fail(), retry_on=always, attempts=3, first=30.0, jitter=False)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10
    assert interrupts.stopped_by() == signum


def _fail() -> None:
    raise OSError("not yet")


def test_poll_until_done() -> None:
    clock = Clock()
    answers = iter(["PENDING", "RUNNING", "RUNNING", "COMPLETE", "never asked"])
    got = poll(
        lambda: next(answers),
        done=lambda a: a == "COMPLETE",
        budget=60,
        first=0.5,
        most=1.0,
        sleep=clock.sleep,
        clock=clock,
    )
    assert got == "COMPLETE"
    assert clock.slept == [0.5, 1.0, 1.0]


def test_poll_cuts_the_last_pause_to_the_budget_and_asks_once_more() -> None:
    clock = Clock()
    asked: list[float] = []
    told: list[tuple[str, float]] = []

    def ask() -> str:
        asked.append(clock.now - 1000.0)
        return "RUNNING"

    got = poll(
        ask,
        done=lambda a: a == "COMPLETE",
        budget=5,
        first=2.0,
        most=2.0,
        sleep=clock.sleep,
        clock=clock,
        on_wait=lambda a, p: told.append((a, p)),
    )
    assert got == "RUNNING"  # not done: the caller says so
    assert clock.slept == [2.0, 2.0, 1.0]
    assert asked == [0.0, 2.0, 4.0, 5.0]
    assert told == [("RUNNING", 2.0), ("RUNNING", 2.0), ("RUNNING", 1.0)]


def test_poll_with_no_budget_looks_once() -> None:
    clock = Clock()
    got = poll(
        lambda: "RUNNING",
        done=lambda a: False,
        budget=0,
        first=1,
        most=1,
        sleep=clock.sleep,
        clock=clock,
    )
    assert (got, clock.slept) == ("RUNNING", [])


def test_wait_out_reads_the_time_left_again_after_each_pause() -> None:
    clock = Clock()
    until = [1001.0]

    def left() -> float:
        if clock.now >= 1001.0 and until[0] == 1001.0:
            until[0] = 1003.0  # another thread closed the gate again meanwhile
        return until[0] - clock.now

    wait_out(left, clock.sleep)
    assert clock.slept == [1.0, 2.0]
    wait_out(lambda: -1.0, clock.sleep)
    assert clock.slept == [1.0, 2.0]
