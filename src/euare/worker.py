"""The warm worker: a per-user background process with click, botocore and the verb table
imported and the IAM and STS models parsed, which runs each call in a child forked for it.

A call (front.py) brings its arguments, environment, working directory, umask and its own
standard streams as file descriptors. The child adopts all of them, as a fresh process would
have them, and runs the verb exactly as in-process: settings, credentials and clients are made
afresh from the caller's environment and files, and nothing a call does reaches the worker or
the next call. The child reports its exit status; the front relays signals to it.

The socket lives in a directory only the user can enter ($XDG_RUNTIME_DIR/euare, else
``worker`` in euare's cache directory); each connection's peer must be the user (SO_PEERCRED).
Nothing is written to disk but the socket and a lock. The worker exits after
``EUARE_WORKER_IDLE`` seconds without a call (default 600), when its socket is removed or
replaced, and when its own code, click's or botocore's changes on disk (a call that finds it so
is refused, and runs in-process).

``python -m euare.worker`` runs it in the foreground; ``euare worker start|stop|status``.
"""

from __future__ import annotations

import contextlib
import fcntl
import marshal
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

from euare import front, interrupts, process
from euare.dirs import make_private_dir, runtime_dir, safe_dir, socket_address

DEFAULT_IDLE = 600.0
MAX_REQUEST = 16 * 1024 * 1024  # a call's arguments and environment, with room to spare


class Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.directory = runtime_dir(env)
        self.path = Path(self.directory, front.SOCKET)
        self.idle = _seconds(env.get("EUARE_WORKER_IDLE"), DEFAULT_IDLE)
        self.started = time.time()
        self.served = 0
        self.children: set[int] = set()
        self.files = _code_files()
        self.code = _fingerprint(self.files)
        self.listener: socket.socket | None = None
        self.inode: tuple[int, int] | None = None

    def bind(self) -> str | None:
        """Take the lock and the socket; why not, if not."""
        if not make_private_dir(self.directory):
            return f"{self.directory} is not a directory of this user's alone (mode 0700)"
        self.lock = os.open(os.path.join(self.directory, front.LOCK), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return "another worker is running"
        self.path.unlink(missing_ok=True)  # a dead worker's: the lock says no live one has it
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address, held = socket_address(self.directory, front.SOCKET)
        old = os.umask(0o177)
        try:
            listener.bind(address)
        finally:
            os.umask(old)
            if held is not None:
                os.close(held)
        listener.listen(64)
        info = os.stat(self.path)
        self.inode = (info.st_dev, info.st_ino)
        self.listener = listener
        return None

    def serve(self) -> None:
        assert self.listener is not None
        last = time.monotonic()  # of the last call (status and stop are not activity)
        while not self._should_leave(time.monotonic() - last):
            self._reap()
            ready, _, _ = select.select([self.listener], [], [], 1.0)
            if not ready:
                continue
            conn, _ = self.listener.accept()
            done = self._handle(conn)
            if done == "stop":
                break
            if done == "call":
                last = time.monotonic()
        self.close()

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
            self.listener = None
            if self._socket_is_ours():
                self.path.unlink(missing_ok=True)

    def _socket_is_ours(self) -> bool:
        try:
            info = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) == self.inode

    def _should_leave(self, idle_for: float) -> bool:
        return (
            (idle_for > self.idle and not self.children)
            or not self._socket_is_ours()
            or _fingerprint(self.files) != self.code
        )

    def _reap(self) -> None:
        for pid in list(self.children):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                self.children.discard(pid)

    def _handle(self, conn: socket.socket) -> str | None:
        fds: list[int] = []
        try:
            caller, uid = front.peer(conn)
            if uid != os.geteuid():
                return None  # another user's process: not a word
            conn.settimeout(5)
            request, fds = _receive(conn)
            if request.get("v") != front.PROTOCOL:
                conn.sendall(b"refused protocol\n")
                return None
            op = request.get("op")
            if op == "status":
                conn.sendall(marshal.dumps(self.status()))
            elif op == "stop":
                conn.sendall(marshal.dumps({"stopped": os.getpid()}))
                return "stop"
            elif op == "call" and _fingerprint(self.files) != self.code:
                conn.sendall(b"refused stale\n")  # the caller runs in-process
                self._leave_soon()
            elif op == "call":
                self._fork(conn, request, fds, caller)
                return "call"
        except (OSError, ValueError):
            pass
        finally:
            conn.close()
            for fd in fds:
                os.close(fd)
        return None

    def _leave_soon(self) -> None:
        self.code = {}  # differs from any fingerprint: the next idle tick leaves

    def _fork(
        self, conn: socket.socket, request: dict[str, Any], fds: list[int], caller: int
    ) -> None:
        pid = os.fork()
        if pid:
            self.children.add(pid)
            self.served += 1
            return
        status = 1
        try:
            assert self.listener is not None
            self.listener.close()
            os.close(self.lock)
            process.CALLER = caller
            status = _child(conn, request, fds)
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


