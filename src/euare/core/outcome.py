"""What a failure means, decided in one place: every caller that must tell "gone" from
"throttled", "the endpoint lacks this API", "a conflict" or "denied" asks :func:`outcome`,
never compares error codes itself.

The codes are IAM's and STS's (and those IAM-compatible clouds answer with); an HTTP status
stands in for a code where the answer had none (errors.describe gives it as the code).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

from euare.core.errors import EXIT_USAGE, describe, interrupted

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
    INVALID = "invalid"  # the request itself is wrong (refused locally, or by the service)
    INTERRUPTED = "interrupted"  # Ctrl-C, SIGTERM or SIGHUP
    OTHER = "other"  # anything else: credentials, TLS, an unexpected error


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
# service-specific credentials cannot hold any.
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
CONFLICT_CODES = frozenset(
    {
        "EntityAlreadyExists",
        "DeleteConflict",
        "LimitExceeded",
        "ConcurrentModification",
        "EntityTemporarilyUnmodifiable",
        "UnmodifiableEntity",
    }
)
# Answers only a validly signed request gets: the key is good, it just may not do that.
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
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
    return of_code(err.code, foreign=err.foreign, usage=err.exit_code == EXIT_USAGE)


def of_code(code: str | None, *, foreign: bool = False, usage: bool = False) -> Outcome:
    """What an error ``code`` (or HTTP status given as one) means."""
    if foreign:
        return Outcome.FOREIGN
    if usage:
        return Outcome.INVALID
    if code is None:
        return Outcome.OTHER
    if code == "NoSuchEntity":
        return Outcome.GONE
    for codes, meaning in _TABLE:
        if code in codes:
            return meaning
    if code.isdigit() and int(code) >= 500:
        return Outcome.TRANSIENT
    return Outcome.OTHER


_TABLE = (
    (THROTTLING_CODES, Outcome.THROTTLED),
    (SERVER_CODES, Outcome.TRANSIENT),
    (UNSUPPORTED_CODES, Outcome.UNSUPPORTED),
    (CONFLICT_CODES, Outcome.CONFLICT),
    (DENIED_CODES, Outcome.DENIED),
    (INVALID_CODES, Outcome.INVALID),
)


def _transport(exc: BaseException) -> Outcome | None:
    """The meaning of a failure below IAM's answers: none came (a connection lost or refused, a
    timeout), or what came was not IAM's (botocore could not parse it)."""
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


def gone(exc: BaseException) -> bool:
    return outcome(exc) is Outcome.GONE


def throttled(exc: BaseException) -> bool:
    return outcome(exc) is Outcome.THROTTLED


def unsupported(exc: BaseException) -> bool:
    """The endpoint lacks the API: it answered so, or answered with a page that is not IAM's
    (moto's HTML 500 for an action it lacks)."""
    return outcome(exc) in (Outcome.UNSUPPORTED, Outcome.FOREIGN)


def or_none(fetch: Callable[[], T]) -> T | None:
    """``fetch()``, or None when what it asks about does not exist (NoSuchEntity)."""
    try:
        return fetch()
    except Exception as exc:
        if gone(exc):
            return None
        raise

