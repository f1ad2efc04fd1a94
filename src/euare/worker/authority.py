"""Who a process is, as far as the warm worker must know before it acts for it: its security
context as the kernel tells it, and the installation (interpreter, import path, euare's code)
that a call in it runs. The worker serves a call only when both are its own (worker.py); the
front names the worker's socket after both, so that a caller of another context or
installation never meets a worker that would refuse it (front.py).

The context is read from /proc, the same way for the caller (by the worker, never from what
the request says) and for oneself: user, group and supplementary group ids; every namespace;
the root directory; capabilities (inheritable, permitted, effective, bounding, ambient);
no_new_privs; seccomp; the cgroups; resource limits; the LSM label; scheduling policy, nice
and OOM adjustment; CPU and memory placement; the audit login uid and session. Whatever cannot
be read or compared makes the answer None, which equals nothing: a process under a seccomp
filter (whose programs cannot be read without privilege), a peer of more than one thread
(capabilities and namespaces are per thread), a system without /proc (macOS, the BSDs).

Built-in modules only (and struct, which the front has anyway): the front imports this.
"""

from __future__ import annotations

import _socket
import os
import struct
import sys

PROC = "/proc"
# /proc/PID/status lines compared; without those in REQUIRED, the context is unknown.
STATUS = (
    "Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs",
    "Seccomp", "Cpus_allowed", "Mems_allowed",
)  # fmt: skip
REQUIRED = frozenset(
    ("Uid", "Gid", "Groups", "CapPrm", "CapEff", "CapBnd", "NoNewPrivs", "Seccomp")
)
# Compared as read, or as the error reading them gives (no LSM, no audit: the same for all).
OPTIONAL = ("oom_score_adj", "loginuid", "sessionid", "attr/current")
SO_PEERPIDFD = 77  # Linux 6.5: a pidfd of the peer, taken at connect()
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # euare/
FLAGS = ("isolated", "ignore_environment", "no_user_site", "no_site", "safe_path", "optimize")
DIGEST_MODULUS = 2**64 - 59  # a prime: the name of a worker's socket, not a secret


CANNOT = (
    "no worker can compare a caller's security context and installation with its own here "
    "(that takes Linux's /proc and pidfds, and no seccomp filter): calls run in-process"
)


def context(pid: str = "self", peer: bool = False) -> list[str] | None:
    """The security context of process ``pid`` ("self": this one), one comparable item a
    line; None when any of it cannot be read or compared. A ``peer`` must be of one thread."""
    base = f"{PROC}/{pid}"
    try:
        status = _status(_read(f"{base}/status"))
        if peer and status.get("Threads") != "1":
            return None
        if status.get("Seccomp") != "0":
            return None  # a filter (mode 2) cannot be compared, nor read without privilege
        items = [f"{name}={status.get(name, '-')}" for name in STATUS]
        if not status.keys() >= REQUIRED:
            return None
        for name in sorted(os.listdir(f"{PROC}/self/ns")):
            items.append(f"ns/{name}=" + os.readlink(f"{base}/ns/{name}"))
        root = os.stat(f"{base}/root")
        items.append(f"root={root.st_dev}:{root.st_ino}")
        items.append(_read(f"{base}/cgroup"))
        items.append(_read(f"{base}/limits"))
        fields = _read(f"{base}/stat").rpartition(")")[2].split()
        items.append("sched=" + " ".join((fields[16], fields[37], fields[38])))  # nice, rt, policy
    except (OSError, ValueError, IndexError):
        return None
    for name in (*OPTIONAL, *_labels()):
        try:
            items.append(f"{name}={_read(f'{base}/{name}')}")
        except OSError as exc:
            items.append(f"{name}!{exc.errno}")
    return items


def _read(path: str) -> str:
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "surrogateescape")


def _status(text: str) -> dict[str, str]:
    fields = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        fields[name] = " ".join(value.split())
    return fields


def _labels() -> list[str]:
    """Each stacked LSM's own label file (attr/apparmor/current, say), as this kernel has."""
    try:
        names = sorted(os.listdir(f"{PROC}/self/attr"))
    except OSError:
        return []
    return [f"attr/{n}/current" for n in names if os.path.isdir(f"{PROC}/self/attr/{n}")]


# --- the peer of a Unix socket -----------------------------------------------------------------


