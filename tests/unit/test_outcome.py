"""euare.core.outcome, the one place that says what a failure means: every code of its table,
HTTP statuses with and without a code, botocore's failures below IAM's answers, pages that are
not IAM's (made into errors by errors.non_iam_answer and parsed by botocore's own parser, as a
real answer is), Ctrl-C, usage errors, and the questions callers ask."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import exceptions as bx
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError, create_parser

from euare.call.client import NotAnAnswer
from euare.core import outcome as oc
from euare.core.errors import (
    EXIT_INTERRUPTED,
    EuareError,
    LostResponse,
    PartialFailure,
    UsageError,
    non_iam_answer,
)
from euare.core.outcome import Outcome, of_answer, of_code, outcome

URL = "https://iam.example.com/"


def answer(status: int, body: bytes) -> dict[str, Any]:
    """An answer as botocore parses it, after euare's before-parse hook has seen it."""
    response: dict[str, Any] = {"status_code": status, "headers": {}, "body": body}
    non_iam_answer(response)
    parsed: dict[str, Any] = create_parser("query").parse(response, None)
    return parsed


def iam(status: int, code: str | None, message: str = "said IAM") -> ClientError:
    code_xml = f"<Code>{code}</Code>" if code is not None else ""
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type>{code_xml}<Message>{message}</Message>"
        "</Error><RequestId>r-1</RequestId></ErrorResponse>"
    ).encode()
    return ClientError(answer(status, body), "GetUser")  # type: ignore[arg-type]


def page(status: int, body: bytes = b"<html><title>Bad Gateway</title></html>") -> ClientError:
    return ClientError(answer(status, body), "GetUser")  # type: ignore[arg-type]


TABLE = [(code, meaning) for codes, meaning in oc._TABLE for code in sorted(codes)]


@pytest.mark.parametrize(("code", "meaning"), TABLE)
def test_every_code_of_the_table_means_what_the_table_says(code: str, meaning: Outcome) -> None:
    status = int(code) if code.isdigit() else 400
    assert outcome(iam(status, code)) is meaning
    assert of_code(code) is meaning
    assert of_answer(status, {"Error": {"Code": code}}) is meaning


def test_no_code_is_in_two_collections_of_the_table() -> None:
    seen: dict[str, Outcome] = {}
    for codes, meaning in oc._TABLE:
        for code in codes:
            assert code not in seen, f"{code} means {seen[code]} and {meaning}"
            seen[code] = meaning


def test_the_finer_collections_are_inside_their_kinds() -> None:
    assert oc.EXISTS_CODES | oc.IN_USE_CODES | oc.LIMIT_CODES <= oc.CONFLICT_CODES
    assert oc.UNKNOWN_KEY_CODES <= oc.UNAUTHENTICATED_CODES


@pytest.mark.parametrize(
    ("status", "code", "meaning"),
    [
        (500, "SomethingNew", Outcome.TRANSIENT),  # a code not in the table: the status says
        (502, "BadGateway", Outcome.TRANSIENT),
        (503, "SlowDown", Outcome.TRANSIENT),
        (429, "SomethingNew", Outcome.THROTTLED),
        (501, "SomethingNew", Outcome.UNSUPPORTED),
        (400, "SomethingNew", Outcome.OTHER),
        (403, "SomethingNew", Outcome.OTHER),
        (404, None, Outcome.UNSUPPORTED),  # no code at all: the status is the code
        (500, None, Outcome.TRANSIENT),
        (429, None, Outcome.THROTTLED),
        (404, "NoSuchEntity", Outcome.GONE),  # the code wins over the status
        (400, "Throttling", Outcome.THROTTLED),
        (500, "NotImplemented", Outcome.UNSUPPORTED),
        (503, "AccessDenied", Outcome.DENIED),
    ],
)
def test_http_statuses(status: int, code: str | None, meaning: Outcome) -> None:
    assert outcome(iam(status, code)) is meaning


@pytest.mark.parametrize(
    ("exc", "meaning"),
    [
        (bx.EndpointConnectionError(endpoint_url=URL), Outcome.TRANSIENT),
        (bx.ConnectTimeoutError(endpoint_url=URL), Outcome.TRANSIENT),
        (bx.ProxyConnectionError(proxy_url=URL, error="refused"), Outcome.TRANSIENT),
        (bx.SSLError(endpoint_url=URL, error="handshake cut short"), Outcome.TRANSIENT),
        (bx.ReadTimeoutError(endpoint_url=URL), Outcome.TRANSIENT),
        (bx.ConnectionClosedError(endpoint_url=URL), Outcome.TRANSIENT),
        (ResponseParserError("unable to parse"), Outcome.FOREIGN),
        (bx.NoCredentialsError(), Outcome.OTHER),
        (bx.NoRegionError(), Outcome.OTHER),
        (bx.ParamValidationError(report="UserName is missing"), Outcome.INVALID),
    ],
)
def test_botocore_s_failures_below_iam_s_answers(exc: BaseException, meaning: Outcome) -> None:
    assert outcome(exc) is meaning


@pytest.mark.parametrize("status", [200, 403, 404, 500, 502, 503])
def test_a_page_that_is_not_iam_s_is_foreign_whatever_its_status(status: int) -> None:
    exc: BaseException
    if status < 300:
        with pytest.raises(ResponseParserError) as caught:
            answer(status, b"<html><title>Portal</title></html>")
        exc = caught.value
    else:
        exc = page(status)
    assert outcome(exc) is Outcome.FOREIGN
    assert oc.unsupported(exc)  # moto's HTML 500 for an action it lacks
    assert oc.transient(exc) is (status < 300 or status >= 500)  # a 4xx page refuses
    assert oc.lost(exc) is (status < 300 or status >= 500)


