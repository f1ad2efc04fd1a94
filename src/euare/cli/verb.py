"""Declaring verbs: the ``verb`` factories, and the click command each verb is made into.

A verb is declared once, with :func:`api_verb` (one API call), :func:`list_verb` (one paginated
list call) or the :func:`verb` decorator (anything composite). Credentials, endpoints, output
formats, pagination and error handling come from here, never from the verb.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import click

from euare import __version__
from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli.apiparams import bind
from euare.cli.helpdoc import VerbCommand
from euare.cli.options import CONTEXT, global_options
from euare.cli.params import ApiArgument, Decorator, api_params, apply, late_values
from euare.cli.spec import Exclusive, VerbSpec, register
from euare.core.render import Record, Result, render, render_query

COMMANDS: dict[str, click.Command] = {}  # the click commands made so far (see made())
_MAKERS: dict[str, Callable[[], click.Command]] = {}


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
        assert call is not None, "verbs run through euare.cli.run.run"
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
    text_options: tuple[str, ...] = (),
) -> Callable[..., Any]:
    """A verb that is one API call. ``result`` names the member of the answer that is the
    verb's one record (``"*"``: the whole answer); ``text`` prints it as euca2ools did, or
    ``verbose`` when ``-v/--verbose`` is given (:func:`nothing` prints no text).
    ``text_options`` names the options the text takes as keyword arguments (see
    :func:`bound_text`).

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
        text_options=text_options,
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
        return Result([record], bound_text(lines, text_options, values), one=True)

    body.__name__ = name
    return command_of(spec, apply(body, params))


Text = Callable[[list[Record]], Iterable[str]]


def bound_text(
    text: Text | None, options: tuple[str, ...], values: Mapping[str, Any]
) -> Text | None:
    """``text`` given the values of the verb's ``options`` as keyword arguments (a renderer
    never reads click's context: it takes what changes its text, and can be called anywhere)."""
    if text is None or not options:
        return text
    return functools.partial(text, **{name: values.get(name) for name in options})


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
    text_options: tuple[str, ...] = (),
) -> Callable[..., Any]:
    """A verb that lists every item of a paginated call: its records are the items, whole;
    ``key`` (by default the paginator's result key) names the member that holds them;
    ``text_options`` the options ``text`` takes as keyword arguments (see :func:`bound_text`)."""
    spec = VerbSpec(
        name,
        help,
        service=service,
        operation=operation,
        result_key=key,
        many=True,
        text=text,
        text_options=text_options,
        examples=tuple(examples),
    )

    def body(call: Call, **values: Any) -> Result:
        items_key = spec.items_key()
        assert items_key, f"{operation} has no paginator; name its key"
        items = call.pages(operation, items_key, service=service, **api_params(values))
        lines = bound_text(text, text_options, values)
        return Result(items, lines, stream=True)  # type: ignore[arg-type]  # an iterator

    body.__name__ = name
    return command_of(spec, apply(body, params))
