"""Writing files: the one place that decides how a path euare writes is written (every output
option, the credential file a rotation rewrites, the sandbox's files), docs/output.md's "Files
euare writes" says it for the user:

* ``-`` is no file name here (:class:`Dash`); the output options refuse it alike.
* A regular file, or a name where nothing is, is written atomically: a temporary file beside
  it, 0600 from its first byte (then its final mode), fsynced, renamed into place. Without
  ``replace`` nothing that is there (not even a dangling link) is replaced (:class:`Exists`).
* A symbolic link is followed, and its target written so: the link stays a link. (Not one of
  another user's in a sticky, world-writable directory such as /tmp, as the kernel's
  protected_symlinks rule would not follow it either.)
* A character device or a FIFO is written through, never replaced: opened for writing without
  creating or truncating, and without waiting (a FIFO that no one reads is refused). A name for
  one of this process's own descriptors (/dev/stdout, /dev/fd/N) is written to that descriptor,
  whatever it is, as a shell redirection would be.
* A directory, socket or block device is refused, in one line (:class:`Refused`).

Temporary files are named ``.NAME.euare-XXXXXXXX.tmp`` and flocked by their writer until the
rename; a write first removes those of this user's in its directory that are older than
:data:`STALE_AFTER` and held by no one (left by a run killed with -9).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from euare.core import process
from euare.core.locks import Busy as Busy
from euare.core.locks import locked as locked
from euare.core.tempfiles import STALE_AFTER as STALE_AFTER
from euare.core.tempfiles import Owner, write_all
from euare.core.tempfiles import remove_stale as remove_stale
from euare.core.tempfiles import stage as stage
from euare.core.tempfiles import sync_directory as sync_directory


class Refused(OSError):
    """A path euare does not write: ``strerror`` says why, in words that follow the path."""

    def __init__(self, why: str) -> None:
        super().__init__(errno.EINVAL, why)

    def __str__(self) -> str:
        return str(self.strerror)


class Exists(Refused):
    """Something is there already (a file, a link), and replacing it was not asked for."""


class Dash(Refused):
    """``-`` given as a file to write: standard output is no file (the options say instead)."""


# --- deciding ------------------------------------------------------------------------------------


@dataclass
class Target:
    """Where a path is written, as :func:`target` decided: ``file``, the regular file (links
    followed) to replace atomically; or ``fd``, a device, FIFO or descriptor to write through
    (closed after, if ``own``)."""

    given: Path
    file: Path | None = None
    fd: int | None = None
    own: bool = True

    def close(self) -> None:
        if self.fd is not None and self.own:
            with contextlib.suppress(OSError):
                os.close(self.fd)
        self.fd = None


def target(path: Path, replace: bool, through: bool = True) -> Target:
    """Decide how ``path`` is written (module docstring), or raise :class:`Refused`. A device or
    FIFO is opened here, so a reader that is there now is the one written to; ``through``
    False refuses them (a file that must stay a regular one)."""
    if str(path) == "-":
        raise Dash("is standard output, not a file")
    number = _descriptor(path)
    if number is not None:
        if not through:
            raise Refused("is a descriptor, not a regular file")
        return Target(path, fd=_own_descriptor(number), own=False)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return _new(path, replace)
    except OSError as exc:
        raise Refused(exc.strerror or "cannot be reached") from None
    if stat.S_ISREG(st.st_mode):
        if not replace:
            raise Exists("exists")
        _check_link(path)
        real = Path(os.path.realpath(path))
        try:
            named = os.lstat(real)
        except OSError:
            named = None
        if named is None or (named.st_dev, named.st_ino) != (st.st_dev, st.st_ino):
            raise Refused("leads to no file that can be replaced")  # a deleted file's /proc link
        _check_directory(real.parent)
        return Target(path, file=real)
    kind = _kind(st.st_mode)
    if kind in ("a character device", "a FIFO") and through:
        return Target(path, fd=_open_through(path, kind))
    raise Refused(f"is {kind}" if through else f"is {kind}, not a regular file")


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _new(path: Path, replace: bool) -> Target:
    """A name where no file is: itself, or a dangling link's target."""
    real = path
    if os.path.islink(path):
        if not replace:
            raise Exists("exists (a symbolic link to nothing)")
        _check_link(path)
        real = Path(os.path.realpath(path))
    _check_directory(real.parent)
    return Target(path, file=real)


