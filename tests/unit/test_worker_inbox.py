"""The warm worker's connections (inbox.py) and the front's choice of worker (front.py): a
request is read as its bytes come, anything malformed is refused without an exception escaping,
a connection not told to be this user's is closed unread; a front that cannot compare its
context uses and starts no worker, and no more than MAX_WORKERS are started."""

from __future__ import annotations

import _socket
import fcntl
import marshal
import os
import socket
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from euare.worker import authority, front, inbox

CALL = {
    "v": front.PROTOCOL, "op": "call", "verb": "userlistbypath", "argv0": "euare-userlistbypath",
    "args": ["-p", "/"], "env": {"HOME": "/h"}, "cwd": "/", "umask": 0o22, "installation": ["x"],
}  # fmt: skip


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, inbox.Incoming]]:
    """A front's end and the worker's Incoming of one connection."""
    front_end, worker_end = socket.socketpair()
    incoming = inbox.Incoming(worker_end, os.getpid(), None)
    yield front_end, incoming
    front_end.close()
    incoming.close()


def feed_until_whole(incoming: inbox.Incoming) -> dict[str, Any]:
    for _ in range(100):
        got = incoming.feed()
        if got is not None:
            return got
    raise AssertionError("never whole")


def test_a_request_sent_piece_by_piece_is_read_whole(
    pair: tuple[socket.socket, inbox.Incoming],
) -> None:
    front_end, incoming = pair
    body = marshal.dumps(CALL)
    data = struct.pack("!I", len(body)) + body
    for piece in (data[:2], data[2:4], data[4:10], data[10:]):
        assert incoming.feed() is None  # nothing yet: no wait, no exception
        front_end.sendall(piece)
    assert feed_until_whole(incoming) == CALL


def test_the_callers_descriptors_come_with_the_request(
    pair: tuple[socket.socket, inbox.Incoming],
) -> None:
    front_end, incoming = pair
    r, w = os.pipe()
    try:
        front.send_request(front_end, CALL, [r, w])
        assert feed_until_whole(incoming) == CALL
        assert len(incoming.fds) == 2
        os.write(incoming.fds[1], b"through")
        assert os.read(r, 10) == b"through"
    finally:
        os.close(r)
        os.close(w)


MALFORMED = {
    "one byte, 'i'": b"\x00\x00\x00\x01i",
    "empty body": b"\x00\x00\x00\x00",
    "too large": struct.pack("!I", inbox.MAX_REQUEST + 1),
    "bad marshal": b"\x00\x00\x00\x03\xff\xfe\xfd",
    "a list": struct.pack("!I", 3) + marshal.dumps([]),
    "a string": struct.pack("!I", len(marshal.dumps("x"))) + marshal.dumps("x"),
}


@pytest.mark.parametrize("data", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_request_is_refused_as_such(
    pair: tuple[socket.socket, inbox.Incoming], data: bytes
) -> None:
    front_end, incoming = pair
    front_end.sendall(data)
    with pytest.raises(inbox.Malformed):
        feed_until_whole(incoming)


@pytest.mark.parametrize("data", [b"", b"\x00\x00", b"\x00\x00\x00\x09abc"])
def test_a_request_cut_short_is_refused(
    pair: tuple[socket.socket, inbox.Incoming], data: bytes
) -> None:
    front_end, incoming = pair
    front_end.sendall(data)
    front_end.shutdown(socket.SHUT_WR)
    with pytest.raises(inbox.Malformed):
        feed_until_whole(incoming)


@pytest.mark.parametrize(
    "change",
    [
        {"verb": 1}, {"argv0": None}, {"args": "-p"}, {"args": [b"x"]}, {"env": [("A", "b")]},
        {"env": {"A": 1}}, {"env": {1: "a"}}, {"cwd": b"/"}, {"umask": "022"}, {"umask": True},
        {"umask": 0o1000}, {"umask": -1}, {"installation": "x"}, {"installation": [1]},
    ],
    ids=repr,
)  # fmt: skip
def test_a_call_of_the_wrong_types_is_not_valid(change: dict[str, Any]) -> None:
    assert inbox.valid_call(CALL)
    assert not inbox.valid_call({**CALL, **change})
    missing = dict(CALL)
    del missing[next(iter(change))]
    assert not inbox.valid_call(missing) or next(iter(change)) == "verb"


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "s"))
    server.listen(8)
    yield server
    server.close()


