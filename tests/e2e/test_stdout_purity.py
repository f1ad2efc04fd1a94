"""stdout holds the result and nothing else: with warnings and narration about (a credential
file others can read, a re-run that goes on past an existing user, rotation's -v), the JSON on
stdout still parses and every other line is on stderr."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ADMIN_KEY, ADMIN_SECRET, Home

pytestmark = [pytest.mark.in_process, pytest.mark.both]  # apart both ways


def test_warnings_about_the_credential_file_go_to_stderr(home: Home, iam: Any) -> None:
    home.write_iamrc(ADMIN_KEY, ADMIN_SECRET).chmod(0o644)
    iam.create_user(UserName="ann")
    result = home.run("userlistbypath", "--format", "json")
    assert result.returncode == 0, result
    assert [u["UserName"] for u in json.loads(result.stdout)] == ["ann"]
    assert "chmod 600" in result.stderr


def test_a_re_run_s_warning_goes_to_stderr(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bea")
    iam.create_group(GroupName="staff")
    result = home.run("usercreate", "bea", "-g", "staff", "-v", "--format", "json")
    assert result.returncode == 0, result
    assert json.loads(result.stdout)  # whatever the shape, nothing but JSON
    assert "already exists" in result.stderr


def test_rotation_narrates_on_stderr(home: Home, iam: Any) -> None:
    iam.create_user(UserName="cy")
    key = iam.create_access_key(UserName="cy")["AccessKey"]
    target = home.write_iamrc(key["AccessKeyId"], key["SecretAccessKey"], "cy.iamrc")
    result = home.run(
        "userrotatekey", "-u", "cy", "--credential-file", str(target), "-v", "--format", "json"
    )
    assert result.returncode == 0, result
    assert json.loads(result.stdout)
    assert "created" in result.stderr
