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
from euare.cli.options import CONTEXT, help_width
from euare.cli.table import FAMILIES, VERBS, title
from euare.cli.verb import command

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

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # before any option's callback runs, so that --help --no-pager is not paged either
        ctx.meta[NO_PAGER] = NO_PAGER in _global(args)[0]
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from euare.cli.spec import SPECS

        for family in sorted(set(VERBS.values())):
            importlib.import_module(f"euare.verbs.{family}")
        for family, verbs in FAMILIES.items():
            rows = [(verb, _short(SPECS[verb].summary)) for verb in verbs]
            with formatter.section(title(family)):
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
    near = suggestions(name)
    names = ", ".join(near[:-1]) + " or " + near[-1] if len(near) > 1 else "".join(near)
    hint = f" (did you mean {names}?)" if near else " (euare --help lists them)"
    return f"no such verb: {name}{hint}"


# An AWS CLI action and the words euare's verbs say it with (the action itself is tried too).
ACTIONS = {
    "delete": ("del",),
    "update": ("mod",),
    "remove": ("del",),
    "put": ("upload", "add"),
    "upload": ("add",),
    "get": ("getattributes",),
    "list": ("listbypath",),
}


def suggestions(name: str, most: int = 3) -> list[str]:
    """The verbs ``name`` most likely meant, best first: the verb its words make in euare's
    order (euca2ools and euare name the thing first, ``usercreate``; the AWS CLI and habit
    name the action first, ``create-user``, ``createuser``, ``CreateUser``), then the names
    difflib finds close. difflib alone ranks a swap of two words last: its ratio counts the
    longest run of letters in order, so ``createuser`` has more in common with
    ``usercreatecert`` (create, then er) than with ``usercreate`` (create, or user)."""
    words = [*VERBS, "help", "worker", "completion"]
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    key = key.removeprefix("euare") if key.removeprefix("euare") in VERBS else key
    found = [key] if key in VERBS else []
    found += reordered(key)
    found += difflib.get_close_matches(key, words, n=most)
    found += difflib.get_close_matches(name, words, n=most)
    return list(dict.fromkeys(found))[:most]


def reordered(key: str) -> list[str]:
    """The verbs ``key`` (lower case, letters and digits only) names with its action first:
    ACTION + OWNER [+ REST] read as euare's OWNER + ACTION [+ REST], the action also in
    euare's words (ACTIONS) and a plural owner also singular: ``createuser`` is usercreate,
    ``deleteuser`` userdel, ``putuserpolicy`` useruploadpolicy, ``listusers``
    userlistbypath."""
    found: list[str] = []
    for cut in range(1, len(key)):
        action, rest = key[:cut], key[cut:]
        for split in range(1, len(rest) + 1):
            owner, tail = rest[:split], rest[split:]
            owners = [owner, owner[:-1]] if owner.endswith("s") else [owner]
            for one in owners:
                for said in (action, *ACTIONS.get(action, ())):
                    verb = one + said + tail
                    if verb in VERBS and verb not in found:
                        found.append(verb)
    return found


# --- the listing, paged on a terminal -------------------------------------------------------

NO_PAGER = "--no-pager"


