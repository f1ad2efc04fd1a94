"""Failures reach the user as one line in euca2ools' form, with the right exit status."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home, boto_client, free_port, one_error_line

pytestmark = pytest.mark.both  # the errors are the same both ways


@pytest.fixture
def limited(home: Home, iam: Any, moto_server: Any) -> dict[str, str]:
    """An admin and a user who may only list users; then the server starts checking auth."""
    iam.create_user(UserName="root-admin")
    iam.put_user_policy(
        UserName="root-admin",
        PolicyName="all",
        PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
        ),
    )
    admin = iam.create_access_key(UserName="root-admin")["AccessKey"]
    iam.create_user(UserName="reader")
    iam.put_user_policy(
        UserName="reader",
        PolicyName="read",
        PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers",'
            '"Resource":"*"}]}'
        ),
    )
    reader = iam.create_access_key(UserName="reader")["AccessKey"]
    moto_server.enforce_auth()
    home.write_iamrc(reader["AccessKeyId"], reader["SecretAccessKey"])
    return {
        "admin_key": admin["AccessKeyId"],
        "admin_secret": admin["SecretAccessKey"],
        "reader_key": reader["AccessKeyId"],
        "reader_secret": reader["SecretAccessKey"],
    }


def test_limited_user_may_do_what_its_policy_allows(home: Home, limited: dict[str, str]) -> None:
    result = home.run("userlistbypath")
    assert result.returncode == 0, result.stderr
    assert sorted(line.rsplit("/", 1)[1] for line in result.lines) == ["reader", "root-admin"]


def test_limited_user_is_denied_with_one_clear_line(home: Home, limited: dict[str, str]) -> None:
    result = home.run("usercreate", "mallory")
    line = one_error_line(result, "usercreate")
    assert line.startswith("euare-usercreate: error (AccessDenied): ")
    assert "iam:CreateUser" in line
    admin = boto_client(home.url, limited["admin_key"], limited["admin_secret"])
    assert "mallory" not in [u["UserName"] for u in admin.list_users()["Users"]]


def test_wrong_secret_is_one_line(home: Home, limited: dict[str, str]) -> None:
    home.write_iamrc(limited["reader_key"], "not-the-secret-at-all")
    line = one_error_line(home.run("userlistbypath"), "userlistbypath")
    assert "(SignatureDoesNotMatch)" in line
    assert "not-the-secret-at-all" not in line


def test_unknown_key_is_one_line(home: Home, limited: dict[str, str]) -> None:
    result = home.run("userlistbypath", "-I", "AKIANOSUCHKEY0000000", "-S", "whatever-secret")
    assert "(InvalidClientTokenId)" in one_error_line(result, "userlistbypath")


def test_unreachable_endpoint_is_one_line(home: Home) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    result = home.run("userlistbypath", "-U", url)
    line = one_error_line(result, "userlistbypath")
    assert f"could not connect to the endpoint URL {url}" in line


def test_service_error_code_and_message(home: Home) -> None:
    line = one_error_line(home.run("usergetattributes", "nobody"), "usergetattributes")
    assert line.startswith("euare-usergetattributes: error (NoSuchEntity): ")
    assert "nobody" in line


def test_usage_error_exits_2_without_traceback(home: Home) -> None:
    result = home.run("usercreate")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "euare-usercreate: error: Missing argument 'USER'."
    assert "Traceback" not in result.stderr


def test_no_credentials_anywhere_names_the_places(home: Home) -> None:
    (home.path / ".iamrc").unlink()
    line = one_error_line(home.run("userlistbypath"), "userlistbypath")
    assert "no credentials found" in line
    for place in ("-I/-S", "AWS_ACCESS_KEY_ID", ".iamrc", ".eucarc", "boto3"):
        assert place in line


def test_bad_credential_file_is_one_line(home: Home) -> None:
    home.write(".iamrc", "AWSAccessKeyId=\x00\x01binary")
    line = one_error_line(home.run("userlistbypath"), "userlistbypath")
    assert "not a text file" in line


def test_world_readable_credential_file_warns_but_works(home: Home, iam: Any) -> None:
    (home.path / ".iamrc").chmod(0o644)
    result = home.run("userlistbypath")
    assert result.returncode == 0
    assert f"chmod 600 {home.path / '.iamrc'}" in result.stderr


def test_composite_failure_says_what_was_done(home: Home, iam: Any) -> None:
    result = home.run("usercreate", "frank", "-g", "no-such-group")
    line = one_error_line(result, "usercreate")
    assert "(NoSuchEntity)" in line
    assert "done: create user frank" in line
    assert "not done: add frank to group no-such-group" in line
    assert iam.get_user(UserName="frank")["User"]["UserName"] == "frank"


def test_verify_stops_before_creating_anything(home: Home, iam: Any) -> None:
    result = home.run("usercreate", "frank", "-g", "no-such-group", "--verify")
    assert "(NoSuchEntity)" in one_error_line(result, "usercreate")
    assert iam.list_users()["Users"] == []


def test_a_snapshot_the_user_may_not_take_is_one_line_and_no_file(
    home: Home, limited: dict[str, str]
) -> None:
    """The reader may list users but not GetAccountAuthorizationDetails: moto checks it."""
    target = home.path / "snap.json"
    result = home.run("accountsnapshot", "-o", str(target))
    line = one_error_line(result, "accountsnapshot")
    assert line.startswith("euare-accountsnapshot: error (AccessDenied): ")
    assert "iam:GetAccountAuthorizationDetails" in line
    assert not target.exists()
