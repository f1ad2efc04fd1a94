"""What stops a command before it ends: Ctrl-C (SIGINT), SIGTERM and SIGHUP, all three alike.

Each becomes a KeyboardInterrupt where the command is, so every path that handles Ctrl-C (a
composite command's "done ... not done" line, a key rotation's rollback, send-once's look at
what a create whose answer was awaited did, a pool of calls stopping) handles all three. Which
one came first is kept here, for the process: the exit status is 128 + its number (130, 143,
129), and the error line says what stopped the command ("interrupted" for Ctrl-C, as ever;
"interrupted by SIGTERM", "interrupted by SIGHUP"). The exception does not carry it, since a
pool, a plan and a rollback each raise a KeyboardInterrupt of their own after catching one.

A signal the command was started with ignored (``nohup``'s SIGHUP, a background job's SIGINT)
stays ignored, as it would for any other program.

Only built-in modules here (``_signal`` rather than ``signal``, whose enum classes cost more
to import than this whole module): every command imports it.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # no stubs: it is signal without enum
import contextlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

    Handler = Callable[[int, FrameType | None], None]

SIGINT: int = _signal.SIGINT
SIGTERM: int = _signal.SIGTERM
SIGHUP: int = _signal.SIGHUP
STOPPING = (SIGINT, SIGTERM, SIGHUP)
NAMES = {SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"}
STATUSES = frozenset(128 + signum for signum in STOPPING)  # 130, 143, 129

_first: int | None = None  # the signal that stopped the command, once one has
_handled = 0  # how many stopping signals the command's handlers have seen
NUDGE: int = _signal.SIGURG  # wakes the main thread, does nothing (see relay)
NUDGES = 40  # at most, over about 18 s


def note(signum: int) -> None:
    """Remember ``signum`` as what stopped the command, unless something already has."""
    global _first, _handled
    _handled += 1
    if _first is None:
        _first = signum


def handled() -> int:
    """How many stopping signals this process's handlers have seen so far."""
    return _handled


def stopped_by() -> int:
    """The signal that stopped the command: SIGINT when none was seen (a KeyboardInterrupt
    raised otherwise, as click's prompt does at the end of its input)."""
    return SIGINT if _first is None else _first


def status() -> int:
    """The exit status of a command stopped early: 128 + the signal's number."""
    return 128 + stopped_by()


def word() -> str:
    """How an error line says the command was stopped."""
    signum = stopped_by()
    return "interrupted" if signum == SIGINT else f"interrupted by {NAMES[signum]}"


def _stop(signum: int, frame: FrameType | None) -> None:
    note(signum)
    raise KeyboardInterrupt


def _ours(handler: object) -> bool:
    """Whether a signal with ``handler`` stops a command: not one ignored, nor one that
    something other than a command (a test runner, the sandbox) took for its own."""
    return handler in (_signal.SIG_DFL, _signal.default_int_handler, _stop)


def install() -> None:
    """At the start of a command run by this process: SIGINT, SIGTERM and SIGHUP raise
    KeyboardInterrupt, and no earlier command's signal is remembered. Outside the main thread
    (where no signal is delivered) it does nothing."""
    global _first
    _first = None
    for signum in STOPPING:
        if _ours(_signal.getsignal(signum)):
            try:
                _signal.signal(signum, _stop)
            except ValueError:
                return


def release() -> None:
    """The command is over: a signal now ends the process as it would any other program,
    rather than raise where nothing would catch it (a traceback)."""
    for signum in STOPPING:
        if _signal.getsignal(signum) is _stop:
            with contextlib.suppress(ValueError):
                _signal.signal(signum, _signal.SIG_DFL)


@contextlib.contextmanager
def handled_by(handler: Handler) -> Iterator[None]:
    """``handler`` in place of a command's own for each signal that would stop it (not one
    ignored) until the block ends; in the main thread only (elsewhere the block runs as it is:
    signals are delivered to the main thread)."""
    previous: dict[int, object] = {}
    try:
        for signum in STOPPING:
            current = _signal.getsignal(signum)
            if _ours(current):
                _signal.signal(signum, handler)
                previous[signum] = current
    except ValueError:  # not the main thread: signals go elsewhere
        pass
    try:
        yield
    finally:
        for signum, current in previous.items():
            _signal.signal(signum, current)


def nudgeable() -> None:
    """In the main thread of a process that :func:`relay` delivers signals to: NUDGE gets a
    handler that does nothing, so that it wakes the main thread without stopping anything."""
    _signal.signal(NUDGE, _nothing)


def _nothing(signum: int, frame: FrameType | None) -> None:
    return None


def relay(signum: int, main: int, wait: Callable[[float], bool]) -> None:
    """Deliver ``signum`` to the thread ``main`` (the main thread) from another thread, and
    see that its handler runs (:func:`see_handled`)."""
    before = _handled
    _signal.pthread_kill(main, signum)
    see_handled(signum, before, main, wait)


def see_handled(signum: int, before: int, main: int, wait: Callable[[float], bool]) -> None:
    """After ``signum`` was sent from another thread, when the handlers had seen ``before``
    signals: see that its handler runs before the main thread (``main``) next blocks for long.

    A handler runs only when the main thread is executing Python. A signal sent by another
    thread just as the main thread lets go of the interpreter to block (a read under a 30 s
    timeout) lands before it blocks: the handler waits for the block to end. Since the sending
    thread waits for the interpreter that the main thread is letting go of, that moment is not
    rare. So until a handler has seen the signal, NUDGE wakes the main thread (a blocking call
    woken by a signal runs the handlers waiting, then goes on), a little later each time; until
    ``wait(seconds)`` says the work is over (true), or NUDGES were sent. A signal with no Python
    handler (its default action, or ignored) is the kernel's to act on: no nudge."""
    if not callable(_signal.getsignal(signum)):
        return
    pause = 0.01
    for _ in range(NUDGES):
        if _handled != before or wait(pause):
            return
        _signal.pthread_kill(main, NUDGE)
        pause = min(pause * 2, 0.5)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """A block that a stopping signal does not cut in two (a result written and recorded as
    written): a signal arriving in it is noted, and raised as KeyboardInterrupt once it ends."""
    seen: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        note(signum)
        seen.append(signum)

    with handled_by(hold):
        yield
    if seen:
        raise KeyboardInterrupt
