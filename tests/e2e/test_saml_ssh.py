"""SAML providers and SSH public keys, against moto's server, read back with boto3."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.certs import saml_metadata, self_signed, ssh_public_key
from tests.support.proxy import Fault

ACCOUNT = "123456789012"
ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/okta"


def providers(iam: Any) -> list[str]:
    return [str(p["Arn"]) for p in iam.list_saml_providers()["SAMLProviderList"]]


# --- SAML providers ------------------------------------------------------------------------------


def test_samlprovidercreate_reads_the_file_and_prints_the_arn(home: Home, iam: Any) -> None:
    path = home.write("idp.xml", saml_metadata())
    result = home.run("samlprovidercreate", "okta", "-f", str(path))
    assert result.returncode == 0, result.stderr
    assert result.lines == [ARN] == providers(iam)
    stored = iam.get_saml_provider(SAMLProviderArn=ARN)["SAMLMetadataDocument"]
    assert stored == saml_metadata()


def test_samlprovidercreate_reads_standard_input(home: Home, iam: Any) -> None:
    result = home.run("samlprovidercreate", "okta", "-f", "-", input=saml_metadata())
    assert result.lines == [ARN] == providers(iam), result.stderr


@pytest.mark.parametrize(
    "text, says",
    [
        ("", "is empty"),
        ("EntityDescriptor without angle brackets " * 30, "is not XML"),
        (self_signed()[1] + saml_metadata(), "holds a private key"),
    ],
)
def test_samlprovidercreate_refuses_a_bad_document_before_sending(
    home: Home, iam: Any, text: str, says: str
) -> None:
    path = home.write("idp.xml", text)
    line = one_error_line(
        home.run("samlprovidercreate", "okta", "-f", str(path)), "samlprovidercreate", 2
    )
    assert says in line and "PRIVATE KEY-----\n" not in line
    assert providers(iam) == []


def test_saml_provider_by_name_or_arn(home: Home, iam: Any) -> None:
    iam.create_saml_provider(Name="okta", SAMLMetadataDocument=saml_metadata())
    got = iam.get_saml_provider(SAMLProviderArn=ARN)
    dates = [got["CreateDate"], got["ValidUntil"]]
    terse = [ARN, *(d.strftime("%Y-%m-%dT%H:%M:%SZ") for d in dates)]
    assert home.run("samlprovidergetattributes", "okta").lines == terse
    verbose = home.run("samlprovidergetattributes", ARN, "-v")
    assert verbose.stdout == "\n".join(terse) + "\n" + saml_metadata() + "\n"
    assert home.run("samlproviderlist").lines == [ARN]

    new = saml_metadata().replace("idp.example.com/saml/sso", "idp.example.com/sso2")
    path = home.write("new.xml", new)
    result = home.run("samlprovidermod", "okta", "-f", str(path))
    assert result.returncode == 0 and result.stdout == "", result.stderr
    assert iam.get_saml_provider(SAMLProviderArn=ARN)["SAMLMetadataDocument"] == new

    result = home.run("samlproviderdel", "okta")
    assert result.returncode == 0 and result.stdout == "", result.stderr
    assert providers(iam) == []


def test_samlprovidercreate_lost_answer_finds_the_provider(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """CreateSAMLProvider is sent once; its lost answer is made good by finding it by name."""
    proxy.faults["CreateSAMLProvider"] = Fault("reset-after", count=None)
    path = proxied_home.write("idp.xml", saml_metadata())
    result = proxied_home.run("samlprovidercreate", "okta", "-f", str(path))
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("CreateSAMLProvider") == 1
    assert result.lines == [ARN] == providers(iam)
    assert "was lost" in result.stderr and "SAML provider okta exists now" in result.stderr


def test_samlprovidercreate_lost_request_says_rerun_is_safe(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    proxy.faults["CreateSAMLProvider"] = Fault("status", count=None, status=500)
    path = proxied_home.write("idp.xml", saml_metadata())
    result = proxied_home.run("samlprovidercreate", "okta", "-f", str(path))
    assert "running the command again is safe" in one_error_line(result, "samlprovidercreate")
    assert proxy.actions.count("CreateSAMLProvider") == 1
    assert providers(iam) == []


# --- SSH public keys -----------------------------------------------------------------------------


@pytest.fixture
def alice(iam: Any) -> str:
    iam.create_user(UserName="alice")
    return "alice"


def ssh_keys(iam: Any, user: str = "alice") -> list[dict[str, Any]]:
    listed = iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]
    return [
        iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=k["SSHPublicKeyId"], Encoding="SSH")[
            "SSHPublicKey"
        ]
        for k in listed
    ]


def test_useraddsshkey_uploads_the_file_and_prints_the_id(home: Home, iam: Any, alice: str) -> None:
    body = ssh_public_key()
    path = home.write("id.pub", body + " alice@laptop\n")
    result = home.run("useraddsshkey", alice, "-f", str(path))
    assert result.returncode == 0, result.stderr
    [key] = ssh_keys(iam)
    assert result.lines == [key["SSHPublicKeyId"]]
    assert key["SSHPublicKeyBody"] == body + " alice@laptop" and key["Status"] == "Active"


def test_useraddsshkey_reads_standard_input(home: Home, iam: Any, alice: str) -> None:
    body = ssh_public_key()
    result = home.run("useraddsshkey", alice, "-f", "-", input=body + "\n")
    assert result.returncode == 0, result.stderr
    assert [k["SSHPublicKeyBody"] for k in ssh_keys(iam)] == [body]


def test_useraddsshkey_refuses_a_private_key_and_never_shows_it(
    home: Home, iam: Any, alice: str
) -> None:
    _, private = self_signed()
    path = home.write("id_rsa", private)
    result = home.run("useraddsshkey", alice, "-f", str(path), "--debug")
    assert result.returncode == 2
    assert "holds a private key" in result.stderr.splitlines()[-1]
    assert private.splitlines()[1] not in result.stderr + result.stdout
    assert ssh_keys(iam) == []


def test_ssh_key_verbs_read_back(home: Home, iam: Any, alice: str) -> None:
    body = ssh_public_key()
    key_id = iam.upload_ssh_public_key(UserName=alice, SSHPublicKeyBody=body)["SSHPublicKey"][
        "SSHPublicKeyId"
    ]
    assert home.run("userlistsshkeys", alice).lines == [key_id, "Active"]
    assert home.run("usergetsshkey", alice, key_id).lines == [body]
    pem = home.run("usergetsshkey", alice, key_id, "--encoding", "pem")
    assert pem.returncode == 0 and pem.stdout.strip(), pem.stderr

    result = home.run("usermodsshkey", alice, key_id, "-s", "Inactive")
    assert result.returncode == 0 and result.stdout == "", result.stderr
    assert [k["Status"] for k in ssh_keys(iam)] == ["Inactive"]
    assert home.run("userlistsshkeys", alice).lines == [key_id, "Inactive"]

    result = home.run("userdelsshkey", alice, key_id)
    assert result.returncode == 0 and result.stdout == "", result.stderr
    assert ssh_keys(iam) == []


def test_useraddsshkey_lost_answer_finds_the_key_by_its_body(
    proxied_home: Home, proxy: Any, iam: Any, alice: str
) -> None:
    """The upload is sent once; after its lost answer the key is known by its body among the
    user's keys (another key, uploaded before, is not taken for it)."""
    iam.upload_ssh_public_key(UserName=alice, SSHPublicKeyBody=ssh_public_key())
    proxy.faults["UploadSSHPublicKey"] = Fault("reset-after", count=None)
    body = ssh_public_key()
    path = proxied_home.write("id.pub", body + "\n")
    result = proxied_home.run("useraddsshkey", alice, "-f", str(path))
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("UploadSSHPublicKey") == 1
    ours = [k["SSHPublicKeyId"] for k in ssh_keys(iam) if k["SSHPublicKeyBody"] == body]
    assert result.lines == ours and len(ssh_keys(iam)) == 2
    assert "was lost" in result.stderr


