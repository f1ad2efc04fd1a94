"""Running one command and measuring it: wall time, time to its first line on stdout, its peak
resident memory and CPU time (the child's own rusage from ``os.wait4``: fresh per run, its own
process tree only), and what it printed."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """What one run of a command took and printed."""

    seconds: float
    first_line: float | None  # seconds until stdout held its first whole line
    peak_rss_kb: int  # ru_maxrss: the largest resident set of the process (or a waited child)
    status: int  # exit code, or -signal
    lines: int
    head: str  # the first few hundred bytes of stdout, to check what it printed
    stderr: str
    cpu_seconds: float = 0.0  # user and system time of the process (and its waited children)


class Failed(Exception):
    """A measured command ended with another status than expected."""


def run(
    argv: Sequence[str],
    env: Mapping[str, str],
    expect: int | None = 0,
) -> Run:
    """Run ``argv`` to its end, reading stdout as it comes (as a pipe into a reader would).
    ``expect`` is the exit status it must end with (None: any)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            first_line, lines, head = _drain(process, started)
            _, wait_status, usage = os.wait4(process.pid, 0)
            ended = time.perf_counter()
            process.returncode = os.waitstatus_to_exitcode(wait_status)
        finally:
            if process.returncode is None:
                process.kill()
                process.wait()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    result = Run(
        seconds=ended - started,
        first_line=first_line,
        peak_rss_kb=usage.ru_maxrss,
        status=process.returncode,
        lines=lines,
        head=head,
        stderr=stderr,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )
    if expect is not None and result.status != expect:
        message = result.stderr.strip().splitlines()[-1:] or [""]
        raise Failed(f"{' '.join(argv)}: exit {result.status}, expected {expect}: {message[0]}")
    return result


def _drain(process: subprocess.Popen[bytes], started: float) -> tuple[float | None, int, str]:
    """Read stdout to its end, noting when its first newline came."""
    assert process.stdout is not None
    out = process.stdout.fileno()
    first_line: float | None = None
    lines = 0
    head = b""
    while True:
        chunk = os.read(out, 65536)
        if not chunk:
            break
        newlines = chunk.count(b"\n")
        if first_line is None and newlines:
            first_line = time.perf_counter() - started
        lines += newlines
        if len(head) < 400:
            head += chunk[: 400 - len(head)]
    process.stdout.close()
    return first_line, lines, head.decode("utf-8", "replace")


def alternate(
    contenders: Mapping[str, Sequence[str]],
    env: Mapping[str, Mapping[str, str]],
    rounds: int,
    expect: Mapping[str, int] | None = None,
    warmup: bool = True,
) -> dict[str, list[Run]]:
    """Every contender once per round, in turn, for ``rounds`` rounds, after one untimed warm-up
    run each (caches, page cache) unless ``warmup`` is False. Alternating spreads the machine's
    drift evenly over all contenders."""
    expect = expect or {}
    for name, argv in contenders.items() if warmup else ():
        run(argv, env[name], expect.get(name, 0))
    runs: dict[str, list[Run]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, argv in contenders.items():
            runs[name].append(run(argv, env[name], expect.get(name, 0)))
    return runs
