"""Man pages, generated from the click commands: ``euare(1)`` for the front door and one
``euare-VERB(1)`` per verb in the verb table.

A verb's page is read from what ``--help`` is read from (the command's help, its arguments,
:func:`euare.cli.helpdoc.own_params`, :func:`~euare.cli.helpdoc.global_params` and
:func:`~euare.cli.helpdoc.examples`), so it cannot say something ``--help`` does not. The sections
every page shares (EXIT STATUS, ENVIRONMENT, FILES) are written once, in :func:`shared`.
``python -m euare.manual`` writes the pages to ``man/man1/``; ``--check`` reports stale ones.

Why not click-man (0.6.0, weighed for the base of each page: NAME, SYNOPSIS, DESCRIPTION,
OPTIONS, with EXIT STATUS and the rest added here): what it writes for a verb would have to be
undone line by line. Its NAME line is the help cut to 45 characters with "..." ("give a user a
password for signing in to..."); DESCRIPTION and the options' help are the help text
unescaped (click's ``\\b`` marker passed on as a backspace, hyphens that roff may set as
typographic ones, so that a ``sign-in`` or an option copied from the page breaks, quotes made
curly, a line starting with ``.`` read as a request); it lists the verb's options and the
global ones as one list, leaves out ``-h, --help`` and the arguments, bolds only the first of
an option's names, and turns off neither hyphenation nor justification. Its ``ManPage`` class
cannot be given roff escaped already (it escapes hyphens again), and it needs Python 3.11 where
euare runs on 3.10. What would be left of it is the section headings, which
:mod:`euare.manual.roff` writes in a few lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import click

from euare.cli.helpdoc import examples, global_params, own_params
from euare.cli.params import ApiArgument
from euare.cli.spec import SPECS
from euare.cli.table import FAMILIES, VERBS, title
from euare.cli.verb import command
from euare.core import settings
from euare.core.errors import (
    EXIT_FAILURE,
    EXIT_HANGUP,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_USAGE,
)
from euare.core.streams import EXIT_BROKEN_PIPE
from euare.manual.roff import (
    SECTION,
    bold,
    header,
    italic,
    page_ref,
    paragraphs,
    section,
    tagged,
    text,
    verbatim,
    words,
)


def summary(cmd: click.Command) -> str:
    """The first sentence of a command's help, without its full stop and with a lower-case
    first letter unless it begins an acronym (``ARNs``), as NAME lines are written."""
    first = re.split(r"(?<=\.)\s", (cmd.help or "").strip(), maxsplit=1)[0].rstrip(".")
    if len(first) > 1 and not first[1].isupper():
        first = first[0].lower() + first[1:]
    return first


def description(cmd: click.Command) -> str:
    """The prose of a command's help: the paragraphs before its ``\\b`` blocks (Arguments),
    which the page shows as lists of its own."""
    paras = (cmd.help or "").split("\n\n")
    return "\n\n".join(p for p in paras if not p.startswith("\b"))


def context(cmd: click.Command) -> click.Context:
    """A context like the one ``--help`` runs in (its help option names: ``-h, --help``)."""
    return click.Context(cmd, info_name=cmd.name, **cmd.context_settings)


def option_rows(cmd: click.Command, params: Iterable[click.Parameter]) -> list[tuple[str, str]]:
    ctx = context(cmd)
    # click makes a command's help option once and keeps it; made first in a bare context (as
    # helpdoc.own_params and some tests do), it would name --help alone, so the names come
    # from the context, as they do when the command runs.
    help_option = cmd.get_help_option(ctx)
    rows = []
    for param in params:
        record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
        if record is not None:
            names = ", ".join(ctx.help_option_names) if param is help_option else record[0]
            rows.append((words(names), text(record[1] or "")))
    return rows


def argument_rows(cmd: click.Command) -> list[tuple[str, str]]:
    return [
        (italic(p.human_readable_name), text(p.doc))
        for p in cmd.params
        if isinstance(p, ApiArgument) and p.doc
    ]


def synopsis(cmd: click.Command) -> list[str]:
    pieces = cmd.collect_usage_pieces(context(cmd))
    return [f"{bold(str(cmd.name))} {words(' '.join(pieces))}"]


# --- the sections every page shares -------------------------------------------------------------


def exit_status(prog: str, own: Iterable[tuple[int, str]] = ()) -> list[str]:
    """The exit statuses every verb shares, those in ``own`` (a verb's: VerbSpec.exits) said
    that verb's way instead."""
    line = f"{prog}: error (Code): message"
    mine = {str(code): text(meaning) for code, meaning in own}
    rows = [
        ("0", "Success."),
        (
            str(EXIT_FAILURE),
            "The request failed (an error from the service, a connection or TLS failure, "
            "retries run out), or a file or setting could not be used. One line says why "
            f"on standard error: {bold(line)} for an error from the service, "
            f"{bold(line.replace(' (Code)', ''))} for the rest.",
        ),
        (
            str(EXIT_USAGE),
            "Usage error, found before anything is sent: a missing argument, an unknown "
            "option, a name, ARN or policy document IAM would refuse.",
        ),
        (
            str(EXIT_HANGUP),
            "Stopped by SIGHUP (the terminal went away), as by Ctrl\\-C (130), unless it was "
            f"started ignoring SIGHUP ({bold('nohup')}).",
        ),
        (
            str(EXIT_INTERRUPTED),
            "Interrupted (Ctrl\\-C, SIGINT). Anything a composite command had begun is rolled "
            "back or named, and the error line says what was done and what was not.",
        ),
        (str(EXIT_TERMINATED), "Stopped by SIGTERM, as by Ctrl\\-C (130)."),
        (
            str(EXIT_BROKEN_PIPE),
            f"The reader of the output went away ({bold('| head -1')}); nothing is printed.",
        ),
    ]
    shared = [(code, mine.pop(code, meaning)) for code, meaning in rows]
    return tagged(sorted([*shared, *mine.items()], key=lambda row: int(row[0])))


def environment() -> list[str]:
    """The variables euare reads (named from euare.core.settings where it keeps them)."""
    creds = (*settings.ACCESS_KEY_VARS, *settings.SECRET_KEY_VARS, *settings.TOKEN_VARS)
    region = f"The region to sign for, unless --region or -U gives one ({settings.DEFAULT_REGION})."
    rows: list[tuple[tuple[str, ...], str]] = [
        (
            settings.ENDPOINT_VARS["iam"],
            "The IAM endpoint URL ([REGION::]URL), unless -U gives one.",
        ),
        (settings.ENDPOINT_VARS["sts"], "The STS endpoint URL, for the verbs that call STS."),
        (creds, "The access key ID, secret key and session token, unless -I and -S give them."),
        (("AWS_CREDENTIAL_FILE",), "A credential file to read instead of ~/.iamrc; it must exist."),
        (
            ("AWS_PROFILE",),
            "The AWS profile whose credentials are looked for last, after every other "
            "source (--profile chooses one first); its ca_bundle and max_attempts in "
            "~/.aws/config count unless the variables below say otherwise.",
        ),
        (settings.REGION_VARS, region),
        (("EC2_USER_ID",), "The account of a role named without one (else the caller's own)."),
        (("AWS_CA_BUNDLE",), "A CA bundle (a file or a directory) to verify TLS with."),
        (
            ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"),
            "How failed requests are retried (5 attempts, standard).",
        ),
        (
            ("EUARE_CONNECT_TIMEOUT", "EUARE_READ_TIMEOUT"),
            "Seconds to wait to connect (10), for an answer (30).",
        ),
        (
            ("EUARE_CALL_TIMEOUT",),
            "Seconds one request may take, all its attempts together (60); on a terminal, "
            "stderr says when it is waiting and retrying.",
        ),
        (
            (settings.COMPLETION_TIMEOUT_VAR,),
            "Seconds a shell completion (TAB) waits for the account's names before it offers "
            f"none ({settings.COMPLETION_TIMEOUT:g}).",
        ),
        (
            ("EUARE_FORMAT",),
            "The output format when --format is not given: text (the default), table, json "
            "or jsonl.",
        ),
        (
            ("EUARE_WORKER",),
            "1 (yes, true, on): calls go through the warm worker, started on first use.",
        ),
        (("EUARE_WORKER_IDLE",), "Seconds without a call after which the worker exits (600)."),
        (("EUARE_MODEL_CACHE",), "0: do not cache the parsed service models."),
        (
            ("XDG_CACHE_HOME", "XDG_RUNTIME_DIR"),
            "Where the cache and the worker's socket are (FILES).",
        ),
    ]
    return tagged((", ".join(bold(name) for name in names), text(body)) for names, body in rows)


FILES = [
    (
        "~/.iamrc",
        "Credentials, as AWSAccessKeyId= and AWSSecretKey= lines, unless "
        "AWS_CREDENTIAL_FILE names another file.",
    ),
    ("~/.eucarc", "euca2ools' settings: the variables above. It is read as data, never run."),
    (
        "~/.cache/euare",
        "($XDG_CACHE_HOME/euare) the parsed IAM and STS models, and the worker's socket "
        "unless XDG_RUNTIME_DIR is set.",
    ),
]


def shared(prog: str, exits: Iterable[tuple[int, str]] = ()) -> list[str]:
    """EXIT STATUS (with a verb's own ``exits``), ENVIRONMENT and FILES, on every page."""
    return [
        *section("EXIT STATUS", exit_status(prog, exits)),
        *section("ENVIRONMENT", environment()),
        *section("FILES", tagged((bold(path), text(what)) for path, what in FILES)),
    ]


# --- the pages ----------------------------------------------------------------------------------


def verb_page(verb: str) -> str:
    """The roff text of ``euare-VERB(1)``."""
    cmd = command(verb)
    prog = f"euare-{verb}"
    family = VERBS[verb]
    arguments = argument_rows(cmd)
    lines = [
        *header(prog),
        *section("NAME", [f"{text(prog)} \\- {text(summary(cmd))}"]),
        *section("SYNOPSIS", synopsis(cmd)),
        *section("DESCRIPTION", paragraphs(description(cmd))),
        *([".SS Arguments", *tagged(arguments)] if arguments else []),
        *section("OPTIONS", tagged(option_rows(cmd, own_params(cmd)))),
        *section("GLOBAL OPTIONS", tagged(option_rows(cmd, global_params(cmd)))),
        *shared(prog, SPECS[verb].exits),
        *section("EXAMPLES", verbatim(examples(cmd))),
        *section(
            "SEE ALSO",
            [
                ",\n".join(
                    page_ref(name)
                    for name in ["euare", *(f"euare-{v}" for v in FAMILIES[family] if v != verb)]
                )
            ],
        ),
    ]
    return "\n".join(lines) + "\n"


FRONT_DOOR = [
    ("euare VERB [ARGS...]", "Run euare-VERB with ARGS, exactly as euare-VERB [ARGS...] would."),
    (
        "euare --help",
        "List the verbs: on a terminal through a pager, as git does (EUARE_PAGER, else PAGER, "
        "else less; cat or an empty value means none); --no-pager prints the list as it is.",
    ),
    ("euare --version", "Print euare's version."),
    ("euare help VERB", "Show the help of euare-VERB, as euare-VERB --help does."),
    (
        "euare worker start|stop|status",
        "Start, stop or ask about the warm worker (see EUARE_WORKER).",
    ),
    (
        "euare completion bash|zsh|fish",
        "Print the shell code that completes euare and every euare-VERB in that shell.",
    ),
]


def front_page() -> str:
    """The roff text of ``euare(1)``: the front door, every verb by family, what all share."""
    families: list[str] = []
    for family, verbs in FAMILIES.items():
        rows = [(page_ref(f"euare-{v}"), text(summary(command(v)))) for v in verbs]
        families += [f'.SS "{text(title(family))}"', *tagged(rows)]
    lines = [
        *header("euare"),
        *section("NAME", [f"euare \\- {text('the euare-* commands for AWS IAM, in one place')}"]),
        *section("SYNOPSIS", [".nf", *(words(usage) for usage, _ in FRONT_DOOR), ".fi"]),
        *section(
            "DESCRIPTION",
            paragraphs(
                "euare is a suite of commands for AWS Identity and Access Management (IAM) and "
                "clouds that speak its API, such as Eucalyptus: the euare-* commands of euca2ools, "
                "on Python 3, click and boto3. Each verb is a command of its own, euare-VERB, "
                "with a manual page of its own; euare is the front door to all of them."
            )
            + tagged((words(usage), text(what)) for usage, what in FRONT_DOOR),
        ),
        *section("VERBS", families),
        *shared("euare-VERB"),
        *section("SEE ALSO", [page_ref("euare-VERB") + " for each verb above."]),
    ]
    return "\n".join(lines) + "\n"


SANDBOX_EXITS = (
    (0, "Stopped by Ctrl-C or SIGTERM; or, with a COMMAND, the COMMAND's own exit status."),
    (1, "The endpoint could not start or be set up, or the COMMAND could not be run."),
    (2, "Usage error, or a SNAPSHOT that cannot be read or is not a snapshot."),
)
SANDBOX_EXAMPLES = (
    "euare-sandbox /tmp/try",
    "euare-sandbox --enforce-auth demo -- bash examples/getting-started.sh",
    "euare-sandbox --load prod.json /tmp/try -- ./my-script.sh",
)


def sandbox_page() -> str:
    """The roff text of ``euare-sandbox(1)``, from its click command."""
    from euare.sandbox.command import sandbox

    prog = "euare-sandbox"
    files = [
        (italic("DIRECTORY") + bold("/iamrc"), text("The administrator's key (0600).")),
        (
            italic("DIRECTORY") + bold("/eucarc"),
            text("export lines naming the endpoint and the iamrc (0600): source it."),
        ),
    ]
    lines = [
        *header(prog),
        *section("NAME", [f"{text(prog)} \\- {text(summary(sandbox))}"]),
        *section("SYNOPSIS", synopsis(sandbox)),
        *section("DESCRIPTION", paragraphs(description(sandbox))),
        *section("OPTIONS", tagged(option_rows(sandbox, sandbox.get_params(context(sandbox))))),
        *section("EXIT STATUS", tagged((str(code), text(what)) for code, what in SANDBOX_EXITS)),
        *section("FILES", tagged(files)),
        *section("EXAMPLES", verbatim(SANDBOX_EXAMPLES)),
        *section("SEE ALSO", [f"{page_ref('euare')},\n{page_ref('euare-accountsnapshot')}"]),
    ]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """Every page, by file name (``euare.1``, ``euare-usercreate.1``, ``euare-sandbox.1``...)."""
    table = {f"euare.{SECTION}": front_page(), f"euare-sandbox.{SECTION}": sandbox_page()}
    table.update({f"euare-{verb}.{SECTION}": verb_page(verb) for verb in sorted(VERBS)})
    return table
