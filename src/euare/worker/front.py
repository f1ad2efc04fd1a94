"""The front of a call made through the warm worker (``EUARE_WORKER=1``; see worker.py).

A console script that finds the worker hands it the call, its own standard streams as file
descriptors, and everything else a fresh process would have (arguments, environment, working
directory, umask, controlling terminal), relays the signals it receives (not one it was started
with ignored, such as nohup's SIGHUP), and exits with the status the worker's child reports.
When the worker cannot take the call (none running yet, not trustworthy, stale, gone),
``hand_over`` answers None before anything has run, and the caller runs the verb itself; the
first such call also starts a worker for the calls after it.

A worker serves only callers whose security context and installation are its own (authority.py
decides what counts). Its socket is named after both (``worker-DIGEST.sock``), so that a call
finds the worker of its own context and installation or none, and starts its own; the worker
checks again, from the kernel, and refuses any other (the call then runs in-process too). Where
the context cannot be read (no /proc, a seccomp filter), no worker is used or started.

This module is the whole cost of a call through the worker, so it imports only modules built
into the interpreter: ``_socket`` rather than ``socket`` and ``_signal`` rather than ``signal``
(whose enum classes alone take longer to import than the rest of the front), and marshal
rather than json. Neither click nor botocore is ever imported here.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # no stubs: it is signal without enum
import _socket
import marshal
import os
import stat
import struct
import sys

from euare.core.dirs import make_private_dir, owned, runtime_dir, safe_dir, socket_address
from euare.worker import authority

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping

PROTOCOL = 2
SOCKET = ".sock"  # after the worker's name (worker-DIGEST), as LOCK
LOCK = ".lock"
MAX_WORKERS = 8  # of one user at once (contexts, installations): no more are started
RELAYED = (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP, _signal.SIGQUIT)
FIRST_ANSWER_WAIT = 10.0  # seconds for the worker to fork; long past a healthy worker's 1 ms

_known: list[tuple[str, list[str]] | None] = []  # identity(), once known


def identity() -> tuple[str, list[str]] | None:
    """(the name of the worker that may serve this process, its installation), computed once;
    None where no worker may (its context or installation cannot be compared)."""
    if not _known:
        installed = authority.installation() if hasattr(os, "pidfd_open") else None
        found = authority.context() if installed is not None else None
        name = "worker-" + authority.digest(installed + found) if installed and found else None
        _known.append((name, installed) if name and installed else None)
    return _known[0]


def socket_path(env: Mapping[str, str]) -> str | None:
    """The socket of the worker that may serve this process; None where none may."""
    found = identity()
    return os.path.join(runtime_dir(env), found[0] + SOCKET) if found else None


def connect(env: Mapping[str, str], timeout: float = 1.0) -> _socket.socket | None:
    """A connection to the user's own worker, or None: no socket, a directory or socket that
    is not the user's alone, or a listener run by another user."""
    path = socket_path(env)
    if path is None or not safe_dir(os.path.dirname(path), private=True):
        return None
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISSOCK(info.st_mode) or not owned(info):
        return None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    held = None
    try:
        address, held = socket_address(*os.path.split(path))
        sock.settimeout(timeout)
        sock.connect(address)
        ids = authority.peer_ids(sock)
        if ids is None or ids[1] != os.geteuid():
            raise ConnectionRefusedError("the worker is another user's, or cannot be told")
    except OSError:
        sock.close()
        return None
    finally:
        if held is not None:
            os.close(held)
    return sock


def send_request(sock: _socket.socket, request: dict[str, object], fds: list[int]) -> None:
    """One request: its length with the file descriptors (SCM_RIGHTS), then its body."""
    body = marshal.dumps(request)
    rights = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, struct.pack(f"{len(fds)}i", *fds))]
    sock.sendmsg([struct.pack("!I", len(body))], rights if fds else [])
    while body:
        body = body[sock.send(body) :]


class Lines:
    """The lines a worker answers, read straight off the socket."""

    def __init__(self, sock: _socket.socket) -> None:
        self.sock = sock
        self.pending = b""

    def next(self) -> bytes:
        """The next line, b"" at the end."""
        while b"\n" not in self.pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                line, self.pending = self.pending, b""
                return line
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return line + b"\n"


