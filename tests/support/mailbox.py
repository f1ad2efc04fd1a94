"""A fake ``mail`` for the cron examples' tests: put in a job's PATH, it appends each mail it is
given to ``$MAIL_LOG`` (a line ``ARGS: [arg] [arg]...``, the body read on standard input, then
``END``); :func:`mails` reads them back."""

from __future__ import annotations

from pathlib import Path

FAKE_MAIL = """#!/bin/sh
{ printf 'ARGS:'; printf ' [%s]' "$@"; printf '\\n'; cat; printf 'END\\n'; } >>"$MAIL_LOG"
"""


def install(bin_dir: Path) -> None:
    """The fake ``mail`` in ``bin_dir`` (made), executable."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    fake = bin_dir / "mail"
    fake.write_text(FAKE_MAIL)
    fake.chmod(0o755)


def mails(log: Path) -> list[tuple[str, str]]:
    """Each mail sent so far: its arguments line and its body."""
    if not log.exists():
        return []
    found = []
    for mail in log.read_text().split("END\n")[:-1]:
        args, _, body = mail.partition("\n")
        found.append((args, body))
    return found
