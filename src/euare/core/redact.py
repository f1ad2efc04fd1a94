"""Keeping secrets out of everything euare writes that the user did not ask for.

Three nets: the literal values this process knows to be secret, in every form a log or message
may show them (URL-encoded, XML-escaped, Python and JSON string escapes); patterns for the fields
that carry secrets in IAM's requests and responses, in the shapes botocore's debug log prints
them, also when the text is cut off before the value ends; and ``user:password@`` in URLs.

What is a secret is decided in :mod:`euare.core.sensitive` (the members IAM's and STS's models
mark ``sensitive``, and one table of the secrets they do not mark). This module registers them
through two entries only: :func:`watch`, the botocore hooks every client euare makes goes
through (a secret member's value, before it is sent or as soon as an answer is parsed), and
:func:`register_secret`, called by the one place that makes or reads a secret no hook sees (the
table names each). :func:`remember`, the registry itself, is called from nowhere else.

A known secret of six characters or more is masked wherever it occurs. A shorter one (a short
password) is masked only where it stands alone, between characters that are not letters or
digits: masking every ``a`` of a one-letter password would garble every line, and a secret is
quoted or delimited when a message shows it. euare's own messages never quote a secret at all.
"""

from __future__ import annotations

import functools
import re
from typing import IO, TYPE_CHECKING, Any

from euare.core.sensitive import UNMARKED, leaves, secrets_in
from euare.core.sensitive import is_secret as is_secret

if TYPE_CHECKING:
    import logging

MASK = "<redacted>"
MIN_ANYWHERE = 6

# The names of the fields that carry secrets where a log prints them: every member that
# botocore's IAM and STS models mark sensitive and every member of euare.core.sensitive's table
# (unit tests hold this list to both), and the names credentials go by in files and headers.
SECRET_FIELDS = (
    "SecretAccessKey",
    "AWSSecretKey",
    "aws_secret_access_key",
    "SessionToken",
    "SecurityToken",
    "X-Amz-Security-Token",
    "Password",
    "NewPassword",
    "OldPassword",
    "ServicePassword",
    "ServiceCredentialSecret",
    "PrivateKey",
    "AddPrivateKey",
    "AuthenticationCode1",
    "AuthenticationCode2",
    "TokenCode",
    "Base32StringSeed",
    "QRCodePNG",
    "SAMLAssertion",
    "WebIdentityToken",
    "TradeInToken",
    "Issuer",
    "Subject",
    "SubjectType",
)
# Sensitive structures: everything between their tags is masked.
SECRET_CONTAINERS = ("TrustedIdentityPropagationContext",)

_names = "(?i:" + "|".join(re.escape(name) for name in SECRET_FIELDS) + ")"
_sep = r"(?: |\+|%20)"
_PEM = rf"-----{{}}[A-Z0-9 +%]*?PRIVATE{_sep}KEY-----"
_containers = "|".join(re.escape(name) for name in SECRET_CONTAINERS)


@functools.cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """The masks, compiled on first use: a call that prints nothing never pays for them."""
    return [
        # <TrustedIdentityPropagationContext>...</TrustedIdentityPropagationContext>, or to the end
        (
            re.compile(rf"(<((?:[\w.-]+:)?(?:{_containers}))(?:\s[^>]*)?>)[\s\S]*?(</\2>|\Z)"),
            rf"\g<1>{MASK}\g<3>",
        ),
        # <SecretAccessKey>...</SecretAccessKey>, or up to the end of a body cut off mid-value
        (
            re.compile(
                rf"(<(?:[\w.-]+:)?{_names}(?:\s[^>]*)?>)(?:<!\[CDATA\[[\s\S]*?(?:\]\]>|\Z)|[^<])*"
            ),
            rf"\g<1>{MASK}",
        ),
        # 'Password': 'x', "Password": "x", 'X-Amz-Security-Token': b'x', or an unclosed string
        (
            re.compile(
                rf"""(['"]{_names}['"]\s*:\s*b?)(['"])(?:\\[\s\S]|(?!\2)[^\\])*(?:\2|\\?\Z)"""
            ),
            rf"\g<1>'{MASK}'",
        ),
        # Password=x& in form bodies and query strings (also URL-encoded '='); AWSSecretKey=x
        (re.compile(rf"((?<![A-Za-z]){_names}(?:=|%3[dD]))[^&'\"\s]*"), rf"\g<1>{MASK}"),
        # x-amz-security-token:x in SigV4's canonical request
        (re.compile(rf"(?m)^({_names}:)[^\n]*"), rf"\g<1>{MASK}"),
        (re.compile(r"(Signature=)[0-9a-fA-F]+"), rf"\g<1>{MASK}"),
        (
            re.compile(rf"({_PEM.format('BEGIN')})[\s\S]*?({_PEM.format('END')}|\Z)"),
            rf"\g<1>{MASK}\g<2>",
        ),
    ]


# scheme://user:password@ -- the userinfo is dropped, wherever a URL is printed
_USERINFO = r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#'\"<>\\]*@"

_known: set[str] = set()
_short: set[str] = set()
# _known's secrets, longest first (each looked for as it is, with ``in``), and the pattern of
# _short's. Not one pattern of every known secret: a process that enters many accounts (--org)
# learns secrets all along, and each new one would compile a pattern of all of them again (time
# growing with their number), every one of them then kept in the re module's cache.
_Literals = tuple[tuple[str, ...], re.Pattern[str] | None]
_compiled: list[_Literals] = []  # the literals of _known and the pattern of _short, once built


