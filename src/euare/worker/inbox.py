"""The warm worker's incoming connections (worker.py): each accepted at once and read beside the
others, under a deadline, so that a peer that says nothing, or something malformed, delays no
other call and never ends the worker. A connection from another uid is closed unread; for the
others a pidfd of the peer is taken on accepting (authority.peer_pidfd), before the peer could
end and leave its pid to another process."""

from __future__ import annotations

import contextlib
import marshal
import os
import socket
import struct
import time
from typing import Any

from euare.worker import authority

REQUEST_WAIT = 3.0  # seconds for a whole request, from accept: a front sends it at once
MAX_REQUEST = 16 * 1024 * 1024  # a call's arguments and environment, with room to spare
MAX_PENDING = 32  # connections being read at once; more are closed (their calls run in-process)
MAX_FDS = 4  # standard input, output, error and the terminal


class Malformed(ValueError):
    """A request that is not one: cut short, too long, not marshal data, not a dict."""


class Incoming:
    """One connection, read as its bytes come, until its request is whole."""

    def __init__(self, conn: socket.socket, pid: int, pidfd: int | None) -> None:
        conn.setblocking(False)
        self.conn = conn
        self.pid = pid
        self.pidfd = pidfd
        self.deadline = time.monotonic() + REQUEST_WAIT
        self.head = b""
        self.size: int | None = None
        self.body = bytearray()
        self.fds: list[int] = []

    def fileno(self) -> int:
        return self.conn.fileno()

    def feed(self) -> dict[str, Any] | None:
        """Take what has arrived; the request once it is whole, else None. Raises Malformed
        (or OSError) when it cannot become one."""
        try:
            if self.size is None:
                data, fds, _, _ = socket.recv_fds(self.conn, 4 - len(self.head), MAX_FDS)
                self.fds += fds
            else:
                data = self.conn.recv(min(self.size - len(self.body), 1 << 20))
        except BlockingIOError:
            return None
        if not data:
            raise Malformed("request cut short")
        if self.size is None:
            self.head += data
            if len(self.head) < 4:
                return None
            (self.size,) = struct.unpack("!I", self.head)
            if self.size > MAX_REQUEST:
                raise Malformed("request too large")
        else:
            self.body += data
        if len(self.body) < self.size:
            return None
        try:
            request = marshal.loads(bytes(self.body))
        except (EOFError, ValueError, TypeError) as exc:
            raise Malformed("not marshal data") from exc
        if not isinstance(request, dict):
            raise Malformed("not a request")
        return request

    def close(self) -> None:
        self.conn.close()
        for fd in self.fds + ([self.pidfd] if self.pidfd is not None else []):
            with contextlib.suppress(OSError):
                os.close(fd)


def accept(listener: socket.socket, pending: list[Incoming]) -> Incoming | None:
    """The next connection, if it is from this user and there is room for it."""
    try:
        conn, _ = listener.accept()
    except OSError:
        return None  # gone before it was taken
    ids = authority.peer_ids(conn)
    if ids is None or ids[1] != os.geteuid() or len(pending) >= MAX_PENDING:
        conn.close()  # another user's process (or one not told): not a word
        return None
    return Incoming(conn, ids[0], authority.peer_pidfd(conn, ids[0]))


def valid_call(request: dict[str, Any]) -> bool:
    """Whether a call request has every field, each of its type."""
    env, args, installed = request.get("env"), request.get("args"), request.get("installation")
    return (
        isinstance(request.get("verb"), (str, type(None)))
        and isinstance(request.get("argv0"), str)
        and isinstance(args, list)
        and all(isinstance(a, str) for a in args)
        and isinstance(env, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
        and isinstance(request.get("cwd"), str)
        and type(request.get("umask")) is int
        and 0 <= request["umask"] <= 0o777
        and isinstance(installed, list)
        and all(isinstance(item, str) for item in installed)
    )
