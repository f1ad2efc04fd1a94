"""The verb machinery: the global options, the ``verb`` factories, and running a verb.

A verb is declared once, with :func:`api_verb` (one API call), :func:`list_verb` (one paginated
list call) or the :func:`verb` decorator (anything composite). Credentials, endpoints, output
formats, pagination and error handling come from here, never from the verb.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import click

from euare import __version__
from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli.apiparams import bind
from euare.cli.helpdoc import GlobalOption, VerbCommand
from euare.cli.params import ApiArgument, Decorator, api_params, apply, late_values
from euare.cli.spec import Exclusive, VerbSpec, register
from euare.core.render import FORMATS, Record, Result, render, render_query

MAX_HELP_WIDTH = 100
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": MAX_HELP_WIDTH}
COMMANDS: dict[str, click.Command] = {}  # the click commands made so far (see made())
_MAKERS: dict[str, Callable[[], click.Command]] = {}


# --- global options ------------------------------------------------------------------------------


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    call = ctx.find_object(Call)
    if call is not None and param.name:
        call.options[param.name] = value
        if param.name == "debug" and value:
            from euare.core.redact import enable_debug_logging

            enable_debug_logging(call.stderr)
    return value


def _global(*decls: str, **kwargs: Any) -> click.Option:
    return GlobalOption(decls, expose_value=False, callback=_store, **kwargs)


def _format(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--format, else EUARE_FORMAT (checked like the option), else text: the effective format,
    which Call.fmt reads, for the records and for what --query selects alike."""
    call = ctx.find_object(Call)
    env = call.env if call is not None else os.environ
    if value is None and (env.get("EUARE_FORMAT") or "").strip():
        value = env["EUARE_FORMAT"].strip()
        if value not in FORMATS:
            raise click.BadParameter(
                f"EUARE_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}", ctx, param
            )
    if call is not None:
        call.options["format"] = value or "text"
    return value


def _query(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--query: a JMESPath expression, refused before anything is sent if it does not parse."""
    if value is not None:
        from euare.core.render import compile_query

        try:
            compile_query(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
    _store(ctx, param, value)
    return value


def global_options(service: str | None = "iam") -> list[click.Parameter]:
    """The options every IAM/STS verb has, with euca2ools' names (``service`` None: a verb that
    sends no request, which has only --format, --query and --debug)."""
    what = "token service (STS)" if service == "sts" else "identity service (IAM)"
    debug = _global(
        "--debug",
        is_flag=True,
        is_eager=True,
        help="log requests and responses to stderr (secrets are masked)",
    )
    output = [
        GlobalOption(
            ("--format",),
            type=click.Choice(FORMATS),
            expose_value=False,
            callback=_format,
            help="output format (default: EUARE_FORMAT, else text): text is euca2ools' own; "
            "text and jsonl (a JSON record a line) print long lists page by page, json and "
            "table once the whole list is read",
        ),
        GlobalOption(
            ("--query",),
            metavar="EXPR",
            expose_value=False,
            callback=_query,
            help="print what the JMESPath EXPR selects from the JSON records, in the output "
            "format: text a value a line, a table, JSON, or JSON lines (reads the whole list "
            "first)",
        ),
    ]
    if service is None:
        return [*output, debug]
    return [
        _global("-U", "--url", metavar="URL", help=f"{what} endpoint URL ([REGION::]URL)"),
        _global("--region", metavar="[USER@]REGION", help="region to sign requests for"),
        _global("-I", "--access-key-id", metavar="KEY_ID", help="access key ID"),
        _global("-S", "--secret-key", metavar="KEY", help="secret access key"),
        _global("--security-token", metavar="TOKEN", help="session token"),
        _global(
            "--profile",
            metavar="NAME",
            help="use the credentials of AWS profile NAME (~/.aws/config, ~/.aws/credentials) "
            "instead of any other source; AWS_PROFILE names one used when no other source has "
            "credentials",
        ),
        _global(
            "--no-verify-tls",
            is_flag=True,
            help="do not check the endpoint's TLS certificate (AWS_CA_BUNDLE names a CA "
            "bundle instead)",
        ),
        *output,
        debug,
    ]


# --- declaring verbs -----------------------------------------------------------------------------


def _arguments_help(cmd: click.Command) -> str:
    rows = [
        (p.human_readable_name, p.doc) for p in cmd.params if isinstance(p, ApiArgument) and p.doc
    ]
    if not rows:
        return ""
    width = max(len(name) for name, _ in rows) + 2
    body = "\n".join(f"  {name.ljust(width)}{doc}" for name, doc in rows)
    return "\n\n\b\nArguments:\n" + body


def verb(
    name: str,
    help: str,
    *,
    text: Callable[[list[Record]], Iterable[str]] | None = None,
    service: str | None = "iam",
    exclusive: Iterable[Exclusive] = (),
    examples: Iterable[str] = (),
    failure: int = 1,
    exits: Iterable[tuple[int, str]] = (),
    sends: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Make ``fn(call, **options)`` the composite verb ``euare-NAME`` (its VerbSpec ``runs`` fn).

    ``fn`` returns a Result, a list of records (printed with ``text`` or one value per line), or
    None. ``exclusive`` lists groups of option names of which at most one may be given (exactly
    one when the flag beside the group is True). ``failure``, ``exits``, ``sends``: see
    VerbSpec.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = VerbSpec(
            name,
            help,
            service=service,
            text=text,
            exclusive=tuple(exclusive),
            runs=fn,
            examples=tuple(examples),
            failure=failure,
            exits=tuple(exits),
            sends=sends,
        )
        return command_of(spec, fn)

    return decorate


def command_of(spec: VerbSpec, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``spec``, whose click command (made on first use: see :func:`made`) runs
    ``fn(call, **options)``; ``fn``."""
    register(spec)
    _MAKERS[spec.name] = functools.partial(_make, spec, fn)
    return fn


