"""The one error type and the one place that turns any failure into euca2ools' error line.

Every failure reaches the user as ``euare-VERB: error (Code): message`` (service errors) or
``euare-VERB: error: message`` (everything else) on stderr, with exit status 1, or 2 for usage
errors, or 128 + the signal's number for a command stopped by Ctrl-C, SIGTERM or SIGHUP (see
euare.core.interrupts). The table in :func:`describe` is ordered: the first matching class wins.
"""

from __future__ import annotations

import re
from typing import IO, Any

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_HANGUP = 129  # SIGHUP
EXIT_TERMINATED = 143  # SIGTERM


class EuareError(Exception):
    """A failure to report as one line. ``code`` is the service's error code, if there is one;
    ``foreign`` says the endpoint answered something that is not IAM's (an HTML page, text)."""

    def __init__(self, message: str, code: str | None = None, exit_code: int = EXIT_FAILURE):
        super().__init__(message)
        self.message = message
        self.code = code
        self.exit_code = exit_code
        self.foreign = False


class UsageError(EuareError):
    """Arguments that can be refused before anything is sent (exit 2)."""

    def __init__(self, message: str):
        super().__init__(message, exit_code=EXIT_USAGE)


class LostResponse(EuareError):
    """A request that may have taken effect, but whose answer never arrived."""

    def __init__(self, operation: str, cause: EuareError):
        super().__init__(f"the answer to {operation} was lost ({cause.message})", code=cause.code)
        self.operation = operation
        self.cause = cause


class PartialFailure(EuareError):
    """A composite command stopped midway: says what was done and what was not."""

    def __init__(self, cause: EuareError, done: list[str], not_done: list[str]):
        parts = [cause.message]
        parts.append("done: " + ("; ".join(done) if done else "nothing"))
        if not_done:
            parts.append("not done: " + "; ".join(not_done))
        super().__init__(" -- ".join(parts), code=cause.code, exit_code=cause.exit_code)
        self.cause = cause
        self.done = done
        self.not_done = not_done


# The words a call's time budget (euare.call.deadline) puts on the exception, or on the answer's
# ResponseMetadata, when it gave up before botocore's attempts were used up.
GAVE_UP = "euare_gave_up"


def note(exc: BaseException) -> str | None:
    """The "gave up after N attempts" words the budget put on ``exc``, if any."""
    found = getattr(exc, GAVE_UP, None)
    if found is None:
        meta = (getattr(exc, "response", None) or {}).get("ResponseMetadata") or {}
        found = meta.get(GAVE_UP) if isinstance(meta, dict) else None
    return found if isinstance(found, str) else None


def interrupted(err: EuareError) -> bool:
    """Whether ``err`` ends a command stopped by Ctrl-C, SIGTERM or SIGHUP."""
    from euare.core.interrupts import STATUSES

    return err.exit_code in STATUSES


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _url(exc: Any, key: str = "endpoint_url") -> str:
    from euare.core.redact import strip_userinfo

    return strip_userinfo(str(exc.kwargs.get(key)))


def _client_error(exc: Any) -> EuareError:
    response = getattr(exc, "response", None) or {}
    error = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    status = meta.get("HTTPStatusCode")
    code = error.get("Code") or (str(status) if status else None)
    message = error.get("Message") or str(exc)
    err = EuareError(_one_line(message), code=code)
    err.foreign = is_foreign(error)
    return err


def is_foreign(error: Any) -> bool:
    """Whether an answer's ``Error`` is one :func:`non_iam_answer` made of a page that is not
    IAM's."""
    return isinstance(error, dict) and error.get("Type") == _FOREIGN


def _parser_error(exc: Any) -> EuareError:
    message = _one_line(str(exc).split("invalid XML received")[0]).rstrip(" ,:")
    err = EuareError(f"the endpoint's answer is not an IAM response: {message}")
    err.foreign = True
    return err


