"""Service-specific credentials.

moto's server lacks every ServiceSpecificCredential API (it answers an HTML 500), so each of
these runs in-process against botocore's Stubber (tests/support/stub.py), which also checks
the parameters sent; one runs the installed command with the proxy answering in IAM's place.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.support.proxy import IAM_NS, Rewrite
from tests.support.stub import run_stubbed

USER, SERVICE, CRED = "alice", "codecommit.amazonaws.com", "ACCAQWERTYEXAMPLEZXCV"
PASSWORD = "Xq7+vB2/pLm9wR4tZc8=kJ1"
NEW_PASSWORD = "Nw5/hT3+qYz8uE6rDx2=aP0"
WHEN = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def cred(password: str | None = None, status: str = "Active") -> dict[str, Any]:
    found: dict[str, Any] = {
        "CreateDate": WHEN,
        "ServiceName": SERVICE,
        "ServiceUserName": "alice-at-123456789012",
        "ServiceSpecificCredentialId": CRED,
        "UserName": USER,
        "Status": status,
    }
    if password is not None:
        found["ServicePassword"] = password
    return found


LISTED_NONE = ("ListServiceSpecificCredentials", {"ServiceSpecificCredentials": []}, None)
CREATED = (
    "CreateServiceSpecificCredential",
    {"ServiceSpecificCredential": cred(PASSWORD)},
    {"UserName": USER, "ServiceName": SERVICE},
)


def test_useraddservicecred_prints_the_password_once_and_never_in_the_debug_log() -> None:
    """Stubbed (moto has no CreateServiceSpecificCredential)."""
    done = run_stubbed(
        "useraddservicecred", [USER, "-s", SERVICE, "--debug"], [LISTED_NONE, CREATED]
    )
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines() == [CRED, "alice-at-123456789012", PASSWORD]
    assert "CreateServiceSpecificCredential" in done.stderr  # the debug log is there
    assert PASSWORD not in done.stderr


def test_an_error_line_never_shows_the_password() -> None:
    """Stubbed (moto has no CreateServiceSpecificCredential). A --query that fails on the
    password's value (JMESPath quotes the value it refused) still hides it."""
    done = run_stubbed(
        "useraddservicecred",
        [USER, "-s", SERVICE, "--query", "abs(ServicePassword)"],
        [LISTED_NONE, CREATED],
    )
    assert done.code == 1 and done.stdout == ""
    assert done.stderr.startswith("euare-useraddservicecred: error")
    assert len(done.stderr.splitlines()) == 1 and PASSWORD not in done.stderr


def test_useraddservicecred_lost_answer_names_the_credential_and_its_delete_command() -> None:
    """Stubbed (moto has no ServiceSpecificCredential API): a 500 answer is a lost answer; the
    new credential is found by listing, and since its password is lost the command fails,
    naming the commands that delete it or give it a new password."""
    listed_after = (
        "ListServiceSpecificCredentials",
        {"ServiceSpecificCredentials": [cred()]},
        {"UserName": USER, "ServiceName": SERVICE},
    )
    done = run_stubbed(
        "useraddservicecred",
        [USER, "-s", SERVICE],
        [LISTED_NONE, ("CreateServiceSpecificCredential", 500, None), listed_after],
    )
    assert done.code == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert f"service-specific credential {CRED} was created but its password never" in line
    assert f"euare-userdelservicecred {USER} {CRED}" in line
    assert f"euare-userresetservicecred {USER} {CRED}" in line


def test_useraddservicecred_lost_request_says_rerun_is_safe() -> None:
    """Stubbed (moto has no ServiceSpecificCredential API)."""
    done = run_stubbed(
        "useraddservicecred",
        [USER, "-s", SERVICE],
        [LISTED_NONE, ("CreateServiceSpecificCredential", 500, None), LISTED_NONE],
    )
    assert done.code == 1
    assert "running the command again is safe" in done.stderr


def test_userresetservicecred_prints_the_new_password_once() -> None:
    """Stubbed (moto has no ResetServiceSpecificCredential)."""
    reset = (
        "ResetServiceSpecificCredential",
        {"ServiceSpecificCredential": cred(NEW_PASSWORD)},
        {"UserName": USER, "ServiceSpecificCredentialId": CRED},
    )
    done = run_stubbed("userresetservicecred", [USER, CRED, "--debug"], [reset])
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines() == [CRED, "alice-at-123456789012", NEW_PASSWORD]
    assert "ResetServiceSpecificCredential" in done.stderr and NEW_PASSWORD not in done.stderr


def test_userlistservicecreds_a_line_each_never_a_password() -> None:
    """Stubbed (moto has no ListServiceSpecificCredentials)."""
    listed = (
        "ListServiceSpecificCredentials",
        {"ServiceSpecificCredentials": [cred(status="Inactive")]},
        {"UserName": USER, "ServiceName": SERVICE},
    )
    done = run_stubbed("userlistservicecreds", [USER, "-s", SERVICE], [listed])
    assert done.code == 0, done.stderr
    fields = [CRED, SERVICE, "alice-at-123456789012", "Inactive", "2026-01-02T03:04:05Z"]
    assert done.stdout == "\t".join(fields) + "\n"


def test_usermodservicecred_and_userdelservicecred_send_what_they_are_given() -> None:
    """Stubbed (moto has neither UpdateServiceSpecificCredential nor its delete)."""
    sent = {"UserName": USER, "ServiceSpecificCredentialId": CRED}
    done = run_stubbed(
        "usermodservicecred",
        [USER, CRED, "-s", "inactive"],
        [("UpdateServiceSpecificCredential", {}, {**sent, "Status": "Inactive"})],
    )
    assert done.code == 0 and done.stdout == "", done.stderr
    done = run_stubbed(
        "userdelservicecred", [USER, CRED], [("DeleteServiceSpecificCredential", {}, sent)]
    )
    assert done.code == 0 and done.stdout == "", done.stderr


def answer(operation: str, inner: str) -> Rewrite:
    """A proxy rewrite answering ``operation`` as IAM would, whatever moto said."""
    body = (
        f'<{operation}Response xmlns="{IAM_NS}"><{operation}Result>{inner}</{operation}Result>'
        f"<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{operation}Response>"
    ).encode()
    return lambda form, status, payload: (200, body)


def test_the_password_is_never_in_the_debug_log_of_a_real_client(
    proxied_home: Any, proxy: Any
) -> None:
    """moto answers these APIs with an HTML 500, so the proxy answers in IAM's place: the whole
    client runs (a subprocess, botocore logging every body it receives), and the password
    shows on stdout once and nowhere in --debug's log."""
    proxy.rewrites["ListServiceSpecificCredentials"] = answer(
        "ListServiceSpecificCredentials",
        "<ServiceSpecificCredentials/><IsTruncated>false</IsTruncated>",
    )
    fields = "".join(
        f"<{k}>{v}</{k}>"
        for k, v in {**cred(PASSWORD), "CreateDate": "2026-01-02T03:04:05Z"}.items()
    )
    proxy.rewrites["CreateServiceSpecificCredential"] = answer(
        "CreateServiceSpecificCredential",
        f"<ServiceSpecificCredential>{fields}</ServiceSpecificCredential>",
    )
    result = proxied_home.run("useraddservicecred", USER, "-s", SERVICE, "--debug")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [CRED, "alice-at-123456789012", PASSWORD]
    assert "ServiceSpecificCredential" in result.stderr and "Response body" in result.stderr
    assert PASSWORD not in result.stderr