def declared(name: str) -> bool:
    """Whether verb ``name``'s family module has declared it."""
    return name in _MAKERS


def command(name: str) -> click.Command:
    """The click command of verb ``name``, importing only its own family module."""
    if not declared(name):
        from euare.cli.table import VERBS

        importlib.import_module(f"euare.verbs.{VERBS[name]}")
    return made(name)


def made(name: str) -> click.Command:
    """The click command of declared verb ``name``. Only the command that runs is made: a
    family module declares a dozen verbs, each with ten global options, and making them all
    would cost ``--help`` a few milliseconds."""
    if name not in COMMANDS:
        COMMANDS[name] = _MAKERS[name]()
    return COMMANDS[name]


def _make(spec: VerbSpec, fn: Callable[..., Any]) -> click.Command:
    @functools.wraps(fn)
    def callback(**values: Any) -> None:
        ctx = click.get_current_context()
        call = ctx.find_object(Call)
        assert call is not None, "verbs run through euare.cli.verb.run"
        for group, required in spec.exclusive:
            _check_exclusive(ctx, values, group, required)
        result = fn(call, **late_values(ctx, values))
        if result is None:  # a verb with no result (a delete, say) prints nothing in any format
            return
        if not isinstance(result, Result):
            result = Result(list(result), spec.text)
        elif result.text is None:
            result.text = spec.text
        query = call.options.get("query")
        if query is not None:
            render_query(result, query, call.fmt, call.stdout)
        else:
            render(result, call.fmt, call.stdout)
        if result.verdict is not None:
            result.verdict()

    name = spec.name
    cmd = click.command(
        f"euare-{name}",
        cls=VerbCommand,
        help=spec.summary,
        context_settings=CONTEXT,
        examples=spec.examples,
        one_of=[group for group, required in spec.exclusive if required],
    )(callback)
    bind(cmd, name, spec.service, spec.operation or spec.sends)
    cmd.params.extend(global_options(spec.service))
    names = [p.name for p in cmd.params]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:  # click would silently let one parameter's value overwrite the other's
        raise TypeError(f"euare-{name} declares {', '.join(map(str, clashes))} twice")
    click.version_option(__version__, "--version", message="euare %(version)s")(cmd)
    cmd.help = (cmd.help or "") + _arguments_help(cmd)
    return cmd