def ask(env: Mapping[str, str], op: str) -> dict[str, object] | None:
    """A worker's answer to ``status`` or ``stop``; None when no worker answers."""
    sock = connect(env)
    if sock is None:
        return None
    try:
        sock.settimeout(5)
        send_request(sock, {"v": PROTOCOL, "op": op}, [])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        parsed = marshal.loads(answer)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    finally:
        sock.close()
    return parsed if isinstance(parsed, dict) else None


def hand_over(verb: str | None, args: list[str]) -> int | None:
    """Run ``euare-VERB ARGS`` (``verb`` None: ``euare ARGS``) in the worker; its exit status,
    or None when the worker did not take the call and nothing has run."""
    env = os.environ
    if _names_own_descriptors(args, env):
        return None
    try:
        fds = _call_fds()
        cwd = os.getcwd()
    except OSError:
        return None
    found = identity()
    sock = connect(env) if found else None
    if sock is None or found is None:
        for fd in fds[3:]:
            os.close(fd)
        if found:
            start_in_background(env)
        return None
    umask = os.umask(0o022)
    os.umask(umask)
    request = {
        "v": PROTOCOL,
        "op": "call",
        "verb": verb,
        "argv0": sys.argv[0] if sys.argv else "",
        "args": list(args),
        "env": dict(env),
        "cwd": cwd,
        "umask": umask,
        "installation": found[1],
    }
    lines = Lines(sock)
    relay = Relay(sock)
    relay.install()
    try:
        send_request(sock, request, fds)
        sock.settimeout(FIRST_ANSWER_WAIT)
        first = lines.next()
    except OSError:
        first = b""
    finally:
        for fd in fds[3:]:
            os.close(fd)
    if not first.startswith(b"pid "):
        sock.close()
        relay.withdraw()
        return None  # stale, refused or broken before forking: nothing ran
    sock.settimeout(None)
    return _follow(sock, lines, relay, verb)


def _names_own_descriptors(args: list[str], env: Mapping[str, str]) -> bool:
    """Whether an argument or a setting names one of this process's own descriptors beyond the
    standard three (``/dev/fd/5``, a shell's ``<(...)``, ``/proc/self/fd/7``): the worker's
    child has only the standard streams, so such a call runs in-process."""
    for value in (*args, *env.values()):
        for prefix in ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/"):
            at = value.find(prefix)
            if at < 0:
                continue
            digits = value[at + len(prefix) :].split("/", 1)[0]
            if not digits.isdigit() or int(digits) > 2:
                return True
        if "/proc/self/" in value or f"/proc/{os.getpid()}/" in value:
            return True
    return False


def _call_fds() -> list[int]:
    """Standard input, output and error, and the controlling terminal when there is one (for
    password prompts, which a worker's child cannot open as /dev/tty)."""
    for fd in (0, 1, 2):
        os.fstat(fd)  # a closed stream: run in-process, where it is handled
    try:
        tty = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return [0, 1, 2]
    return [0, 1, 2, tty]


class Relay:
    """The signals this front receives, passed on to the worker's child as ``sig N`` lines.
    Installed before the request is sent, so that no signal falls between the child starting
    and the front listening for its end (a SIGTERM there once killed the front alone, and the
    child ran on); a signal that arrives before the child exists waits in the socket for it."""

    def __init__(self, sock: _socket.socket) -> None:
        self.sock = sock
        self.received: list[int] = []
        self.previous: dict[int, object] = {}

    def install(self) -> None:
        for signum in RELAYED:
            handler = _signal.getsignal(signum)
            if handler != _signal.SIG_IGN:  # nohup's SIGHUP: ignored, as in-process
                self.previous[signum] = handler
                _signal.signal(signum, self.relay)

    def relay(self, signum: int, _frame: object) -> None:
        self.received.append(signum)
        try:
            self.sock.send(f"sig {signum}\n".encode())
        except OSError:
            return  # the child has gone; its end of the story follows

    def withdraw(self) -> None:
        """The handlers as they were. A signal received meanwhile (the worker did not take the
        call, so nothing ran) ends the process as it would have before any handler of euare's
        was set: killed by it, with nothing done."""
        for signum, handler in self.previous.items():
            _signal.signal(signum, handler)
        if self.received:
            _signal.signal(self.received[-1], _signal.SIG_DFL)
            _signal.raise_signal(self.received[-1])


