"""Reading what the user hands euare: files named on the command line or in the environment,
and standard input given as ``-``. Every file any verb reads is read here.

Only regular files are read, never more than the limit of what they hold (below), and a FIFO,
socket, device or directory is refused before it can be waited on. Standard input is read no
further than a file would be. Every way reading can fail is one LoaderError, one line naming
the file and what it was to be.

The limits, by what a file holds (docs/configuration.md, "Files euare reads"):

* :data:`MAX_FILE_BYTES`, 1 MiB: policy documents, certificates, keys, credential files,
  eucarc: far above what IAM takes (a policy document is at most 131,072 characters);
* :data:`MAX_LARGE_BYTES`, 16 MiB: what IAM itself takes more than 1 MiB of (SAML metadata, up
  to 10,000,000 characters; a certificate chain, 2,097,152) and files of other programs euare
  reads too (the AWS config and credential files, a CA bundle);
* :data:`MAX_SNAPSHOT_BYTES`, 512 MiB: an account snapshot (docs/snapshot.md says why).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, NoReturn, TypeVar

from euare.core.errors import EuareError

MAX_FILE_BYTES = 1024 * 1024  # the most euare reads of a document, key or credential file
MAX_LARGE_BYTES = 16 * 1024 * 1024  # SAML metadata, certificate chains, AWS config files
MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024  # a snapshot at IAM's default quotas: 390 MiB at most
_CHUNK = 1024 * 1024  # read at a time, so that NUL bytes are found before the whole is read

S = TypeVar("S", str, bytes)


class LoaderError(EuareError):
    """A file (or standard input) that cannot be used."""


def size(limit: int) -> str:
    """A limit as the error line says it: ``1 MiB (1048576 bytes)``."""
    mib, rest = divmod(limit, 1024 * 1024)
    return f"{mib} MiB ({limit} bytes)" if mib and not rest else f"{limit} bytes"


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


def _bounded(read: Callable[[int], S], limit: int, nul: S, refuse: Callable[[str], NoReturn]) -> S:
    """Up to ``limit`` + 1 units from ``read``, a chunk at a time; ``refuse`` is called (and
    raises) as soon as a chunk holds ``nul`` or the limit is passed."""
    chunks: list[S] = []
    total = 0
    while total <= limit:
        chunk = read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        if nul in chunk:
            refuse("nul")
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        refuse("size")
    return nul[:0].join(chunks)


def read_text(path: Path, what: str, limit: int = MAX_FILE_BYTES) -> str:
    """Read a text file, turning every way it can fail into one LoaderError.

    Only a regular file is read. A pipe, socket or device is refused before it is opened (a FIFO
    with no writer would otherwise be waited on for ever), and, in case the name is swapped for
    one in between, the file is opened without blocking and checked again. At most ``limit``
    bytes are read, and a file that says it is larger is refused unread.
    """

    def refuse(why: str) -> NoReturn:
        if why == "nul":
            raise LoaderError(f"{what} {path} is not a text file (it contains NUL bytes)")
        raise LoaderError(f"{what} {path} is larger than {size(limit)}")

    try:
        refuse_kind(path, what, path.stat().st_mode)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            refuse_kind(path, what, st.st_mode)
            if st.st_size > limit:
                refuse("size")
            data = _bounded(handle.read, limit, b"\x00", refuse)
    except LoaderError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise LoaderError(f"cannot read {what} {path}: {reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoaderError(f"{what} {path} is not UTF-8 text (byte {exc.start})") from None


def read_stream(stream: IO[str], what: str, limit: int = MAX_FILE_BYTES) -> str:
    """Standard input given as ``-``: read like a file, at most ``limit`` characters, so that
    ``cat /dev/zero |`` is refused (at its first NUL) rather than read until memory runs out."""

    def refuse(why: str) -> NoReturn:
        if why == "nul":
            raise LoaderError(
                f"the {what} read from standard input is not text (it contains NUL bytes)"
            )
        raise LoaderError(f"the {what} read from standard input is longer than {limit} characters")

    try:
        return _bounded(stream.read, limit, "\x00", refuse)
    except UnicodeDecodeError:
        raise LoaderError(f"the {what} read from standard input is not UTF-8 text") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise LoaderError(f"cannot read the {what} from standard input: {reason}") from None


def read_named(
    name: str, what: str, stdin: IO[str] | None, limit: int = MAX_FILE_BYTES
) -> tuple[str, str]:
    """The text of file ``name`` (``-``: ``stdin``, unless that is None), and where it came
    from, for messages: ``policy document p.json`` or ``the policy document read from
    standard input``."""
    if name == "-" and stdin is not None:
        return read_stream(stdin, what, limit), f"the {what} read from standard input"
    return read_text(Path(name), what, limit), f"{what} {name}"


def check_file(
    path: Path, what: str, limit: int, *, missing_ok: bool = True, directory_ok: bool = False
) -> None:
    """Refuse, as :func:`read_text` would, a file that another library is about to read
    (botocore, the TLS library): not a regular file (a directory, if ``directory_ok``), or
    larger than ``limit``. A file that does not exist is left to that library when
    ``missing_ok``."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        if missing_ok:
            return
        raise LoaderError(f"cannot read {what} {path}: {exc.strerror}") from None
    except OSError as exc:
        raise LoaderError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if directory_ok and stat.S_ISDIR(st.st_mode):
        return
    refuse_kind(path, what, st.st_mode)
    if st.st_size > limit:
        raise LoaderError(f"{what} {path} is larger than {size(limit)}")
