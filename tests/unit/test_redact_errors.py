"""errors.py keeps secrets out of what it builds: describe() redacts (its messages are also
printed as warnings, outside report()), error_line() masks the code and message, never the
program's name; and a foreign answer's status survives as the error code."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import exceptions as bx
from botocore.parsers import ResponseParserError

from euare.core import redact
from euare.core.errors import EuareError, describe, error_line, non_iam_answer

pytestmark = pytest.mark.usefixtures("fresh_registry")


def test_describe_drops_userinfo_from_the_endpoint_url() -> None:
    err = describe(bx.EndpointConnectionError(endpoint_url="https://ops:hunter2@iam.example/"))
    assert err.message == "could not connect to the endpoint URL https://iam.example/"
    lost = describe(bx.ConnectionClosedError(endpoint_url="http://a:b@h:1/"))
    assert "a:b@" not in lost.message


def test_describe_masks_a_secret_the_service_quotes() -> None:
    redact.remember("Tr0ub4dor&3")
    exc = bx.ClientError(
        {"Error": {"Code": "PasswordPolicyViolation", "Message": "'Tr0ub4dor&3' is too weak"}},
        "CreateLoginProfile",
    )
    err = describe(exc)
    assert err.message == "'<redacted>' is too weak"
    assert err.code == "PasswordPolicyViolation"


def test_error_line_masks_code_and_message_but_not_the_program() -> None:
    redact.remember("test")  # a short secret that is also a word of the program's name
    line = error_line("euare-test", EuareError("password test refused", code="test"))
    assert line == "euare-test: error (<redacted>): password <redacted> refused"


def answer(status: int, body: bytes) -> dict[str, Any]:
    response = {"status_code": status, "body": body, "headers": {}}
    non_iam_answer(response)
    return response


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (500, b"<html>oops</html>", b"<Message>Internal Server Error</Message>"),
        (502, b" <!DOCTYPE html><title>Down</title>", b"<Message>Bad Gateway (an HTML page: Down)"),
        (503, b"no healthy upstream", b"Service Unavailable ('no healthy upstream')"),
        (400, b"<Error><Message>cut", b"<Message>Bad Request (XML that is not a complete"),
        (599, b"", b"<Code>599</Code><Message>HTTP error</Message>"),
    ],
)
def test_a_foreign_error_answer_becomes_an_error_coded_with_its_status(
    status: int, body: bytes, message: bytes
) -> None:
    rewritten = answer(status, body)["body"]
    assert f"<Code>{status}</Code>".encode() in rewritten
    assert message in rewritten


def test_iam_answers_are_left_alone() -> None:
    error = b"<ErrorResponse><Error><Code>NoSuchEntity</Code></Error></ErrorResponse>"
    assert answer(404, error)["body"] == error
    assert answer(200, b"<ListUsersResponse/>")["body"] == b"<ListUsersResponse/>"
    assert answer(200, b"")["body"] == b""
    assert answer(200, b"<ListUsersResponse><cut")["body"] == b"<ListUsersResponse><cut"


def test_a_foreign_success_answer_is_refused() -> None:
    with pytest.raises(ResponseParserError) as caught:
        answer(200, b"<html><title>Captive portal</title></html>")
    err = describe(caught.value)
    assert err.foreign
    assert err.message == (
        "the endpoint's answer is not an IAM response: HTTP 200, an HTML page: Captive portal"
    )
