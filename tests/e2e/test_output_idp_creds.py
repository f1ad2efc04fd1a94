"""The JSON shape of every verb of the saml, ssh_keys and service_creds families
(docs/output.md).

SAML providers and SSH public keys are moto's; service-specific credentials the sandbox's
model's (moto has none): every verb runs installed against the sandbox.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home
from tests.support.certs import saml_metadata, ssh_public_key
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways

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


def test_service_cred_verbs_json(home: Home, iam: Any) -> None:
    user, service = "alice", "codecommit.amazonaws.com"
    iam.create_user(UserName=user)
    out = home.run("useraddservicecred", user, "-s", service, *JSON)
    made = assert_shape(out, "useraddservicecred")
    cred = made["ServiceSpecificCredentialId"]
    assert made["ServicePassword"]
    out = home.run("userresetservicecred", user, cred, *JSON)
    assert assert_shape(out, "userresetservicecred")["ServicePassword"] != made["ServicePassword"]
    out = home.run("userlistservicecreds", user, *JSON)
    assert [
        c["ServiceSpecificCredentialId"] for c in assert_shape(out, "userlistservicecreds")
    ] == [cred]
    out = home.run("usermodservicecred", user, cred, "-s", "Active", *JSON)
    assert_shape(out, "usermodservicecred")
    out = home.run("userdelservicecred", user, cred, *JSON)
    assert_shape(out, "userdelservicecred")
    assert iam.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"] == []
