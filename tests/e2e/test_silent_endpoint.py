"""An endpoint that accepts connections and never answers (issue 20.6): a call gives up within
EUARE_CALL_TIMEOUT, all its attempts together, with one error line saying so; on a terminal it
says on stderr that it is waiting and retrying, in a pipe (cron) it says nothing else.

The endpoint is a socket on 127.0.0.1 that accepts every connection, reads what is sent and
never writes; the timeouts are cut to a second or so, so that each test takes seconds."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BIN, Home
from tests.support.terminal import on_terminal

pytestmark = pytest.mark.in_process  # the call's own time limit and terminal

ROOT = Path(__file__).resolve().parents[2]
BOUND = 6  # EUARE_CALL_TIMEOUT in these tests: room for a few attempts of a second each
SLACK = 1.5  # for the process to write its line and exit on a busy machine


class Silent:
    """A listening socket whose connections are accepted, read and never answered."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/"
        self.accepted: list[float] = []  # when each connection (each attempt) came
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.accepted.append(time.monotonic())
            self.held.append(conn)

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    endpoint = Silent()
    yield endpoint
    endpoint.close()


def _env(home: Home, silent: Silent, **more: str) -> dict[str, str]:
    return {
        **home.env,
        "EUARE_URL": silent.url,
        "TOKEN_URL": silent.url,
        "EUARE_CONNECT_TIMEOUT": "1",
        "EUARE_READ_TIMEOUT": "1",
        "EUARE_CALL_TIMEOUT": str(BOUND),
        "AWS_MAX_ATTEMPTS": "10",  # without the bound: 10 attempts of a second each
        **more,
    }


@pytest.mark.parametrize("mode", ["standard", "legacy", "adaptive"])
@pytest.mark.parametrize("verb", ["userlistbypath", "getcallerid"])
def test_a_silent_endpoint_gives_up_within_the_call_timeout_in_one_line(
    home: Home, silent: Silent, mode: str, verb: str
) -> None:
    """In a pipe (cron): nothing on stderr but the final line, which says how many attempts
    were made in how long and which setting bounds it; nothing on stdout."""
    done = subprocess.run(
        [str(BIN / f"euare-{verb}")],
        capture_output=True,
        text=True,
        env=_env(home, silent, AWS_RETRY_MODE=mode),
        timeout=60,
    )
    ended = time.monotonic()
    assert silent.accepted, "the endpoint was never reached"
    assert ended - silent.accepted[0] < BOUND + SLACK  # the bound, from the first attempt on
    assert (done.returncode, done.stdout) == (1, "")
    assert len(done.stderr.splitlines()) == 1, done.stderr
    line = done.stderr.rstrip("\n")
    assert re.fullmatch(
        rf"euare-{verb}: error: request timed out waiting for {re.escape(silent.url)}; "
        rf"gave up after (\d+) attempts in [\d.]+ s \(EUARE_CALL_TIMEOUT is {BOUND} s\)",
        line,
    ), line
    made = int(line.split("gave up after ")[1].split()[0])
    assert made == len(silent.accepted) and 2 <= made < 10


def test_on_a_terminal_it_says_it_is_waiting_and_retrying(home: Home, silent: Silent) -> None:
    """stderr a terminal (stdout a pipe): a line once the answer is late, a line per retry,
    then the error line; stdout stays empty."""
    seen = on_terminal(
        [str(BIN / "euare-userlistbypath")],
        _env(home, silent),
        stdin=False,
        stdout=False,
        stderr=True,
    )
    assert seen.returncode == 1 and seen.stdout == ""
    lines = seen.terminal.splitlines()
    prog = "euare-userlistbypath"
    assert re.fullmatch(
        rf"{prog}: no answer yet from {re.escape(silent.url)} after 0\.[5-9] s; waiting and "
        rf"retrying for up to {BOUND} s in all \(10 attempts at most; EUARE_CALL_TIMEOUT, "
        r"AWS_MAX_ATTEMPTS\)",
        lines[0],
    ), lines
    assert lines[1] == (
        f"{prog}: request timed out waiting for {silent.url}; retrying (attempt 2 of 10)"
    ), lines
    assert lines[-1].startswith(f"{prog}: error: request timed out waiting for {silent.url}; ")
    assert len(lines) == 1 + len(silent.accepted)  # the notice, a line per retry, the error


def test_a_prompt_answer_says_nothing_on_a_terminal(home: Home, iam: object) -> None:
    """Nothing is said about waiting when nothing was waited for."""
    seen = on_terminal([str(BIN / "euare-userlistbypath")], home.env, stdin=False, stdout=False)
    assert (seen.returncode, seen.terminal) == (0, "")


def test_configuration_md_states_the_bound_and_its_settings() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    section = " ".join(text.split("## Retries and timeouts\n")[1].split("\n## ")[0].split())
    for words in (
        "EUARE_CALL_TIMEOUT",
        "60",
        "EUARE_CONNECT_TIMEOUT",
        "EUARE_READ_TIMEOUT",
        "AWS_MAX_ATTEMPTS",
    ):
        assert words in section, words
