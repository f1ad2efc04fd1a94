"""Independent API calls at the same time: a small pool of threads (``--jobs``) for the steps of
a recursive delete and for its listings, and the gate that holds new requests back for a moment
after IAM answers Throttling.

Lanes. A lane is a list of steps that must run in order (deactivate an MFA device, then delete
it); different lanes are independent and run at the same time, at most ``jobs`` of them.
:func:`run_steps` takes a plan's steps in order, each with its lane's key, or None for a step
that must run alone, after everything before it and before anything after it (the final
Delete* of the owner). With ``jobs`` 1, or a single lane, the steps run one after another in the
calling thread, exactly as a plain loop would.

Failures and Ctrl-C (SIGTERM and SIGHUP are Ctrl-C too: see euare.core.interrupts). After a step
fails, no lane is started; lanes already started run to their end, so that an item is not left
half removed (a virtual MFA device deactivated but not deleted could not be found again from its
user). After Ctrl-C no step at all is started; the steps in flight are given ``GRACE`` seconds
to be answered (a second Ctrl-C stops the wait), and one still unanswered then counts as not
done, as a step interrupted in a plain loop does. What was done is reported by the caller
(:class:`euare.call.context.Plan`) in the plan's order, never in the order the answers came.

Threads and clients. The client is built before any thread starts, and the threads share it
(botocore clients are thread-safe; its sessions are not). The threads are daemons, so a step
still unanswered after Ctrl-C does not keep the process alive.

Throttling. botocore retries a throttled call with its own backoff (AWS_RETRY_MODE: standard,
or adaptive), but each thread backs off alone: while one waits, the others would go on sending,
N times the requests that got the answer "slow down". So while a pool runs, every request of its
client passes a :class:`Gate`: an attempt answered Throttling closes it for ``PAUSE`` seconds,
during which no attempt of any thread, first sending or botocore's retry, is sent. A throttle
that comes after the gate has opened again, with nothing but throttles answered since it
closed, doubles the pause (up to ``MAX_PAUSE``); any other answer resets it. botocore's adaptive
mode has a client-side rate limiter of its own, but it applies only when the user chose that
mode, and for the client's whole life; the gate works in either mode, only while a pool runs,
and adds nothing to ``--jobs 1``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from euare.core.retry import backoff, wait_out

T = TypeVar("T")

PAUSE = 0.5  # seconds no request is sent after a Throttling answer
MAX_PAUSE = 8.0
GRACE = 2.0  # seconds the steps in flight at Ctrl-C are given to be answered


class Gate:
    """Holds every request back while closed; a Throttling answer closes it (see the module)."""

    def __init__(
        self,
        pause: float = PAUSE,
        most: float = MAX_PAUSE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.pause = pause
        self.most = most
        self.clock = clock
        self.sleep = sleep
        self.closed_until = 0.0
        self.streak = 0  # throttles in a row, each after the gate had opened again
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return once the gate is open."""
        wait_out(self._left, self.sleep)

    def _left(self) -> float:
        with self._lock:
            return self.closed_until - self.clock()

    def throttled(self) -> None:
        """An attempt was answered Throttling: close the gate (for longer if it was open)."""
        with self._lock:
            now = self.clock()
            if now >= self.closed_until:  # not one more answer to the burst that closed it
                self.streak += 1
            pause = backoff(self.streak, self.pause, self.most)
            self.closed_until = max(self.closed_until, now + pause)

    def answered(self) -> None:
        """An attempt was answered without throttling: the next throttle starts afresh."""
        with self._lock:
            self.streak = 0

    def before_send(self, **_: Any) -> None:
        """botocore's before-send hook: every attempt, retries included, waits for the gate."""
        self.wait()

    def needs_retry(self, response: Any = None, **_: Any) -> None:
        """botocore's needs-retry hook, which sees every attempt's answer; it decides nothing
        (None), botocore's own retry handler does."""
        if response is None:  # no answer at all (a connection failure): says nothing of the rate
            return
        from euare.core.outcome import Outcome, of_answer

        parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else {}
        status = getattr(response[0], "status_code", None) if isinstance(response, tuple) else None
        if of_answer(status if isinstance(status, int) else None, parsed) is Outcome.THROTTLED:
            self.throttled()
        else:
            self.answered()


@contextmanager
def gated(client: Any) -> Iterator[Gate]:
    """Pass every request ``client`` sends through a new Gate, until the block ends."""
    gate = Gate()
    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    hooks = [
        (f"before-send.{service}", gate.before_send, f"euare-gate-send-{id(gate)}"),
        (f"needs-retry.{service}", gate.needs_retry, f"euare-gate-retry-{id(gate)}"),
    ]
    for event, handler, unique_id in hooks:
        events.register(event, handler, unique_id=unique_id)
    try:
        yield gate
    finally:
        for event, handler, unique_id in hooks:
            events.unregister(event, handler, unique_id=unique_id)


@dataclass
class Finished(Generic[T]):
    """What became of a run's steps, by their index: the answer of each step that succeeded,
    the exception of each that failed; a step in neither was not started, or was still
    unanswered at Ctrl-C. ``interrupted``: Ctrl-C ended the run."""

    answers: dict[int, T] = field(default_factory=dict)
    failures: dict[int, BaseException] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def stopped(self) -> bool:
        return self.interrupted or bool(self.failures)


