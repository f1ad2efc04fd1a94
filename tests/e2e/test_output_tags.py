"""The JSON of every tag verb has the shape docs/output.md gives it: listtags prints IAM's Tag
items whole, tag and untag print nothing.

moto 5.2's server has no ListInstanceProfileTags and no tagging at all for SAML providers,
server certificates or MFA devices: those verbs run in-process against botocore's Stubber.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Home, Result
from tests.support.documents import DOC, TRUST
from tests.support.shapes import assert_shape
from tests.support.stub import run_stubbed

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


def stubbed(verb: str, args: list[str], operation: str, answer: dict[str, Any]) -> Result:
    done = run_stubbed(verb, [*args, *JSON], [(operation, answer, None)])
    return Result(done.code, done.stdout, done.stderr)


SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp-idp"
MFA = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
LISTED = {"Tags": TAG}


def test_tag_verbs_json_stubbed() -> None:
    """Stubbed: moto's server has no tagging for SAML providers, server certificates or MFA
    devices, and no ListInstanceProfileTags."""
    tag, key = ["-t", "team=web"], ["-k", "team"]
    out = stubbed("samlprovidertag", [SAML, *tag], "TagSAMLProvider", {})
    assert_shape(out, "samlprovidertag")
    out = stubbed("samlproviderlisttags", [SAML], "ListSAMLProviderTags", LISTED)
    assert assert_shape(out, "samlproviderlisttags") == TAG
    out = stubbed("samlprovideruntag", [SAML, *key], "UntagSAMLProvider", {})
    assert_shape(out, "samlprovideruntag")
    out = stubbed("servercerttag", ["www", *tag], "TagServerCertificate", {})
    assert_shape(out, "servercerttag")
    out = stubbed("servercertlisttags", ["www"], "ListServerCertificateTags", LISTED)
    assert assert_shape(out, "servercertlisttags") == TAG
    out = stubbed("servercertuntag", ["www", *key], "UntagServerCertificate", {})
    assert_shape(out, "servercertuntag")
    out = stubbed("mfatag", [MFA, *tag], "TagMFADevice", {})
    assert_shape(out, "mfatag")
    out = stubbed("mfalisttags", [MFA], "ListMFADeviceTags", LISTED)
    assert assert_shape(out, "mfalisttags") == TAG
    out = stubbed("mfauntag", [MFA, *key], "UntagMFADevice", {})
    assert_shape(out, "mfauntag")
    out = stubbed("instanceprofilelisttags", ["ip1"], "ListInstanceProfileTags", LISTED)
    assert assert_shape(out, "instanceprofilelisttags") == TAG