def strip_userinfo(text: str) -> str:
    """``text`` with the ``user:password@`` part of every URL in it removed."""
    return re.sub(_USERINFO, r"\1", text)


def _xml_forms(text: str) -> set[str]:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    forms = {escaped}
    for apos in ("&apos;", "&#39;", "&#x27;"):
        forms.add(escaped.replace('"', "&quot;").replace("'", apos))
    return forms


def forms(secret: str) -> set[str]:
    """Every way a log line or message may spell ``secret``: plain, URL-encoded, XML-escaped,
    with its whitespace collapsed, each also as the inside of a Python or JSON string literal
    (and of a bytes literal, as botocore logs bodies)."""
    import json
    from urllib.parse import quote, quote_plus

    base = {secret, quote(secret, safe=""), quote_plus(secret), " ".join(secret.split())}
    base |= _xml_forms(secret)
    result: set[str] = set()
    for one in base:
        result |= {
            one,
            repr(one)[1:-1],
            repr(one.encode("utf-8", "surrogatepass"))[2:-1],
            json.dumps(one)[1:-1],
            json.dumps(one, ensure_ascii=False)[1:-1],
        }
    result.discard("")
    return result


def remember(*secrets: str | bytes | None) -> None:
    """Register values that must never be printed unasked, in all their forms."""
    for secret in secrets:
        if isinstance(secret, bytes):  # a blob (an MFA seed): as the XML carries it, and as text
            import base64

            remember(base64.b64encode(secret).decode("ascii"))
            try:
                secret = secret.decode("utf-8")
            except UnicodeDecodeError:
                continue
        if not secret:
            continue
        for form in forms(secret):
            target = _known if len(form) >= MIN_ANYWHERE else _short
            if form not in target:
                target.add(form)
                _compiled.clear()


def _literals() -> _Literals:
    if not _compiled:
        alone = "|".join(re.escape(s) for s in sorted(_short, key=len, reverse=True))
        _compiled.append(
            (
                tuple(sorted(_known, key=len, reverse=True)),
                re.compile(rf"(?<![A-Za-z0-9])(?:{alone})(?![A-Za-z0-9])") if alone else None,
            )
        )
    return _compiled[0]


def redact(text: str) -> str:
    """Return ``text`` with every secret this module knows or recognises masked."""
    text = strip_userinfo(text)
    for pattern, replacement in _patterns():
        text = pattern.sub(replacement, text)
    anywhere, alone = _literals()
    for _ in range(3):  # a mask may join text into a new occurrence; rare, so bounded
        found = [secret for secret in anywhere if secret in text]
        if not found:
            break
        for secret in found:  # longest first: one inside another goes with it
            text = text.replace(secret, MASK)
    for _ in range(3):
        if alone is None or not alone.search(text):
            break
        text = alone.sub(MASK, text)
    return text


def register_secret(kind: str, *secrets: Any) -> None:
    """Register secrets that no hook sees (or not yet when they must be masked): every text in
    ``secrets``. ``kind`` names their entry in euare.core.sensitive's table, which says why they
    are secret and which one place registers them (a KeyError if it has none)."""
    if UNMARKED[kind].where is None:
        raise KeyError(f"{kind} is a member, which the hooks find: it is not registered by hand")
    remember(*leaves(secrets))


def remember_params(params: dict[str, Any], model: Any, **_: Any) -> None:
    """botocore hook: every value the model marks secret, before anything may print it."""
    remember(*secrets_in(model.service_model.service_name, model.input_shape, params))


def remember_answer(parsed: dict[str, Any], model: Any, **_: Any) -> None:
    """botocore hook: every secret in an answer (a new key's secret, a session token)."""
    remember(*secrets_in(model.service_model.service_name, model.output_shape, parsed))


def watch(events: Any, service: str) -> None:
    """Register the secrets of every call made through a botocore client's ``events``: those
    of its parameters before they are sent, those of its answer as soon as it is parsed. Once
    per client: euare.call.client.register_hooks calls it for every client euare makes."""
    events.register(f"provide-client-params.{service}.*", remember_params)
    events.register(f"after-call.{service}.*", remember_answer)


class RedactingFilter:
    """A logging filter (any object with ``filter`` will do) that renders each record once and
    masks the secrets in it, then shows what could drive a terminal escaped (the log quotes
    what the endpoint said: euare.core.terminal). Not logging.Filter's subclass: logging loads only
    with --debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        from euare.core.terminal import visible

        try:
            message = record.getMessage()
        except Exception:  # a broken log call must not break the command
            message = str(record.msg)
        record.msg = visible(redact(message))
        record.args = None
        if record.exc_info:
            import traceback

            trace = "".join(traceback.format_exception(*record.exc_info))
            record.msg += "\n" + visible(redact(trace))
            record.exc_info = None
            record.exc_text = None
        return True


def enable_debug_logging(stream: IO[str]) -> logging.StreamHandler[IO[str]]:
    """Send euare's and botocore's debug log to ``stream`` through the redacting filter."""
    import logging

    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    handler.addFilter(RedactingFilter())
    for name in ("euare", "botocore", "boto3", "urllib3"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        logger.propagate = False
    return handler