def _check_exclusive(
    ctx: click.Context, values: Mapping[str, Any], group: tuple[str, ...], required: bool
) -> None:
    given = [n for n in group if values.get(n) not in (None, False, ())]
    names = [_flag(ctx, n) for n in group]
    if len(given) > 1:
        raise click.UsageError(
            f"{' and '.join(_flag(ctx, n) for n in given)} cannot be used together", ctx
        )
    if required and not given:
        raise click.UsageError(f"one of {', '.join(names)} is required", ctx)


def _flag(ctx: click.Context, name: str) -> str:
    for param in ctx.command.params:
        if param.name == name and isinstance(param, click.Option):
            return "/".join(param.opts)
    return name


def api_verb(
    name: str,
    operation: str,
    help: str,
    *params: Decorator,
    result: str | None = None,
    text: Callable[[list[Record]], Iterable[str]] | None = None,
    verbose: Callable[[list[Record]], Iterable[str]] | None = None,
    service: str = "iam",
    exclusive: Iterable[Exclusive] = (),
    find: Callable[[Call, dict[str, Any]], Lookup] | None = None,
    examples: Iterable[str] = (),
) -> Callable[..., Any]:
    """A verb that is one API call. ``result`` names the member of the answer that is the
    verb's one record (``"*"``: the whole answer); ``text`` prints it as euca2ools did, or
    ``verbose`` when ``-v/--verbose`` is given (:func:`nothing` prints no text).

    A create (see :func:`euare.call.once.once_only`) names its ``find``: given the call and the IAM
    parameters, the Lookup that settles a lost answer (Call.send_once).
    """
    spec = VerbSpec(
        name,
        help,
        service=service,
        operation=operation,
        result_key=result,
        text=text,
        verbose_text=verbose,
        exclusive=tuple(exclusive),
        find=find,
        examples=tuple(examples),
    )

    def body(call: Call, **values: Any) -> Result | None:
        sent = api_params(values)
        if find is not None:
            answer = call.send_once(operation, sent, find(call, sent), service)
        else:
            answer = call.request(operation, service=service, **sent)
        if result is None:
            return None
        record = answer if result == "*" else answer[result]
        lines = verbose if verbose is not None and values.get("verbose") else text
        return Result([record], lines, one=True)

    body.__name__ = name
    return command_of(spec, apply(body, params))


def nothing(records: list[Record]) -> Iterable[str]:
    """The text of a verb that prints nothing (unless asked, e.g. with -v); JSON still has all."""
    return ()


def arns(items: Iterable[Record]) -> Iterable[str]:
    """The text of most list verbs: each item's ARN on a line (lazily: lists stream)."""
    return (str(item["Arn"]) for item in items)


def list_verb(
    name: str,
    operation: str,
    help: str,
    *params: Decorator,
    key: str | None = None,
    text: Callable[[list[Record]], Iterable[str]] = arns,
    service: str = "iam",
    examples: Iterable[str] = (),
) -> Callable[..., Any]:
    """A verb that lists every item of a paginated call: its records are the items, whole;
    ``key`` (by default the paginator's result key) names the member that holds them."""
    spec = VerbSpec(
        name,
        help,
        service=service,
        operation=operation,
        result_key=key,
        many=True,
        text=text,
        examples=tuple(examples),
    )

    def body(call: Call, **values: Any) -> Result:
        items_key = spec.items_key()
        assert items_key, f"{operation} has no paginator; name its key"
        items = call.pages(operation, items_key, service=service, **api_params(values))
        return Result(items, text, stream=True)  # type: ignore[arg-type]  # an iterator

    body.__name__ = name
    return command_of(spec, apply(body, params))


# --- running a verb ------------------------------------------------------------------------------


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


def help_width(env: Mapping[str, str]) -> int:
    """The width click gives help and usage text (the terminal's columns, at most
    max_content_width, less 2, but at least 50), found as ``shutil.get_terminal_size`` finds
    the columns, without importing shutil (and the compression modules it brings: 2 ms)."""
    try:
        columns = int(env.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
            columns = 0
    return max(min(columns or 80, MAX_HELP_WIDTH) - 2, 50)


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