def test_useraddsshkey_lost_request_says_rerun_is_safe(
    proxied_home: Home, proxy: Any, iam: Any, alice: str
) -> None:
    proxy.faults["UploadSSHPublicKey"] = Fault("status", count=None, status=500)
    path = proxied_home.write("id.pub", ssh_public_key())
    result = proxied_home.run("useraddsshkey", alice, "-f", str(path))
    assert "running the command again is safe" in one_error_line(result, "useraddsshkey")
    assert ssh_keys(iam) == []


def test_a_key_is_the_same_whatever_its_comment() -> None:
    """IAM may give the body back without the comment it was uploaded with."""
    from euare.verbs.ssh_keys import _same_key

    body = ssh_public_key()
    assert _same_key(body + " alice@laptop", body)
    assert not _same_key(body, ssh_public_key())


def test_samlprovidercreate_tags_the_provider(home: Home, iam: Any) -> None:
    """The sandbox's model keeps SAML providers' tags (moto drops them)."""
    path = home.write("idp.xml", saml_metadata())
    done = home.run("samlprovidercreate", "okta", "-f", str(path), "--tag", "team=sso")
    assert (done.returncode, done.stdout) == (0, ARN + "\n"), done
    tags = iam.list_saml_provider_tags(SAMLProviderArn=ARN)["Tags"]
    assert tags == [{"Key": "team", "Value": "sso"}]
    assert iam.get_saml_provider(SAMLProviderArn=ARN)["Tags"] == tags


def test_samlprovidertag_takes_the_provider_by_name(home: Home, iam: Any) -> None:
    """A name is the caller's account's provider, as for the other SAML verbs."""
    path = home.write("idp.xml", saml_metadata())
    assert home.run("samlprovidercreate", "okta", "-f", str(path)).returncode == 0
    done = home.run("samlprovidertag", "okta", "-t", "team=sso")
    assert (done.returncode, done.stderr) == (0, "")
    tags = iam.list_saml_provider_tags(SAMLProviderArn=ARN)["Tags"]
    assert tags == [{"Key": "team", "Value": "sso"}]
