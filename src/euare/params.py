"""Parameters: options and positionals that carry the IAM parameter they are sent as, and the
options and positionals that several verbs share, declared once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import click

from euare.context import Call

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


# --- parameters that carry their IAM name --------------------------------------------------------


class ApiOption(click.Option):
    """An option whose value is sent as the IAM parameter ``api`` (None: used locally only)."""

    def __init__(self, *args: Any, api: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api = api


class ApiArgument(click.Argument):
    """A positional argument sent as ``api``; ``doc`` is shown under Arguments in --help."""

    def __init__(self, *args: Any, api: str | None = None, doc: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api = api
        self.doc = doc


class Secret(click.ParamType[str, Any]):
    """A value that must never be printed unasked (an MFA code, say): remembered for masking
    (:func:`euare.redact.remember`) as soon as the command line is read."""

    name = "secret"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from euare.redact import remember

        remember(str(value))
        return str(value)


def option(*decls: str, api: str | None = None, **kwargs: Any) -> Decorator:
    """A click option that may name its IAM parameter."""
    if kwargs.get("multiple") and "default" not in kwargs:
        kwargs["default"] = ()
    return click.option(*decls, cls=ApiOption, api=api, **kwargs)


def positional(
    metavar: str,
    api: str | None,
    doc: str,
    *dummy: str,
    required: bool = True,
    type: Late | None = None,
) -> Decorator:
    """The euca2ools positional: ``X alice`` and ``X -u alice`` both work (``-u`` is a no-op)."""

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        also = f" (also accepted after {'/'.join(dummy)})" if dummy else ""
        f = click.argument(
            metavar.lower().replace("-", "_"),
            metavar=metavar,
            required=required,
            cls=ApiArgument,
            api=api,
            doc=doc + also,
            type=type,
        )(f)
        if dummy:
            f = click.option(*dummy, is_flag=True, hidden=True, expose_value=False)(f)
        return f

    return decorate


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


def apply(fn: Callable[..., Any], decorators: Iterable[Decorator]) -> Callable[..., Any]:
    for decorate in reversed(list(decorators)):
        fn = decorate(fn)
    return fn


def user(required: bool = True, api: str | None = "UserName") -> Decorator:
    doc = "name of the user" + ("" if required else " (default: the caller)")
    return positional("USER", api, doc, "-u", "--user-name", required=required)


def role() -> Decorator:
    return positional("ROLE", "RoleName", "name of the role", "-r", "--role-name")


def owner(thing: str) -> Decorator:
    """``-u USER``: a real option (not the dummy) naming whose ``thing`` a verb acts on."""
    return option(
        "-u",
        "--user-name",
        api="UserName",
        metavar="USER",
        help=f"user the {thing} belongs to (default: the caller)",
    )


def group() -> Decorator:
    return positional("GROUP", "GroupName", "name of the group", "-g", "--group-name")


def path(help: str = "path for the new entity (default: /)") -> Decorator:
    return option("-p", "--path", api="Path", metavar="PATH", help=help)


def path_prefix(what: str) -> Decorator:
    return option(
        "-p",
        "--path-prefix",
        api="PathPrefix",
        metavar="PREFIX",
        help=f"list only {what} whose path starts with PREFIX",
    )


def verbose(help: str = "print the new entity's ARN and ID") -> Decorator:
    return option("-v", "--verbose", is_flag=True, help=help)


def policy_name(required: bool = True, help: str = "name of the policy") -> Decorator:
    return option(
        "-p", "--policy-name", api="PolicyName", metavar="POLICY", required=required, help=help
    )


def policy_builder(resource_flags: tuple[str, ...] = ("-r", "--resource")) -> list[Decorator]:
    """-e/-a/-r(-c)/-o: build a one-line policy from an effect, actions and resources."""
    return [
        policy_name(),
        option(
            "-e",
            "--effect",
            required=True,
            type=click.Choice(["Allow", "Deny"], case_sensitive=False),
            help="whether the policy allows or denies",
        ),
        option(
            "-a",
            "--action",
            "actions",
            multiple=True,
            required=True,
            metavar="ACTION",
            help="action to allow or deny (repeatable)",
        ),
        option(
            *resource_flags,
            "resources",
            multiple=True,
            required=True,
            metavar="RESOURCE",
            help="ARN of a resource the policy applies to (repeatable)",
        ),
        option("-o", "--output", is_flag=True, help="also print the policy that is sent"),
    ]


def document_options(api: str | None = None) -> list[Decorator]:
    """-o JSON / -f FILE (- is standard input): a policy document, read and checked by
    :class:`Document` when the verb runs, and sent as ``api`` (if given); DOCUMENT_CHOICE makes
    one of them required."""
    return [
        option(
            "-o",
            "--policy-content",
            api=api,
            metavar="JSON",
            type=Document(TEXT),
            help="the policy document itself",
        ),
        option(
            "-f",
            "--policy-document",
            api=api,
            metavar="FILE",
            type=Document(FILE),
            help="file holding the policy document (- reads standard input)",
        ),
    ]


def policy_document() -> list[Decorator]:
    """-p POLICY with -o JSON / -f FILE: an inline policy's name and document, sent as
    PolicyName and PolicyDocument."""
    return [policy_name(), *document_options("PolicyDocument")]


STATUS = click.Choice(["Active", "Inactive"], case_sensitive=False)

DOCUMENT_CHOICE = (("policy_content", "policy_document"), True)


def recursive_delete(what: str) -> Decorator:
    return apply_all(
        [
            option(
                "-r",
                "--recursive",
                is_flag=True,
                help=f"first remove everything that would keep the {what} from being deleted",
            ),
            option(
                "-p",
                "--pretend",
                is_flag=True,
                help="list what -r would remove, and change nothing",
            ),
        ]
    )


def apply_all(decorators: list[Decorator]) -> Decorator:
    """Apply a list of option decorators as one."""
    return lambda f: apply(f, decorators)


# --- values converted when the verb runs ---------------------------------------------------------


if TYPE_CHECKING:
    _ParamType = click.ParamType[Any, Any]  # generic in click's newest stubs only
else:
    _ParamType = click.ParamType


class Late(_ParamType):
    """A type whose value is converted when the verb runs (:func:`late_values`), not while the
    command line is parsed: by then every option is known, the endpoint and credential options
    too (which may come after this one), and the verb's exclusive groups have been checked, so
    that ``-o X -f Y`` is refused as such before either is read. A ``remote`` conversion sends a
    request; the local ones run first, so a refused document is refused before anything is
    sent."""

    remote = False

    def resolve(self, value: str, ctx: click.Context) -> Any:
        raise NotImplementedError


def late_values(ctx: click.Context, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the value of each given :class:`Late` parameter converted."""
    late = [
        p
        for p in ctx.command.params
        if isinstance(p.type, Late) and p.name and values.get(p.name) is not None
    ]
    converted = dict(values)
    for param in sorted(late, key=lambda p: bool(getattr(p.type, "remote", False))):
        assert isinstance(param.type, Late) and param.name
        converted[param.name] = param.type.resolve(str(values[param.name]), ctx)
    return converted


