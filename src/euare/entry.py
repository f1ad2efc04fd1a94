"""Console-script targets. ``euare.entry:usercreate`` is built on first use (PEP 562), so that a
call imports click and its own family module only, and boto3 only once a request is made."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any


def __getattr__(name: str) -> Callable[[], int]:
    from euare.verbs import VERBS

    if name not in VERBS:
        raise AttributeError(name)

    def main() -> int:
        from euare.cli import run

        return run(name)

    return main


def euare() -> int:
    """The front door: ``euare VERB ARGS...`` is ``euare-VERB ARGS...``; ``euare`` lists verbs.

    ``_EUARE_COMPLETE=bash_source euare`` prints a completion script that completes verb names,
    then each verb's own options."""
    from euare import streams

    streams.prepare()
    try:
        return _front_door(sys.argv[1:])
    except OSError as exc:
        if not streams.broken_pipe(exc):
            raise
        streams.silence(sys.stdout, sys.stderr)
        return streams.EXIT_BROKEN_PIPE


def _front_door(args: list[str]) -> int:
    from euare.cli import complete_var, run
    from euare.verbs import VERBS

    instruction = os.environ.get(complete_var("euare"))
    if instruction:
        return _complete(instruction)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write("usage: euare VERB [ARGS...]   (the same as euare-VERB [ARGS...])\n\n")
        sys.stdout.write("verbs:\n" + "".join(f"  {verb}\n" for verb in sorted(VERBS)))
        sys.stdout.flush()
        return 0
    if args[0] not in VERBS:
        sys.stderr.write(f"euare: error: no such verb: {args[0]} (run 'euare' for the list)\n")
        return 2
    return run(args[0], args[1:])


def _complete(instruction: str) -> int:
    """click's shell completion for ``euare VERB ...``: a group of every verb, made only here."""
    import click
    from click.shell_completion import shell_complete

    from euare.cli import complete_var
    from euare.verbs import VERBS, command

    class Verbs(click.Group):
        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted(VERBS)

        def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
            return command(name) if name in VERBS else None

    group = Verbs("euare", help="The euare-* verbs as euare VERB.")
    context: dict[str, Any] = {}
    return shell_complete(group, context, "euare", complete_var("euare"), instruction)
