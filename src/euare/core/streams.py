"""The process's standard streams, made safe for a command-line tool.

Three things can go wrong with them that are no fault of the command: the reader of a pipe
goes away (``euare-userlistbypath | head -1``), the locale cannot encode a character of the
output (``LANG=C``, ``PYTHONIOENCODING=ascii``), or a stream is closed altogether (``>&-``).
None of them may cost a traceback or a stray line on stderr.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from typing import IO

# What a shell reports for a command killed by SIGPIPE (128 + 13); euare exits with it quietly
# when the reader of its output has gone.
EXIT_BROKEN_PIPE = 141


def prepare() -> None:
    """Make the standard streams of this process safe to use, before a command runs.

    Output that the locale cannot encode is written with backslash escapes (``\\xe9``) instead
    of failing, and a closed stream is replaced by the null device, so that writing to it
    neither fails nor reaches a file descriptor some socket has taken since.
    """
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
        elif mode == "w" and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def broken_pipe(exc: BaseException) -> bool:
    """True when ``exc`` means the reader of our output has gone (EPIPE on a write).

    A network failure never qualifies: botocore wraps those in its own exception types.
    """
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE


def silence(*streams: IO[str]) -> None:
    """Point ``streams`` at the null device, so that what is still buffered for a reader that
    has gone fails no more, not even when the interpreter flushes it at exit. Streams without
    a file descriptor of their own (a test's StringIO) are left alone."""
    for stream in streams:
        try:
            fd = stream.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
        except (OSError, ValueError, AttributeError):
            continue
        try:
            os.dup2(devnull, fd)
        except OSError:
            pass
        finally:
            os.close(devnull)
