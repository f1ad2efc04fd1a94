"""Parameters that carry the IAM (or STS) member they are sent as, and are judged against its
model while the command line is read.

An :class:`ApiOption` or :class:`ApiArgument` names its member (``api``) and, if it differs
from its verb's, the operation it is sent in (``sent_in``); the verb's command binds the rest
(:func:`bind`: a single-call verb's operation, or a composite verb's ``sends``). Its value is
then judged by :func:`euare.cli.rules.refuse` as soon as click has converted it, so that a value
IAM would refuse is a usage error (exit 2) naming the flag as the user typed it, before
anything is sent. A value converted when the verb runs (:class:`euare.cli.paramtypes.Late`: a
document read from a file, a name made an ARN) is judged once converted (:func:`judge`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    _Choice = click.Choice[str]  # generic in click 8.4 and later only
else:
    _Choice = click.Choice


class _Sent:
    """What ApiOption and ApiArgument share: the member, the operation, the service."""

    api: str | None
    sent_in: str | None
    service: str

    def _sent_setup(self, api: str | None, sent_in: str | None) -> None:
        self.api, self.sent_in, self.service = api, sent_in, "iam"

    def subject(self) -> str:
        raise NotImplementedError

    def judge(self, value: Any, origin: str | None = None) -> None:
        """Refuse ``value`` if IAM would (a usage error naming ``origin``, else the flag)."""
        if self.api is None or self.sent_in is None or value is None:
            return
        from euare.cli.rules import refuse

        secret = bool(getattr(getattr(self, "type", None), "secret", False))
        refuse(origin or self.subject(), value, self.sent_in, self.api, self.service, secret)

    def _judged(self, ctx: click.Context, value: Any) -> Any:
        late = bool(getattr(getattr(self, "type", None), "late", False))  # paramtypes.Late
        if not (ctx.resilient_parsing or late) and isinstance(value, (str, tuple, list, dict)):
            self.judge(value)
        return value


class ApiOption(_Sent, click.Option):
    """An option whose value is sent as the IAM parameter ``api`` (None: used locally only)
    of ``sent_in`` (None: the verb's operation)."""

    def __init__(
        self, *args: Any, api: str | None = None, sent_in: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._sent_setup(api, sent_in)

    def subject(self) -> str:
        return "/".join(self.opts)

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        return self._judged(ctx, super().process_value(ctx, value))


class ApiArgument(_Sent, click.Argument):
    """A positional argument sent as ``api`` (of ``sent_in``, else the verb's operation);
    ``doc`` is shown under Arguments in --help."""

    def __init__(
        self,
        *args: Any,
        api: str | None = None,
        sent_in: str | None = None,
        doc: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._sent_setup(api, sent_in)
        self.doc = doc

    def subject(self) -> str:
        return self.human_readable_name

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        return self._judged(ctx, super().process_value(ctx, value))


def bind(cmd: click.Command, verb: str, service: str | None, operation: str | None) -> None:
    """Give each of ``cmd``'s parameters that names its member the verb's ``service`` and, if
    it names no operation of its own, ``operation``: the verb's (a composite verb's ``sends``).
    A parameter left without one is a mistake in the verb's declaration (TypeError)."""
    for param in cmd.params:
        if not isinstance(param, (ApiOption, ApiArgument)) or param.api is None:
            continue
        param.service = service or "iam"
        param.sent_in = param.sent_in or operation
        if param.sent_in is None:
            raise TypeError(
                f"euare-{verb}: {param.name} is sent as {param.api} but names no operation "
                "(give the verb sends=, or the parameter sent_in=)"
            )


def judge(param: click.Parameter | None, value: Any, origin: str | None = None) -> None:
    """Judge a value converted when the verb runs (see :class:`euare.cli.paramtypes.Late`):
    ``origin`` names where it was read from (a file, standard input), else the flag does
    (``param`` None: a conversion outside any verb, which nothing sends)."""
    if isinstance(param, (ApiOption, ApiArgument)):
        param.judge(value, origin)


def api_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """The IAM parameters of the running command, from its options' values."""
    params: dict[str, Any] = {}
    for param in click.get_current_context().command.params:
        api = getattr(param, "api", None)
        value = values.get(param.name or "")
        if api is None or value is None or value == ():
            continue
        params[api] = list(value) if isinstance(value, tuple) else value
    return params


class IamChoice(_Choice):
    """One of the values IAM takes for a member (``Active``, ``Inactive``), typed in any case
    (``-s inactive``, as euca2ools took it) and sent as IAM spells it; help, refusals and shell
    completion show IAM's spelling too (click's own case-insensitive Choice lowercases them)."""

    def __init__(self, choices: Iterable[str]) -> None:
        super().__init__(list(choices), case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        given = str(value)
        for choice in self.choices:
            if choice.casefold() == given.casefold():
                return choice
        self.fail(f"{given!r} is not one of {', '.join(self.choices)}", param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        shown = "|".join(self.choices)
        if param.required and param.param_type_name == "argument":
            return f"{{{shown}}}"
        return f"[{shown}]"

    def get_missing_message(
        self, param: click.Parameter, ctx: click.Context | None = None
    ) -> str:
        return f"Choose from {', '.join(self.choices)}."

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        typed = incomplete.casefold()
        return [CompletionItem(c) for c in self.choices if c.casefold().startswith(typed)]


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
Completer = Callable[[click.Context, click.Parameter, str], list[str]]


def option(
    *decls: str, api: str | None = None, sent_in: str | None = None, **kwargs: Any
) -> Decorator:
    """A click option that may name the IAM parameter it is sent as (``api``), and the
    operation it is sent in if not its verb's (``sent_in``): see :mod:`euare.cli.apiparams`."""
    if kwargs.get("multiple") and "default" not in kwargs:
        kwargs["default"] = ()
    return click.option(*decls, cls=ApiOption, api=api, sent_in=sent_in, **kwargs)


def positional(
    metavar: str,
    api: str | None,
    doc: str,
    *dummy: str,
    required: bool = True,
    type: click.ParamType[Any, Any] | None = None,
    complete: Completer | None = None,
    sent_in: str | None = None,
) -> Decorator:
    """The euca2ools positional: ``X alice`` and ``X -u alice`` both work (``-u`` is a no-op);
    ``complete`` gives a shell its candidates (e.g. :data:`USERS`); ``api`` and ``sent_in``
    as for :func:`option`."""

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        also = f" (also accepted after {'/'.join(dummy)})" if dummy else ""
        f = click.argument(
            metavar.lower().replace("-", "_"),
            metavar=metavar,
            required=required,
            cls=ApiArgument,
            api=api,
            sent_in=sent_in,
            doc=doc + also,
            type=type,
            shell_complete=complete,
        )(f)
        if dummy:
            f = click.option(*dummy, is_flag=True, hidden=True, expose_value=False)(f)
        return f

    return decorate


def apply(fn: Callable[..., Any], decorators: Iterable[Decorator]) -> Callable[..., Any]:
    for decorate in reversed(list(decorators)):
        fn = decorate(fn)
    return fn


def apply_all(decorators: list[Decorator]) -> Decorator:
    """Apply a list of option decorators as one."""
    return lambda f: apply(f, decorators)