def peer_ids(sock: _socket.socket) -> tuple[int, int] | None:
    """(pid, uid) of the process at the other end of a Unix socket: SO_PEERCRED (Linux), else
    LOCAL_PEERCRED (macOS, the BSDs: the pid is not told, 0); None where neither is offered."""
    try:
        if hasattr(_socket, "SO_PEERCRED"):
            creds = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, struct.calcsize("3i"))
            pid, uid, _ = struct.unpack("3i", creds)
            return int(pid), int(uid)
        if hasattr(_socket, "LOCAL_PEERCRED"):  # struct xucred: version, uid, ngroups, groups
            xucred = sock.getsockopt(0, _socket.LOCAL_PEERCRED, 256)
            version, uid = struct.unpack_from("Ii", xucred)
            return (0, int(uid)) if version == 0 else None
    except (OSError, struct.error):
        return None
    return None


def peer_pidfd(sock: _socket.socket, pid: int) -> int | None:
    """A pidfd of the peer ``pid`` (who connected), so that its /proc entries, once read, can be
    known to be its own and not those of a process that took its pid: SO_PEERPIDFD, taken by
    the kernel at connect(); before Linux 6.5, pidfd_open(2) of the pid, at once."""
    if pid <= 0:
        return None
    try:
        fd = sock.getsockopt(_socket.SOL_SOCKET, SO_PEERPIDFD)
    except OSError:
        fd = -1
    if fd >= 0:
        if _pidfd_pid(fd) == pid:
            return fd
        os.close(fd)
        return None
    try:
        return os.pidfd_open(pid)
    except (OSError, AttributeError):
        return None


def _pidfd_pid(fd: int) -> int | None:
    try:
        info = _read(f"{PROC}/self/fdinfo/{fd}")
    except OSError:
        return None
    for line in info.splitlines():
        if line.startswith("Pid:"):
            return int(line.split()[1])
    return None


def peer_context(pid: int, pidfd: int) -> list[str] | None:
    """The context of the peer ``pid`` held by ``pidfd``; None if it ended before it was read
    to the end (its pid may then be another process's)."""
    import select

    found = context(str(pid), peer=True)
    if found is None or select.select([pidfd], [], [], 0)[0]:
        return None  # a pidfd is readable once its process has exited
    return found


# --- the installation --------------------------------------------------------------------------


def installation() -> list[str] | None:
    """What a call here runs: the interpreter, its flags, the import path (the script's own
    directory aside) and euare's code; None when it cannot be told (relative import paths,
    euare not in a directory)."""
    flags = sys.flags
    start = 0 if getattr(flags, "safe_path", False) or flags.isolated else 1  # no script entry
    path = sys.path[start:]
    code = code_fingerprint()
    if code is None or not all(os.path.isabs(p) for p in path):
        return None
    return [
        sys.executable,
        sys.prefix,
        sys.version,
        PACKAGE,
        "flags=" + " ".join(str(getattr(flags, name, 0)) for name in FLAGS),
        *(f"path={p}" for p in path),
        *code,
    ]


def code_fingerprint() -> list[str] | None:
    """Each of euare's source files, with its size and modification time: any change (an
    upgrade, an edit) makes it differ. None when they cannot be listed."""
    found = []
    pending = [PACKAGE]
    try:
        while pending:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.name.endswith(".py"):
                        info = entry.stat(follow_symlinks=False)
                        found.append(f"{entry.path}={info.st_size}:{info.st_mtime_ns}")
                    elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
    except OSError:
        return None
    return sorted(found) or None


def interpreter_flags() -> list[str]:
    """Command-line flags that give a new interpreter this one's FLAGS (a worker is started
    with them, so that its installation is its starter's)."""
    flags = sys.flags
    if flags.isolated:
        chosen = ["-I"]
    else:
        named = (
            ("-E", flags.ignore_environment),
            ("-s", flags.no_user_site),
            ("-P", getattr(flags, "safe_path", False)),
        )
        chosen = [flag for flag, on in named if on]
    if flags.no_site:
        chosen.append("-S")
    return chosen + ["-O"] * flags.optimize


def digest(items: list[str]) -> str:
    """A short stable name for ``items`` (the same in every process, unlike hash())."""
    blob = "\0".join(items).encode("utf-8", "surrogateescape")
    return format(int.from_bytes(blob, "big") % DIGEST_MODULUS, "016x")
