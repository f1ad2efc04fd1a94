"""Writing files that hold secrets: private (0600) from the first byte, and atomic."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def stage(path: Path, text: str, mode: int = 0o600) -> Path:
    """Write ``text`` to a new temporary file beside ``path`` (0600 until done, then ``mode``),
    fsynced; return its name. The caller renames it into place, or removes it."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)
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


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``: temporary file in the same directory, 0600, fsync, rename.

    A reader sees the old content or the new, never a mixture, and never a moment of wider mode.
    """
    temporary = stage(path, text)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_directory(temporary.parent)