def test_text_that_is_not_iam_s_is_foreign_too() -> None:
    assert outcome(page(502, b"upstream connect error")) is Outcome.FOREIGN


def test_an_answer_of_another_shape_is_foreign() -> None:
    exc = NotAnAnswer("CreateUser", "it holds no User")
    assert outcome(exc) is Outcome.FOREIGN
    assert oc.lost(exc) and oc.transient(exc)


def test_ctrl_c_and_a_command_it_stopped_are_interrupted() -> None:
    assert outcome(KeyboardInterrupt()) is Outcome.INTERRUPTED
    assert outcome(EuareError("interrupted", exit_code=EXIT_INTERRUPTED)) is Outcome.INTERRUPTED
    for ask in (oc.gone, oc.throttled, oc.transient, oc.already_exists, oc.unknown_key):
        assert not ask(KeyboardInterrupt())


def test_usage_errors_are_invalid() -> None:
    assert outcome(UsageError("no such option")) is Outcome.INVALID
    assert of_code("NoSuchEntity", usage=True) is Outcome.INVALID


def test_euare_s_own_errors_mean_what_their_codes_do() -> None:
    cause = EuareError("gone", code="NoSuchEntity")
    assert outcome(cause) is Outcome.GONE
    assert outcome(PartialFailure(cause, ["a"], ["b"])) is Outcome.GONE
    assert outcome(LostResponse("CreateUser", EuareError("x", code="503"))) is Outcome.TRANSIENT
    assert outcome(EuareError("something")) is Outcome.OTHER
    assert outcome(ValueError("a bug")) is Outcome.OTHER


def test_answers_as_botocore_s_hooks_see_them() -> None:
    assert of_answer(200, {"User": {}}) is None
    assert of_answer(None, {}) is None
    assert of_answer(400, {"Error": {"Code": "Throttling"}}) is Outcome.THROTTLED
    assert of_answer(429, {}) is Outcome.THROTTLED
    assert of_answer(503, answer(503, b"<html></html>")) is Outcome.FOREIGN
    assert of_answer(None, {"Error": {"Code": "Throttling"}}) is Outcome.THROTTLED
    retried = oc.retryable_answer
    assert retried(400, {"Error": {"Code": "Throttling"}}) and retried(500, {"Error": {}})
    assert retried(503, answer(503, b"<html></html>"))
    assert not retried(403, answer(403, b"<html></html>"))
    assert not retried(501, {"Error": {"Code": "NotImplemented"}})  # botocore does not either
    assert not retried(404, {"Error": {"Code": "NoSuchEntity"}}) and not retried(200, {})


@pytest.mark.parametrize(
    ("ask", "codes"),
    [
        (oc.gone, oc.GONE_CODES),
        (oc.throttled, oc.THROTTLING_CODES),
        (oc.denied, oc.DENIED_CODES),
        (oc.already_exists, oc.EXISTS_CODES),
        (oc.in_use, oc.IN_USE_CODES),
        (oc.at_limit, oc.LIMIT_CODES),
        (oc.unknown_key, oc.UNKNOWN_KEY_CODES),
        (oc.unsupported, oc.UNSUPPORTED_CODES),
    ],
)
def test_each_question_says_yes_to_its_codes_only(ask: Any, codes: frozenset[str]) -> None:
    named = [code for code, _ in TABLE if not code.isdigit()]
    assert {code for code in named if ask(iam(400, code))} == {c for c in codes if c in named}


def test_what_surely_was_not_sent_and_what_may_have_been() -> None:
    unconnected = [
        bx.EndpointConnectionError(endpoint_url=URL),
        bx.ConnectTimeoutError(endpoint_url=URL),
        bx.ProxyConnectionError(proxy_url=URL, error="refused"),
    ]
    for exc in [*unconnected, iam(400, "Throttling"), iam(429, None)]:
        assert oc.not_sent(exc) and not oc.lost(exc), exc
    for exc in [
        bx.ReadTimeoutError(endpoint_url=URL),
        bx.ConnectionClosedError(endpoint_url=URL),
        iam(500, "InternalFailure"),
        iam(501, "NotImplemented"),
        page(502),
        ResponseParserError("unable to parse"),
    ]:
        assert oc.lost(exc) and not oc.not_sent(exc), exc
    for exc in [
        iam(400, "EntityAlreadyExists"),
        page(403),
        bx.SSLError(endpoint_url=URL, error="certificate verify failed"),  # never connected
        KeyboardInterrupt(),
        UsageError("x"),
    ]:
        assert not oc.lost(exc) and not oc.not_sent(exc), exc


def test_transient_is_worth_sending_again() -> None:
    for exc in [iam(400, "Throttling"), iam(503, "ServiceUnavailable"), iam(500, "New")]:
        assert oc.transient(exc)
    for exc in [iam(400, "ValidationError"), iam(404, "NoSuchEntity"), iam(501, "X")]:
        assert not oc.transient(exc)
    assert oc.transient(bx.ReadTimeoutError(endpoint_url=URL))


def test_or_none() -> None:
    assert oc.or_none(lambda: 42) == 42
    assert oc.or_none(lambda: _raise(iam(404, "NoSuchEntity"))) is None
    with pytest.raises(ClientError):
        oc.or_none(lambda: _raise(iam(403, "AccessDenied")))
    with pytest.raises(KeyboardInterrupt):
        oc.or_none(lambda: _raise(KeyboardInterrupt()))


def _raise(exc: BaseException) -> Any:
    raise exc