def pager() -> str | None:
    """The pager command, as git chooses its own: EUARE_PAGER, else PAGER, else less; None
    when it is set to "" or "cat" (no pager)."""
    for name in ("EUARE_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            return None if value.strip() in ("", "cat") else value
    return "less"


def page(text: str, paged: bool = True) -> None:
    """Print ``text`` (euare's listing of every verb), through the pager when standard input
    and output are a terminal and ``paged`` (no --no-pager), as git does: less is told FRX
    (unless LESS says otherwise), so a listing that fits the screen is printed as it is and
    stays on the screen after quitting. Anywhere else (a pipe, a file, cron, a warm worker's
    child, which cannot open the caller's /dev/tty) it is plain."""
    from euare.core import process

    command = pager() if paged and not process.IN_WORKER else None
    if command is None or not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(text)
        return
    saved = {name: os.environ.get(name) for name in ("PAGER", "LESS", "LV")}
    os.environ.update({"PAGER": command, "LESS": saved["LESS"] or "FRX", "LV": saved["LV"] or "-c"})
    try:
        click.echo_via_pager(text)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _global(args: list[str]) -> tuple[list[str], list[str]]:
    """``args`` split before the first word that is not an option (the command, a verb)."""
    first = next((i for i, word in enumerate(args) if not word.startswith("-")), len(args))
    return args[:first], args[first:]


def _paged(ctx: click.Context) -> bool:
    return not ctx.find_root().meta.get(NO_PAGER, False)


def _show_help(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--help: the listing, paged (click's own callback would only echo it)."""
    if value and not ctx.resilient_parsing:
        page(ctx.get_help(), _paged(ctx))
        ctx.exit()


@click.group(
    "euare",
    cls=Door,
    context_settings=CONTEXT,
    subcommand_metavar="VERB [ARGS]...",
    invoke_without_command=True,
    add_help_option=False,
    help="Every euare-VERB command as euare VERB: `euare usercreate alice` runs exactly "
    "`euare-usercreate alice`. `euare help VERB` shows a verb's options. On a terminal this "
    "list is shown through a pager (EUARE_PAGER, else PAGER, else less), as git does.",
)
@click.version_option(__version__, "--version", message="euare %(version)s")
@click.option(
    NO_PAGER,
    is_flag=True,
    expose_value=False,
    is_eager=True,
    help="Print this list without a pager, even on a terminal.",
)
@click.option(
    "-h",
    "--help",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_help,
    help="Show this message and exit.",
)
@click.pass_context
def door(ctx: click.Context) -> None:
    if ctx.invoked_subcommand is None:
        page(ctx.get_help(), _paged(ctx))


def verb_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of ``euare help VERB``: the verbs whose names start as typed."""
    return [verb for verb in sorted(VERBS) if verb.startswith(incomplete)]


@door.command("help", context_settings=CONTEXT)
@click.argument("verb", required=False, shell_complete=verb_names)
@click.option(NO_PAGER, "no_pager", is_flag=True, help="Print euare's list without a pager.")
@click.pass_context
def help_(ctx: click.Context, verb: str | None, no_pager: bool) -> int:
    """Show the help of VERB (the same as euare-VERB --help), or of euare."""
    if verb is None:
        whole = ctx.parent.get_help() if ctx.parent else ctx.get_help()
        page(whole, _paged(ctx) and not no_pager)
        return 0
    if verb not in VERBS:
        raise click.UsageError(unknown(verb), ctx)
    from euare.cli.run import run

    return run(verb, ["--help"])


@door.command("worker", context_settings=CONTEXT)
@click.argument("action", type=click.Choice(["start", "stop", "status"]))
def worker(action: str) -> int:
    """Start, stop or ask about the warm worker (EUARE_WORKER=1)."""
    from euare.worker.control import control

    return control([action])


@door.command("completion", context_settings=CONTEXT)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> int:
    """Print the completion script for SHELL (bash, zsh or fish): it covers euare and every
    euare-VERB command, and completes names of users, groups, roles, instance profiles and
    managed policies from the endpoint."""
    from euare.cli.completion import script

    sys.stdout.write(script(shell))
    return 0


def main(args: list[str]) -> int:
    """Run ``euare ARGS...`` (not a verb: those never get here); the exit status.

    --no-pager is git's: a global option, anywhere before the command (``euare --no-pager
    help``, ``euare --help --no-pager``); before a verb it is dropped and the verb runs."""
    head, rest = _global(args)
    if NO_PAGER in head and rest and rest[0] in VERBS:
        from euare.cli.run import run

        return run(rest[0], rest[1:])
    try:
        with door.make_context("euare", list(args), terminal_width=help_width(os.environ)) as ctx:
            status = door.invoke(ctx)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        usage = exc.ctx.get_usage() if exc.ctx else "Usage: euare [OPTIONS] VERB [ARGS]..."
        from euare.core.errors import stderr_line

        sys.stderr.write(f"{usage}\n{stderr_line('euare', 'error: ' + exc.format_message())}\n")
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):  # Ctrl-C, SIGTERM or SIGHUP
        from euare.core.errors import report

        return report("euare", KeyboardInterrupt(), sys.stderr)
    return status if isinstance(status, int) else 0


def front_door(args: list[str]) -> int:
    """``euare ARGS...`` in this process (SIGTERM and SIGHUP stop it as Ctrl-C does: see
    euare.core.interrupts)."""
    from euare.core import interrupts, streams

    streams.prepare()
    interrupts.install()
    try:
        return _front_door(args)
    except OSError as exc:
        if not streams.broken_pipe(exc):
            raise
        streams.silence(sys.stdout, sys.stderr)
        return streams.EXIT_BROKEN_PIPE
    finally:
        interrupts.release()


def _front_door(args: list[str]) -> int:
    from euare.cli.run import complete_var, run
    from euare.cli.table import VERBS

    instruction = os.environ.get(complete_var("euare"))
    if instruction:
        return _complete(instruction)
    if args and args[0] in VERBS:  # exactly euare-VERB: the same code path
        return run(args[0], args[1:])
    return main(args)


def _complete(instruction: str) -> int:
    """Shell completion for ``euare VERB ...`` and ``euare-VERB ...``: see euare.cli.completion."""
    from euare.cli.completion import respond
    return respond(instruction, door)  # verbs, and help, worker and completion
