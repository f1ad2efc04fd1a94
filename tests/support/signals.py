"""The signals that stop a command (Ctrl-C, SIGTERM, SIGHUP: see euare.core.interrupts), for tests
that stop one at a given step with each of them, and what the command then says and exits with.
"""

from __future__ import annotations

import signal

import pytest

STOPS = [
    pytest.param(signal.SIGINT, id="INT"),
    pytest.param(signal.SIGTERM, id="TERM"),
    pytest.param(signal.SIGHUP, id="HUP"),
]


def status(signum: int) -> int:
    """The exit status of a command stopped by ``signum``: 130, 143 or 129."""
    return 128 + signum


def stopped(signum: int) -> str:
    """How the error line says it: Ctrl-C's words as ever, and the others named."""
    if signum == signal.SIGINT:
        return "interrupted"
    return f"interrupted by {signal.Signals(signum).name}"


def head(verb: str, signum: int) -> str:
    """The start of the error line of ``euare-VERB`` stopped by ``signum``."""
    return f"euare-{verb}: error: {stopped(signum)}"


def as_if_from_a_terminal() -> None:
    """(preexec_fn) The stopping signals' default actions, which a test run from a
    non-interactive shell or under nohup may have inherited as ignored."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