def test_a_peer_the_system_does_not_name_is_closed_unread(
    listener: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(_socket, "SO_PEERCRED")  # as on a system with neither: no peer told
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(listener.getsockname())
        assert inbox.accept(listener, []) is None
        client.settimeout(5)
        assert client.recv(10) == b""


def test_no_more_connections_are_held_than_max_pending(listener: socket.socket) -> None:
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(listener.getsockname())
        full: list[Any] = [None] * inbox.MAX_PENDING
        assert inbox.accept(listener, full) is None
        client.settimeout(5)
        assert client.recv(10) == b""


def test_a_connection_of_this_user_is_taken_with_a_pidfd(listener: socket.socket) -> None:
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(listener.getsockname())
        incoming = inbox.accept(listener, [])
        assert incoming is not None
        try:
            assert incoming.pid == os.getpid() and incoming.pidfd is not None
        finally:
            incoming.close()


# --- the front -------------------------------------------------------------------------------


def test_a_front_that_cannot_compare_its_context_uses_and_starts_no_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(front, "_known", [])
    monkeypatch.setattr(authority, "PROC", str(tmp_path / "no-proc"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    asked = []
    monkeypatch.setattr(front, "connect", lambda *a: asked.append(a))
    assert front.identity() is None and front.socket_path(os.environ) is None
    assert front.hand_over("userlistbypath", []) is None
    assert front.start_in_background(os.environ) is None
    assert asked == [] and not (tmp_path / "run").exists()


def test_a_worker_is_named_after_context_and_installation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(front, "_known", [])
    found = front.identity()
    assert found is not None
    installed, mine = authority.installation(), authority.context()
    assert installed is not None and mine is not None
    assert found == ("worker-" + authority.digest(installed + mine), installed)


def hold(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_running_counts_the_locks_held_and_clears_the_others(tmp_path: Path) -> None:
    held = [hold(tmp_path / f"worker-{n:016x}.lock") for n in range(front.MAX_WORKERS - 1)]
    try:
        (tmp_path / "worker-ffffffffffffffff.lock").touch()  # left by a worker killed hard
        (tmp_path / "worker-eeeeeeeeeeeeeeee.lock").touch()
        (tmp_path / "other.lock").touch()
        assert front.running(str(tmp_path)) == front.MAX_WORKERS - 1
        assert not (tmp_path / "worker-ffffffffffffffff.lock").exists()
        assert (tmp_path / "other.lock").exists()
        held.append(hold(tmp_path / "worker-dddddddddddddddd.lock"))
        assert front.running(str(tmp_path)) == front.MAX_WORKERS
        assert front.running(str(tmp_path), but="worker-dddddddddddddddd") < front.MAX_WORKERS
    finally:
        for fd in held:
            os.close(fd)


def test_no_worker_is_started_beyond_max_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import subprocess

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    directory = tmp_path / "euare"
    directory.mkdir(mode=0o700)
    started: list[Any] = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a) or "started")
    held = [hold(directory / f"worker-{n:016x}.lock") for n in range(front.MAX_WORKERS)]
    try:
        assert front.start_in_background(os.environ) is None and started == []
        os.close(held.pop())
        assert front.start_in_background(os.environ) == "started"
        name = front.identity()
        assert name is not None and started[0][0][-1] == name[0]
    finally:
        for fd in held:
            os.close(fd)


def test_worker_start_says_so_when_max_workers_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from euare.worker.control import control

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    directory = tmp_path / "euare"
    directory.mkdir(mode=0o700)
    held = [hold(directory / f"worker-{n:016x}.lock") for n in range(front.MAX_WORKERS)]
    try:
        assert control(["start"]) == 1
    finally:
        for fd in held:
            os.close(fd)
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err == (
        f"euare worker: error: {front.MAX_WORKERS} workers of yours are running (for other "
        "security contexts or installations); no more are started\n"
    )
