"""Service-specific credentials, end to end: moto has none, the sandbox's model of IAM serves
them (euare.sandbox.model.servicecreds), so every verb runs installed against it and the
results are read back with boto3. A password shows once on stdout and never in --debug's log
or an error line; a lost answer is met by the proxy (tests/support/proxy.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Home, one_error_line
from tests.support.proxy import Fault

USER, SERVICE = "alice", "codecommit.amazonaws.com"
SERVICE_USER = "alice-at-123456789012"


@pytest.fixture
def alice(iam: Any) -> str:
    iam.create_user(UserName=USER)
    return USER


def creds(iam: Any, **params: str) -> list[dict[str, Any]]:
    listed = iam.list_service_specific_credentials(UserName=USER, **params)
    return list(listed["ServiceSpecificCredentials"])


def test_useraddservicecred_prints_the_password_once_and_never_in_the_debug_log(
    home: Home, iam: Any, alice: str
) -> None:
    done = home.run("useraddservicecred", USER, "-s", SERVICE, "--debug")
    assert done.returncode == 0, done.stderr
    [made] = creds(iam)
    cred_id, service_user, password = done.stdout.splitlines()
    assert (cred_id, service_user) == (made["ServiceSpecificCredentialId"], SERVICE_USER)
    assert re.fullmatch(r"ACCA[A-Z0-9]{17}", cred_id)
    assert len(password) >= 20 and "ServicePassword" not in made
    assert "CreateServiceSpecificCredential" in done.stderr and "Response body" in done.stderr
    assert password not in done.stderr


def test_an_error_line_never_shows_the_password(home: Home, iam: Any, alice: str) -> None:
    """A --query that fails on the password's value (JMESPath quotes the value it refused)
    still hides it: the value is shown redacted."""
    done = home.run("useraddservicecred", USER, "-s", SERVICE, "--query", "abs(ServicePassword)")
    line = one_error_line(done, "useraddservicecred")
    assert done.stdout == "" and len(creds(iam)) == 1
    assert "value: <redacted>" in line, line


def test_useraddservicecred_lost_answer_names_the_credential_and_its_delete_command(
    proxied_home: Home, proxy: Any, iam: Any, alice: str
) -> None:
    """A lost answer: the new credential is found by listing, and since its password is lost
    the command fails, naming the commands that delete it or give it a new password."""
    proxy.faults["CreateServiceSpecificCredential"] = Fault("reset-after", count=None)
    done = proxied_home.run("useraddservicecred", USER, "-s", SERVICE)
    assert done.returncode == 1 and done.stdout == ""
    [made] = creds(iam)
    cred_id = made["ServiceSpecificCredentialId"]
    [line] = done.stderr.splitlines()
    assert f"service-specific credential {cred_id} was created but its password never" in line
    assert f"euare-userdelservicecred {USER} {cred_id}" in line
    assert f"euare-userresetservicecred {USER} {cred_id}" in line
    assert proxy.actions.count("CreateServiceSpecificCredential") == 1


def test_useraddservicecred_lost_request_says_rerun_is_safe(
    proxied_home: Home, proxy: Any, iam: Any, alice: str
) -> None:
    proxy.faults["CreateServiceSpecificCredential"] = Fault("status", count=None, status=500)
    done = proxied_home.run("useraddservicecred", USER, "-s", SERVICE)
    assert "running the command again is safe" in one_error_line(done, "useraddservicecred")
    assert creds(iam) == []


def test_userresetservicecred_prints_the_new_password_once(
    home: Home, iam: Any, alice: str
) -> None:
    first = home.run("useraddservicecred", USER, "-s", SERVICE).stdout.splitlines()
    done = home.run("userresetservicecred", USER, first[0], "--debug")
    assert done.returncode == 0, done.stderr
    cred_id, service_user, password = done.stdout.splitlines()
    assert (cred_id, service_user) == (first[0], SERVICE_USER) and password != first[2]
    assert "ResetServiceSpecificCredential" in done.stderr and password not in done.stderr


def test_userlistservicecreds_a_line_each_never_a_password(
    home: Home, iam: Any, alice: str
) -> None:
    made = iam.create_service_specific_credential(UserName=USER, ServiceName=SERVICE)
    cred = made["ServiceSpecificCredential"]
    iam.update_service_specific_credential(
        UserName=USER,
        ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"],
        Status="Inactive",
    )
    done = home.run("userlistservicecreds", USER, "-s", SERVICE)
    assert done.returncode == 0, done.stderr
    created = cred["CreateDate"].strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = [cred["ServiceSpecificCredentialId"], SERVICE, SERVICE_USER, "Inactive", created]
    assert done.stdout == "\t".join(fields) + "\n"
    assert cred["ServicePassword"] not in done.stdout
    assert home.run("userlistservicecreds", USER, "-s", "cassandra.amazonaws.com").stdout == ""


def test_usermodservicecred_and_userdelservicecred(home: Home, iam: Any, alice: str) -> None:
    made = iam.create_service_specific_credential(UserName=USER, ServiceName=SERVICE)
    cred_id = made["ServiceSpecificCredential"]["ServiceSpecificCredentialId"]
    done = home.run("usermodservicecred", USER, cred_id, "-s", "inactive")
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert creds(iam)[0]["Status"] == "Inactive"
    done = home.run("userdelservicecred", USER, cred_id)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert creds(iam) == []


def test_two_a_user_and_service_and_only_services_that_take_them(
    home: Home, iam: Any, alice: str
) -> None:
    """CreateServiceSpecificCredential's documented limits, the same to euare and boto3."""
    for _ in range(2):
        assert home.run("useraddservicecred", USER, "-s", SERVICE).returncode == 0
    line = one_error_line(home.run("useraddservicecred", USER, "-s", SERVICE), "useraddservicecred")
    with pytest.raises(ClientError) as caught:
        iam.create_service_specific_credential(UserName=USER, ServiceName=SERVICE)
    error = caught.value.response["Error"]
    assert error["Code"] == "LimitExceeded"
    assert line.startswith(f"euare-useraddservicecred: error (LimitExceeded): {error['Message']}")
    with pytest.raises(ClientError) as caught:
        iam.create_service_specific_credential(UserName=USER, ServiceName="s3.amazonaws.com")
    assert caught.value.response["Error"]["Code"] == "NotSupportedService"
    assert len(creds(iam)) == 2