Lane = list[int]  # the indexes of a lane's steps, in order


def stages(lanes: Sequence[Hashable | None]) -> list[list[Lane]]:
    """Group steps (given by their lane keys, in plan order) into stages that run one after
    another: a run of keyed steps is one stage of lanes, a step keyed None a stage alone."""
    found: list[list[Lane]] = []
    keyed: dict[Hashable, Lane] = {}
    for index, key in enumerate(lanes):
        if key is None:
            found.append([[index]])
            keyed = {}
            continue
        if not keyed:
            found.append([])
        if key not in keyed:
            keyed[key] = []
            found[-1].append(keyed[key])
        keyed[key].append(index)
    return found


def run_steps(
    steps: Sequence[tuple[Hashable | None, Callable[[], T]]], jobs: int, client: Any = None
) -> Finished[T]:
    """Run ``steps`` (lane key, function), stage after stage, until one fails or Ctrl-C; with
    ``jobs`` above 1, the lanes of a stage at the same time, through ``client``'s Gate."""
    finished: Finished[T] = Finished()
    run = [fn for _, fn in steps]
    with _gate_for(client, jobs):
        for stage in stages([key for key, _ in steps]):
            if jobs == 1 or len(stage) == 1:
                _in_order(stage, run, finished)
            else:
                _Pool(stage, run, jobs).run(finished)
            if finished.stopped:
                break
    return finished


def concurrently(fns: Sequence[Callable[[], T]], jobs: int, client: Any = None) -> list[T]:
    """Each of ``fns``'s answers, in their order, at most ``jobs`` at a time. The first
    failure in that order is raised (after the calls in flight ended), and Ctrl-C as it is."""
    finished = run_steps([(index, fn) for index, fn in enumerate(fns)], jobs, client)
    if finished.interrupted:
        raise KeyboardInterrupt
    if finished.failures:
        raise finished.failures[min(finished.failures)]
    return [finished.answers[index] for index in range(len(fns))]


@contextmanager
def _gate_for(client: Any, jobs: int) -> Iterator[None]:
    if jobs == 1 or client is None:
        yield
        return
    with gated(client):
        yield


def _in_order(stage: list[Lane], run: Sequence[Callable[[], T]], finished: Finished[T]) -> None:
    """A stage in the calling thread, one step after another in the plan's order (which keeps
    each lane's), as a plain loop would."""
    for index in sorted(i for lane in stage for i in lane):
        try:
            finished.answers[index] = run[index]()
        except KeyboardInterrupt as exc:
            finished.failures[index] = exc
            finished.interrupted = True
            return
        except Exception as exc:
            finished.failures[index] = exc
            return


class _Pool(Generic[T]):
    """One stage's lanes, on ``jobs`` daemon threads (see the module for failures and Ctrl-C)."""

    def __init__(self, stage: list[Lane], run: Sequence[Callable[[], T]], jobs: int) -> None:
        self.stage = stage
        self.run_step = run
        self.workers = min(jobs, len(stage))
        self.next_lane = self.workers  # the first lanes are taken at once, one per thread
        self.answers: dict[int, T] = {}
        self.failures: dict[int, BaseException] = {}
        self.failed = False  # no lane is started
        self.interrupted = False  # no step is started
        self.closed = False  # reported: an answer that comes now is nobody's
        self.lock = threading.Lock()
        self.running = 0  # threads not yet ended
        self.ended = threading.Event()  # set when the last thread ends

    def run(self, finished: Finished[T]) -> None:
        # The threads' end is awaited on an Event, not with Thread.join: a join interrupted by
        # Ctrl-C marks the thread as ended while it still runs (CPython 3.11), so a second
        # join would not wait.
        self.running = self.workers  # all counted first: the first to end must not be last
        started = 0
        try:
            for first in range(self.workers):
                threading.Thread(target=self._work, args=(first,), daemon=True).start()
                started += 1
            self.ended.wait()
        except KeyboardInterrupt:
            with self.lock:
                self.interrupted = True
                self.running -= self.workers - started
                if self.running == 0:
                    self.ended.set()
            with suppress(KeyboardInterrupt):  # a second Ctrl-C: stop waiting
                self.ended.wait(GRACE)
        with self.lock:
            self.closed = True
            finished.answers.update(self.answers)
            finished.failures.update(self.failures)
            finished.interrupted = finished.interrupted or self.interrupted

    def _work(self, lane: int | None) -> None:
        try:
            self._lanes(lane)
        finally:
            with self.lock:
                self.running -= 1
                if self.running == 0:
                    self.ended.set()

    def _lanes(self, lane: int | None) -> None:
        while lane is not None:
            for index in self.stage[lane]:
                with self.lock:
                    if self.interrupted or self.closed:
                        return
                try:
                    answer = self.run_step[index]()
                except BaseException as exc:  # whatever it is, the main thread reports it
                    with self.lock:
                        if not self.closed:
                            self.failures[index] = exc
                        self.failed = True
                    break
                with self.lock:
                    if not self.closed:
                        self.answers[index] = answer
            lane = self._take()

    def _take(self) -> int | None:
        """The next lane to start, or None: none is left, or a step has failed, or Ctrl-C."""
        with self.lock:
            if self.failed or self.interrupted or self.next_lane >= len(self.stage):
                return None
            self.next_lane += 1
            return self.next_lane - 1