def _check_directory(directory: Path) -> None:
    if not directory.is_dir():
        raise Refused(f"cannot be made: no directory {directory}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise Refused(f"cannot be made: cannot create files in {directory}")


def _check_link(path: Path) -> None:
    """Refuse to follow another user's link in a sticky, world-writable directory."""
    try:
        link = os.lstat(path)
        if not stat.S_ISLNK(link.st_mode):
            return
        parent = os.stat(path.parent)
    except OSError:
        return
    shared = parent.st_mode & stat.S_ISVTX and parent.st_mode & stat.S_IWOTH
    if shared and link.st_uid not in (os.geteuid(), parent.st_uid):
        raise Refused(
            "is another user's symbolic link in a shared directory: not followed (name its target)"
        )


def _descriptor(path: Path) -> int | None:
    """The number N of this process's descriptor that ``path`` names through /proc/self/fd/N
    (as /dev/stdout and /dev/fd/N do), or None."""
    here = os.path.abspath(path)
    mine = re.compile(rf"/proc/(self|{os.getpid()})(/task/\d+)?/fd")
    for _ in range(40):
        head, name = os.path.split(here)
        real_head = os.path.realpath(head)
        if name.isdigit() and mine.fullmatch(real_head):
            return int(name)
        if not os.path.islink(here):
            return None
        here = os.path.join(real_head, os.readlink(here))
    return None


def _own_descriptor(number: int) -> int:
    if process.IN_WORKER and number > 2:
        raise Refused(
            "is a descriptor of the calling shell's that the warm worker does not have "
            "(run it with EUARE_WORKER=0)"
        )
    try:
        flags = fcntl.fcntl(number, fcntl.F_GETFL)
    except OSError:
        raise Refused("is a descriptor that is not open") from None
    if flags & os.O_ACCMODE == os.O_RDONLY:
        raise Refused("is a descriptor open for reading only")
    return number


def _open_through(path: Path, kind: str) -> int:
    """A device or FIFO opened for writing, never waiting: a FIFO no one reads is refused."""
    flags = os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO and kind == "a FIFO":
            raise Refused("is a FIFO that no one is reading") from None
        raise Refused(f"is {kind} that cannot be written ({exc.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        os.close(fd)
        raise Refused("was replaced while it was opened")
    os.set_blocking(fd, True)
    return fd


# --- writing -------------------------------------------------------------------------------------


class Staged:
    """A write prepared now and put in place later (after an upload, say): a regular file's new
    content waits in full in its temporary; a device's is written at :meth:`place`."""

    def __init__(
        self, where: Target, text: str | bytes, mode: int = 0o600, owner: Owner | None = None
    ) -> None:
        self.target = where
        self.data = text.encode("utf-8") if isinstance(text, str) else text
        self.temporary = None if where.file is None else stage(where.file, self.data, mode, owner)
        self.placed = False

    def place(self, replace: bool) -> Path:
        """Rename into place (not ``replace``: only where nothing is, not even a link), or
        write through; the file written."""
        where = self.target
        if where.fd is not None:
            try:
                write_all(where.fd, self.data)
            finally:
                where.close()
            return where.given
        assert where.file is not None and self.temporary is not None
        if replace:
            try:
                now = os.lstat(where.file).st_mode
            except FileNotFoundError:
                now = stat.S_IFREG
            if not stat.S_ISREG(now):  # swapped in since target() looked
                raise Refused(f"is {_kind(now)} now")
            os.replace(self.temporary.path, where.file)
        else:
            os.link(self.temporary.path, where.file)  # refused by the kernel if the name is taken
            with contextlib.suppress(OSError):
                os.unlink(self.temporary.path)
        self.placed = True
        self.temporary.release()
        self.temporary = None
        sync_directory(where.file.parent)
        return where.file

    def discard(self) -> None:
        """Drop what is not placed (the temporary, a device left open)."""
        if self.temporary is not None:
            self.temporary.remove()
            self.temporary = None
        self.target.close()

    def undo(self) -> None:
        """Remove the file placed, as well as the temporary: no file is left at all."""
        if self.placed and self.target.file is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.target.file)
        self.placed = False
        self.discard()


def write_output(
    path: Path | Target,
    text: str | bytes,
    *,
    replace: bool,
    mode: int = 0o600,
    owner: Owner | None = None,
) -> Path:
    """Write ``text`` to ``path`` by the rules above (``replace``: a regular file there may be
    replaced); the file written. Raises :class:`Refused` (an OSError) or any OSError."""
    where = path if isinstance(path, Target) else target(path, replace)
    staged = Staged(where, text, mode, owner)
    try:
        return staged.place(replace)
    finally:
        staged.discard()


def write_private(path: Path, text: str, owner: Owner | None = None) -> None:
    """Write ``text`` to ``path``, 0600 and atomically, replacing a regular file there (a link
    is followed; a device written through)."""
    write_output(path, text, replace=True, owner=owner)


def target_of(path: Path) -> Path:
    """The file ``path`` names once symbolic links are followed."""
    return Path(os.path.realpath(path))


def rewrite(path: Path, text: str) -> Path:
    """Replace the content of the file ``path`` names, atomically, keeping it the same file to
    its users: a symbolic link is followed and its target replaced (the link stays a link), and
    the new file has the old one's owner, group and permission bits (0600 if there was none).
    Only a regular file (or a new one) is written; returns it."""
    where = target(path, replace=True, through=False)
    assert where.file is not None
    try:
        st = os.stat(where.file)
    except FileNotFoundError:
        return write_output(where, text, replace=True)
    return write_output(
        where,
        text,
        replace=True,
        mode=stat.S_IMODE(st.st_mode) & 0o777,
        owner=(st.st_uid, st.st_gid),
    )


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


def lock_path(path: Path) -> Path:
    """The lock file that guards ``path``: FILE.lock beside the file its links lead to."""
    real = target_of(path)
    return real.with_name(real.name + ".lock")


@dataclass
class Output:
    """An output option's FILE (euare.cli.outputs), checked and decided (:func:`target`)."""

    flag: str
    given: str
    target: Target
    mode: int
    replace: bool

    def __str__(self) -> str:
        return self.given

    def write(self, text: str | bytes) -> None:
        """Write it now (raises OSError, :class:`euare.core.files.Refused` among them)."""
        write_output(self.target, text, replace=self.replace, mode=self.mode)

    def stage(self, text: str | bytes) -> Staged:
        """Prepare it now, to :meth:`~euare.core.Staged.place` later."""

        return Staged(self.target, text, self.mode)

    def same_file(self, other: Output) -> bool:
        """Whether both name one regular file (which the second write would replace)."""
        return self.target.file is not None and self.target.file == other.target.file
