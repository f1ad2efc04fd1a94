"""euare.call.fanout on its own: how a plan's steps are grouped into stages and lanes, what a pool
does after a failure, and the throttling gate, on a clock of the test's own."""

from __future__ import annotations

import threading
from typing import Any

from euare.call.fanout import Gate, concurrently, run_steps, stages


def test_keyed_steps_make_lanes_and_an_unkeyed_step_a_stage_of_its_own() -> None:
    assert stages(["a", "b", "a", None, "c", "c", None]) == [
        [[0, 2], [1]],
        [[3]],
        [[4, 5]],
        [[6]],
    ]


def test_jobs_1_runs_every_step_in_the_plan_s_order_in_the_calling_thread() -> None:
    seen: list[tuple[int, str]] = []

    def step(n: int) -> Any:
        return lambda: seen.append((n, threading.current_thread().name))

    run_steps([("a", step(0)), ("b", step(1)), ("a", step(2)), (None, step(3))], jobs=1)
    main = threading.current_thread().name
    assert seen == [(0, main), (1, main), (2, main), (3, main)]


def test_after_a_failure_no_lane_starts_but_started_lanes_finish() -> None:
    """Lane 0 fails while lane 1 waits between its two steps: lane 1 still takes its second
    step; lane 2, not started when lane 0 failed, never starts; nor does the final step."""
    failed = threading.Event()
    ran: list[str] = []

    def fail() -> None:
        failed.set()
        raise RuntimeError("no")

    def first() -> None:
        assert failed.wait(10)
        ran.append("1a")

    finished = run_steps(
        [
            (0, fail),
            (1, first),
            (1, lambda: ran.append("1b")),
            (2, lambda: ran.append("2")),
            (None, lambda: ran.append("last")),
        ],
        jobs=2,
    )
    assert sorted(ran) == ["1a", "1b"]
    assert list(finished.failures) == [0] and sorted(finished.answers) == [1, 2]


def test_concurrently_answers_in_order_and_raises_the_first_failure_in_order() -> None:
    assert concurrently([lambda n=n: n * n for n in range(7)], jobs=3) == [0, 1, 4, 9, 16, 25, 36]
    release = threading.Event()

    def late() -> None:
        assert release.wait(10)
        raise KeyError("first")

    def early() -> None:
        release.set()
        raise ValueError("second")

    try:
        concurrently([late, early], jobs=2)
    except KeyError:
        pass
    else:
        raise AssertionError("no failure raised")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_a_throttle_closes_the_gate_for_a_pause_and_one_after_it_opened_doubles_it() -> None:
    clock = Clock()
    gate = Gate(pause=0.5, most=2.0, clock=lambda: clock.now, sleep=clock.sleep)
    gate.wait()
    assert clock.slept == []
    gate.throttled()
    gate.throttled()  # the same burst: no longer
    gate.wait()
    assert clock.slept == [0.5]
    for pause in (1.0, 2.0, 2.0):  # each after the gate opened: doubled, up to most
        gate.throttled()
        gate.wait()
        assert clock.slept[-1] == pause
    gate.answered()
    gate.throttled()
    gate.wait()
    assert clock.slept[-1] == 0.5


def test_the_gate_reads_throttling_from_botocore_s_needs_retry_event() -> None:
    clock = Clock()
    gate = Gate(pause=0.5, clock=lambda: clock.now, sleep=clock.sleep)
    gate.needs_retry(response=None)  # no answer: a connection failure
    gate.needs_retry(response=(object(), {"Error": {"Code": "AccessDenied"}}))
    gate.before_send()
    assert clock.slept == []
    gate.needs_retry(response=(object(), {"Error": {"Code": "Throttling"}}))
    gate.before_send()
    assert clock.slept == [0.5]
