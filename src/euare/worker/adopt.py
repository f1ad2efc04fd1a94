"""How a warm worker's child (worker.py) becomes the caller's process: standard streams on the
caller's descriptors, with the encoding, error handling and buffering a fresh Python would give
them in the caller's environment, and hidden prompts on the caller's terminal."""

from __future__ import annotations

import os
import sys
from typing import Any


def adopt_streams(env: dict[str, str]) -> None:
    """Standard streams for the adopted file descriptors, with the encoding, error handling and
    buffering a fresh Python would give them in the caller's environment."""
    import io

    encoding, errors = stdio_encoding(env)
    unbuffered = bool(env.get("PYTHONUNBUFFERED"))
    stdin = open(0, "rb", closefd=False)  # noqa: SIM115 (it becomes sys.stdin)
    sys.stdin = io.TextIOWrapper(stdin, encoding=encoding, errors=errors)
    for fd, name, handler in ((1, "stdout", errors), (2, "stderr", "backslashreplace")):
        raw = open(fd, "wb", buffering=0 if unbuffered else -1, closefd=False)  # noqa: SIM115
        stream = io.TextIOWrapper(
            raw,
            encoding=encoding,
            errors=handler,
            line_buffering=name == "stderr" or os.isatty(fd),
            write_through=unbuffered,
        )
        setattr(sys, name, stream)


def stdio_encoding(env: dict[str, str]) -> tuple[str, str]:
    """(encoding, errors) of stdin and stdout, as Python decides them at start-up."""
    import locale

    forced = env.get("PYTHONIOENCODING", "")
    name, _, errors = forced.partition(":")
    if env.get("PYTHONUTF8") == "1":
        return name or "utf-8", errors or "surrogateescape"
    try:
        chosen = locale.setlocale(locale.LC_CTYPE, "")
    except locale.Error:
        chosen = "C"
    if chosen in ("C", "POSIX") and env.get("PYTHONUTF8") != "0":  # PEP 538/540: UTF-8
        return name or "utf-8", errors or "surrogateescape"
    # The locale's own codeset, not getpreferredencoding(): a worker that was itself started in
    # a C locale runs in UTF-8 mode, where that answers UTF-8 whatever the caller's locale is.
    return name or locale.nl_langinfo(locale.CODESET) or "ascii", errors or "strict"


def prompt_on(tty: int) -> None:
    """Make hidden prompts (getpass, as click's password prompts use) read the caller's
    terminal, which this process, in the worker's session, cannot open as /dev/tty."""
    import getpass
    import termios

    def ask(prompt: str = "Password: ", stream: Any = None) -> str:
        old = termios.tcgetattr(tty)
        quiet = list(old)
        quiet[3] &= ~termios.ECHO
        try:  # echo off before the prompt, as getpass does: nothing typed after it shows
            termios.tcsetattr(tty, termios.TCSAFLUSH, quiet)
            os.write(tty, prompt.encode(sys.stdin.encoding, "replace"))
            with open(tty, encoding=sys.stdin.encoding, closefd=False) as terminal:
                line = terminal.readline()
        finally:
            termios.tcsetattr(tty, termios.TCSAFLUSH, old)
            os.write(tty, b"\n")
        if not line:
            raise EOFError
        return line.rstrip("\n")

    getpass.getpass = ask
