"""The JSON shape of every verb of the roles, instance_profiles, server_certs, oidc, account and
sts families (docs/output.md), and a trust policy printed back exactly as it was uploaded.

Each test builds one state of the sandbox with boto3 and runs the verbs with ``--format json``.
Neither moto nor the sandbox's model has UpdateServerCertificate: servercertmod runs in-process
against botocore's Stubber (tests/support/stub.py), and its output is checked the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN_KEY, Home, Result
from tests.support.certs import self_signed
from tests.support.shapes import assert_shape
from tests.support.stub import run_stubbed

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways

ACCOUNT = "123456789012"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.example.com"
JSON = ("--format", "json")

# A trust policy as a person writes it: several lines, two-space indents, a trailing newline.
TRUST = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "ec2.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
  ]
}
"""


def test_role_verbs(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="r", Path="/svc/", AssumeRolePolicyDocument=TRUST)
    out = home.run("rolecreate", "n", "-s", "ec2.amazonaws.com", *JSON)
    new = assert_shape(out, "rolecreate")
    assert new["RoleName"] == "n" and new["Arn"] == iam.get_role(RoleName="n")["Role"]["Arn"]
    out = home.run("rolegetattributes", "r", *JSON)
    assert assert_shape(out, "rolegetattributes")["AssumeRolePolicyDocument"] == json.loads(TRUST)
    out = home.run("rolelistbypath", "-p", "/svc/", *JSON)
    assert [r["RoleName"] for r in assert_shape(out, "rolelistbypath")] == ["r"]
    path = home.write("trust.json", TRUST)
    out = home.run("roleupdateassumepolicy", "r", "-f", str(path), *JSON)
    assert_shape(out, "roleupdateassumepolicy")
    out = home.run("roledel", "n", *JSON)
    assert_shape(out, "roledel")
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["r"]


def test_roleupdateassumepolicy_o_gives_what_was_sent(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    path = home.write("trust.json", TRUST)
    result = home.run("roleupdateassumepolicy", "r", "-f", str(path), "-o", *JSON)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"RoleName": "r", "PolicyDocument": json.loads(TRUST)}


def test_a_multi_line_trust_policy_prints_back_byte_for_byte(home: Home, iam: Any) -> None:
    """rolegetattributes and rolecreate -v print the trust policy exactly as IAM stores it."""
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    role = iam.get_role(RoleName="r")["Role"]
    result = home.run("rolegetattributes", "r")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{role['Arn']}\n{role['RoleId']}\n{TRUST}\n"

    path = home.write("trust.json", TRUST)
    created = home.run("rolecreate", "n", "-f", str(path), "-v")
    role = iam.get_role(RoleName="n")["Role"]
    assert created.stdout == f"{role['Arn']}\n{role['RoleId']}\n{TRUST}\n"


def test_instance_profile_verbs(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    out = home.run("instanceprofilecreate", "p", "-r", "r", *JSON)
    assert assert_shape(out, "instanceprofilecreate")["InstanceProfileName"] == "p"
    out = home.run("instanceprofilegetattributes", "p", *JSON)
    got = assert_shape(out, "instanceprofilegetattributes")
    assert [r["RoleName"] for r in got["Roles"]] == ["r"]
    out = home.run("instanceprofilelistbypath", *JSON)
    assert_shape(out, "instanceprofilelistbypath")
    out = home.run("instanceprofilelistforrole", "r", *JSON)
    listed = assert_shape(out, "instanceprofilelistforrole")
    assert [p["InstanceProfileName"] for p in listed] == ["p"]
    out = home.run("instanceprofileremoverole", "p", "-r", "r", *JSON)
    assert_shape(out, "instanceprofileremoverole")
    out = home.run("instanceprofileaddrole", "p", "-r", "r", *JSON)
    assert_shape(out, "instanceprofileaddrole")
    out = home.run("instanceprofiledel", "p", "-r", *JSON)
    assert_shape(out, "instanceprofiledel")
    assert iam.list_instance_profiles()["InstanceProfiles"] == []


def test_instanceprofilegetattributes_r_adds_the_role_arns_to_the_text(
    home: Home, iam: Any
) -> None:
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)["Role"]
    profile = iam.create_instance_profile(InstanceProfileName="p")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="r")
    head = [profile["Arn"], profile["InstanceProfileId"]]
    assert home.run("instanceprofilegetattributes", "p").lines == head
    assert home.run("instanceprofilegetattributes", "p", "-r").lines == [*head, role["Arn"]]


