"""Temporary files, as :mod:`euare.core.files` writes every file through one: named
``.NAME.euare-XXXXXXXX.tmp`` beside the final name, 0600 from the first byte, fsynced, and
flocked by their writer until renamed; and the clean-up of those a killed run left."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import stat
import time
from dataclasses import dataclass
from pathlib import Path

Owner = tuple[int, int]  # (uid, gid)

TEMP_MARK = ".euare-"  # in every temporary file's name: ".NAME.euare-XXXXXXXX.tmp"
_TEMPORARY = re.compile(r"\A\..+\.euare-[a-z0-9_]{8}\.tmp\Z", re.S)
STALE_AFTER = 300  # seconds after which a temporary that no run holds is a killed run's


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd``, however little each write takes."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:  # a descriptor someone else made non-blocking
            select.select([], [fd], [])


@dataclass
class Temporary:
    """A temporary file beside its final name, open and flocked until :meth:`release`."""

    path: Path
    fd: int

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        self.release()


def stage(
    path: Path, text: str | bytes, mode: int = 0o600, owner: Owner | None = None
) -> Temporary:
    """Write ``text`` (bytes as they are) to a new temporary file beside ``path`` (0600 until
    done, then ``mode``, owned by ``owner`` if given), fsynced and flocked. The caller renames
    it into place, or removes it. Stale temporaries of euare's there are removed first."""
    import tempfile

    directory = path.parent
    remove_stale(directory)
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name[:100]}{TEMP_MARK}", suffix=".tmp", dir=directory
    )
    temporary = Temporary(Path(name), fd)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        write_all(fd, data)
        now = os.fstat(fd)
        if owner is not None and owner != (now.st_uid, now.st_gid):
            os.fchown(fd, *owner)  # before fchmod: a chown may clear mode bits
        os.fchmod(fd, mode)
        os.fsync(fd)
    except BaseException:
        temporary.remove()
        raise
    return temporary


def remove_stale(directory: Path, age: float = STALE_AFTER) -> list[str]:
    """Remove the temporaries of euare's in ``directory`` that a killed run left: this user's,
    older than ``age`` seconds, and flocked by no one (a live writer holds its lock until its
    rename, so another run's file is never taken from it). The names removed."""
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(directory) if _TEMPORARY.match(n)]
    except OSError:
        return removed
    for name in names:
        path = directory / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            old = time.time() - st.st_mtime > age
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and old:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                named = os.lstat(path)
                if (named.st_dev, named.st_ino) == (st.st_dev, st.st_ino):
                    os.unlink(path)
                    removed.append(name)
        except OSError:
            pass  # held by a live run, or gone meanwhile
        finally:
            os.close(fd)
    return removed


def sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