def _call(ctx: click.Context) -> Call:
    call = ctx.find_object(Call)
    assert call is not None, "verbs run through euare.cli.run"
    return call


TEXT, FILE = "text", "file"  # where a Given value is: the value itself, or a file it names


class Given(Late):
    """Text handed to euare: given on the command line (``source`` TEXT), or in a file (FILE:
    its path; ``-`` is standard input, the Call's, unless ``stdin`` is False), read with
    :mod:`euare.inputs`' limits (a file that cannot be read is exit 1). :meth:`check` then
    refuses what must not be sent, naming where the text came from (``said`` for inline text,
    ``file_what`` for a file)."""

    name = "text"

    def __init__(
        self,
        what: str,
        source: str,
        *,
        said: str = "given on the command line",
        file_what: str | None = None,
        stdin: bool = True,
    ) -> None:
        self.what, self.source, self.said = what, source, said
        self.file_what, self.stdin = file_what or what, stdin

    def read(self, value: str, ctx: click.Context) -> tuple[str, str]:
        """The text and where it came from, for messages."""
        from euare.inputs import read_stream, read_text

        if self.source == TEXT:
            return value, f"the {self.what} {self.said}"
        if value == "-" and self.stdin:
            return (
                read_stream(_call(ctx).stdin, self.what),
                f"the {self.what} read from standard input",
            )
        from pathlib import Path

        return read_text(Path(value), self.file_what), f"{self.file_what} {value}"

    def check(self, text: str, origin: str) -> str:
        return text

    def resolve(self, value: str, ctx: click.Context) -> str:
        return self.check(*self.read(value, ctx))


class Document(Given):
    """A policy document (``kind`` IDENTITY or TRUST), checked before it is sent: a document
    that is empty, not JSON or not an IAM policy is a usage error (exit 2), see
    :func:`euare.policy.check`. The text is sent exactly as given."""

    name = "document"

    def __init__(self, source: str, kind: str = "identity", what: str = "policy document") -> None:
        super().__init__(what, source)
        self.kind = kind

    def check(self, text: str, origin: str) -> str:
        from euare.policy import check

        return check(text, origin, self.kind)


_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S
)


class Certificate(Given):
    """A signing certificate's PEM (-c PEM / -f FILE), refused before it is sent if it is empty
    or holds a private key: a key must never go to the server by mistake (and is remembered as
    a secret, so that it is never shown)."""

    name = "certificate"

    def __init__(self, source: str) -> None:
        super().__init__("certificate", source, said="given with -c", file_what="certificate file")

    def check(self, text: str, origin: str) -> str:
        from euare.errors import UsageError
        from euare.redact import remember

        if "PRIVATE KEY-----" in text:
            remember(*_PRIVATE_KEY.findall(text))
            raise UsageError(
                f"{origin} holds a private key; give the certificate alone (the key stays with you)"
            )
        if not text.strip():
            raise UsageError(f"{origin} is empty")
        return text


class PolicyArn(Late):
    """A managed policy given by ARN (as is), or by NAME or /PATH/NAME: the caller's account's
    policy (:func:`euare.arns.policy_arn`, which may ask STS for the account)."""

    name = "policy"
    remote = True

    def resolve(self, value: str, ctx: click.Context) -> str:
        from euare.arns import policy_arn

        return policy_arn(_call(ctx), value)
