"""Secrets never reach output the user did not ask for, --debug included."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import ADMIN_SECRET, Home

pytestmark = pytest.mark.both  # no secret shown, in process or through the worker


def assert_absent(secret: str, *texts: str) -> None:
    for form in {secret, quote(secret, safe=""), quote(secret, safe="").replace("%20", "+")}:
        for text in texts:
            assert form not in text


def test_debug_shows_the_wire_but_no_secrets(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    password = "Debug-Passw0rd/+x"
    login = home.run("useraddloginprofile", "bob", "-p", password, "--debug")
    assert login.returncode == 0, login.stderr
    key = home.run("useraddkey", "bob", "--debug")
    assert key.returncode == 0, key.stderr
    new_secret = key.lines[1]
    # The debug log did show the requests and responses...
    assert "CreateLoginProfile" in login.stderr and "CreateAccessKey" in key.stderr
    assert "<redacted>" in login.stderr and "<redacted>" in key.stderr
    # ...but none of the secrets: the caller's, the password, and the new key's.
    assert_absent(ADMIN_SECRET, login.stderr, key.stderr, login.stdout)
    assert_absent(password, login.stderr, login.stdout)
    assert_absent(new_secret, key.stderr)
    assert "Signature=" in key.stderr and "Signature=<redacted>" in key.stderr


def test_error_lines_do_not_carry_the_secret(home: Home) -> None:
    result = home.run(
        "userlistbypath",
        "-U",
        "http://127.0.0.1:9/",
        "-S",
        ADMIN_SECRET,
        "-I",
        "AKIAEXAMPLEEXAMPLE00",
        "--debug",
    )
    assert result.returncode == 1
    assert_absent(ADMIN_SECRET, result.stderr, result.stdout)
