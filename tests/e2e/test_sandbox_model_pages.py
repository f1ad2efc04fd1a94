"""The sandbox's pages and PathPrefix (euare.sandbox.model.pages): every list IAM pages comes
back MaxItems at a time (100 by default) with IsTruncated and a Marker, and PathPrefix keeps
what IAM keeps. Through the installed euare-* commands (a proxy counts their requests) and
through boto3's own paginators, both reading the same answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Home
from tests.support.certs import saml_metadata, self_signed, ssh_public_key

POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def test_250_users_come_back_in_three_pages(proxied_home: Home, proxy: Any, iam: Any) -> None:
    names = [f"user{i:03d}" for i in range(250)]
    for name in names:
        iam.create_user(UserName=name)
    pages = list(iam.get_paginator("list_users").paginate())
    assert [len(p["Users"]) for p in pages] == [100, 100, 50]
    assert [p["IsTruncated"] for p in pages] == [True, True, False]
    done = proxied_home.run("userlistbypath")
    assert done.returncode == 0, done.stderr
    assert done.lines == [u["Arn"] for p in pages for u in p["Users"]]
    assert proxy.actions.count("ListUsers") == 3


def test_path_prefix_is_a_prefix_of_the_path_as_in_iam(home: Home, iam: Any) -> None:
    """IAM: "/division_abc/subdivision_xyz/ gets all user names whose path starts with" it;
    so /div keeps /div/ and /division_abc/ alike, /div/ only /div/."""
    for name, path in (("a", "/div/"), ("b", "/division_abc/"), ("c", "/other/"), ("d", "/")):
        iam.create_user(UserName=name, Path=path)
    for prefix, kept in (("/div", ["a", "b"]), ("/div/", ["a"]), ("/", ["a", "b", "c", "d"])):
        listed = [u["UserName"] for u in iam.list_users(PathPrefix=prefix)["Users"]]
        assert sorted(listed) == kept
        done = home.run("userlistbypath", "-p", prefix)
        assert sorted(line.rsplit("/", 1)[1] for line in done.lines) == kept, done.stderr


def test_a_path_prefix_iam_refuses_is_a_validation_error(iam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        iam.list_users(PathPrefix="div")
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert "Value 'div' at 'pathPrefix' failed to satisfy constraint" in error["Message"]


def _estate(iam: Any) -> dict[str, Any]:
    """Three (or two, where IAM allows no more) of every kind a paged list lists."""
    iam.create_user(UserName="alice", Path="/team/")
    iam.create_user(UserName="bob")
    arns = []
    for i in range(3):
        iam.create_group(GroupName=f"g{i}", Path="/team/")
        iam.add_user_to_group(GroupName=f"g{i}", UserName="alice")
        iam.create_role(RoleName=f"r{i}", AssumeRolePolicyDocument=TRUST)
        iam.create_instance_profile(InstanceProfileName=f"ip{i}")
        iam.add_role_to_instance_profile(InstanceProfileName=f"ip{i}", RoleName="r0")
        arn = iam.create_policy(PolicyName=f"p{i}", PolicyDocument=POLICY)["Policy"]["Arn"]
        arns.append(arn)
        iam.attach_user_policy(UserName="alice", PolicyArn=arn)
        iam.put_user_policy(UserName="alice", PolicyName=f"in{i}", PolicyDocument=POLICY)
        iam.tag_user(UserName="alice", Tags=[{"Key": f"k{i}", "Value": "v"}])
        iam.create_virtual_mfa_device(VirtualMFADeviceName=f"m{i}")
        cert, key = self_signed(f"www{i}")
        iam.upload_server_certificate(
            ServerCertificateName=f"c{i}", CertificateBody=cert, PrivateKey=key
        )
        iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=ssh_public_key())
        iam.create_policy_version(PolicyArn=arns[0], PolicyDocument=POLICY)
    iam.add_user_to_group(GroupName="g0", UserName="bob")
    iam.attach_group_policy(GroupName="g0", PolicyArn=arns[0])
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="ops", PolicyArn=arns[0])
    for _ in range(2):
        iam.create_access_key(UserName="alice")
        iam.upload_signing_certificate(UserName="alice", CertificateBody=self_signed()[0])
        iam.create_service_specific_credential(
            UserName="alice", ServiceName="codecommit.amazonaws.com"
        )
    saml = iam.create_saml_provider(Name="idp", SAMLMetadataDocument=saml_metadata())
    iam.tag_saml_provider(
        SAMLProviderArn=saml["SAMLProviderArn"],
        Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(3)],
    )
    return {"policy": arns[0], "saml": saml["SAMLProviderArn"]}


# operation (as boto3 names it), its parameters, and its result key(s)
PAGED: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], tuple[str, ...]]] = [
    ("list_users", lambda e: {}, ("Users",)),
    ("list_groups", lambda e: {"PathPrefix": "/team/"}, ("Groups",)),
    ("list_roles", lambda e: {}, ("Roles",)),
    ("list_policies", lambda e: {"Scope": "Local"}, ("Policies",)),
    ("list_instance_profiles", lambda e: {}, ("InstanceProfiles",)),
    ("list_server_certificates", lambda e: {}, ("ServerCertificateMetadataList",)),
    ("list_virtual_mfa_devices", lambda e: {"AssignmentStatus": "Any"}, ("VirtualMFADevices",)),
    ("list_groups_for_user", lambda e: {"UserName": "alice"}, ("Groups",)),
    ("get_group", lambda e: {"GroupName": "g0"}, ("Users",)),
    ("list_user_policies", lambda e: {"UserName": "alice"}, ("PolicyNames",)),
    ("list_attached_user_policies", lambda e: {"UserName": "alice"}, ("AttachedPolicies",)),
    ("list_user_tags", lambda e: {"UserName": "alice"}, ("Tags",)),
    ("list_access_keys", lambda e: {"UserName": "alice"}, ("AccessKeyMetadata",)),
    ("list_signing_certificates", lambda e: {"UserName": "alice"}, ("Certificates",)),
    ("list_ssh_public_keys", lambda e: {"UserName": "alice"}, ("SSHPublicKeys",)),
    ("list_policy_versions", lambda e: {"PolicyArn": e["policy"]}, ("Versions",)),
    (
        "list_entities_for_policy",
        lambda e: {"PolicyArn": e["policy"]},
        ("PolicyGroups", "PolicyUsers", "PolicyRoles"),
    ),
    ("list_instance_profiles_for_role", lambda e: {"RoleName": "r0"}, ("InstanceProfiles",)),
    ("list_saml_provider_tags", lambda e: {"SAMLProviderArn": e["saml"]}, ("Tags",)),
    (
        "get_account_authorization_details",
        lambda e: {},
        ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"),
    ),
]


def test_every_paged_list_comes_back_a_page_at_a_time(iam: Any) -> None:
    """MaxItems=1: as many pages as items, each truncated but the last, the items those of one
    whole answer (MaxItems=1000), in the same order."""
    estate = _estate(iam)
    for operation, params, keys in PAGED:
        given = params(estate)
        whole = getattr(iam, operation)(**given, MaxItems=1000)
        expected = [item for key in keys for item in whole.get(key, [])]
        assert len(expected) >= 2, operation
        assert whole["IsTruncated"] is False, operation
        pages = list(
            iam.get_paginator(operation).paginate(**given, PaginationConfig={"PageSize": 1})
        )
        got = [item for page in pages for key in keys for item in page.get(key, [])]
        assert (operation, got) == (operation, expected)
        assert len(pages) == len(expected), operation
        assert [p["IsTruncated"] for p in pages] == [True] * (len(pages) - 1) + [False]


def test_max_items_outside_iams_range_is_a_validation_error(iam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        iam.list_users(MaxItems=1001)
    assert caught.value.response["Error"]["Code"] == "ValidationError"


def test_a_listing_between_pages_keeps_its_snapshot(iam: Any) -> None:
    """The pages of one listing come from one snapshot: a user made between two pages does
    not shift the second page (its next listing shows it)."""
    for i in range(3):
        iam.create_user(UserName=f"u{i}")
    first = iam.list_users(MaxItems=2)
    iam.create_user(UserName="a-first")
    second = iam.list_users(MaxItems=2, Marker=first["Marker"])
    assert [u["UserName"] for u in first["Users"] + second["Users"]] == ["u0", "u1", "u2"]
    assert "a-first" in [u["UserName"] for u in iam.list_users()["Users"]]
