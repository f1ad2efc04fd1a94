"""The one error type and the one place that turns any failure into euca2ools' error line.

Every failure reaches the user as ``euare-VERB: error (Code): message`` (service errors) or
``euare-VERB: error: message`` (everything else) on stderr, with exit status 1, or 2 for usage
errors. The table in :func:`describe` is ordered: the first matching class wins.
"""

from __future__ import annotations

import traceback
from typing import IO, Any

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class EuareError(Exception):
    """A failure to report as one line. ``code`` is the service's error code, if there is one."""

    def __init__(self, message: str, code: str | None = None, exit_code: int = EXIT_FAILURE):
        super().__init__(message)
        self.message = message
        self.code = code
        self.exit_code = exit_code


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


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _client_error(exc: Any) -> EuareError:
    response = getattr(exc, "response", None) or {}
    error = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    status = meta.get("HTTPStatusCode")
    code = error.get("Code") or (str(status) if status else None)
    message = error.get("Message") or str(exc)
    return EuareError(_one_line(message), code=code)


def describe(exc: BaseException) -> EuareError:
    """Translate any exception into an EuareError (code, one-line message, exit status)."""
    if isinstance(exc, EuareError):
        return exc
    if isinstance(exc, KeyboardInterrupt):
        return EuareError("interrupted", exit_code=EXIT_INTERRUPTED)
    module = type(exc).__module__ or ""
    if module.startswith("botocore") or module.startswith("urllib3"):
        from botocore import exceptions as bx
        from botocore.parsers import ResponseParserError

        table: list[tuple[type[BaseException], Any]] = [
            (bx.ClientError, _client_error),
            (
                ResponseParserError,
                lambda e: EuareError(
                    "the endpoint's answer is not an IAM response: "
                    + _one_line(str(e).split("invalid XML received")[0]).rstrip(" ,:")
                ),
            ),
            (bx.NoCredentialsError, lambda e: EuareError("no credentials were found")),
            (bx.PartialCredentialsError, lambda e: EuareError(_one_line(str(e)))),
            (bx.ParamValidationError, lambda e: UsageError(_one_line(str(e)))),
            (
                bx.SSLError,
                lambda e: EuareError(
                    f"TLS error talking to {e.kwargs.get('endpoint_url')}: "
                    f"{_one_line(str(e.kwargs.get('error')))}"
                ),
            ),
            (
                bx.ConnectTimeoutError,
                lambda e: EuareError(
                    f"request timed out connecting to {e.kwargs.get('endpoint_url')}"
                ),
            ),
            (
                bx.ReadTimeoutError,
                lambda e: EuareError(
                    f"request timed out waiting for {e.kwargs.get('endpoint_url')}"
                ),
            ),
            (
                bx.EndpointConnectionError,
                lambda e: EuareError(
                    f"could not connect to the endpoint URL {e.kwargs.get('endpoint_url')}"
                ),
            ),
            (
                bx.ConnectionClosedError,
                lambda e: EuareError(
                    f"connection closed by {e.kwargs.get('endpoint_url')} before it answered"
                ),
            ),
            (
                bx.ProxyConnectionError,
                lambda e: EuareError(f"could not connect to the proxy {e.kwargs.get('proxy_url')}"),
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


def error_line(prog: str, err: EuareError) -> str:
    """The euca2ools form of an error line."""
    if err.code:
        return f"{prog}: error ({err.code}): {err.message}"
    return f"{prog}: error: {err.message}"


def report(prog: str, exc: BaseException, stderr: IO[str], debug: bool = False) -> int:
    """Print one line for ``exc`` on stderr (after a traceback with --debug); return the exit."""
    from euare.redact import redact

    err = describe(exc)
    if debug and not isinstance(exc, (KeyboardInterrupt, EuareError)):
        stderr.write(redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__))))
    stderr.write(redact(error_line(prog, err)) + "\n")
    stderr.flush()
    return err.exit_code
