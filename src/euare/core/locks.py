"""Locking a file against a second writer: an flock on a lock file that says who holds it."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from euare.core.retry import poll


class Busy(Exception):
    """Another process holds the lock; ``holder`` is what it wrote about itself, if anything."""

    def __init__(self, lock: Path, holder: str) -> None:
        super().__init__(f"{lock} is held by {holder or 'another process'}")
        self.lock = lock
        self.holder = holder


@contextlib.contextmanager
def locked(
    lock: Path, wait: float, holder: str, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold an exclusive flock on ``lock`` (created 0600), waiting up to ``wait`` seconds.

    ``holder`` (say, "pid 42 on host since ...") is written into the file for whoever waits; a
    waiter that gives up raises :class:`Busy` with it. The kernel drops the lock when its
    holder dies, so a killed run never blocks the next. The file is removed on release; a
    waiter that got the lock on a file removed meanwhile tries again on the new one.
    ``on_wait(holder)`` is called once, if the lock is busy at first.
    """
    told = on_wait is None

    def take() -> int | None:
        """The lock's file descriptor, locked; None when another process holds it."""
        nonlocal told
        while True:  # a file removed once we had it locked: at once, on the new one
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if not told and on_wait is not None:
                    on_wait(_holder(lock))
                    told = True
                return None
            except BaseException:
                os.close(fd)
                raise
            if _same_file(fd, lock):
                return fd
            os.close(fd)

    taken = poll(take, done=lambda fd: fd is not None, budget=wait, first=0.1, most=0.1)
    if taken is None:
        raise Busy(lock, _holder(lock))
    fd = taken
    try:
        os.ftruncate(fd, 0)
        os.write(fd, holder.encode("utf-8", "replace") + b"\n")
        yield
    finally:
        with contextlib.suppress(OSError):
            if _same_file(fd, lock):
                os.unlink(lock)
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _holder(lock: Path) -> str:
    """The holder's own line from the lock file, cut to printable text."""
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            data = os.read(fd, 300)
        finally:
            os.close(fd)
    except OSError:
        return ""
    line = data.decode("utf-8", "replace").split("\n")[0]
    return "".join(c for c in line if c.isprintable()).strip()[:200]
