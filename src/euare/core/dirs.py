"""The user's private directories: the cache (parsed service models) and the worker's runtime
directory (its sockets and their locks). Standard library only: the worker's front imports this."""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False  # typing itself costs the worker's front milliseconds to import
if TYPE_CHECKING:
    from collections.abc import Mapping


def cache_dir(env: Mapping[str, str]) -> str:
    """Where euare keeps its caches: ``$XDG_CACHE_HOME/euare``, else ``~/.cache/euare``."""
    home = env.get("HOME") or os.path.expanduser("~")
    return os.path.join(env.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "euare")


def runtime_dir(env: Mapping[str, str]) -> str:
    """The worker's directory: ``$XDG_RUNTIME_DIR/euare``, else ``worker`` in the cache.
    (Paths are strings here: pathlib would cost the worker's front a few milliseconds.)"""
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "euare")
    return os.path.join(cache_dir(env), "worker")


def owned(info: os.stat_result, private: bool = False) -> bool:
    """Whether ``info`` is of something the user owns that no one else can write to (with
    ``private``: that no one else can use at all)."""
    others = 0o077 if private else stat.S_IWGRP | stat.S_IWOTH
    return info.st_uid == os.geteuid() and not info.st_mode & others


def safe_dir(directory: str, private: bool = False) -> bool:
    """Whether ``directory`` is a real directory (not a link), the user's own, and writable by
    no one else (with ``private``: mode 0700 or narrower)."""
    try:
        info = os.stat(directory, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and owned(info, private)


def make_private_dir(directory: str) -> bool:
    """Create ``directory`` if missing, and each missing directory above it, all mode 0700;
    whether it is then safe and private."""
    missing = []
    here = os.path.abspath(directory)
    while not os.path.lexists(here):
        missing.append(here)
        here = os.path.dirname(here)
    try:
        for path in reversed(missing):
            os.mkdir(path, 0o700)
    except FileExistsError:
        pass  # made meanwhile by another process: judged below like any other
    except OSError:
        return False
    return safe_dir(directory, private=True)


MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes; a longer path goes through /proc/self/fd


def socket_address(directory: str, name: str) -> tuple[str, int | None]:
    """An address for the Unix socket ``name`` in ``directory`` that fits in sun_path: the
    path itself, or, when it is too long, the directory opened and named through
    /proc/self/fd/N (with the descriptor, which the caller closes once bound or connected)."""
    path = os.path.join(directory, name)
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
        return path, None
    fd = os.open(directory, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    return f"/proc/self/fd/{fd}/{name}", fd


def take_lock(path: str) -> int | None:
    """The lock file ``path``, held (a descriptor), or None when another process holds it. A
    lock file removed by its holder (a worker leaving) while this one was taking it is no
    longer the lock: the new one is taken."""
    import fcntl

    for _ in range(10):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        if same_file(fd, path):
            return fd
        os.close(fd)
    return None


def same_file(fd: int, path: str) -> bool:
    try:
        held, named = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)
