"""Parameters that name a file a verb reads: the type of one the verb reads itself
(:class:`InputFile`), and :func:`file_reader`, which finds every reading parameter (these, and
the documents, certificates and keys :class:`euare.cli.paramtypes.Given` reads), so that a test can
hold each to :mod:`euare.core.inputs`' refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from euare.cli.paramtypes import FILE, Given

if TYPE_CHECKING:
    _ParamType = click.ParamType[Any, Any]  # generic in click's newest stubs only
else:
    _ParamType = click.ParamType


class InputFile(_ParamType):
    """A file the verb reads itself, through :mod:`euare.core.inputs` (a snapshot, a policy document
    to lint, a credential file to rotate: ``what``; ``stdin``: ``-`` is standard input). The
    value is the name as given (a Path with ``path``): nothing is read, nor even looked at,
    while the command line is parsed, so every refusal is the reader's one line.
    :func:`file_reader` finds every such parameter."""

    name = "file"

    def __init__(self, what: str, *, stdin: bool = True, path: bool = False) -> None:
        self.what, self.stdin, self.path = what, stdin, path

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pathlib import Path

        return Path(value) if self.path else str(value)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="file")]


def file_reader(param_type: Any) -> bool:
    """Whether a parameter of this type names a file that is read: every one goes through
    :mod:`euare.core.inputs` (and the test of every reader finds them all by this). An output file
    that is rewritten (``rewrite``: a credential file rotated) is read first."""
    return (
        isinstance(param_type, InputFile)
        or (isinstance(param_type, Given) and param_type.source == FILE)
        or getattr(param_type, "rewrite", False) is True
    )
