"""What a failure means, decided in one place: every caller that must tell "gone" from
"throttled", "the endpoint lacks this API", "a conflict" or "denied" asks :func:`outcome` (or
one of the questions below it), never compares error codes or HTTP statuses itself.

The codes are IAM's and STS's (and those IAM-compatible clouds answer with); an HTTP status
stands in for a code where the answer had none (errors.describe gives it as the code), and
says what an answer with a code not in the table means where it can (429, 5xx). botocore's
hooks see an answer before it is an exception: :func:`of_answer` reads that.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from euare.core.errors import EXIT_USAGE, describe, interrupted, is_foreign

T = TypeVar("T")


class Outcome(enum.Enum):
    """What a failed request means for whoever made it."""

    GONE = "gone"  # the entity does not exist (NoSuchEntity): a delete's goal is met
    THROTTLED = "throttled"  # refused for its rate: nothing was done; wait, then send again
    TRANSIENT = "transient"  # a 5xx or a lost connection: done or not, it may work a moment later
    UNSUPPORTED = "unsupported"  # the endpoint has no such API (an IAM-compatible cloud's 501)
    FOREIGN = "foreign"  # the answer is not IAM's at all (a proxy's page, text)
    CONFLICT = "conflict"  # the state forbids it now (exists already, still in use, a limit)
    DENIED = "denied"  # the caller may not (a validly signed request, refused by policy)
    UNAUTHENTICATED = "unauthenticated"  # the key or token was not accepted (unknown, expired)
    INVALID = "invalid"  # the request itself is wrong (refused locally, or by the service)
    INTERRUPTED = "interrupted"  # Ctrl-C, SIGTERM or SIGHUP
    OTHER = "other"  # anything else: no credentials, an unexpected error


# --- the table: every code euare gives a meaning to, each in one collection -----------------

GONE_CODES = frozenset({"NoSuchEntity"})
# Refused for the rate of requests: the request surely did not take effect, so sending it again
# is safe, and no new request should follow at once.
THROTTLING_CODES = frozenset(
    {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "429"}
)
# The service failed on its side: the request may or may not have taken effect.
SERVER_CODES = frozenset(
    {"ServiceUnavailable", "ServiceFailure", "InternalFailure", "InternalError", "RequestTimeout"}
)
# "This endpoint has no such API", not "you may not": an IAM-compatible cloud without (say)
# service-specific credentials cannot hold any. "404": an error answer without a code, from a
# path the endpoint does not serve.
UNSUPPORTED_CODES = frozenset(
    {
        "InvalidAction",
        "NotImplemented",
        "UnsupportedOperation",
        "UnknownOperation",
        "UnknownOperationException",
        "501",
        "404",
    }
)
EXISTS_CODES = frozenset({"EntityAlreadyExists"})  # a create whose name is taken
IN_USE_CODES = frozenset({"DeleteConflict"})  # a delete of what still holds something
LIMIT_CODES = frozenset({"LimitExceeded"})  # one more would pass a quota (two access keys...)
CONFLICT_CODES = (
    EXISTS_CODES
    | IN_USE_CODES
    | LIMIT_CODES
    | frozenset({"ConcurrentModification", "EntityTemporarilyUnmodifiable", "UnmodifiableEntity"})
)
# Answers only a validly signed request gets: the key is good, it just may not do that.
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
# The key ID is not known (yet: IAM takes a moment to know a new key everywhere).
UNKNOWN_KEY_CODES = frozenset(
    {"InvalidClientTokenId", "InvalidAccessKeyId", "UnrecognizedClientException"}
)
UNAUTHENTICATED_CODES = UNKNOWN_KEY_CODES | frozenset(
    {
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "ExpiredToken",
        "ExpiredTokenException",
    }
)
INVALID_CODES = frozenset(
    {
        "ValidationError",
        "InvalidInput",
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "MalformedPolicyDocument",
        "MissingParameter",
        "PasswordPolicyViolation",
        "InvalidAuthenticationCode",
        "InvalidCertificate",
        "MalformedCertificate",
        "InvalidPublicKey",
        "DuplicateCertificate",
        "DuplicateSSHPublicKey",
        "KeyPairMismatch",
        "UnrecognizedPublicKeyEncoding",
    }
)

_TABLE = (
    (GONE_CODES, Outcome.GONE),
    (THROTTLING_CODES, Outcome.THROTTLED),
    (SERVER_CODES, Outcome.TRANSIENT),
    (UNSUPPORTED_CODES, Outcome.UNSUPPORTED),
    (CONFLICT_CODES, Outcome.CONFLICT),
    (DENIED_CODES, Outcome.DENIED),
    (UNAUTHENTICATED_CODES, Outcome.UNAUTHENTICATED),
    (INVALID_CODES, Outcome.INVALID),
)


# --- what a failure means -------------------------------------------------------------------


def outcome(exc: BaseException) -> Outcome:
    """What ``exc`` (any exception a request or a step can raise) means."""
    if isinstance(exc, KeyboardInterrupt):
        return Outcome.INTERRUPTED
    transport = _transport(exc)
    if transport is not None:
        return transport
    err = describe(exc)
    if interrupted(err):
        return Outcome.INTERRUPTED
    return of_code(
        err.code, foreign=err.foreign, usage=err.exit_code == EXIT_USAGE, status=_status(exc)
    )


def of_code(
    code: str | None, *, foreign: bool = False, usage: bool = False, status: int | None = None
) -> Outcome:
    """What an error ``code`` (or HTTP status given as one) means; ``status``, the answer's HTTP
    status, says what a code the table does not know means, where it can."""
    if foreign:
        return Outcome.FOREIGN
    if usage:
        return Outcome.INVALID
    for codes, meaning in _TABLE:
        if code in codes:
            return meaning
    if status is None and code is not None and code.isdigit():
        status = int(code)
    if status == 429:
        return Outcome.THROTTLED
    if status == 501:
        return Outcome.UNSUPPORTED
    if status is not None and status >= 500:
        return Outcome.TRANSIENT
    return Outcome.OTHER


def of_answer(status: int | None, parsed: Mapping[str, Any] | None) -> Outcome | None:
    """What an answer means, as botocore's hooks see it (the HTTP status and the parsed
    answer, before any exception is made of it); None for an answer that is not a failure."""
    error = (parsed or {}).get("Error") or {}
    if not error and (status is None or status < 400):
        return None
    code = error.get("Code") or (str(status) if status else None)
    return of_code(code, foreign=is_foreign(error), status=status)


def _status(exc: BaseException) -> int | None:
    """The HTTP status of the answer ``exc`` was made from, if it was made from one."""
    response = getattr(exc, "response", None)
    if not isinstance(response, Mapping):
        return None
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    return status if isinstance(status, int) else None


def _transport(exc: BaseException) -> Outcome | None:
    """The meaning of a failure below IAM's answers: none came (a connection lost or refused, a
    timeout, a TLS handshake cut short), or what came was not IAM's (botocore could not parse
    it)."""
    module = type(exc).__module__ or ""
    if not (module.startswith("botocore") or module.startswith("urllib3")):
        return None
    from botocore import exceptions as bx
    from botocore.parsers import ResponseParserError

    if isinstance(exc, ResponseParserError):
        return Outcome.FOREIGN
    if isinstance(exc, (bx.ConnectionError, bx.HTTPClientError)):
        return Outcome.TRANSIENT
    return None


# --- the questions callers ask --------------------------------------------------------------


def gone(exc: BaseException) -> bool:
    return outcome(exc) is Outcome.GONE


def throttled(exc: BaseException) -> bool:
    return outcome(exc) is Outcome.THROTTLED


def denied(exc: BaseException) -> bool:
    """Refused by policy: which only a validly signed request can be (a key proven good)."""
    return outcome(exc) is Outcome.DENIED


def unsupported(exc: BaseException) -> bool:
    """The endpoint lacks the API: it answered so, or answered with a page that is not IAM's
    (moto's HTML 500 for an action it lacks). A caller that must not take a proxy's error page
    for "no such API" asks ``outcome(exc) is Outcome.UNSUPPORTED``."""
    return outcome(exc) in (Outcome.UNSUPPORTED, Outcome.FOREIGN)


def _code(exc: BaseException) -> str | None:
    return None if isinstance(exc, KeyboardInterrupt) else describe(exc).code


def already_exists(exc: BaseException) -> bool:
    """A create refused because its name is taken (a conflict of one kind)."""
    return _code(exc) in EXISTS_CODES


def in_use(exc: BaseException) -> bool:
    """A delete refused because the entity still holds something (DeleteConflict)."""
    return _code(exc) in IN_USE_CODES


def at_limit(exc: BaseException) -> bool:
    """Refused because one more would pass a quota (LimitExceeded)."""
    return _code(exc) in LIMIT_CODES


def unknown_key(exc: BaseException) -> bool:
    """The request's key ID is not known (a new key, before IAM knows it everywhere)."""
    return _code(exc) in UNKNOWN_KEY_CODES


def transient(exc: BaseException) -> bool:
    """Worth sending again a moment later: throttled, a server failure (5xx), a connection
    lost or refused, or an answer that is not IAM's but not a refusal either (unparsable, or a
    5xx page)."""
    meaning = outcome(exc)
    if meaning is Outcome.FOREIGN:
        status = _status(exc)
        return status is None or status >= 500
    return meaning in (Outcome.THROTTLED, Outcome.TRANSIENT)


def retryable_answer(status: int | None, parsed: Mapping[str, Any] | None) -> bool:
    """Whether an answer (as botocore's hooks see it) is one botocore retries: throttled, or a
    server failure (a 5xx, an IAM answer or not)."""
    meaning = of_answer(status, parsed)
    if meaning is Outcome.FOREIGN:
        return status is not None and status >= 500
    return meaning in (Outcome.THROTTLED, Outcome.TRANSIENT)


def not_sent(exc: BaseException) -> bool:
    """The request surely did not take effect, so sending it again is safe even for a create:
    no connection was made (to the endpoint, or to the proxy), or it was refused for its rate."""
    from botocore import exceptions as bx

    unconnected = (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ProxyConnectionError)
    return isinstance(exc, unconnected) or throttled(exc)


def lost(exc: BaseException) -> bool:
    """The request may have taken effect, but no answer saying so came: the connection broke
    or timed out after it was sent, the service failed (a 5xx), or the answer is not IAM's
    (unparsable, of another shape, a 5xx page; a 4xx page is a refusal)."""
    from botocore import exceptions as bx

    if not_sent(exc) or isinstance(exc, bx.ConnectionError):  # never connected: not sent
        return False
    meaning = outcome(exc)
    status = _status(exc)
    if status is not None:
        return status >= 500
    return meaning in (Outcome.TRANSIENT, Outcome.FOREIGN)


def or_none(fetch: Callable[[], T]) -> T | None:
    """``fetch()``, or None when what it asks about does not exist (NoSuchEntity)."""
    try:
        return fetch()
    except Exception as exc:
        if gone(exc):
            return None
        raise
