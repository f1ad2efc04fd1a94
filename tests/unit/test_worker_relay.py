"""Signals between a front and the worker's child, at the edges of a call: a signal the front
receives while its request is on the way, and a front that goes away with the child's words
unread (its socket reset, not merely closed)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import threading
from typing import Any

import pytest

from euare.worker import server

# A front handing a call to a fake worker that, before answering ``pid``, has the front sent
# SIGTERM: the front must relay it to the child (``sig 15``) and end with the child's status.
EARLY_SIGNAL = textwrap.dedent(
    """
    import os, signal, socket, struct, sys, threading, time
    from euare.worker import front

    ours, worker = socket.socketpair()
    front.identity = lambda: ("worker-test", ["installation"])
    front.connect = lambda env, timeout=1.0: ours

    def fake_worker() -> None:
        size = struct.unpack("!I", worker.recvmsg(4, 4096)[0])[0]
        while size:
            size -= len(worker.recv(size))
        os.kill(os.getpid(), signal.SIGTERM)  # the request is sent; the child is not yet
        time.sleep(0.3)
        worker.sendall(b"pid 4242\\n")
        seen = b""
        while b"sig 15\\n" not in seen:
            chunk = worker.recv(100)
            if not chunk:
                return
            seen += chunk
        worker.sendall(b"exit 143\\n")
        worker.close()

    threading.Thread(target=fake_worker, daemon=True).start()
    print(front.hand_over("userlistbypath", []))
    """
)


def test_a_signal_before_the_child_answers_is_relayed_to_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", EARLY_SIGNAL], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0 and done.stdout == "143\n", done


def test_a_front_that_resets_its_end_hangs_the_call_up(monkeypatch: pytest.MonkeyPatch) -> None:
    killed: list[tuple[int, int]] = []
    monkeypatch.setattr(
        server.interrupts, "relay", lambda signum, main, wait: killed.append((main, signum))
    )
    front_end, child_end = socket.socketpair()
    child_end.sendall(b"words the front never reads\n")
    front_end.close()  # with unread data: the child's next read is reset, not an end of file
    finished = threading.Event()
    server._relay_signals(child_end, finished)
    child_end.close()
    assert [signum for _, signum in killed] == [signal.SIGHUP]


def test_a_front_gone_after_the_call_ended_hangs_nothing_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    killed: list[Any] = []
    monkeypatch.setattr(server.interrupts, "relay", lambda *args: killed.append(args))
    front_end, child_end = socket.socketpair()
    front_end.close()
    finished = threading.Event()
    finished.set()
    server._relay_signals(child_end, finished)
    child_end.close()
    assert killed == []


# The main thread blocks in a read under a 20 s timeout, as a call awaiting IAM's answer does;
# SIGTERM lands in another thread, as a relayed one does when it arrives just before the main
# thread blocks: its handler waits. The nudges must get it run (KeyboardInterrupt) at once.
LANDED_BEFORE_THE_BLOCK = textwrap.dedent(
    """
    import signal, socket, threading, time
    from euare.core import interrupts

    interrupts.install()
    interrupts.nudgeable()
    main = threading.get_ident()
    ours, theirs = socket.socketpair()
    ours.settimeout(20)
    over = threading.Event()

    def relayed_early() -> None:
        time.sleep(0.3)
        before = interrupts.handled()
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)  # not the main thread
        interrupts.see_handled(signal.SIGTERM, before, main, over.wait)

    threading.Thread(target=relayed_early, daemon=True).start()
    started = time.monotonic()
    try:
        ours.recv(1)
        print("read ended", round(time.monotonic() - started))
    except KeyboardInterrupt:
        print("stopped", interrupts.status(), time.monotonic() - started < 5)
    over.set()
    """
)


def test_a_relayed_signal_that_lands_before_the_call_blocks_still_stops_it_at_once() -> None:
    """The call stops within moments (exit 143's status), not when its read times out: a
    relayed SIGTERM once took the call in the worker 30 s (botocore's read timeout) to end."""
    done = subprocess.run(
        [sys.executable, "-c", LANDED_BEFORE_THE_BLOCK], capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.stdout == "stopped 143 True\n", done


def test_nudges_end_with_the_work_and_never_stop_it_themselves() -> None:
    """A nudge does nothing but wake the main thread: a process nudged while it works is not
    stopped, and the nudging ends once the work is over, although no handler saw a signal."""
    script = textwrap.dedent(
        """
        import threading, time
        from euare.core import interrupts

        interrupts.install()
        interrupts.nudgeable()
        main = threading.get_ident()
        over = threading.Event()
        nudger = threading.Thread(
            target=interrupts.see_handled,
            args=(interrupts.SIGTERM, interrupts.handled(), main, over.wait),
        )
        interrupts._signal.signal(interrupts.SIGTERM, lambda *_: None)  # seen by no note()
        nudger.start()
        time.sleep(0.5)  # woken by nudges, and slept on
        over.set()
        nudger.join(timeout=5)
        print("alive", nudger.is_alive(), interrupts.handled())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "alive False 0\n", done


def test_only_the_signals_a_front_relays_are_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line that is not ``sig N`` of a relayed signal (not a number, out of range, SIGKILL,
    anything else) delivers nothing and ends nothing: it once raised in the relay thread."""
    delivered: list[int] = []
    monkeypatch.setattr(
        server.interrupts, "relay", lambda signum, main, wait: delivered.append(signum)
    )
    front_end, child_end = socket.socketpair()
    front_end.sendall(b"sig x\nsig 999\nsig 9\nsig -15\nsig\nhello\nsig 15\n")
    front_end.shutdown(socket.SHUT_WR)
    finished = threading.Event()
    server._relay_signals(child_end, finished)
    front_end.close()
    child_end.close()
    assert delivered == [signal.SIGTERM, signal.SIGHUP]  # then the front's end: a hang-up