def describe(exc: BaseException) -> EuareError:
    """Translate any exception into an EuareError (code, one-line message, exit status).

    The message of a foreign exception is redacted here (secrets masked, ``user:password@``
    dropped from URLs), since callers also print it in warnings, not only through report().
    """
    if isinstance(exc, EuareError):
        return exc
    from euare.core.redact import redact

    err = _describe(exc)
    gave_up = note(exc)  # the call's time ran out before its attempts did (EUARE_CALL_TIMEOUT)
    err.message = redact(f"{err.message}; {gave_up}" if gave_up else err.message)
    err.args = (err.message,)
    return err


def _describe(exc: BaseException) -> EuareError:
    if isinstance(exc, KeyboardInterrupt):  # Ctrl-C, SIGTERM or SIGHUP: which one is known there
        from euare.core import interrupts

        return EuareError(interrupts.word(), exit_code=interrupts.status())
    module = type(exc).__module__ or ""
    if module.startswith("botocore") or module.startswith("urllib3"):
        from botocore import exceptions as bx
        from botocore.parsers import ResponseParserError

        table: list[tuple[type[BaseException], Any]] = [
            (bx.ClientError, _client_error),
            (ResponseParserError, _parser_error),
            (bx.NoCredentialsError, lambda e: EuareError("no credentials were found")),
            (bx.PartialCredentialsError, lambda e: EuareError(_one_line(str(e)))),
            (bx.ParamValidationError, lambda e: UsageError(_one_line(str(e)))),
            (
                bx.SSLError,
                lambda e: EuareError(
                    f"TLS error talking to {_url(e)}: {_one_line(str(e.kwargs.get('error')))}"
                ),
            ),
            (
                bx.ConnectTimeoutError,
                lambda e: EuareError(f"request timed out connecting to {_url(e)}"),
            ),
            (
                bx.ReadTimeoutError,
                lambda e: EuareError(f"request timed out waiting for {_url(e)}"),
            ),
            (
                bx.EndpointConnectionError,
                lambda e: EuareError(f"could not connect to the endpoint URL {_url(e)}"),
            ),
            (
                bx.ConnectionClosedError,
                lambda e: EuareError(f"connection closed by {_url(e)} before it answered"),
            ),
            (
                bx.ProxyConnectionError,
                lambda e: EuareError(f"could not connect to the proxy {_url(e, 'proxy_url')}"),
            ),
            (bx.HTTPClientError, lambda e: EuareError(f"connection error ({_one_line(str(e))})")),
            (bx.NoRegionError, lambda e: EuareError("no region was given; use --region")),
            (bx.BotoCoreError, lambda e: EuareError(_one_line(str(e)))),
        ]
        for cls, make in table:
            if isinstance(exc, cls):
                result: EuareError = make(exc)
                return result
    if isinstance(exc, UnicodeError):
        return EuareError(f"not valid text: {_one_line(str(exc))}")
    if isinstance(exc, OSError):
        reason = exc.strerror or _one_line(str(exc))
        return EuareError(f"{reason}: {exc.filename}" if exc.filename else reason)
    return EuareError(f"unexpected {type(exc).__name__}: {_one_line(str(exc))}")


_FOREIGN = "NotAnIAMAnswer"  # the error Type of an answer non_iam_answer() rewrote
_TITLE = rb"<title[^>]*>(.*?)</title"
_HTML = rb"\s*(<\?xml[^>]*>\s*)?<(!doctype\s+html|html)\b"


def _html(body: bytes) -> bool:
    """Whether ``body`` is an HTML page (the pattern is compiled only for a likely one)."""
    return b"html" in body[:1024].lower() and re.match(_HTML, body, re.I) is not None


def _foreign(body: bytes, status: int) -> bool:
    """Whether ``body`` is plainly not an IAM answer: an HTML page, or not even markup. An
    error answer must also be well-formed XML; a broken success answer is left to botocore,
    whose parser error says where it broke."""
    if _html(body) or not body.lstrip().startswith(b"<"):
        return True
    if status < 300:
        return False
    import xml.etree.ElementTree as ET

    try:
        ET.fromstring(body)
    except (ET.ParseError, ValueError):
        return True
    return False