def test_server_cert_verbs(home: Home, iam: Any, tmp_path: Path) -> None:
    cert, key = self_signed("www.example.com")
    (tmp_path / "cert.pem").write_text(cert)
    (tmp_path / "key.pem").write_text(key)
    files = ["--certificate-file", str(tmp_path / "cert.pem")]
    files += ["--private-key-file", str(tmp_path / "key.pem")]
    out = home.run("servercertupload", "c", *files, *JSON)
    meta = assert_shape(out, "servercertupload")
    stored = iam.get_server_certificate(ServerCertificateName="c")["ServerCertificate"]
    assert meta["Arn"] == stored["ServerCertificateMetadata"]["Arn"]
    assert "PRIVATE KEY" not in out.stdout
    out = home.run("servercertgetattributes", "c", *JSON)
    assert assert_shape(out, "servercertgetattributes")["CertificateBody"].strip() == cert.strip()
    out = home.run("servercertlistbypath", *JSON)
    listed = assert_shape(out, "servercertlistbypath")
    assert [m["ServerCertificateName"] for m in listed] == ["c"]
    out = home.run("servercertdel", "c", *JSON)
    assert_shape(out, "servercertdel")
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == []


def stubbed(verb: str, args: list[str], operation: str) -> Result:
    """``euare-VERB ARGS --format json`` against a Stubber answering ``operation`` with {}."""
    done = run_stubbed(verb, [*args, *JSON], [(operation, {}, None)])
    return Result(done.code, done.stdout, done.stderr)


def test_servercertmod_json() -> None:
    """Stubbed: moto's server has no UpdateServerCertificate."""
    out = stubbed("servercertmod", ["old", "-n", "new"], "UpdateServerCertificate")
    assert_shape(out, "servercertmod")


def test_oidc_verbs(home: Home, iam: Any) -> None:
    url = "https://oidc.example.com"
    out = home.run("oidcprovidercreate", url, "-c", "app", "-t", "a" * 40, *JSON)
    arn = assert_shape(out, "oidcprovidercreate")["OpenIDConnectProviderArn"]
    out = home.run("oidcprovidergetattributes", arn, *JSON)
    assert assert_shape(out, "oidcprovidergetattributes")["ClientIDList"] == ["app"]
    out = home.run("oidcproviderlist", *JSON)
    assert [p["Arn"] for p in assert_shape(out, "oidcproviderlist")] == [arn]
    out = home.run("oidcproviderchangethumbprint", arn, "-t", "b" * 40, *JSON)
    assert_shape(out, "oidcproviderchangethumbprint")
    out = home.run("oidcproviderdel", arn, *JSON)
    assert_shape(out, "oidcproviderdel")
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_oidc_client_id_verbs_json(home: Home, iam: Any) -> None:
    """The OIDC client-ID calls are the sandbox's model's (moto has neither)."""
    iam.create_open_id_connect_provider(Url="https://oidc.example.com", ThumbprintList=["a" * 40])
    args = [PROVIDER_ARN, "-c", "app"]
    out = home.run("oidcprovideraddclientid", *args, *JSON)
    assert_shape(out, "oidcprovideraddclientid")
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
    assert got["ClientIDList"] == ["app"]
    out = home.run("oidcproviderdelclientid", *args, *JSON)
    assert_shape(out, "oidcproviderdelclientid")
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
    assert got.get("ClientIDList", []) == []


def test_account_verbs(home: Home, iam: Any) -> None:
    out = home.run("accountaliascreate", "acme", *JSON)
    assert_shape(out, "accountaliascreate")
    out = home.run("accountaliaslist", *JSON)
    assert assert_shape(out, "accountaliaslist") == ["acme"]
    out = home.run("accountgetsummary", *JSON)
    assert assert_shape(out, "accountgetsummary")["Users"] == 0
    out = home.run("accountaliasdelete", "acme", *JSON)
    assert_shape(out, "accountaliasdelete")
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_sts_verbs(home: Home, iam: Any) -> None:
    out = home.run("getcallerid", *JSON)
    me = assert_shape(out, "getcallerid")
    assert me["AccessKeyId"] == ADMIN_KEY and me["Account"] == ACCOUNT
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)
    out = home.run("assumerole", "ops", "--session-name", "s1", *JSON)
    answer = assert_shape(out, "assumerole")
    assert set(answer["Credentials"]) >= {"AccessKeyId", "SecretAccessKey", "SessionToken"}
    assert answer["AssumedRoleUser"]["Arn"].endswith(":assumed-role/ops/s1")
    out = home.run("releaserole", *JSON)
    released = assert_shape(out, "releaserole")
    assert released[-1] == "AWS_CREDENTIAL_FILE" and "AWS_SESSION_TOKEN" in released
