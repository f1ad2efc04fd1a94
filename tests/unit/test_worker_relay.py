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
    monkeypatch.setattr(server.os, "kill", lambda pid, signum: killed.append((pid, signum)))
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
    monkeypatch.setattr(server.os, "kill", lambda *args: killed.append(args))
    front_end, child_end = socket.socketpair()
    front_end.close()
    finished = threading.Event()
    finished.set()
    server._relay_signals(child_end, finished)
    child_end.close()
    assert killed == []
