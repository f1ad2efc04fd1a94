"""Writing files that hold secrets: private (0600) from the first byte, and atomic; replacing
one in place as the same file (link, owner, group, mode kept); and locking one against a second
writer."""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

Owner = tuple[int, int]  # (uid, gid)


def stage(path: Path, text: str | bytes, mode: int = 0o600, owner: Owner | None = None) -> Path:
    """Write ``text`` (bytes as they are) to a new temporary file beside ``path`` (0600 until
    done, then ``mode``, owned by ``owner`` if given), fsynced; return its name. The caller
    renames it into place, or removes it."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            now = os.fstat(handle.fileno())
            if owner is not None and owner != (now.st_uid, now.st_gid):
                os.fchown(handle.fileno(), *owner)  # before fchmod: a chown may clear mode bits
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return Path(temporary)


def sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_private(path: Path, text: str, owner: Owner | None = None) -> None:
    """Replace ``path`` with ``text``: temporary file in the same directory, 0600, fsync, rename.

    A reader sees the old content or the new, never a mixture, and never a moment of wider mode.
    ``path`` itself is replaced, even if it is a symbolic link (see :func:`rewrite`).
    """
    _place(path, text, 0o600, owner)


def create_private(path: Path, data: bytes, replace: bool = False) -> None:
    """Write ``data`` to ``path``, 0600 from the first byte and atomically (a reader sees no file
    or the whole of it). Unless ``replace``, an existing ``path`` (even a dangling symbolic link)
    is left as it is and FileExistsError raised: the new file is linked into place, which the
    kernel refuses when the name is taken, so a file made meanwhile is never overwritten."""
    if replace:
        _place(path, data, 0o600, None)
        return
    temporary = stage(path, data)
    try:
        os.link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    sync_directory(temporary.parent)


def _place(path: Path, text: str | bytes, mode: int, owner: Owner | None) -> None:
    temporary = stage(path, text, mode, owner)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_directory(temporary.parent)


def target_of(path: Path) -> Path:
    """The file ``path`` names once symbolic links are followed."""
    return Path(os.path.realpath(path))


def rewrite(path: Path, text: str) -> Path:
    """Replace the content of the file ``path`` names, atomically, keeping it the same file to
    its users: a symbolic link is followed and its target replaced (the link stays a link), and
    the new file has the old one's owner, group and permission bits (0600 if there was none).
    Written like :func:`write_private`; returns the target."""
    target = target_of(path)
    try:
        st = target.stat()
    except FileNotFoundError:
        _place(target, text, 0o600, None)
    else:
        _place(target, text, stat.S_IMODE(st.st_mode) & 0o777, (st.st_uid, st.st_gid))
    return target


def owner_of(path: Path) -> Owner:
    """The (uid, gid) of the file ``path`` names."""
    st = target_of(path).stat()
    return st.st_uid, st.st_gid


def cannot_keep_owner(path: Path) -> str | None:
    """Why :func:`rewrite` could not give a new ``path`` the old one's owner and group, or None.

    Only root can give a file away; anyone else can keep their own file in one of their groups.
    """
    st = target_of(path).stat()
    if os.geteuid() == 0:
        return None
    if st.st_uid != os.geteuid():
        return f"it belongs to uid {st.st_uid}, and only root can give a file away"
    if st.st_gid != os.getegid() and st.st_gid not in os.getgroups():
        return f"its group is gid {st.st_gid}, which this user is not a member of"
    return None


class Busy(Exception):
    """Another process holds the lock; ``holder`` is what it wrote about itself, if anything."""

    def __init__(self, lock: Path, holder: str) -> None:
        super().__init__(f"{lock} is held by {holder or 'another process'}")
        self.lock = lock
        self.holder = holder


def lock_path(path: Path) -> Path:
    """The lock file that guards ``path``: FILE.lock beside the file its links lead to."""
    target = target_of(path)
    return target.with_name(target.name + ".lock")


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
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if on_wait is not None:
                on_wait(_holder(lock))
                on_wait = None
            left = deadline - time.monotonic()
            if left <= 0:
                raise Busy(lock, _holder(lock)) from None
            time.sleep(min(0.1, left))
            continue
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, lock):
            break
        os.close(fd)
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
