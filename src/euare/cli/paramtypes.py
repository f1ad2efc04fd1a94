"""Parameter types: values euare reads or converts for a verb (a secret never shown, a document
or certificate given inline, in a file or on stdin, a policy named by name), most of them when
the verb runs rather than while the command line is parsed (see :class:`Late`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import click

from euare.call.context import Call
from euare.cli.apiparams import judge


class Secret(click.ParamType[str, Any]):
    """A value that must never be printed unasked (an MFA code, say), whatever the model says of
    its member: never shown in a refusal, and registered as a secret as it is judged, while the
    command line is read (:func:`euare.cli.rules.refuse`; a secret member's value needs no such
    type). An option of this type names the member it is sent as (``api``), so it is judged."""

    name = "secret"
    secret = True  # what apiparams asks of a parameter's type (never shown in a refusal)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return str(value)


# --- values converted when the verb runs ---------------------------------------------------------


if TYPE_CHECKING:
    _ParamType = click.ParamType[Any, Any]  # generic in click's newest stubs only
else:
    _ParamType = click.ParamType

Param = click.Parameter | None  # the parameter a Late value is given for (None: none)


class Late(_ParamType):
    """A type whose value is converted when the verb runs (:func:`late_values`), not while the
    command line is parsed: by then every option is known, the endpoint and credential options
    too (which may come after this one), and the verb's exclusive groups have been checked, so
    that ``-o X -f Y`` is refused as such before either is read. A ``remote`` conversion sends a
    request; the local ones run first, so a refused document is refused before anything is
    sent. What ``resolve`` makes is judged against the model of the member ``param`` is sent
    as (:func:`euare.cli.apiparams.judge`), as a value given on the command line is while it is
    read."""

    late = True  # what apiparams asks of a parameter's type (judged once resolved)

    remote = False

    def resolve(self, value: str, ctx: click.Context, param: Param = None) -> Any:
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
        given = values[param.name]
        if getattr(param, "multiple", False):  # a repeatable option: each value in turn
            converted[param.name] = tuple(
                param.type.resolve(str(v), ctx, param) for v in given
            )
        else:
            converted[param.name] = param.type.resolve(str(given), ctx, param)
    return converted


def _call(ctx: click.Context) -> Call:
    call = ctx.find_object(Call)
    assert call is not None, "verbs run through euare.cli.run.run"
    return call


TEXT, FILE = "text", "file"  # where a Given value is: the value itself, or a file it names


class Given(Late):
    """Text handed to euare: given on the command line (``source`` TEXT), or in a file (FILE:
    its path; ``-`` is standard input, the Call's, unless ``stdin`` is False), read with
    :mod:`euare.core.inputs`' limits (``limit`` bytes; a file that cannot be read is exit 1).
    :meth:`check` then refuses what must not be sent, naming where the text came from (``said``
    for inline text, ``file_what`` for a file)."""

    name = "text"

    def __init__(
        self,
        what: str,
        source: str,
        *,
        said: str = "given on the command line",
        file_what: str | None = None,
        stdin: bool = True,
        limit: int | None = None,
    ) -> None:
        from euare.core.inputs import MAX_FILE_BYTES

        self.what, self.source, self.said = what, source, said
        self.file_what, self.stdin = file_what or what, stdin
        self.limit = limit or MAX_FILE_BYTES

    def read(self, value: str, ctx: click.Context) -> tuple[str, str]:
        """The text and where it came from, for messages."""
        from euare.core.inputs import read_named, read_stream

        if self.source == TEXT:
            return value, f"the {self.what} {self.said}"
        if value == "-" and self.stdin:
            text = read_stream(_call(ctx).stdin, self.what, self.limit)
            return text, f"the {self.what} read from standard input"
        return read_named(value, self.file_what, None, self.limit)

    def check(self, text: str, origin: str) -> str:
        return text

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        """A FILE completes as a file name (the shell lists them), as click.Path does."""
        if self.source != FILE:
            return []
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="file")]

    def resolve(self, value: str, ctx: click.Context, param: Param = None) -> str:
        text, origin = self.read(value, ctx)
        checked = self.check(text, origin)
        judge(param, checked, self.named(origin))
        return checked

    def named(self, origin: str) -> str | None:
        """How a refusal by IAM's rules names the text: a file (or standard input) as
        ``origin`` says; text given inline by its flag (None)."""
        return None if self.source == TEXT else origin


class Document(Given):
    """A policy document (``kind`` IDENTITY or TRUST), checked before it is sent: a document
    that is empty, not JSON or not an IAM policy is a usage error (exit 2), see
    :func:`euare.policy.documents.check`; with --lint it is then linted (:func:`lint_asked`). The
    text is
    sent exactly as given."""

    name = "document"

    def __init__(self, source: str, kind: str = "identity", what: str = "policy document") -> None:
        super().__init__(what, source)
        self.kind = kind

    def check(self, text: str, origin: str) -> str:
        from euare.policy.documents import check

        return check(text, origin, self.kind)

    def resolve(self, value: str, ctx: click.Context, param: Param = None) -> str:
        text, origin = self.read(value, ctx)
        self.check(text, origin)
        judge(param, text, self.named(origin))
        lint_asked(ctx, text, origin, self.kind)
        return text


def lint_asked(ctx: click.Context, text: str, origin: str, kind: str) -> None:
    """With --lint (params.lint_options): lint a document about to be sent (``origin`` says
    where it came from) and refuse it, exit 1, on a finding at or above --fail-on
    (:func:`euare.policy.lint.gate`). The catalogue is loaded only then."""
    if not ctx.meta.get("euare.lint"):
        return
    from euare.policy.lint import gate

    call = _call(ctx)
    gate(call.prog, call.stderr, text, origin, kind, str(ctx.meta["euare.fail_on"]))


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
        from euare.core.errors import UsageError

        refuse_private_key(text, origin, "the certificate")
        if not text.strip():
            raise UsageError(f"{origin} is empty")
        return text


def refuse_private_key(text: str, origin: str, alone: str) -> None:
    """A usage error if ``text`` holds a private key (registered as a secret first, so that it
    is never shown: euare.core.sensitive, "misplaced key"): ``alone`` names what to give
    instead ("the certificate")."""
    from euare.core.errors import UsageError
    from euare.core.redact import register_secret

    if "PRIVATE KEY-----" in text:
        register_secret("misplaced key", *_PRIVATE_KEY.findall(text))
        raise UsageError(
            f"{origin} holds a private key; give {alone} alone (the key stays with you)"
        )


class PolicyArn(Late):
    """A managed policy given by ARN (as is), or by NAME or /PATH/NAME: the caller's account's
    policy (:func:`euare.call.arns.policy_arn`, which may ask STS for the account)."""

    name = "policy"
    remote = True

    def resolve(self, value: str, ctx: click.Context, param: Param = None) -> str:
        from euare.call.arns import policy_arn

        arn = policy_arn(_call(ctx), value)
        judge(param, arn)
        return arn


# --- tags ----------------------------------------------------------------------------------------

# IAM's limits on the tags of one call, checked before anything is sent.
MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE = 50, 128, 256
TAG_PUNCTUATION = "_.:/=+-@"
TAG_KEY_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"  # IAM's model, which tag_key_fault applies
_TAG_RULE = f"letters, digits, spaces and {' '.join(TAG_PUNCTUATION)}"


def _bad_char(text: str) -> str | None:
    """The first character of ``text`` a tag may not hold (IAM allows Unicode letters, numbers
    and separators, and TAG_PUNCTUATION), or None."""
    import unicodedata

    for char in text:
        if char not in TAG_PUNCTUATION and unicodedata.category(char)[0] not in "LNZ":
            return char
    return None


def _named(given: str, most: int = 60) -> str:
    """A tag as an error names it: quoted, escaped, and cut short if long (one line, always)."""
    return repr(given) if len(given) <= most else repr(given[:most]) + "..."


def tag_key_fault(key: str) -> str | None:
    """Why ``key`` cannot be a tag's key, or None."""
    if not 1 <= len(key) <= MAX_TAG_KEY:
        return f"a key is 1 to {MAX_TAG_KEY} characters long"
    bad = _bad_char(key)
    if bad is not None:
        return f"a key holds only {_TAG_RULE}, not {bad!r}"
    if key.lower().startswith("aws:"):
        return "a key may not begin with aws: (AWS reserves it)"
    return None


def tag_value_fault(value: str) -> str | None:
    """Why ``value`` cannot be a tag's value (which may be empty), or None."""
    if len(value) > MAX_TAG_VALUE:
        return f"a value is at most {MAX_TAG_VALUE} characters long"
    bad = _bad_char(value)
    return None if bad is None else f"a value holds only {_TAG_RULE}, not {bad!r}"


class Tag(_ParamType):
    """A tag given as KEY=VALUE (the first ``=`` splits; the value may be empty), made IAM's
    ``{"Key": ..., "Value": ...}``; ``key_only``: a tag's KEY alone. A tag IAM would refuse is
    a usage error naming the tag and the rule, while the command line is read, so nothing is
    sent; :func:`tag_set` checks the rules about all of one call's tags."""

    name = "tag"

    def __init__(self, key_only: bool = False) -> None:
        self.key_only = key_only

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dict):
            return value
        given = str(value)
        if self.key_only:
            fault = tag_key_fault(given)
            if fault is not None:
                self.fail(f"tag key {_named(given)}: {fault}", param, ctx)
            return given
        if "=" not in given:
            self.fail(f"tag {_named(given)} is not KEY=VALUE", param, ctx)
        key, text = given.split("=", 1)
        fault = tag_key_fault(key) or tag_value_fault(text)
        if fault is not None:
            self.fail(f"tag {_named(given)}: {fault}", param, ctx)
        return {"Key": key, "Value": text}


