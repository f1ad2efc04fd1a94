"""Run a command with some of its standard streams on a terminal (a pseudo-terminal), the others
on pipes, and collect what each showed: for behaviour that differs on a terminal (a pager, a
progress line) and must not leak into a pipe or cron."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass
class Seen:
    returncode: int
    terminal: str  # everything written to the terminal (\r\n as the terminal shows it: \n)
    stdout: str  # what went to the pipe, if stdout was one
    stderr: str  # likewise
    seconds: float  # from start to exit


def on_terminal(
    argv: list[str],
    env: dict[str, str],
    *,
    stdin: bool = True,
    stdout: bool = True,
    stderr: bool = True,
    timeout: float = 60,
) -> Seen:
    """Run ``argv`` with the chosen streams on one pseudo-terminal (stdin: True is the
    terminal, False is empty), the other output streams on pipes."""
    master, slave = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(
        argv,
        stdin=slave if stdin else subprocess.DEVNULL,
        stdout=slave if stdout else subprocess.PIPE,
        stderr=slave if stderr else subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    piped: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda n=name, s=stream: piped.__setitem__(n, s.read()))
        for name, stream in (("stdout", process.stdout), ("stderr", process.stderr))
        if stream is not None
    ]
    for reader in readers:
        reader.start()
    shown = b""
    deadline = started + timeout
    while True:
        assert time.monotonic() < deadline, f"{argv} still running after {timeout} s: {shown!r}"
        if select.select([master], [], [], 0.1)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # every holder of the terminal has closed it
                chunk = b""
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None and not select.select([master], [], [], 0.2)[0]:
            break
    process.wait(timeout=max(1.0, deadline - time.monotonic()))
    seconds = time.monotonic() - started
    for reader in readers:
        reader.join(timeout=10)
    os.close(master)
    return Seen(
        process.returncode,
        shown.decode("utf-8", "replace").replace("\r\n", "\n"),
        piped.get("stdout", b"").decode("utf-8", "replace"),
        piped.get("stderr", b"").decode("utf-8", "replace"),
        seconds,
    )
