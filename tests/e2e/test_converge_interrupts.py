"""Ctrl-C: exit 130 in one line. A composite command says what was done and what was not; a
create whose answer was still awaited is looked up, and an access key or certificate it made is
named with the command that deletes it; usercreatecert leaves no key file behind.

The proxy holds the answer ('slow' passes the request on first, then waits), and SIGINT is sent
once the request has reached moto."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OUTPUTS, Home, Result
from tests.e2e.test_converge_deletes import DOC
from tests.support.proxy import Fault


def interrupt(home: Home, proxy: Any, action: str, *args: str) -> Result:
    """Run ``euare-ARGS[0]`` and send it SIGINT while ``action``'s answer is held."""
    proxy.faults[action] = Fault("slow", count=1, delay=60)
    process = home.spawn(*args)
    try:
        assert proxy.faults[action].held.wait(timeout=60), f"{action} never reached the proxy"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    OUTPUTS.append((list(args), out, err))
    return Result(process.returncode, out, err)


def interrupted_line(result: Result, verb: str) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == 130, result
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"euare-{verb}: error: interrupted"), lines[0]
    assert result.stdout == ""
    return lines[0]


USERCREATE = ["usercreate", "alice", "-g", "staff", "-k"]
STEPS = ["create user alice", "add alice to group staff", "create an access key for alice"]


@pytest.mark.parametrize(
    ("action", "done"),
    [("CreateUser", 1), ("AddUserToGroup", 1), ("CreateAccessKey", 2)],
)
def test_interrupted_usercreate_says_what_was_done(
    proxied_home: Home, proxy: Any, iam: Any, action: str, done: int
) -> None:
    """CreateUser held: the user exists when looked up after Ctrl-C, so that step is done.
    AddUserToGroup held: its answer never came, so it is not known to be done. CreateAccessKey
    held: the key exists, its secret never reached euare; it is named with its delete command."""
    iam.create_group(GroupName="staff")
    line = interrupted_line(interrupt(proxied_home, proxy, action, *USERCREATE), "usercreate")
    assert f" -- done: {'; '.join(STEPS[:done])} -- not done: {'; '.join(STEPS[done:])}" in line
    keys = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    if action == "CreateAccessKey":
        [key] = keys
        assert f"delete it with: euare-userdelkey -u alice {key['AccessKeyId']}" in line
    else:
        assert keys == []
        rerun = proxied_home.run(*USERCREATE)
        assert rerun.returncode == 0, rerun.stderr
        assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 1


def test_interrupted_useraddkey_names_the_key(proxied_home: Home, proxy: Any, iam: Any) -> None:
    iam.create_user(UserName="bob")
    line = interrupted_line(
        interrupt(proxied_home, proxy, "CreateAccessKey", "useraddkey", "bob"), "useraddkey"
    )
    [key] = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    assert f"delete it with: euare-userdelkey -u bob {key['AccessKeyId']}" in line


def test_interrupted_recursive_delete_says_what_was_done(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_user(UserName="carol")
    iam.put_user_policy(UserName="carol", PolicyName="p", PolicyDocument=DOC)
    line = interrupted_line(
        interrupt(proxied_home, proxy, "DeleteUserPolicy", "userdel", "-r", "carol"), "userdel"
    )
    assert line.endswith(" -- done: nothing -- not done: delete policy p; delete user carol")
    rerun = proxied_home.run("userdel", "-r", "carol")
    assert rerun.returncode == 0, rerun.stderr
    assert iam.list_users()["Users"] == []


def test_interrupted_usercreatecert_leaves_no_file_and_names_the_certificate(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Path
) -> None:
    iam.create_user(UserName="bob")
    where = tmp_path / "certs"
    where.mkdir()
    args = [
        "usercreatecert",
        "bob",
        "--keyout",
        str(where / "k.pem"),
        "--out",
        str(where / "c.pem"),
    ]
    line = interrupted_line(
        interrupt(proxied_home, proxy, "UploadSigningCertificate", *args), "usercreatecert"
    )
    assert list(where.iterdir()) == []
    [cert] = iam.list_signing_certificates(UserName="bob")["Certificates"]
    assert f"delete it with: euare-userdelcert -u bob {cert['CertificateId']}" in line


def test_interrupted_read_exits_130(proxied_home: Home, proxy: Any, iam: Any) -> None:
    result = interrupt(proxied_home, proxy, "ListUsers", "userlistbypath")
    assert result.returncode == 130
    assert [line for line in result.stderr.splitlines() if line] == [
        "euare-userlistbypath: error: interrupted"
    ]
