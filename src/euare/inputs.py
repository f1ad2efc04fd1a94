"""Reading what the user hands euare: files named on the command line or in the environment,
and standard input given as ``-``.

Only regular files are read, never more than :data:`MAX_FILE_BYTES`, and a FIFO, socket or
device is refused before it can be waited on. Every way reading can fail is one LoaderError.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from euare.errors import EuareError

MAX_FILE_BYTES = 1024 * 1024  # the most euare reads of any file it is given


class LoaderError(EuareError):
    """A credential or configuration file that cannot be used."""


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, for the error line (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def refuse_kind(path: Path, what: str, mode: int) -> None:
    """Raise a LoaderError unless ``mode`` (from stat) is a regular file's."""
    kind = _kind(mode)
    if kind is not None:
        raise LoaderError(f"{what} {path} is {kind}, not a regular file")


def read_text(path: Path, what: str) -> str:
    """Read a small text file, turning every way it can fail into one LoaderError.

    Only a regular file is read. A pipe, socket or device is refused before it is opened (a FIFO
    with no writer would otherwise be waited on for ever), and, in case the name is swapped for
    one in between, the file is opened without blocking and checked again. At most
    :data:`MAX_FILE_BYTES` are read.
    """
    try:
        refuse_kind(path, what, path.stat().st_mode)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            refuse_kind(path, what, st.st_mode)
            if st.st_size > MAX_FILE_BYTES:
                raise LoaderError(f"{what} {path} is larger than {MAX_FILE_BYTES} bytes")
            data = handle.read(MAX_FILE_BYTES + 1)
    except LoaderError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise LoaderError(f"cannot read {what} {path}: {reason}") from None
    if len(data) > MAX_FILE_BYTES:
        raise LoaderError(f"{what} {path} is larger than {MAX_FILE_BYTES} bytes")
    if b"\x00" in data:
        raise LoaderError(f"{what} {path} is not a text file (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoaderError(f"{what} {path} is not UTF-8 text (byte {exc.start})") from None


def read_stream(stream: IO[str], what: str) -> str:
    """Standard input given as ``-``: read like a file, at most :data:`MAX_FILE_BYTES`
    characters, so that ``cat /dev/zero |`` is refused rather than read until memory runs out."""
    text = stream.read(MAX_FILE_BYTES + 1)
    if len(text) > MAX_FILE_BYTES:
        raise LoaderError(
            f"the {what} read from standard input is longer than {MAX_FILE_BYTES} characters"
        )
    if "\x00" in text:
        raise LoaderError(
            f"the {what} read from standard input is not text (it contains NUL bytes)"
        )
    return text