def tag_set(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """An option callback: the rules about all the tags (or keys) of one call, at most
    MAX_TAGS of them and no key twice (IAM compares keys ignoring case)."""
    given = list(value or ())
    if len(given) > MAX_TAGS:
        raise click.BadParameter(
            f"at most {MAX_TAGS} tags in one call, not {len(given)}", ctx, param
        )
    seen: dict[str, str] = {}
    for item in given:
        key = item["Key"] if isinstance(item, dict) else str(item)
        if key.lower() in seen:
            raise click.BadParameter(
                f"tag key {_named(key)} is given twice (keys ignore case)",
                ctx,
                param,
            )
        seen[key.lower()] = key
    return value


class AccountArn(Late):
    """An entity of the caller's account given by ARN (as is) or by name: made the ARN
    ``arn:PARTITION:iam::ACCOUNT:KIND/NAME`` (:func:`euare.call.arns.account_arn`, which may ask STS
    for the account)."""

    remote = True

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = kind

    def resolve(self, value: str, ctx: click.Context, param: Param = None) -> str:
        from euare.call.arns import account_arn

        arn = account_arn(_call(ctx), self.kind, value)
        judge(param, arn)
        return arn


class RoleArn(Late):
    """A role given as NAME, ACCOUNT:NAME, a partial ARN or an ARN, made its ARN as euca2ools
    did (:func:`euare.call.arns.role_arn`, which may ask STS for the account)."""

    name = "role"
    remote = True

    def resolve(self, value: str, ctx: click.Context, param: Param = None) -> str:
        from euare.call.arns import role_arn

        arn = role_arn(_call(ctx), value)
        judge(param, arn)
        return arn


class ModelRange(_ParamType):
    """A whole number in the range botocore's IAM model gives ``member`` of ``operation``
    (UpdateRole's MaxSessionDuration: 3600 to 43200), refused before anything is sent. The
    model is read only when the option is given. With ``zero``, 0 is taken too and means
    "none" (the verb leaves the member out: MaxPasswordAge 0, passwords never expire)."""

    name = "integer"

    def __init__(self, operation: str, member: str, zero: bool = False) -> None:
        self.operation, self.member, self.zero = operation, member, zero

    def bounds(self) -> tuple[int, int]:
        from euare.cli.rules import member_shape

        shape = member_shape("iam", self.operation, self.member)
        return int(shape.metadata["min"]), int(shape.metadata["max"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            number = int(str(value).strip(), 10)
        except ValueError:
            self.fail(f"{value!r} is not a whole number", param, ctx)
        low, high = self.bounds()
        if not (low <= number <= high or (self.zero and number == 0)):
            zero = " (or 0 for none)" if self.zero else ""
            self.fail(f"{number} is not between {low} and {high}{zero}", param, ctx)
        return number