def _code_files() -> list[str]:
    """euare's source files, and click's, botocore's and python-dotenv's package markers (an
    upgrade rewrites them)."""
    import botocore
    import click
    import dotenv

    import euare

    files = [str(p) for p in sorted(Path(euare.__file__).parent.rglob("*.py"))]
    return files + [m.__file__ for m in (botocore, click, dotenv) if m.__file__]


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


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    head, fds, _, _ = socket.recv_fds(conn, 4, 4)
    if len(head) != 4:
        raise ValueError("short request")
    (size,) = struct.unpack("!I", head)
    if size > MAX_REQUEST:
        raise ValueError("request too large")
    body = bytearray()
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            raise ValueError("request cut short")
        body += chunk
    request = marshal.loads(body)
    if not isinstance(request, dict):
        raise ValueError("not a request")
    return request, list(fds)


def warm_up() -> None:
    """Import what calls use and parse the models, once, before any fork."""
    import importlib

    import botocore.client
    import botocore.paginate
    import botocore.parsers
    import botocore.session  # noqa: F401

    import euare.cli
    import euare.client
    import euare.context  # noqa: F401
    from euare import models, redact
    from euare.verbs import FAMILIES

    for family in FAMILIES:
        importlib.import_module(f"euare.verbs.{family}")
    for name in ("euare.entry", "euare.streams", "encodings.idna", "encodings.utf_8_sig"):
        importlib.import_module(name)
    models.preload(os.environ)
    redact._patterns()
    _rehearse()
    import gc

    gc.collect()
    gc.freeze()  # the collector leaves what calls share alone: fewer pages copied per fork


def _rehearse() -> None:
    """One IAM and one STS call on throwaway clients, answered by a canned page instead of the
    network (botocore's before-send event), so that the first use of every code path a call
    takes (lazy imports, compiled patterns, caches of code) is paid once, here. No euare state
    is touched: euare's clients and its registry of secrets stay empty."""
    from botocore.awsrequest import AWSResponse

    from euare.client import new_session, register_hooks

    class Canned:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self, **_: Any) -> Any:
            yield self.body

    answers = {
        "iam": b"<ListUsersResponse><ListUsersResult><Users/><IsTruncated>false</IsTruncated>"
        b"</ListUsersResult></ListUsersResponse>",
        "sts": b"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>000000000000"
        b"</Account><Arn>arn:aws:iam::000000000000:user/x</Arn><UserId>X</UserId>"
        b"</GetCallerIdentityResult></GetCallerIdentityResponse>",
    }
    session = new_session()
    for service, body in answers.items():
        made = session.create_client(
            service,
            region_name="us-east-1",
            endpoint_url="http://127.0.0.1:9/",
            aws_access_key_id="AKIAREHEARSAL0000000",
            aws_secret_access_key="rehearsal",
        )
        register_hooks(made.meta.events, service)
        made.meta.events.register(
            "before-send",
            lambda request, _b=body, **_: AWSResponse(request.url, 200, {}, Canned(_b)),
        )
        if service == "iam":
            list(made.get_paginator("list_users").paginate())
        else:
            made.get_caller_identity()


# --- the child: one call ---------------------------------------------------------------------