def test_a_credential_of_another_user_or_none_is_no_such_entity(
    home: Home, iam: Any, alice: str
) -> None:
    iam.create_user(UserName="bob")
    made = iam.create_service_specific_credential(UserName="bob", ServiceName=SERVICE)
    cred_id = made["ServiceSpecificCredential"]["ServiceSpecificCredentialId"]
    line = one_error_line(home.run("userdelservicecred", USER, cred_id), "userdelservicecred")
    assert "(NoSuchEntity)" in line
    with pytest.raises(ClientError) as caught:
        iam.delete_service_specific_credential(UserName=USER, ServiceSpecificCredentialId=cred_id)
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_the_password_is_never_in_the_debug_log_of_a_real_client(
    home: Home, iam: Any, alice: str
) -> None:
    """The whole client runs (a subprocess, botocore logging every body it receives): each
    answer holding a password (Create, Reset) shows it on stdout once, in JSON too, and
    nowhere in --debug's log."""
    made = home.run("useraddservicecred", USER, "-s", SERVICE, "--format", "json", "--debug")
    assert made.returncode == 0, made.stderr
    first = json.loads(made.stdout)
    again = home.run(
        "userresetservicecred",
        USER,
        first["ServiceSpecificCredentialId"],
        "--format",
        "json",
        "--debug",
    )
    second = json.loads(again.stdout)
    for done, password in ((made, first["ServicePassword"]), (again, second["ServicePassword"])):
        assert "Response body" in done.stderr
        assert password not in done.stderr
        assert done.stdout.count(password) == 1
