"""Every create is sent once and settled after a lost answer (Call.send_once): a dropped
connection, a 5xx, or a 200 answer that is not IAM's (a portal's page) never leads to a second
sending; what exists afterwards decides. Running a create command again never mints a second
credential."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.certs import self_signed
from tests.support.documents import DOC
from tests.support.proxy import Fault

# A sign-in portal's page, as a captive network answers with status 200. The first is well-formed
# XML (botocore's parser then fails with a bare KeyError), the second is not XML at all.
PORTALS = [
    b"<html><body><h1>Sign in to continue</h1><p>Guest network</p></body></html>",
    b"<!doctype html>\n<html lang=en><title>Portal</title><p>Please sign in<br></html>",
]


@pytest.mark.parametrize("page", PORTALS, ids=["xhtml", "html"])
def test_portal_page_for_create_access_key_names_the_orphan_key(
    proxied_home: Home, proxy: Any, iam: Any, page: bytes
) -> None:
    iam.create_user(UserName="bob")
    proxy.faults["CreateAccessKey"] = Fault("replace-after", count=None, status=200, body=page)
    result = proxied_home.run("useraddkey", "bob")
    keys = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    assert len(keys) == 1 and proxy.actions.count("CreateAccessKey") == 1
    line = one_error_line(result, "useraddkey")
    assert "is not an IAM response" in line
    assert f"delete it with: euare-userdelkey -u bob {keys[0]['AccessKeyId']}" in line
    assert result.stdout == ""


@pytest.mark.parametrize("page", PORTALS, ids=["xhtml", "html"])
def test_portal_page_for_create_user_is_settled_by_finding_the_user(
    proxied_home: Home, proxy: Any, iam: Any, page: bytes
) -> None:
    proxy.faults["CreateUser"] = Fault("replace-after", count=None, status=200, body=page)
    result = proxied_home.run("usercreate", "zoe", "-v")
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("CreateUser") == 1
    user = iam.get_user(UserName="zoe")["User"]
    assert result.lines == [user["Arn"], user["UserId"]]
    warning = result.stderr.splitlines()
    assert len(warning) == 1 and "is not an IAM response" in warning[0]
    assert warning[0].endswith("but user zoe exists now")


def test_portal_page_for_a_create_that_returns_nothing_is_not_taken_for_success(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """CreateAccountAlias answers nothing but a request ID; botocore parses any well-formed page
    as that empty answer, so an answer without IAM's request ID is a lost one."""
    proxy.faults["CreateAccountAlias"] = Fault("status", count=None, status=200, body=PORTALS[0])
    line = one_error_line(proxied_home.run("accountaliascreate", "acme-corp"), "accountaliascreate")
    assert "is not an IAM response" in line and "running the command again is safe" in line
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_portal_page_that_never_reached_iam_says_running_again_is_safe(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """The portal answered in IAM's place without passing the request on."""
    proxy.faults["CreateUser"] = Fault("status", count=None, status=200, body=PORTALS[0])
    line = one_error_line(proxied_home.run("usercreate", "zoe"), "usercreate")
    assert "user zoe does not exist, so running the command again is safe" in line
    assert iam.list_users()["Users"] == []


# --- a lost answer to each create family ---------------------------------------------------------


def _server_cert(home: Home, iam: Any) -> tuple[list[str], Callable[[], bool]]:
    cert, key = self_signed("web.example")
    files = {"c.pem": cert, "k.pem": key}
    for name, text in files.items():
        home.write(name, text)
    args = ["servercertupload", "web", "--certificate-file", str(home.path / "c.pem")]
    args += ["--private-key-file", str(home.path / "k.pem")]

    def exists() -> bool:
        stored = iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]
        return bool(stored["CertificateBody"].strip() == cert.strip())

    return args, exists


def _policy(home: Home, iam: Any) -> tuple[list[str], Callable[[], bool]]:
    def exists() -> bool:
        names = [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
        return names == ["p1"]

    return ["policycreate", "/team/p1", "-o", DOC], exists


def _oidc(home: Home, iam: Any) -> tuple[list[str], Callable[[], bool]]:
    def exists() -> bool:
        listed = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        return len(listed) == 1 and listed[0]["Arn"].endswith(":oidc-provider/oidc.invalid/auth")

    return ["oidcprovidercreate", "https://oidc.invalid/auth", "-t", "a" * 40], exists


def _alias(home: Home, iam: Any) -> tuple[list[str], Callable[[], bool]]:
    return [
        "accountaliascreate",
        "acme-corp",
    ], lambda: iam.list_account_aliases()["AccountAliases"] == ["acme-corp"]


def _signing_cert(home: Home, iam: Any) -> tuple[list[str], Callable[[], bool]]:
    iam.create_user(UserName="bob")
    cert = self_signed("bob")[0]
    home.write("bob.pem", cert)

    def exists() -> bool:
        return len(iam.list_signing_certificates(UserName="bob")["Certificates"]) == 1

    return ["useraddcert", "bob", "-f", str(home.path / "bob.pem")], exists


def _role(home: Home, iam: Any) -> tuple[list[str], Callable[[], bool]]:
    def exists() -> bool:
        return bool(iam.get_role(RoleName="app")["Role"]["RoleName"] == "app")

    return ["rolecreate", "app", "-s", "ec2.amazonaws.com"], exists


def _profile_role(home: Home, iam: Any) -> tuple[list[str], Callable[[], bool]]:
    """AddRoleToInstanceProfile: resent, it would fail with LimitExceeded."""
    iam.create_instance_profile(InstanceProfileName="ip")
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=DOC)

    def exists() -> bool:
        roles = iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]["Roles"]
        return [r["RoleName"] for r in roles] == ["r1"]

    return ["instanceprofileaddrole", "ip", "-r", "r1"], exists


