"""The warm worker: a per-user background process with click, botocore and the verb table
imported and the IAM and STS models parsed, which runs each call in a child forked for it.

A call (front.py) brings its arguments, environment, working directory, umask and its own
standard streams as file descriptors. The child adopts all of them, as a fresh process would
have them, and runs the verb exactly as in-process: settings, credentials and clients are made
afresh from the caller's environment and files, and nothing a call does reaches the worker or
the next call. The child reports its exit status; the front relays signals to it.

The worker acts only with its caller's authority: it serves a call only when the caller's
whole security context, read from the kernel (authority.py), and its installation (named in
the request) are its own at that moment; any other call is refused before anything runs, and
runs in-process. Its socket, named after both (worker-DIGEST.sock), lives in a directory only
the user can enter ($XDG_RUNTIME_DIR/euare, else ``worker`` in euare's cache directory); a
connection from another uid is closed unread. Connections are read side by side, each under a
deadline (inbox.py): a silent or malformed one delays no other.

Nothing is written to disk but the socket and a lock, both removed on leaving. The worker exits
after ``EUARE_WORKER_IDLE`` seconds without a call (default 600), when its socket is removed or
replaced, and when its own code, click's or botocore's changes on disk (a call that finds it so
is refused, and runs in-process).

``python -m euare.worker.server [NAME]`` runs it in the foreground; ``euare worker
start|stop|status``.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import select
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from euare.core import interrupts, process
from euare.core.dirs import make_private_dir, runtime_dir, same_file, socket_address, take_lock
from euare.worker import authority, front, inbox
from euare.worker.adopt import adopt_streams as _adopt_streams
from euare.worker.adopt import prompt_on as _prompt_on
from euare.worker.warmup import warm_up

DEFAULT_IDLE = 600.0
NAME = re.compile(r"worker-[0-9a-f]{16}")
STALE_EVERY = 1.0  # seconds between the serving loop's looks for changed code


class Worker:
    def __init__(self, env: dict[str, str], name: str) -> None:
        self.directory = runtime_dir(env)
        self.path = Path(self.directory, name + front.SOCKET)
        self.lock_path = os.path.join(self.directory, name + front.LOCK)
        self.idle = _seconds(env.get("EUARE_WORKER_IDLE"), DEFAULT_IDLE)
        self.started = time.time()
        self.served = 0
        self.children: set[int] = set()
        self.installation = authority.installation()
        self.code = authority.code_fingerprint()
        self.files = _dependency_files()
        self.stamps = _fingerprint(self.files)
        self.looked = time.monotonic()  # when the loop last looked for changed code
        self.leaving = False
        self.pending: list[inbox.Incoming] = []
        self.listener: socket.socket | None = None
        self.inode: tuple[int, int] | None = None
        self.lock: int | None = None

    def bind(self) -> str | None:
        """Take the lock and the socket; why not, if not."""
        if self.installation is None or authority.context() is None:
            return authority.CANNOT
        if not make_private_dir(self.directory):
            return f"{self.directory} is not a directory of this user's alone (mode 0700)"
        self.lock = take_lock(self.lock_path)
        if self.lock is None:
            return "another worker is running"
        self.path.unlink(missing_ok=True)  # a dead worker's: the lock says no live one has it
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address, held = socket_address(self.directory, self.path.name)
        old = os.umask(0o177)
        try:
            listener.bind(address)
        finally:
            os.umask(old)
            if held is not None:
                os.close(held)
        listener.listen(64)
        listener.setblocking(False)
        info = os.stat(self.path)
        self.inode = (info.st_dev, info.st_ino)
        self.listener = listener
        return None

    def serve(self) -> None:
        assert self.listener is not None
        last = time.monotonic()  # of the last call (status and stop are not activity)
        while not self._should_leave(time.monotonic() - last):
            self._reap()
            now = time.monotonic()
            wait = min([1.0, *(item.deadline - now for item in self.pending)])
            watched: list[Any] = [self.listener, *self.pending]
            ready, _, _ = select.select(watched, [], [], max(wait, 0))
            for item in ready:
                if item is self.listener:
                    incoming = inbox.accept(self.listener, self.pending)
                    if incoming is not None:
                        self.pending.append(incoming)
                    continue
                done = self._read(item)
                if done == "stop":
                    self.leaving = True
                elif done == "call":
                    last = time.monotonic()
            now = time.monotonic()
            for item in [i for i in self.pending if i.deadline <= now]:
                self._drop(item)  # silent too long: its front runs the call in-process
        self.close()

    def close(self) -> None:
        for item in list(self.pending):
            self._drop(item)
        if self.listener is not None:
            self.listener.close()
            self.listener = None
            if self._socket_is_ours():
                self.path.unlink(missing_ok=True)
        if self.lock is not None:
            with contextlib.suppress(OSError):
                if same_file(self.lock, self.lock_path):
                    os.unlink(self.lock_path)  # while held: a starter takes a new one
            os.close(self.lock)
            self.lock = None

    def _socket_is_ours(self) -> bool:
        try:
            info = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) == self.inode

    def _stale(self) -> bool:
        return authority.code_fingerprint() != self.code or _fingerprint(self.files) != self.stamps

    def _should_leave(self, idle_for: float) -> bool:
        """Whether to leave now. Whether the code changed is looked at here once a second at
        most (a call is refused at once, _refusal): listing euare's files takes a few hundred
        microseconds, and the loop turns several times a call."""
        now = time.monotonic()
        look = now - self.looked >= STALE_EVERY
        if look:
            self.looked = now
        return (
            self.leaving
            or (idle_for > self.idle and not self.children)
            or not self._socket_is_ours()
            or (look and self._stale())
        )

    def _reap(self) -> None:
        for pid in list(self.children):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                self.children.discard(pid)

    def _drop(self, item: inbox.Incoming) -> None:
        if item in self.pending:
            self.pending.remove(item)
        item.close()

    def _read(self, item: inbox.Incoming) -> str | None:
        """Read what has come on ``item``; once its request is whole, answer it."""
        try:
            request = item.feed()
        except (OSError, inbox.Malformed):
            self._drop(item)
            return None
        if request is None:
            return None
        self.pending.remove(item)
        try:
            item.conn.settimeout(5)
            return self._answer(item, request)
        except OSError:
            return None
        finally:
            item.close()  # the child, if forked, has its own copies

    def _answer(self, item: inbox.Incoming, request: dict[str, Any]) -> str | None:
        conn = item.conn
        if request.get("v") != front.PROTOCOL:
            conn.sendall(b"refused protocol\n")
            return None
        op = request.get("op")
        if op == "status":
            conn.sendall(marshal.dumps(self.status()))
        elif op == "stop":
            conn.sendall(marshal.dumps({"stopped": os.getpid()}))
            return "stop"
        elif op == "call":
            refusal = self._refusal(item, request)
            if refusal is not None:
                conn.sendall(f"refused {refusal}\n".encode())  # the caller runs in-process
                return None
            self._fork(item, request)
            return "call"
        return None

    def _refusal(self, item: inbox.Incoming, request: dict[str, Any]) -> str | None:
        """Why this worker may not run the call (None: it may): anything but the very
        installation and security context of its own, at this moment."""
        if not inbox.valid_call(request):
            return "malformed"
        if self._stale():
            self.leaving = True
            return "stale"
        if request["installation"] != self.installation:
            return "installation"
        mine = authority.context()
        if item.pidfd is None or mine is None:
            return "context"
        if authority.peer_context(item.pid, item.pidfd) != mine:
            return "context"
        return None

    def _fork(self, item: inbox.Incoming, request: dict[str, Any]) -> None:
        pid = os.fork()
        if pid:
            self.children.add(pid)
            self.served += 1
            return
        status = 1
        try:
            assert self.listener is not None and self.lock is not None
            self.listener.close()
            os.close(self.lock)
            for other in self.pending:
                other.close()  # another caller's streams: not this call's to hold
            if item.pidfd is not None:
                os.close(item.pidfd)
            process.CALLER = item.pid
            status = _child(item.conn, request, item.fds)
        finally:
            os._exit(status)

    def status(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "socket": str(self.path),
            "started": self.started,
            "served": self.served,
            "running": len(self.children),
            "idle_timeout": self.idle,
        }


def _seconds(text: str | None, default: float) -> float:
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if value > 0 else default


def _dependency_files() -> list[str]:
    """click's, botocore's and python-dotenv's package markers (an upgrade rewrites them);
    euare's own code is authority.code_fingerprint's."""
    import botocore
    import click
    import dotenv

    return [m.__file__ for m in (botocore, click, dotenv) if m.__file__]


def _fingerprint(files: list[str]) -> dict[str, tuple[int, int]]:
    """Size and modification time of ``files``: any change means a call would run old code."""
    stamps = {}
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            continue
        stamps[path] = (info.st_size, info.st_mtime_ns)
    return stamps


# --- the child: one call ---------------------------------------------------------------------


def _child(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> int:
    """Become the caller's process, run the call, report its status; the status."""
    for signum in (*front.RELAYED, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    interrupts.install()  # Ctrl-C, SIGTERM and SIGHUP (relayed) stop the call as in-process
    interrupts.nudgeable()
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
    tty = fds[3] if len(fds) > 3 else None
    env = {str(k): str(v) for k, v in dict(request["env"]).items()}
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    os.chdir(str(request["cwd"]))
    os.umask(int(request["umask"]))
    _adopt_streams(env)
    if tty is not None:
        _prompt_on(tty)
    verb = request.get("verb")
    args = [str(a) for a in request.get("args", [])]
    sys.argv = [str(request.get("argv0") or (f"euare-{verb}" if verb else "euare")), *args]
    conn.settimeout(None)
    conn.sendall(f"pid {os.getpid()}\n".encode())
    finished = threading.Event()
    threading.Thread(target=_relay_signals, args=(conn, finished), daemon=True).start()
    status = _run(verb, args)
    finished.set()
    with contextlib.suppress(OSError):
        conn.sendall(f"exit {status}\n".encode())
    return status


def _run(verb: str | None, args: list[str]) -> int:
    from euare.cli.run import run
    from euare.worker.door import front_door

    process.IN_WORKER = True
    try:
        return run(verb, args) if verb else front_door(args)
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()


def _relay_signals(conn: socket.socket, finished: threading.Event) -> None:
    """Deliver to the call the signals the front relays; if the front goes away before the
    call ends (killed), end the call as a terminal hang-up would. The call runs in the main
    thread, and each signal goes to it (interrupts.relay: not merely to the process)."""
    main = threading.main_thread().ident or 0
    reader = conn.makefile("rb")
    try:
        for line in reader:
            signum = front.relayed(line)
            if signum is not None:
                interrupts.relay(signum, main, finished.wait)
    except OSError:
        pass  # reset by a front that went away: the same as its end
    if not finished.is_set():
        interrupts.relay(signal.SIGHUP, main, finished.wait)


# --- the worker's own main ----------------------------------------------------------------------


def main(args: list[str] | None = None) -> int:
    """The worker itself, in the foreground (front.start_in_background runs this detached),
    under the NAME its starter gives (the digest of its context and installation), else its
    own."""
    args = sys.argv[1:] if args is None else args
    if len(args) > 1 or (args and not NAME.fullmatch(args[0])):
        sys.stderr.write("usage: python -m euare.worker.server [worker-DIGEST]\n")
        return 2
    found = front.identity()
    name = args[0] if args else found[0] if found else None
    if name is None:
        sys.stderr.write(f"euare worker: error: {authority.CANNOT}\n")
        return 1
    worker = Worker(dict(os.environ), name)
    try:
        problem = worker.bind()
    except OSError as exc:
        problem = f"cannot listen on {worker.path}: {exc.strerror}"
    if problem:
        worker.close()
        sys.stderr.write(f"euare worker: error: {problem}\n")
        return 1
    try:
        warm_up()
    except Exception:
        worker.close()
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        worker.serve()
    finally:
        worker.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
