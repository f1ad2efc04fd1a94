"""Running a verb as the program ``euare-VERB``: the click command made and invoked, any
failure turned into its one line on stderr and its exit status."""

from __future__ import annotations

import os
import sys

import click

from euare.call.context import Call
from euare.cli.options import help_width
from euare.cli.verb import command


def run(name: str, args: list[str] | None = None, call: Call | None = None) -> int:
    """Run verb ``name`` as the program ``euare-NAME``; return its exit status. Never raises.

    Without ``call``, the command is the process's: its own streams are used, made safe first
    (see :mod:`euare.core.streams`), and SIGTERM and SIGHUP stop it as Ctrl-C does (see
    :mod:`euare.core.interrupts`: 130, 143 or 129 after saying what was done and what was not). A
    reader of the output that goes away ends the command quietly with status 141, whenever it
    happens, including the last flush.
    """
    from euare.core import interrupts, streams

    prog = f"euare-{name}"
    if call is None:
        streams.prepare()
        interrupts.install()
        try:
            return run(name, args, Call(prog, os.environ, sys.stdin, sys.stdout, sys.stderr))
        finally:
            interrupts.release()
    args = list(args if args is not None else sys.argv[1:])
    typed = sys.argv[0] if sys.argv and os.path.basename(sys.argv[0]) == prog else prog
    call.argv = [typed, *args]
    try:
        try:
            status = _main(name, prog, args, call)
            call.stdout.flush()
            return status
        except BaseException as exc:
            if streams.broken_pipe(exc):
                raise
            return _failed(name, _report(prog, exc, call))
    except BaseException as exc:  # only a reader gone away, even while reporting, gets here
        if not streams.broken_pipe(exc):
            raise
        streams.silence(call.stdout, call.stderr)
        return streams.EXIT_BROKEN_PIPE


def _main(name: str, prog: str, args: list[str], call: Call) -> int:
    """Run the click command; its exit status.

    The command is made and invoked here rather than through click's ``main``, which would
    turn a reader that went away into a bare ``sys.exit(1)`` and swap the process's streams.
    Shell completion (``_EUARE_VERB_COMPLETE=bash_source euare-VERB``) is click's own.
    """
    cmd = command(name)
    instruction = call.env.get(complete_var(prog))
    if instruction:
        from click.shell_completion import shell_complete

        return shell_complete(cmd, {}, prog, complete_var(prog), instruction)
    try:
        with cmd.make_context(prog, args, obj=call, terminal_width=help_width(call.env)) as ctx:
            status = cmd.invoke(ctx)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return status if isinstance(status, int) else 0


def complete_var(prog: str) -> str:
    """The variable that asks ``prog`` for shell completion, named as click names it."""
    return "_" + prog.replace("-", "_").replace(".", "_").upper() + "_COMPLETE"


def _failed(name: str, status: int) -> int:
    """The exit status of a failure of verb ``name``: the verb's own (VerbSpec.failure) in place
    of 1, whatever failed, its output included (a diff whose 1 means "they differ" says 2)."""
    from euare.cli.spec import SPECS

    spec = SPECS.get(name)
    return spec.failure if spec is not None and status == 1 else status


def _report(prog: str, exc: BaseException, call: Call) -> int:
    """Turn any failure into its one line on stderr and its exit status."""
    if isinstance(exc, click.UsageError):
        usage = exc.ctx.get_usage() if exc.ctx else f"Usage: {prog} [OPTIONS]"
        from euare.core.errors import stderr_line

        line = stderr_line(prog, f"error: {exc.format_message()}")
        call.stderr.write(f"{usage}\n{line}\n")
        call.stderr.flush()
        return exc.exit_code
    if isinstance(exc, click.Abort):  # click's prompt, stopped (or at the end of its input)
        exc = KeyboardInterrupt()
    from euare.core.errors import report  # the one place every other failure becomes one line

    return report(prog, exc, call.stderr, debug=call.debug)
