"""Output options: every FILE a verb writes is an option of type :class:`OutputFile`
(``accountsnapshot -o``, ``mfacreate --seed-out`` and ``--qr-out``, ``usercreatecert --out``
and ``--keyout``, ``usercreate`` and ``useraddkey --iamrc-out``, and ``userrotatekey
--credential-file``, the file it rewrites), so that each is checked the same way before anything
is sent, and written by :mod:`euare.core.files`, the one place that decides how a path is written.

``-`` means the same for all of them: no file, refused with one line that says what prints to
standard output instead (leaving the option out, or ``--show-seed``, ``-w``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from euare.cli.paramtypes import Late, Param
from euare.core.errors import UsageError

# euare.core.files is imported when a file is written, not when verbs are declared
if TYPE_CHECKING:
    from euare.core.files import Output


class OutputFile(Late):
    """FILE of an output option. ``secret``: written 0600 (else ``mode``); a regular file there
    is replaced only with the verb's ``--force`` (``always``: every time, as ``-o`` does);
    ``instead`` says, when ``-`` is refused, how to have standard output. ``rewrite``: the file
    is read first and rewritten as it is (:func:`euare.core.files.rewrite`), so only ``-`` is
    refused here. ``directory_with``: given with that flag (accountsnapshot's ``--org``), the
    value names a directory (a Path), whose files the verb writes through the same writer."""

    name = "file"

    def __init__(
        self,
        *,
        secret: bool,
        instead: str,
        mode: int = 0o600,
        always: bool = False,
        rewrite: bool = False,
        directory_with: str | None = None,
    ) -> None:
        self.secret, self.instead = secret, instead
        self.mode = 0o600 if secret else mode
        self.always, self.rewrite = always, rewrite
        self.directory_with = directory_with

    def flag(self, ctx: click.Context) -> str:
        for param in ctx.command.params:
            if param.type is self and isinstance(param, click.Option):
                return max(param.opts, key=len)
        return "FILE"

    def resolve(self, value: str, ctx: click.Context, param: Param = None) -> Output | Path:
        from euare.core import files

        flag = self.flag(ctx)
        if value == "-":
            raise UsageError(f"{flag} -: standard output is not a file here; {self.instead}")
        path = Path(value) if Path(value) != Path("-") else Path(os.getcwd(), "-")  # ./-
        if self.rewrite:
            return path
        if self.directory_with is not None and ctx.params.get(self.directory_with):
            if path.exists() and not path.is_dir():
                raise UsageError(f"{flag} {value} is not a directory (with --org it names one)")
            return path
        replace = self.always or bool(ctx.params.get("force"))
        try:
            where = files.target(path, replace)
        except files.Exists as exc:
            raise UsageError(f"{flag} {value} {exc} (give --force to replace it)") from None
        except files.Refused as exc:
            raise UsageError(f"{flag} {value} {exc}") from None
        except OSError as exc:
            raise UsageError(f"{flag} {value}: {exc.strerror or exc}") from None
        return files.Output(flag, value, where, self.mode, replace)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="file")]