def relayed(line: bytes) -> int | None:
    """The signal a ``sig N`` line from :class:`Relay` names, if one a front relays; else None
    (any other line is not a signal to deliver)."""
    word = line.removeprefix(b"sig ").strip()
    if word == line.strip() or not word.isdigit() or int(word) not in RELAYED:
        return None
    return int(word)


def _follow(sock: _socket.socket, lines: Lines, relay: Relay, verb: str | None) -> int:
    """Relay signals to the child until it reports its exit status."""
    relayed = relay.received
    status = None
    while status is None:
        try:
            line = lines.next()
        except InterruptedError:
            continue
        except OSError:
            line = b""
        if not line:
            break
        if line.startswith(b"exit "):
            status = int(line.split()[1])
    sock.close()
    if status is not None:
        return status
    if relayed:  # the child died of a relayed signal: so does the front, as it would have
        _signal.signal(relayed[-1], _signal.SIG_DFL)
        os.kill(os.getpid(), relayed[-1])
    prog = f"euare-{verb}" if verb else "euare"
    sys.stderr.write(f"{prog}: error: the euare worker's call ended without an exit status\n")
    return 1


KEPT_FOR_THE_WORKER = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TMPDIR",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONUSERBASE",
    "PYTHONPLATLIBDIR",
    "XDG_RUNTIME_DIR",
    "XDG_CACHE_HOME",
    "AWS_DATA_PATH",
    "EUARE_WORKER_IDLE",
    "EUARE_MODEL_CACHE",
)  # fmt: skip (the import path's variables: a worker's installation is its starter's)


def start_in_background(env: Mapping[str, str]) -> subprocess.Popen[bytes] | None:
    """Start the worker of this process's context and installation unless it is running or
    starting (its lock is held), or MAX_WORKERS of the user's are; the process, if one was
    started. The caller goes on without waiting for it. The worker is given no credentials:
    each call brings its own environment."""
    import fcntl
    import subprocess

    directory = runtime_dir(env)
    found, taken = identity(), lock_path(env)
    if found is None or taken is None or not make_private_dir(directory):
        return None
    try:
        lock = os.open(taken, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return None  # a worker holds it: running, or starting
    finally:
        os.close(lock)  # closing releases it: the worker takes it for itself
    if running(directory, but=found[0]) >= MAX_WORKERS:
        return None
    try:
        return subprocess.Popen(
            [sys.executable, *authority.interpreter_flags(), "-m", "euare.worker.server", found[0]],
            env={k: env[k] for k in KEPT_FOR_THE_WORKER if k in env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        return None


def running(directory: str, but: str = "") -> int:
    """How many workers run in ``directory`` (other than ``but``): the locks held. A lock left
    by a worker that did not end well is removed (each worker removes its own)."""
    try:
        names = [n for n in os.listdir(directory) if n.startswith("worker-") and n.endswith(LOCK)]
    except OSError:
        return MAX_WORKERS
    names = [n for n in names if n != but + LOCK]
    if len(names) < MAX_WORKERS:
        return len(names)  # not enough to matter, whether all run or not
    return sum(lock_held(os.path.join(directory, name), remove_if_not=True) for name in names)


def lock_held(path: str, remove_if_not: bool = False) -> bool:
    """Whether a worker holds the lock at ``path``: it takes it before it listens and lets go of
    it last of all, after removing its socket and the lock itself. One no worker holds (left by
    a worker that did not end well) is removed if ``remove_if_not``."""
    import contextlib
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        if remove_if_not:
            with contextlib.suppress(OSError):
                os.unlink(path)  # held by this process, it is no worker's (a worker checks)
        return False
    finally:
        os.close(fd)


def lock_path(env: Mapping[str, str]) -> str | None:
    """The lock of the worker that may serve this process; None where none may."""
    found = identity()
    return os.path.join(runtime_dir(env), found[0] + LOCK) if found else None
