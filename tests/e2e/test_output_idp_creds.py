"""The JSON shape of every verb of the saml, ssh_keys and service_creds families
(docs/output.md).

SAML providers and SSH public keys run against moto's server. moto has no service-specific
credential API (it answers an HTML 500), so those verbs run in-process against botocore's
Stubber (tests/support/stub.py), and their output is checked the same way.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Home, Result
from tests.e2e.test_service_creds import CRED, PASSWORD, SERVICE, USER, cred
from tests.support.certs import saml_metadata, ssh_public_key
from tests.support.shapes import assert_shape
from tests.support.stub import run_stubbed

JSON = ("--format", "json")


def test_saml_verbs(home: Home, iam: Any) -> None:
    path = str(home.write("idp.xml", saml_metadata()))
    out = home.run("samlprovidercreate", "okta", "-f", path, *JSON)
    arn = assert_shape(out, "samlprovidercreate")["SAMLProviderArn"]
    out = home.run("samlprovidergetattributes", "okta", *JSON)
    got = assert_shape(out, "samlprovidergetattributes")
    assert got["SAMLProviderArn"] == arn and got["SAMLMetadataDocument"] == saml_metadata()
    out = home.run("samlproviderlist", *JSON)
    assert [p["Arn"] for p in assert_shape(out, "samlproviderlist")] == [arn]
    out = home.run("samlprovidermod", arn, "-f", path, *JSON)
    assert_shape(out, "samlprovidermod")
    out = home.run("samlproviderdel", arn, *JSON)
    assert_shape(out, "samlproviderdel")
    assert iam.list_saml_providers()["SAMLProviderList"] == []


def test_ssh_key_verbs(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice")
    body = ssh_public_key()
    out = home.run("useraddsshkey", "alice", "-f", str(home.write("id.pub", body)), *JSON)
    key_id = assert_shape(out, "useraddsshkey")["SSHPublicKeyId"]
    out = home.run("usergetsshkey", "alice", key_id, *JSON)
    assert assert_shape(out, "usergetsshkey")["SSHPublicKeyBody"] == body
    out = home.run("userlistsshkeys", "alice", *JSON)
    assert [k["SSHPublicKeyId"] for k in assert_shape(out, "userlistsshkeys")] == [key_id]
    out = home.run("usermodsshkey", "alice", key_id, "-s", "Inactive", *JSON)
    assert_shape(out, "usermodsshkey")
    out = home.run("userdelsshkey", "alice", key_id, *JSON)
    assert_shape(out, "userdelsshkey")
    assert iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"] == []


def stubbed(verb: str, args: list[str], *answers: tuple[str, Any]) -> Result:
    done = run_stubbed(verb, [*args, *JSON], [(op, answer, None) for op, answer in answers])
    return Result(done.code, done.stdout, done.stderr)


def test_service_cred_verbs_json() -> None:
    """Stubbed: moto's server has no service-specific credential API."""
    listed = ("ListServiceSpecificCredentials", {"ServiceSpecificCredentials": [cred()]})
    new = {"ServiceSpecificCredential": cred(PASSWORD)}
    out = stubbed(
        "useraddservicecred",
        [USER, "-s", SERVICE],
        ("ListServiceSpecificCredentials", {"ServiceSpecificCredentials": []}),
        ("CreateServiceSpecificCredential", new),
    )
    assert assert_shape(out, "useraddservicecred")["ServicePassword"] == PASSWORD
    out = stubbed("userresetservicecred", [USER, CRED], ("ResetServiceSpecificCredential", new))
    assert assert_shape(out, "userresetservicecred")["ServicePassword"] == PASSWORD
    out = stubbed("userlistservicecreds", [USER], listed)
    assert_shape(out, "userlistservicecreds")
    out = stubbed(
        "usermodservicecred", [USER, CRED, "-s", "Active"], ("UpdateServiceSpecificCredential", {})
    )
    assert_shape(out, "usermodservicecred")
    out = stubbed("userdelservicecred", [USER, CRED], ("DeleteServiceSpecificCredential", {}))
    assert_shape(out, "userdelservicecred")
