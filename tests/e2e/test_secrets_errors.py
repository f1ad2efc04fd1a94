"""Error lines and --debug output keep secrets out even when the endpoint misbehaves: an
answer cut off mid-secret, an error quoting the password sent, credentials in the endpoint
URL; and a foreign error page keeps its HTTP status in the one error line."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import pytest

from tests.conftest import Home, one_error_line
from tests.support.proxy import Fault, cut_inside


def windows(secret: str, size: int = 8) -> set[str]:
    """Every part of ``secret`` of ``size`` characters."""
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


@pytest.mark.both
@pytest.mark.parametrize("debug", [True, False])
def test_an_answer_cut_off_inside_the_new_secret_shows_no_part_of_it(
    proxied_home: Home, proxy: Any, iam: Any, debug: bool
) -> None:
    iam.create_user(UserName="bob")
    whole: list[str] = []
    proxy.rewrites["CreateAccessKey"] = cut_inside("SecretAccessKey", 24, whole)
    result = proxied_home.run("useraddkey", "bob", *(["--debug"] if debug else []))
    assert result.returncode == 1, result
    assert whole and len(whole[0]) == 40
    partial = whole[0][:24]
    if debug:  # the broken answer was logged, masked
        assert "Response body" in result.stderr
        assert "<SecretAccessKey><redacted>" in result.stderr
    else:
        one_error_line(result, "useraddkey")
    for part in windows(partial) | {quote(partial, safe="")}:
        assert part not in result.stderr + result.stdout


LONG = "Quoted<&>Passw0rd 'x\"y"
SHORT = "Pw1!"


@pytest.mark.both
@pytest.mark.parametrize("password", [LONG, SHORT])
@pytest.mark.parametrize("debug", [True, False])
def test_an_error_quoting_the_password_does_not_show_it(
    proxied_home: Home, proxy: Any, iam: Any, password: str, debug: bool
) -> None:
    iam.create_user(UserName="bob")
    quoted = escape(password)
    proxy.faults["CreateLoginProfile"] = Fault(
        "status",
        status=400,
        body=(
            '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
            "<Type>Sender</Type><Code>PasswordPolicyViolation</Code><Message>Password "
            f"'{quoted}' does not conform to the account password policy: {quoted}"
            "</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
        ).encode(),
    )
    args = ["bob", "-p", password, *(["--debug"] if debug else [])]
    result = proxied_home.run("useraddloginprofile", *args)
    assert result.returncode == 1, result
    line = result.stderr.splitlines()[-1]
    assert line == (
        "euare-useraddloginprofile: error (PasswordPolicyViolation): Password '<redacted>' "
        "does not conform to the account password policy: <redacted>"
    )
    if not debug:
        one_error_line(result, "useraddloginprofile")
    else:
        assert "PasswordPolicyViolation" in result.stderr.splitlines()[0] + result.stderr
    for form in {password, escape(password), quote(password, safe=""), repr(password)[1:-1]}:
        assert form not in result.stderr


@pytest.mark.both
@pytest.mark.parametrize("debug", [True, False])
def test_credentials_in_the_endpoint_url_are_never_printed(home: Home, debug: bool) -> None:
    url = "http://user:s3cret@127.0.0.1:9/"
    result = home.run("userlistbypath", "-U", url, *(["--debug"] if debug else []))
    assert result.returncode == 1
    assert "s3cret" not in result.stderr and "user:" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "euare-userlistbypath: error: could not connect to the endpoint URL http://127.0.0.1:9/"
    )


def test_credentials_in_a_refused_endpoint_url_are_never_printed(home: Home) -> None:
    result = home.run("userlistbypath", "-U", "http://user:s3cret@127.0.0.1:port/")
    line = one_error_line(result, "userlistbypath")
    assert "s3cret" not in line and "user:" not in line
    assert "http://127.0.0.1:port/" in line


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, b"<html>Internal Server Error</html>", "(500): Internal Server Error"),
        (
            502,
            b"<!DOCTYPE html>\n<HTML><head><title>Gateway\n down</title></head></HTML>",
            "(502): Bad Gateway (an HTML page: Gateway down)",
        ),
        (503, b"upstream connect error", "(503): Service Unavailable ('upstream connect error')"),
        (403, b"", "(403): Forbidden"),
        (404, b"<html><body>Not here</body></html>", "(404): Not Found"),
    ],
)
def test_a_foreign_error_page_keeps_its_http_status(
    proxied_home: Home, proxy: Any, status: int, body: bytes, expected: str
) -> None:
    proxy.faults["ListUsers"] = Fault("status", count=None, status=status, body=body)
    line = one_error_line(proxied_home.run("userlistbypath"), "userlistbypath")
    assert line == f"euare-userlistbypath: error {expected}"


def test_a_foreign_page_with_status_200_is_not_taken_for_an_answer(
    proxied_home: Home, proxy: Any
) -> None:
    page = b"<html><head><title>Sign in to the guest network</title></head></html>"
    proxy.faults["ListUsers"] = Fault("status", count=None, status=200, body=page)
    line = one_error_line(proxied_home.run("userlistbypath"), "userlistbypath")
    assert line == (
        "euare-userlistbypath: error: the endpoint's answer is not an IAM response: "
        "HTTP 200, an HTML page: Sign in to the guest network"
    )


@pytest.mark.both
def test_a_session_token_is_masked_in_the_debug_log(home: Home) -> None:
    token = "FwoGZXIvYXdzEBYaDExample/Session+Token=="
    result = home.run("userlistbypath", "--security-token", token, "--debug")
    assert result.returncode == 0, result.stderr
    assert "'X-Amz-Security-Token': b'<redacted>'" in result.stderr
    for form in (token, quote(token, safe=""), token[:16]):
        assert form not in result.stderr
