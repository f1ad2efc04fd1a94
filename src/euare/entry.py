"""Console-script targets. ``euare.entry:usercreate`` is built on first use (PEP 562), so that a
call imports click and its own family module only, and boto3 only once a request is made.

Each target is a program's main: it ends the process itself (:func:`leave`), without the
interpreter's teardown of every module and object, which costs a call that built a client
about 25 ms and does nothing a finished command needs."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself costs the worker's front milliseconds to import
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn


def __getattr__(name: str) -> Callable[[], NoReturn]:
    from euare.cli.table import VERBS

    if name not in VERBS:
        raise AttributeError(name)

    def main() -> NoReturn:
        leave(_status(name))

    return main


def _status(name: str) -> int:
    if _worker_wanted():
        from euare.worker import front

        status = front.hand_over(name, sys.argv[1:])
        if status is not None:
            return status
    from euare.cli.run import run

    return run(name)


def leave(status: int) -> NoReturn:
    """End the process with ``status`` as a finished command: the ``atexit`` functions run
    (logging's flush, temporary files' removal), the standard streams are flushed, and then
    the process exits at once, as the warm worker's children do, without the interpreter
    clearing every module and object first. Output a reader no longer takes is dropped
    quietly (the status is kept: the command has already said what it had to)."""
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _worker_wanted() -> bool:
    """``EUARE_WORKER=1``: calls go through the warm worker (worker.py) when it can take them."""
    from euare.core import process

    wanted = os.environ.get("EUARE_WORKER", "").strip().lower() in ("1", "yes", "true", "on")
    return wanted and not process.IN_WORKER


def euare() -> NoReturn:
    """The front door: ``euare VERB ARGS...`` is ``euare-VERB ARGS...``; the rest (``--help``,
    ``--version``, ``help VERB``, ``worker``, ``completion``) is euare.worker.door's click group.

    ``_EUARE_COMPLETE=bash_source euare`` prints a completion script that completes verb names,
    then each verb's own options."""
    leave(_door(sys.argv[1:]))


def _door(args: list[str]) -> int:
    if args[:1] == ["worker"]:
        from euare.worker.control import control

        return control(args[1:])
    if _worker_wanted() and not _listing_on_a_terminal(args):
        from euare.worker import front

        status = front.hand_over(None, args)
        if status is not None:
            return status
    from euare.worker.door import front_door

    return front_door(args)


def _listing_on_a_terminal(args: list[str]) -> bool:
    """``euare``, ``euare --help`` or ``euare help`` on a terminal: the list is paged, by a
    pager that reads the keyboard from /dev/tty, which a worker's child cannot open; so it is
    shown by this process."""
    return all(arg in ("-h", "--help", "help") for arg in args) and os.isatty(0) and os.isatty(1)
