"""``euare worker start|stop|status``: the warm worker (worker.py) of this process's security
context and installation, the one its calls would find."""

from __future__ import annotations

import os
import sys
import time

from euare.core.dirs import runtime_dir, safe_dir
from euare.core.retry import poll
from euare.worker import front
from euare.worker.authority import CANNOT

STOP_WAIT = 30.0  # seconds for a worker told to stop to be gone


def control(args: list[str]) -> int:
    """``euare worker start|stop|status``. Ctrl-C, SIGTERM or SIGHUP while it waits (for a
    worker to answer, or to be gone) ends it in one line saying what was done (exit 130, 143
    or 129)."""
    from euare.core import interrupts

    done: list[str] = []
    interrupts.install()
    try:
        return _control(args, done)
    except KeyboardInterrupt:
        said = f" -- done: {done[-1]}" if done else " -- nothing done"
        sys.stderr.write(f"euare worker: error: {interrupts.word()}{said}\n")
        return interrupts.status()
    finally:
        interrupts.release()


def _control(args: list[str], done: list[str]) -> int:
    """control(), noting in ``done`` what it has done so far."""
    env = os.environ
    usage = "usage: euare worker start|stop|status\n"
    if len(args) != 1 or args[0] not in ("start", "stop", "status"):
        sys.stderr.write(usage + "euare worker: error: say start, stop or status\n")
        return 2
    action = args[0]

    def status() -> dict[str, object] | None:
        return front.ask(env, "status")

    found = front.identity()
    if found is None and action == "start":
        sys.stderr.write(f"euare worker: error: {CANNOT}\n")
        return 1
    if found is None:  # no worker can serve this process: none runs for it
        sys.stdout.write("not running\n")
        return 0 if action == "stop" else 1
    if action == "start" and front.ask(env, "status") is None:
        started = front.start_in_background(env)
        if started is not None:
            done.append(f"started a worker (pid {started.pid}), not seen answering yet")
        directory = runtime_dir(env)
        if started is None and not safe_dir(directory, private=True):
            sys.stderr.write(
                f"euare worker: error: {directory} is not a directory of yours alone (mode 0700)\n"
            )
            return 1
        if started is None and front.running(directory, but=found[0]) >= front.MAX_WORKERS:
            sys.stderr.write(
                f"euare worker: error: {front.MAX_WORKERS} workers of yours are running (for "
                "other security contexts or installations); no more are started\n"
            )
            return 1

        def died() -> bool:
            return started is not None and started.poll() is not None

        def up(answer: object) -> bool:
            return answer is not None or died()

        if poll(status, done=up, budget=30, first=0.05, most=0.05) is None and died():
            sys.stderr.write(
                "euare worker: error: the worker did not start; run "
                f"'{sys.executable} -m euare.worker.server' to see why\n"
            )
            return 1
    if action == "stop":
        answer = front.ask(env, "stop")
        if answer is None:
            sys.stdout.write("not running\n")
            return 0
        done.append(f"told the worker (pid {answer.get('stopped')}) to stop, not seen gone yet")
        lock = front.lock_path(env)
        held = poll(
            lambda: lock is not None and front.lock_held(lock),
            done=lambda now: not now, budget=STOP_WAIT, first=0.02, most=0.05,
        )  # fmt: skip (gone only once its socket and lock are: it lets go of the lock last)
        if held:
            sys.stderr.write(
                f"euare worker: error: the worker (pid {answer.get('stopped')}) was told to stop "
                f"and is still running after {STOP_WAIT:g} s\n"
            )
            return 1
        sys.stdout.write(f"stopped (pid {answer.get('stopped')})\n")
        return 0
    return _show(front.ask(env, "status"), front.socket_path(env))


def _show(status: dict[str, object] | None, path: str | None) -> int:
    if status is None:
        sys.stdout.write(f"not running (socket {path})\n")
        return 1
    started = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(float(str(status["started"]))))
    sys.stdout.write(
        f"running: pid {status['pid']}, socket {status['socket']}, started {started}, "
        f"calls served {status['served']}, idle timeout {status['idle_timeout']:g} s\n"
    )
    return 0