def _gist(body: bytes) -> str:
    """A few words saying what a foreign answer is: an HTML page's title, a text's start, or
    nothing (an untitled page or an empty answer: the HTTP status says it all)."""
    if _html(body):
        title = re.search(_TITLE, body, re.I | re.S)
        words = _one_line(title.group(1).decode("utf-8", "replace")) if title else ""
        return f"an HTML page: {words[:100]}" if words else ""
    if body.lstrip().startswith(b"<"):
        return "XML that is not a complete IAM answer"
    words = _one_line(body.decode("utf-8", "replace"))
    return f"{words[:100]!r}" if words else ""


def non_iam_answer(response_dict: dict[str, Any], **_: Any) -> None:
    """botocore ``before-parse`` hook: an answer that is not IAM's (a proxy's HTML page, plain
    text) becomes an error whose code is the HTTP status, instead of a parser error without it
    or a KeyError. A 2xx such answer is refused as not an IAM response."""
    status = int(response_dict.get("status_code") or 0)
    body = response_dict.get("body") or b""
    if not isinstance(body, bytes) or (status < 300 and not body.strip()):
        return
    if not _foreign(body, status):
        return
    gist = _gist(body)
    import logging

    logging.getLogger("euare.core.errors").debug("HTTP %s answer is not IAM's: %r", status, body)
    if status < 300:
        from botocore.parsers import ResponseParserError

        raise ResponseParserError(f"HTTP {status}, {gist or 'an HTML page'}")
    import http.client
    from xml.sax.saxutils import escape

    message = http.client.responses.get(status, "HTTP error")
    if gist:
        message += f" ({gist})"
    response_dict["body"] = (
        f"<ErrorResponse><Error><Type>{_FOREIGN}</Type><Code>{status}</Code>"
        f"<Message>{escape(message)}</Message></Error><RequestId/></ErrorResponse>"
    ).encode()


def non_json_answer(response_dict: dict[str, Any], **_: Any) -> None:
    """:func:`non_iam_answer` for a service that answers JSON (Organizations): an answer that
    is no JSON object (a portal's HTML page) is refused, never parsed as an empty result (an
    organization of no accounts); an error answer of that kind gets the HTTP status as code."""
    import json

    status = int(response_dict.get("status_code") or 0)
    body = response_dict.get("body") or b""
    if not isinstance(body, bytes) or (status < 300 and not body.strip()):
        return
    try:
        if isinstance(json.loads(body), dict):
            return
    except ValueError:
        pass
    gist = _gist(body)
    if status < 300:
        from botocore.parsers import ResponseParserError

        raise ResponseParserError(f"HTTP {status}, {gist or 'an answer that is not JSON'}")
    import http.client

    message = http.client.responses.get(status, "HTTP error")
    response_dict["body"] = json.dumps(
        {"__type": str(status), "message": f"{message} ({gist})" if gist else message}
    ).encode()


def error_line(prog: str, err: EuareError) -> str:
    """The euca2ools form of an error line, its code and message redacted."""
    if err.code:
        return stderr_line(prog, f"error ({_one_line(err.code)}): {err.message}")
    return stderr_line(prog, f"error: {err.message}")


# What a stderr line says it is, just after ``PROG: ``: ``error (Code): ``, ``error: `` (as
# :func:`render` writes them) or ``warning: `` (a verb's warning, through :func:`stderr_line`).
LINE_KIND = re.compile(r"(error( \([^()]*\))?|warning): ")


def stderr_line(prog: str, text: str) -> str:
    """``PROG: text`` as a line on stderr (an error, a warning): on one line, secrets masked,
    and any character that could drive a terminal shown as ``\\uXXXX`` (a message may quote
    what the endpoint or a file said)."""
    from euare.core.redact import redact
    from euare.core.terminal import visible

    return f"{prog}: {visible(redact(_one_line(text)), one_line=True)}"


def report(prog: str, exc: BaseException, stderr: IO[str], debug: bool = False) -> int:
    """Print one line for ``exc`` on stderr (after a traceback with --debug); return the exit."""
    from euare.core.redact import redact

    err = describe(exc)
    if debug and not isinstance(exc, (KeyboardInterrupt, EuareError)):
        import traceback

        stderr.write(redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__))))
    stderr.write(error_line(prog, err) + "\n")
    stderr.flush()
    return err.exit_code
