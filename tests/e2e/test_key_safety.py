"""Creating access keys safely: a lost answer is reported, never doubled; a full slot says how to
free one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.proxy import Fault


def test_lost_create_access_key_answer_is_reported_not_doubled(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_user(UserName="bob")
    proxy.faults["CreateAccessKey"] = Fault("reset-after", count=None)
    result = proxied_home.run("useraddkey", "bob")
    keys = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    assert len(keys) == 1
    assert proxy.actions.count("CreateAccessKey") == 1
    line = one_error_line(result, "useraddkey")
    assert "the answer to CreateAccessKey was lost" in line
    assert f"euare-userdelkey -u bob {keys[0]['AccessKeyId']}" in line
    assert result.stdout == ""


def test_create_access_key_refused_before_sending_is_retried(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """Throttling and a reset before the request reached the server mean nothing was done."""
    iam.create_user(UserName="bob")
    proxy.faults["CreateAccessKey"] = Fault("throttle", count=1)
    result = proxied_home.run("useraddkey", "bob", env={"AWS_MAX_ATTEMPTS": "3"})
    assert result.returncode == 0, result.stderr
    keys = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [result.lines[0]]
    assert proxy.actions.count("CreateAccessKey") == 2


def test_lost_answer_with_no_key_created_says_rerun_is_safe(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_user(UserName="bob")
    proxy.faults["CreateAccessKey"] = Fault("status", count=None, status=500)
    line = one_error_line(proxied_home.run("useraddkey", "bob"), "useraddkey")
    assert "running the command again is safe" in line
    assert iam.list_access_keys(UserName="bob")["AccessKeyMetadata"] == []


def test_third_key_error_lists_keys_and_names_the_fix(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    first = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    second = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="bob", AccessKeyId=second, Status="Inactive")
    line = one_error_line(home.run("useraddkey", "bob"), "useraddkey")
    assert line.startswith("euare-useraddkey: error (LimitExceeded): bob already has 2 access keys")
    assert f"{first} (Active, 0 days old)" in line and f"{second} (Inactive" in line
    assert f"euare-userdelkey -u bob {first}" in line


def test_userlistkeys_verbose_shows_dates_and_last_use(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    lines = home.run("userlistkeys", "bob", "-v").lines
    created = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"][0]["CreateDate"]
    assert lines[:3] == [
        key["AccessKeyId"],
        "Active",
        f"Created: {created.strftime('%Y-%m-%dT%H:%M:%SZ')}",
    ]
    used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert lines[3].startswith("Last used: ")
    assert (lines[3] == "Last used: never") == ("LastUsedDate" not in used)


def test_userlistkeys_max_age_lists_only_older_keys(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    from tests.e2e.test_cron_examples import age_all_keys

    iam.create_user(UserName="bob")
    key = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    assert proxied_home.run("userlistkeys", "bob", "--max-age", "30").lines == []
    proxy.rewrites["ListAccessKeys"] = age_all_keys
    assert proxied_home.run("userlistkeys", "bob", "--max-age", "30").lines == [key, "Active"]


def test_lost_create_login_profile_answer_is_checked_not_resent(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_user(UserName="bob")
    proxy.faults["CreateLoginProfile"] = Fault("reset-after", count=None)
    result = proxied_home.run("useraddloginprofile", "bob", "-p", "Lost-Answer-Pw1!")
    assert result.returncode == 0
    assert "login profile exists now" in result.stderr
    assert proxy.actions.count("CreateLoginProfile") == 1
    assert iam.get_login_profile(UserName="bob")["LoginProfile"]["UserName"] == "bob"


@pytest.mark.parametrize(
    ("args", "action"),
    [
        (["usercreate", "zoe", "-v"], "CreateUser"),
        (["groupcreate", "ops", "-v"], "CreateGroup"),
        (["instanceprofilecreate", "ip", "-v"], "CreateInstanceProfile"),
    ],
)
def test_lost_create_answer_is_looked_up_not_resent(
    proxied_home: Home, proxy: Any, iam: Any, args: list[str], action: str
) -> None:
    """Resent, the create would fail with EntityAlreadyExists; looked up, it is the answer."""
    proxy.faults[action] = Fault("reset-after", count=None)
    result = proxied_home.run(*args)
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count(action) == 1
    assert f"warning: the answer to {action} was lost" in result.stderr
    assert len(result.lines) == 2 and result.lines[0].startswith("arn:aws:iam::")


def test_lost_create_with_nothing_created_says_rerun_is_safe(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    proxy.faults["CreateUser"] = Fault("reset-before", count=None)
    line = one_error_line(
        proxied_home.run("usercreate", "zoe", env={"AWS_MAX_ATTEMPTS": "2"}), "usercreate"
    )
    assert "zoe does not exist, so running the command again is safe" in line
    assert iam.list_users()["Users"] == []
