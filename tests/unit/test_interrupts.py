"""euare.core.interrupts: which signals stop a command, what it then exits with and says, and that a
signal started ignored stays ignored. In this process, its own handlers put back after each test;
the commands themselves are stopped end to end in tests/e2e/test_signals.py and beside it."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from euare.core import interrupts
from euare.core.errors import EXIT_HANGUP, EXIT_INTERRUPTED, EXIT_TERMINATED, describe, report


@pytest.fixture(autouse=True)
def handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts as a command's process does (the defaults, no signal seen)."""
    monkeypatch.setattr(interrupts, "_first", None)
    kept = {signum: signal.getsignal(signum) for signum in interrupts.STOPPING}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        yield
    finally:
        for signum, handler in kept.items():
            signal.signal(signum, handler)


@pytest.mark.parametrize(
    ("signum", "status", "words"),
    [
        (signal.SIGINT, EXIT_INTERRUPTED, "interrupted"),
        (signal.SIGTERM, EXIT_TERMINATED, "interrupted by SIGTERM"),
        (signal.SIGHUP, EXIT_HANGUP, "interrupted by SIGHUP"),
    ],
)
def test_each_signal_raises_keyboard_interrupt_and_sets_the_status_and_words(
    signum: int, status: int, words: str
) -> None:
    interrupts.install()
    with pytest.raises(KeyboardInterrupt) as caught:
        signal.raise_signal(signum)
    err = describe(caught.value)
    assert (err.exit_code, err.message) == (status, words)
    assert status == 128 + signum


def test_the_first_signal_is_what_stopped_the_command() -> None:
    interrupts.install()
    for signum in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signum)
    assert (interrupts.status(), interrupts.word()) == (129, "interrupted by SIGHUP")


def test_a_new_command_forgets_the_last_one_s_signal() -> None:
    interrupts.install()
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
    interrupts.install()
    assert (interrupts.status(), interrupts.word()) == (130, "interrupted")


def test_a_keyboard_interrupt_without_a_signal_is_ctrl_c(capsys: pytest.CaptureFixture) -> None:
    """As click's prompt raises at the end of its input: the words and status of Ctrl-C."""
    import sys

    assert report("euare-x", KeyboardInterrupt(), sys.stderr) == 130
    assert capsys.readouterr().err == "euare-x: error: interrupted\n"


def test_a_signal_started_ignored_stays_ignored() -> None:
    """nohup's SIGHUP; a background job's SIGINT."""
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    interrupts.install()
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    signal.raise_signal(signal.SIGHUP)  # nothing happens
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
    with interrupts.handled_by(lambda signum, frame: None):  # a rollback's guard: the same
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN


def test_a_handler_that_is_not_a_command_s_is_left_alone() -> None:
    """The sandbox's SIGTERM, a test runner's: install is for a command's own process."""

    def own(signum: int, frame: object) -> None:
        pass

    signal.signal(signal.SIGTERM, own)
    interrupts.install()
    assert signal.getsignal(signal.SIGTERM) is own


def test_a_rollback_s_guard_takes_all_three_and_gives_them_back() -> None:
    interrupts.install()
    seen: list[int] = []
    with interrupts.handled_by(lambda signum, frame: seen.append(signum)):
        for signum in interrupts.STOPPING:
            signal.raise_signal(signum)
    assert seen == [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)


def test_once_the_command_is_over_a_signal_has_its_default_action_again() -> None:
    interrupts.install()
    interrupts.release()
    assert [signal.getsignal(s) for s in interrupts.STOPPING] == [signal.SIG_DFL] * 3


@pytest.mark.parametrize("signum", interrupts.STOPPING)
def test_a_held_block_finishes_and_the_signal_is_raised_at_its_end(signum: int) -> None:
    interrupts.install()
    steps: list[str] = []
    with pytest.raises(KeyboardInterrupt), interrupts.held():
        steps.append("written")
        signal.raise_signal(signum)
        steps.append("recorded")  # not cut off between the two
    assert steps == ["written", "recorded"] and interrupts.stopped_by() == signum
    assert signal.getsignal(signum) is interrupts._stop  # the command's own handler again


def test_a_held_block_without_a_signal_ends_as_it_is() -> None:
    interrupts.install()
    with interrupts.held():
        pass
    assert signal.getsignal(signal.SIGTERM) is interrupts._stop
