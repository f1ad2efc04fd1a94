"""The JSON of every tag verb has the shape docs/output.md gives it: listtags prints IAM's Tag
items whole, tag and untag print nothing.

ListInstanceProfileTags and the tags of SAML providers, server certificates and MFA devices are
the sandbox's model's (moto has none of them): every verb runs installed against the sandbox.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home, Result
from tests.support.certs import saml_metadata, self_signed
from tests.support.documents import DOC, TRUST
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways

JSON = ("--format", "json")
ACCOUNT = "123456789012"
TAG = [{"Key": "team", "Value": "web"}]


def _entities(iam: Any) -> dict[str, str]:
    """One entity of each kind moto tags, by the name its verbs take."""
    iam.create_user(UserName="alice")
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=TRUST)
    iam.create_policy(PolicyName="p1", PolicyDocument=DOC)
    iam.create_instance_profile(InstanceProfileName="ip1")
    made = iam.create_open_id_connect_provider(
        Url="https://oidc.example.com", ThumbprintList=["a" * 40]
    )
    return {
        "user": "alice",
        "role": "r1",
        "policy": "p1",
        "instanceprofile": "ip1",
        "oidcprovider": made["OpenIDConnectProviderArn"],
    }


def test_tag_verbs_served_by_moto(home: Home, iam: Any) -> None:
    """Each verb's name is given to assert_shape as a literal (tests/unit/test_output_doc.py
    finds them there)."""
    names = _entities(iam)

    def run(kind: str, verb: str, *args: str) -> Result:
        return home.run(f"{kind}{verb}", names[kind], *args, *JSON)

    tag, key = ("-t", "team=web"), ("-k", "team")
    assert_shape(run("user", "tag", *tag), "usertag")
    assert assert_shape(run("user", "listtags"), "userlisttags") == TAG
    assert_shape(run("user", "untag", *key), "useruntag")
    assert_shape(run("role", "tag", *tag), "roletag")
    assert assert_shape(run("role", "listtags"), "rolelisttags") == TAG
    assert_shape(run("role", "untag", *key), "roleuntag")
    assert_shape(run("policy", "tag", *tag), "policytag")
    assert assert_shape(run("policy", "listtags"), "policylisttags") == TAG
    assert_shape(run("policy", "untag", *key), "policyuntag")
    assert_shape(run("oidcprovider", "tag", *tag), "oidcprovidertag")
    assert assert_shape(run("oidcprovider", "listtags"), "oidcproviderlisttags") == TAG
    assert_shape(run("oidcprovider", "untag", *key), "oidcprovideruntag")
    assert_shape(run("instanceprofile", "tag", *tag), "instanceprofiletag")
    assert_shape(run("instanceprofile", "untag", *key), "instanceprofileuntag")


SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp-idp"
MFA = f"arn:aws:iam::{ACCOUNT}:mfa/alice"


def test_tag_verbs_json_of_the_models_kinds(home: Home, iam: Any) -> None:
    iam.create_saml_provider(Name="corp-idp", SAMLMetadataDocument=saml_metadata())
    cert, key = self_signed("www")
    iam.upload_server_certificate(ServerCertificateName="www", CertificateBody=cert, PrivateKey=key)
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")
    iam.create_instance_profile(InstanceProfileName="ip1", Tags=TAG)
    tag, untag = ["-t", "team=web", *JSON], ["-k", "team", *JSON]
    assert_shape(home.run("samlprovidertag", SAML, *tag), "samlprovidertag")
    listed = home.run("samlproviderlisttags", SAML, *JSON)
    assert assert_shape(listed, "samlproviderlisttags") == TAG
    assert_shape(home.run("samlprovideruntag", SAML, *untag), "samlprovideruntag")
    assert_shape(home.run("servercerttag", "www", *tag), "servercerttag")
    listed = home.run("servercertlisttags", "www", *JSON)
    assert assert_shape(listed, "servercertlisttags") == TAG
    assert_shape(home.run("servercertuntag", "www", *untag), "servercertuntag")
    assert_shape(home.run("mfatag", MFA, *tag), "mfatag")
    assert assert_shape(home.run("mfalisttags", MFA, *JSON), "mfalisttags") == TAG
    assert_shape(home.run("mfauntag", MFA, *untag), "mfauntag")
    listed = home.run("instanceprofilelisttags", "ip1", *JSON)
    assert assert_shape(listed, "instanceprofilelisttags") == TAG
