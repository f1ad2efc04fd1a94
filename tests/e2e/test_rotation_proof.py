"""What proves a new key works: only an answer made with it that a valid signature can get
(success naming the user, or an authorisation refusal). Throttling, 5xx, dropped connections and
answers that do not parse are tried again until --wait runs out, then the rotation is rolled back:
the old key stays active and in the file, and the new key is deleted. moto enforces signatures
here (``enforce_auth``), so a wrong secret really is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Home, MotoServer, one_error_line
from tests.support.proxy import THROTTLING, Fault
from tests.support.rotation import Rotating

SERVICE_UNAVAILABLE = THROTTLING.replace(b"Throttling", b"ServiceUnavailable").replace(
    b"Rate exceeded", b"try later"
)
EMPTY_ANSWER = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult></GetCallerIdentityResult></GetCallerIdentityResponse>"
)


@pytest.fixture
def prot(proxied_home: Home, iam: Any, moto_server: MotoServer) -> Rotating:
    return Rotating(proxied_home, iam, moto_server)


def assert_rolled_back(prot: Rotating, line: str) -> None:
    assert "rotation failed" in line and "not proven" in line, line
    assert "put the old key back" in line and "deleted the new key" in line, line
    assert prot.file.read_bytes() == prot.original
    assert prot.key_status() == {prot.old_id: "Active"}


def test_throttled_proof_is_no_proof(prot: Rotating, proxy: Any) -> None:
    proxy.faults["GetCallerIdentity"] = Fault("throttle", count=None)
    line = one_error_line(prot.home.run("userrotatekey", "--wait", "2"), "userrotatekey")
    assert "(Throttling)" in line
    assert_rolled_back(prot, line)
    assert proxy.faults["GetCallerIdentity"].hits >= 2  # tried again, not given up at once


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", count=None, status=503, body=SERVICE_UNAVAILABLE),
        Fault("status", count=None, status=500),
        Fault("status", count=None, status=200, body=b"<html><body>Sign in</body></html>"),
        Fault("status", count=None, status=200, body=EMPTY_ANSWER),
        Fault("reset-before", count=None),
    ],
    ids=["503", "500-html", "200-html-page", "200-naming-nobody", "connection-reset"],
)
def test_unproven_answers_roll_back_when_wait_runs_out(
    prot: Rotating, proxy: Any, fault: Fault
) -> None:
    proxy.faults["GetCallerIdentity"] = fault
    result = prot.home.run("userrotatekey", "--wait", "1")
    assert_rolled_back(prot, one_error_line(result, "userrotatekey"))


def test_proof_is_awaited_through_throttling(prot: Rotating, proxy: Any) -> None:
    proxy.faults["GetCallerIdentity"] = Fault("throttle", count=2)
    result = prot.home.run("userrotatekey", "--wait", "5")
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("GetCallerIdentity") == 3
    assert prot.key_status() == {prot.old_id: "Inactive", prot.file_key()[0]: "Active"}


def test_access_denied_to_the_new_key_is_proof(
    proxied_home: Home, iam: Any, moto_server: MotoServer
) -> None:
    """Without an STS URL the key is tried on IAM GetUser, which this user may not call: the
    refusal can only come from a valid signature, so it proves the key."""
    allowed = ["ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"]
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":['
        + ",".join(f'"iam:{a}"' for a in allowed)
        + '],"Resource":"*"}]}'
    )
    rot = Rotating(proxied_home, iam, moto_server, policy=policy)
    proxied_home.write(".eucarc", f"export EUARE_URL={proxied_home.url}\n")
    result = proxied_home.run("userrotatekey", "-u", "rot", "--wait", "3")
    assert result.returncode == 0, result.stderr
    assert rot.key_status() == {rot.old_id: "Inactive", rot.file_key()[0]: "Active"}


@pytest.mark.parametrize("proof", ["refused", "throttled"])
def test_a_corrupted_new_secret_never_retires_the_old_key(
    prot: Rotating, proxy: Any, proof: str
) -> None:
    """The answer to CreateAccessKey is altered on the way: the secret written to the file is
    wrong. Whether the endpoint refuses it or throttles every try, the old key stays."""

    def corrupt(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        def flip(match: re.Match[bytes]) -> bytes:
            return b"<SecretAccessKey>" + (b"B" if match[1] == b"A" else b"A")

        return status, re.sub(rb"<SecretAccessKey>(.)", flip, body)

    proxy.rewrites["CreateAccessKey"] = corrupt
    if proof == "throttled":
        proxy.faults["GetCallerIdentity"] = Fault("throttle", count=None)
    result = prot.home.run("userrotatekey", "--wait", "2")
    line = one_error_line(result, "userrotatekey")
    assert_rolled_back(prot, line)


def test_retiring_with_a_new_key_iam_does_not_know_yet_is_tried_again(
    prot: Rotating, proxy: Any
) -> None:
    """The caller signs with the file's key, so the old key is retired with the new one, which
    IAM may not know yet when STS already does: that answer is tried again, not final."""
    not_yet = THROTTLING.replace(b"Throttling", b"InvalidClientTokenId")
    proxy.faults["UpdateAccessKey"] = Fault("status", count=1, status=403, body=not_yet)
    result = prot.home.run("userrotatekey", "--wait", "3")
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("UpdateAccessKey") == 2
    assert prot.key_status() == {prot.old_id: "Inactive", prot.file_key()[0]: "Active"}
