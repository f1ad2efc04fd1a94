"""Round trips of euare-accountapply through what plain moto could not hold and the sandbox's
model of IAM does (docs/sandbox.md): a user's permissions boundary, the tags of SAML providers
and server certificates, a group's new path, a moved user's tags, an OpenID Connect provider's
client IDs. Each loads one state, applies another by hand-written snapshot, and asks that a
second plan be empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Home, MotoServer
from tests.support.applied import arn, document, load, spec, write
from tests.support.certs import self_signed


def converges(home: Home, desired: Path) -> None:
    done = home.run("accountapply", str(desired), "--yes", timeout=120)
    assert done.returncode == 0, done.stderr
    again = home.run("accountapply", str(desired), "--dry-run", timeout=120)
    assert (again.returncode, again.stdout) == (0, ""), again.stdout


def round_trip(
    home: Home, moto: MotoServer, tmp: Path, before: dict[str, Any], after: dict[str, Any]
) -> None:
    load(moto, before)
    converges(home, write(tmp / "desired.json", after))


def test_a_users_boundary(home: Home, moto_server: MotoServer, tmp_path: Path) -> None:
    policy = {"PolicyName": "edge", "Document": document("s3:*")}
    bounded = {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": arn("policy", "edge"),
    }
    round_trip(
        home,
        moto_server,
        tmp_path,
        spec(Users=[{"UserName": "u"}], Policies=[policy]),
        spec(Users=[{"UserName": "u", "PermissionsBoundary": bounded}], Policies=[policy]),
    )


def test_a_saml_providers_tags(home: Home, moto_server: MotoServer, tmp_path: Path) -> None:
    from tests.support.applied import METADATA

    saml = {"Name": "sso", "SAMLMetadataDocument": METADATA}
    round_trip(
        home,
        moto_server,
        tmp_path,
        spec(SAMLProviders=[{**saml, "Tags": []}]),
        spec(SAMLProviders=[{**saml, "Tags": [{"Key": "idp", "Value": "okta"}]}]),
    )


def test_a_server_certificates_tags(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    load(moto_server, spec())
    body, key = self_signed("www.example.com")
    iam.upload_server_certificate(ServerCertificateName="www", CertificateBody=body, PrivateKey=key)
    taken = home.run("accountsnapshot")
    desired = json.loads(taken.stdout)
    desired["ServerCertificates"][0]["Tags"] = [{"Key": "site", "Value": "www"}]
    converges(home, write(tmp_path / "desired.json", desired))


def test_a_groups_new_path(home: Home, moto_server: MotoServer, tmp_path: Path) -> None:
    round_trip(
        home,
        moto_server,
        tmp_path,
        spec(Groups=[{"GroupName": "g"}]),
        spec(Groups=[{"GroupName": "g", "Path": "/team/"}]),
    )


def test_a_moved_user_keeps_its_tags(home: Home, moto_server: MotoServer, tmp_path: Path) -> None:
    tags = [{"Key": "team", "Value": "a"}]
    round_trip(
        home,
        moto_server,
        tmp_path,
        spec(Users=[{"UserName": "u", "Tags": tags}]),
        spec(Users=[{"UserName": "u", "Path": "/moved/", "Tags": tags}]),
    )


def test_an_oidc_providers_client_ids(home: Home, moto_server: MotoServer, tmp_path: Path) -> None:
    provider = {"Url": "token.example.com", "ThumbprintList": ["a" * 40], "Tags": []}
    round_trip(
        home,
        moto_server,
        tmp_path,
        spec(OpenIDConnectProviders=[{**provider, "ClientIDList": ["one", "two"]}]),
        spec(OpenIDConnectProviders=[{**provider, "ClientIDList": ["two", "three"]}]),
    )