def _child(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> int:
    """Become the caller's process, run the call, report its status; the status."""
    for signum in (*front.RELAYED, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    interrupts.install()  # Ctrl-C, SIGTERM and SIGHUP (relayed) stop the call as in-process
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
    from euare import entry
    from euare.cli import run

    process.IN_WORKER = True
    try:
        return run(verb, args) if verb else entry.front_door(args)
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()


def _relay_signals(conn: socket.socket, finished: threading.Event) -> None:
    """Deliver to this process the signals the front relays; if the front goes away before
    the call ends (killed), end the call as a terminal hang-up would."""
    reader = conn.makefile("rb")
    for line in reader:
        if line.startswith(b"sig "):
            os.kill(os.getpid(), int(line.split()[1]))
    if not finished.is_set():
        os.kill(os.getpid(), signal.SIGHUP)


def _adopt_streams(env: dict[str, str]) -> None:
    """Standard streams for the adopted file descriptors, with the encoding, error handling and
    buffering a fresh Python would give them in the caller's environment."""
    import io

    encoding, errors = _stdio_encoding(env)
    unbuffered = bool(env.get("PYTHONUNBUFFERED"))
    stdin = open(0, "rb", closefd=False)  # noqa: SIM115 (it becomes sys.stdin)
    sys.stdin = io.TextIOWrapper(stdin, encoding=encoding, errors=errors)
    for fd, name, handler in ((1, "stdout", errors), (2, "stderr", "backslashreplace")):
        raw = open(fd, "wb", buffering=0 if unbuffered else -1, closefd=False)  # noqa: SIM115
        stream = io.TextIOWrapper(
            raw,
            encoding=encoding,
            errors=handler,
            line_buffering=name == "stderr" or os.isatty(fd),
            write_through=unbuffered,
        )
        setattr(sys, name, stream)


def _stdio_encoding(env: dict[str, str]) -> tuple[str, str]:
    """(encoding, errors) of stdin and stdout, as Python decides them at start-up."""
    import locale

    forced = env.get("PYTHONIOENCODING", "")
    name, _, errors = forced.partition(":")
    if env.get("PYTHONUTF8") == "1":
        return name or "utf-8", errors or "surrogateescape"
    try:
        chosen = locale.setlocale(locale.LC_CTYPE, "")
    except locale.Error:
        chosen = "C"
    if chosen in ("C", "POSIX") and env.get("PYTHONUTF8") != "0":  # PEP 538/540: UTF-8
        return name or "utf-8", errors or "surrogateescape"
    # The locale's own codeset, not getpreferredencoding(): a worker that was itself started in
    # a C locale runs in UTF-8 mode, where that answers UTF-8 whatever the caller's locale is.
    return name or locale.nl_langinfo(locale.CODESET) or "ascii", errors or "strict"


def _prompt_on(tty: int) -> None:
    """Make hidden prompts (getpass, as click's password prompts use) read the caller's
    terminal, which this process, in the worker's session, cannot open as /dev/tty."""
    import getpass
    import termios

    def ask(prompt: str = "Password: ", stream: Any = None) -> str:
        old = termios.tcgetattr(tty)
        quiet = list(old)
        quiet[3] &= ~termios.ECHO
        try:  # echo off before the prompt, as getpass does: nothing typed after it shows
            termios.tcsetattr(tty, termios.TCSAFLUSH, quiet)
            os.write(tty, prompt.encode(sys.stdin.encoding, "replace"))
            with open(tty, encoding=sys.stdin.encoding, closefd=False) as terminal:
                line = terminal.readline()
        finally:
            termios.tcsetattr(tty, termios.TCSAFLUSH, old)
            os.write(tty, b"\n")
        if not line:
            raise EOFError
        return line.rstrip("\n")

    getpass.getpass = ask


# --- euare worker start|stop|status ------------------------------------------------------------


def main() -> int:
    """The worker itself, in the foreground (front.start_in_background runs this detached)."""
    worker = Worker(dict(os.environ))
    try:
        problem = worker.bind()
    except OSError as exc:
        problem = f"cannot listen on {worker.path}: {exc.strerror}"
    if problem:
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


def control(args: list[str]) -> int:
    """``euare worker start|stop|status``."""
    env = os.environ
    usage = "usage: euare worker start|stop|status\n"
    if len(args) != 1 or args[0] not in ("start", "stop", "status"):
        sys.stderr.write(usage + "euare worker: error: say start, stop or status\n")
        return 2
    action = args[0]
    if action == "start" and front.ask(env, "status") is None:
        started = front.start_in_background(env)
        directory = runtime_dir(env)
        if started is None and not safe_dir(directory, private=True):
            sys.stderr.write(
                f"euare worker: error: {directory} is not a directory of yours alone (mode 0700)\n"
            )
            return 1
        deadline = time.monotonic() + 30
        while front.ask(env, "status") is None and time.monotonic() < deadline:
            if started is not None and started.poll() is not None:
                sys.stderr.write(
                    "euare worker: error: the worker did not start; run "
                    f"'{sys.executable} -m euare.worker' to see why\n"
                )
                return 1
            time.sleep(0.05)
    if action == "stop":
        answer = front.ask(env, "stop")
        if answer is None:
            sys.stdout.write("not running\n")
            return 0
        deadline = time.monotonic() + 10
        while front.ask(env, "status") is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        sys.stdout.write(f"stopped (pid {answer.get('stopped')})\n")
        return 0
    return _show(front.ask(env, "status"), front.socket_path(env))


def _show(status: dict[str, object] | None, path: str) -> int:
    if status is None:
        sys.stdout.write(f"not running (socket {path})\n")
        return 1
    started = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(float(str(status["started"]))))
    sys.stdout.write(
        f"running: pid {status['pid']}, socket {status['socket']}, started {started}, "
        f"calls served {status['served']}, idle timeout {status['idle_timeout']:g} s\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
