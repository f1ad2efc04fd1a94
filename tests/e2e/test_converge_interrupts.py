"""Ctrl-C, SIGTERM and SIGHUP alike: exit 130, 143 or 129 in one line. A composite command says
what was done and what was not; a create whose answer was still awaited is looked up, and an
access key or certificate it made is named with the command that deletes it; usercreatecert
leaves no key file behind.

The proxy holds the answer ('slow' passes the request on first, then waits), and the signal is
sent once the request has reached moto."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OUTPUTS, Home, Result
from tests.e2e.test_converge_deletes import DOC
from tests.support.proxy import Fault
from tests.support.signals import STOPS, head, status

pytestmark = pytest.mark.in_process  # signals reach the process that makes the call


def interrupt(
    home: Home, proxy: Any, action: str, *args: str, signum: int = signal.SIGINT
) -> Result:
    """Run ``euare-ARGS[0]`` and send it ``signum`` while ``action``'s answer is held."""
    proxy.faults[action] = Fault("slow", count=1, delay=60)
    process = home.spawn(*args)
    try:
        assert proxy.faults[action].held.wait(timeout=60), f"{action} never reached the proxy"
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    OUTPUTS.append((list(args), out, err))
    return Result(process.returncode, out, err)


def interrupted_line(result: Result, verb: str, signum: int) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == status(signum), result
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(head(verb, signum)), lines[0]
    assert result.stdout == ""
    return lines[0]


USERCREATE = ["usercreate", "alice", "-g", "staff", "-k"]
STEPS = ["create user alice", "add alice to group staff", "create an access key for alice"]


@pytest.mark.parametrize("signum", STOPS)
@pytest.mark.parametrize(
    ("action", "done"),
    [("CreateUser", 1), ("AddUserToGroup", 1), ("CreateAccessKey", 2)],
)
def test_interrupted_usercreate_says_what_was_done(
    proxied_home: Home, proxy: Any, iam: Any, action: str, done: int, signum: int
) -> None:
    """CreateUser held: the user exists when looked up after Ctrl-C, so that step is done.
    AddUserToGroup held: its answer never came, so it is not known to be done. CreateAccessKey
    held: the key exists, its secret never reached euare; it is named with its delete command."""
    iam.create_group(GroupName="staff")
    result = interrupt(proxied_home, proxy, action, *USERCREATE, signum=signum)
    line = interrupted_line(result, "usercreate", signum)
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


@pytest.mark.parametrize("signum", STOPS)
def test_interrupted_useraddkey_names_the_key(
    proxied_home: Home, proxy: Any, iam: Any, signum: int
) -> None:
    iam.create_user(UserName="bob")
    result = interrupt(proxied_home, proxy, "CreateAccessKey", "useraddkey", "bob", signum=signum)
    line = interrupted_line(result, "useraddkey", signum)
    [key] = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    assert f"delete it with: euare-userdelkey -u bob {key['AccessKeyId']}" in line


@pytest.mark.parametrize("signum", STOPS)
def test_interrupted_recursive_delete_says_what_was_done(
    proxied_home: Home, proxy: Any, iam: Any, signum: int
) -> None:
    iam.create_user(UserName="carol")
    iam.put_user_policy(UserName="carol", PolicyName="p", PolicyDocument=DOC)
    args = ["userdel", "-r", "carol"]
    result = interrupt(proxied_home, proxy, "DeleteUserPolicy", *args, signum=signum)
    line = interrupted_line(result, "userdel", signum)
    assert line.endswith(" -- done: nothing -- not done: delete policy p; delete user carol")
    rerun = proxied_home.run("userdel", "-r", "carol")
    assert rerun.returncode == 0, rerun.stderr
    assert iam.list_users()["Users"] == []


@pytest.mark.parametrize("signum", STOPS)
def test_interrupted_usercreatecert_leaves_no_file_and_names_the_certificate(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Path, signum: int
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
    result = interrupt(proxied_home, proxy, "UploadSigningCertificate", *args, signum=signum)
    line = interrupted_line(result, "usercreatecert", signum)
    assert list(where.iterdir()) == []
    [cert] = iam.list_signing_certificates(UserName="bob")["Certificates"]
    assert f"delete it with: euare-userdelcert -u bob {cert['CertificateId']}" in line


@pytest.mark.parametrize("signum", STOPS)
def test_interrupted_read_exits_128_plus_the_signal(
    proxied_home: Home, proxy: Any, iam: Any, signum: int
) -> None:
    result = interrupt(proxied_home, proxy, "ListUsers", "userlistbypath", signum=signum)
    assert result.returncode == status(signum)
    assert [line for line in result.stderr.splitlines() if line] == [head("userlistbypath", signum)]