def _login(home: Home, iam: Any) -> tuple[list[str], Callable[[], bool]]:
    iam.create_user(UserName="bob")

    def exists() -> bool:
        return bool(iam.get_login_profile(UserName="bob")["LoginProfile"]["UserName"] == "bob")

    return ["useraddloginprofile", "bob", "-p", "Lost-Answer-Pw1!"], exists


FAMILIES = [
    ("CreatePolicy", _policy),
    ("UploadServerCertificate", _server_cert),
    ("CreateOpenIDConnectProvider", _oidc),
    ("CreateAccountAlias", _alias),
    ("UploadSigningCertificate", _signing_cert),
    ("CreateRole", _role),
    ("AddRoleToInstanceProfile", _profile_role),
    ("CreateLoginProfile", _login),
]


@pytest.mark.parametrize(("action", "setup"), FAMILIES, ids=[a for a, _ in FAMILIES])
@pytest.mark.parametrize("kind", ["reset-after", "slow-past-timeout"])
def test_lost_answer_to_a_create_is_settled_without_a_second_sending(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    action: str,
    setup: Callable[[Home, Any], tuple[list[str], Callable[[], bool]]],
    kind: str,
) -> None:
    args, exists = setup(proxied_home, iam)
    env = {"AWS_MAX_ATTEMPTS": "3"}
    if kind == "reset-after":
        proxy.faults[action] = Fault("reset-after", count=None)
    else:
        proxy.faults[action] = Fault("slow", count=None, delay=4)
        env["EUARE_READ_TIMEOUT"] = "1"
    result = proxied_home.run(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count(action) == 1
    assert exists()
    [warning] = result.stderr.splitlines()
    assert f"warning: the answer to {action} was lost" in warning and "exists now" in warning


@pytest.mark.parametrize(("action", "setup"), FAMILIES, ids=[a for a, _ in FAMILIES])
def test_create_that_never_reached_iam_says_running_again_is_safe(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    action: str,
    setup: Callable[[Home, Any], tuple[list[str], Callable[[], bool]]],
) -> None:
    args, _exists = setup(proxied_home, iam)
    proxy.faults[action] = Fault("status", count=None, status=502, body=b"<html>Bad gateway</html>")
    line = one_error_line(proxied_home.run(*args), args[0])
    assert "does not exist, so running the command again is safe" in line
    assert proxy.actions.count(action) == 1


def test_throttled_create_is_tried_again_and_sent_once_in_effect(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """Throttling means IAM did nothing: send_once tries again with backoff."""
    proxy.faults["CreatePolicy"] = Fault("throttle", count=2)
    result = proxied_home.run("policycreate", "p1", "-o", DOC, env={"AWS_MAX_ATTEMPTS": "4"})
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("CreatePolicy") == 3
    assert len(iam.list_policies(Scope="Local")["Policies"]) == 1


def test_call_refuses_a_create_outside_send_once() -> None:
    """No create can reach botocore's retries by mistake: Call.request refuses every one."""
    from euare.call.context import Call

    call = Call("euare-test", {}, io.StringIO(), io.StringIO(), io.StringIO())
    for operation in ("CreateUser", "UploadSigningCertificate", "AddRoleToInstanceProfile"):
        with pytest.raises(AssertionError, match="send_once"):
            call.request(operation, UserName="x")


# --- running a create command again --------------------------------------------------------------


@pytest.mark.parametrize("flag", ["-k", "-w"])
def test_usercreate_with_a_key_run_twice_makes_one_key(home: Home, iam: Any, flag: str) -> None:
    iam.create_group(GroupName="staff")
    first = home.run("usercreate", "alice", "-g", "staff", flag)
    assert first.returncode == 0, first.stderr
    [key] = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    second = home.run("usercreate", "alice", "-g", "staff", flag)
    line = one_error_line(second, "usercreate")
    assert "(EntityAlreadyExists)" in line and "already has an access key" in line
    assert key["AccessKeyId"] in line and "--another-key" in line
    assert second.stdout == ""
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 1


def test_usercreate_another_key_asks_for_a_second_key(home: Home, iam: Any) -> None:
    assert home.run("usercreate", "alice", "-k").returncode == 0
    again = home.run("usercreate", "alice", "-k", "--another-key")
    assert again.returncode == 0, again.stderr
    assert len(again.lines) == 2 and "already exists" in again.stderr
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2


def test_usercreate_help_documents_another_key(home: Home) -> None:
    assert "--another-key" in home.run("usercreate", "--help").stdout


def test_useraddloginprofile_run_twice_refuses_the_second_password(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_user(UserName="bob")
    first = proxied_home.run("useraddloginprofile", "bob", "-p", "First-Passw0rd!")
    assert first.returncode == 0, first.stderr
    created = iam.get_login_profile(UserName="bob")["LoginProfile"]["CreateDate"]
    line = one_error_line(
        proxied_home.run("useraddloginprofile", "bob", "-p", "Second-Passw0rd!"),
        "useraddloginprofile",
    )
    assert "(EntityAlreadyExists)" in line and "euare-usermodloginprofile bob" in line
    assert proxy.actions.count("CreateLoginProfile") == 1
    assert iam.get_login_profile(UserName="bob")["LoginProfile"]["CreateDate"] == created


def test_useraddloginprofile_refuses_before_reading_the_password(
    home: Home, iam: Any, tmp_path: Path
) -> None:
    """An existing profile is refused before a password is read from standard input."""
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Their-Passw0rd!")
    result = home.run("useraddloginprofile", "bob", input="")
    assert "already has a login profile" in one_error_line(result, "useraddloginprofile")
