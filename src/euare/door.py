"""``euare`` itself, as a click group: ``euare VERB ARGS...`` (run exactly as ``euare-VERB``,
see euare.entry), ``euare --help`` (the verbs by family, with their summaries), ``euare
--version``, ``euare help VERB``, ``euare worker ...``, ``euare completion SHELL``, and "did you
mean" for a mistyped verb. Only ``--help`` imports every family module (for the summaries)."""

from __future__ import annotations

import difflib
import importlib
import os
import sys

import click

from euare import __version__
from euare.cli import CONTEXT, help_width
from euare.verbs import FAMILIES, VERBS, command

SUMMARY_WIDTH = 60


class Door(click.Group):
    """The verbs (made only when asked for) and the group's own few commands."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(VERBS) + sorted(self.commands)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in VERBS:
            return command(name)
        return self.commands.get(name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in VERBS and args[0] not in self.commands:
            raise click.UsageError(unknown(args[0]), ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from euare.spec import SPECS

        for family in sorted(set(VERBS.values())):
            importlib.import_module(f"euare.verbs.{family}")
        for family, verbs in FAMILIES.items():
            rows = [(verb, _short(SPECS[verb].summary)) for verb in verbs]
            with formatter.section(family.replace("_", " ").capitalize()):
                formatter.write_dl(rows)
        own = [(name, cmd.get_short_help_str(SUMMARY_WIDTH)) for name, cmd in self.commands.items()]
        with formatter.section("Other commands"):
            formatter.write_dl(sorted(own))


def _short(summary: str) -> str:
    """The summary's first sentence, cut at a word to SUMMARY_WIDTH (with "...")."""
    first = summary.split(". ", 1)[0].rstrip(".") + "."
    if len(first) <= SUMMARY_WIDTH:
        return first
    return first[: SUMMARY_WIDTH - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def unknown(name: str) -> str:
    """The error for a verb that does not exist, with the nearest names if any are close."""
    near = difflib.get_close_matches(name, [*VERBS, "help", "worker", "completion"], n=3)
    names = ", ".join(near[:-1]) + " or " + near[-1] if len(near) > 1 else "".join(near)
    hint = f" (did you mean {names}?)" if near else " (euare --help lists them)"
    return f"no such verb: {name}{hint}"


@click.group(
    "euare",
    cls=Door,
    context_settings=CONTEXT,
    subcommand_metavar="VERB [ARGS]...",
    invoke_without_command=True,
    help="Every euare-VERB command as euare VERB: `euare usercreate alice` runs exactly "
    "`euare-usercreate alice`. `euare help VERB` shows a verb's options.",
)
@click.version_option(__version__, "--version", message="euare %(version)s")
@click.pass_context
def door(ctx: click.Context) -> None:
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@door.command("help", context_settings=CONTEXT)
@click.argument("verb", required=False)
@click.pass_context
def help_(ctx: click.Context, verb: str | None) -> int:
    """Show the help of VERB (the same as euare-VERB --help), or of euare."""
    if verb is None:
        click.echo(ctx.parent.get_help() if ctx.parent else ctx.get_help())
        return 0
    if verb not in VERBS:
        raise click.UsageError(unknown(verb), ctx)
    from euare.cli import run

    return run(verb, ["--help"])


@door.command("worker", context_settings=CONTEXT)
@click.argument("action", type=click.Choice(["start", "stop", "status"]))
def worker(action: str) -> int:
    """Start, stop or ask about the warm worker (EUARE_WORKER=1)."""
    from euare.workerctl import control

    return control([action])


@door.command("completion", context_settings=CONTEXT)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> int:
    """Print the completion script for SHELL (bash, zsh or fish): it covers euare and every
    euare-VERB command, and completes names of users, groups, roles, instance profiles and
    managed policies from the endpoint."""
    from euare.completion import script

    sys.stdout.write(script(shell))
    return 0


def main(args: list[str]) -> int:
    """Run ``euare ARGS...`` (not a verb: those never get here); the exit status."""
    try:
        with door.make_context("euare", list(args), terminal_width=help_width(os.environ)) as ctx:
            status = door.invoke(ctx)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        usage = exc.ctx.get_usage() if exc.ctx else "Usage: euare [OPTIONS] VERB [ARGS]..."
        sys.stderr.write(f"{usage}\neuare: error: {exc.format_message()}\n")
        return exc.exit_code
    except click.Abort:
        sys.stderr.write("euare: error: interrupted\n")
        return 130
    return status if isinstance(status, int) else 0
