"""The sandbox serves an AWS Organization of many accounts (euare.sandbox.model.context's
Accounts, euare.sandbox.model.organizations): each request in its access key's account, every
piece of the model's state (pages, directory, boundaries, tags, keys...) the account's own;
each account created through Organizations holds the role AWS makes in it, which the
management account's administrator may assume and a user without sts:AssumeRole may not; a
reset empties every account. Through boto3, reading the sandbox's answers (tests/support/org.py
is the helper other tests build organizations with)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ADMIN_KEY, ADMIN_SECRET, MotoServer, boto_client
from tests.support.documents import TRUST
from tests.support.org import ROLE, make_organization, member_client

ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"
ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
ONLY_S3 = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'


def furnish(iam: Any, mark: str) -> None:
    """An account's user, group, role and policy, all named and tagged after ``mark``."""
    tags = [{"Key": "account", "Value": mark}]
    iam.create_user(UserName=f"{mark}-user", Tags=tags)
    iam.create_group(GroupName=f"{mark}-group")
    iam.create_role(RoleName=f"{mark}-role", AssumeRolePolicyDocument=TRUST, Tags=tags)
    iam.create_policy(PolicyName=f"{mark}-policy", PolicyDocument=ONLY_S3, Tags=tags)


def everything(iam: Any) -> dict[str, list[str]]:
    """What each listing of an account shows, and GetAccountAuthorizationDetails."""
    details = iam.get_account_authorization_details()
    return {
        "users": [u["Arn"] for u in iam.list_users()["Users"]],
        "groups": [g["Arn"] for g in iam.list_groups()["Groups"]],
        "roles": sorted(r["Arn"] for r in iam.list_roles()["Roles"]),
        "policies": [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]],
        "details": sorted(
            [u["Arn"] for u in details["UserDetailList"]]
            + [g["Arn"] for g in details["GroupDetailList"]]
            + [r["Arn"] for r in details["RoleDetailList"]]
            + [p["Arn"] for p in details["Policies"] if ":iam::aws:" not in p["Arn"]]
        ),
    }


@pytest.fixture
def member(iam: Any, endpoint: str) -> tuple[str, Any]:
    """One member account of the administrator's organization, and a client of it."""
    accounts = make_organization(endpoint, 1, ADMIN_KEY, ADMIN_SECRET)
    created = next(a["Id"] for a in accounts if a["Name"] == "acct-00")
    return created, member_client(endpoint, created, ADMIN_KEY, ADMIN_SECRET)


def test_two_accounts_listings_never_mix(iam: Any, member: tuple[str, Any]) -> None:
    account, other = member
    before = everything(iam)  # listed first: the same listings of the member come next
    furnish(other, "member")
    furnish(iam, "mgmt")
    mine, theirs = everything(iam), everything(other)
    assert before == {key: [] for key in before}
    for key, arns in mine.items():
        assert arns and all(":123456789012:" in arn and "mgmt-" in arn for arn in arns), key
    for key, arns in theirs.items():
        assert arns and all(f":{account}:" in arn for arn in arns), key
        assert not any("mgmt-" in arn for arn in arns), key
    assert theirs["roles"] == sorted(
        [f"arn:aws:iam::{account}:role/{ROLE}", f"arn:aws:iam::{account}:role/member-role"]
    )
    assert other.list_user_tags(UserName="member-user")["Tags"] == [
        {"Key": "account", "Value": "member"}
    ]
    with pytest.raises(ClientError) as caught:
        iam.get_user(UserName="member-user")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_the_models_own_state_is_each_accounts_own(iam: Any, member: tuple[str, Any]) -> None:
    """Boundaries, service-specific credentials and the tags the model keeps (a server
    certificate's) of one account are not another's, on entities of the same name."""
    account, other = member
    boundary = other.create_policy(PolicyName="edge", PolicyDocument=ONLY_S3)["Policy"]["Arn"]
    for client in (iam, other):
        client.create_user(UserName="same")
    other.put_user_permissions_boundary(UserName="same", PermissionsBoundary=boundary)
    other.create_service_specific_credential(
        UserName="same", ServiceName="codecommit.amazonaws.com"
    )
    other.create_virtual_mfa_device(
        VirtualMFADeviceName="same", Tags=[{"Key": "account", "Value": "member"}]
    )
    iam.create_virtual_mfa_device(VirtualMFADeviceName="same")
    assert "PermissionsBoundary" not in iam.get_user(UserName="same")["User"]
    assert other.get_user(UserName="same")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
    assert (
        iam.list_service_specific_credentials(UserName="same")["ServiceSpecificCredentials"] == []
    )
    assert (
        len(other.list_service_specific_credentials(UserName="same")["ServiceSpecificCredentials"])
        == 1
    )
    serial = f"arn:aws:iam::{account}:mfa/same"
    assert other.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [
        {"Key": "account", "Value": "member"}
    ]
    assert iam.list_mfa_device_tags(SerialNumber="arn:aws:iam::123456789012:mfa/same")["Tags"] == []


def test_each_created_account_holds_the_role_trusting_the_management_account(
    iam: Any, endpoint: str
) -> None:
    org = boto_client(endpoint, service="organizations")
    org.create_organization(FeatureSet="ALL")
    default = org.create_account(Email="a@example.com", AccountName="a")["CreateAccountStatus"]
    named = org.create_account(Email="b@example.com", AccountName="b", RoleName="OrgAdmin")
    named_status = named["CreateAccountStatus"]
    for status, role in ((default, ROLE), (named_status, "OrgAdmin")):
        described = org.describe_create_account_status(CreateAccountRequestId=status["Id"])
        assert described["CreateAccountStatus"]["State"] == "SUCCEEDED"
        got = boto_client(endpoint, service="sts").assume_role(
            RoleArn=f"arn:aws:iam::{status['AccountId']}:role/{role}", RoleSessionName="look"
        )["Credentials"]
        inside = member_of(endpoint, got)
        found = inside.get_role(RoleName=role)["Role"]
        statement = found["AssumeRolePolicyDocument"]["Statement"][0]
        assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
        assert statement["Action"] == "sts:AssumeRole" and statement["Effect"] == "Allow"
        attached = inside.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        assert attached == [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMINISTRATOR}]
    assert iam.list_roles()["Roles"] == []  # the management account holds none of them


def member_of(endpoint: str, credentials: dict[str, Any]) -> Any:
    import boto3

    return boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def user_key(iam: Any, name: str, document: str | None = None) -> tuple[str, str]:
    iam.create_user(UserName=name)
    if document:
        iam.put_user_policy(UserName=name, PolicyName="own", PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def test_with_auth_enforced_the_admin_assumes_the_role_and_a_user_without_permission_cannot(
    iam: Any, endpoint: str, moto_server: MotoServer
) -> None:
    admin = user_key(iam, "admin", ALLOW_ALL)
    nobody = user_key(iam, "nobody")
    moto_server.enforce_auth()
    accounts = make_organization(endpoint, 2, *admin)  # Organizations' calls, judged too
    assert sorted(a["Name"] for a in accounts) == ["acct-00", "acct-01", "master"]
    account = next(a["Id"] for a in accounts if a["Name"] == "acct-01")
    inside = member_client(endpoint, account, *admin)
    inside.create_user(UserName="made-inside")  # the role's AdministratorAccess allows it
    assert [u["UserName"] for u in inside.list_users()["Users"]] == ["made-inside"]
    for denied in (
        lambda: member_client(endpoint, account, *nobody),
        lambda: boto_client(endpoint, *nobody, "organizations").list_accounts(),
    ):
        with pytest.raises(ClientError) as caught:
            denied()
        assert caught.value.response["Error"]["Code"] in ("AccessDenied", "AccessDeniedException")
        assert "user/nobody is not authorized" in caught.value.response["Error"]["Message"]


def test_with_auth_enforced_each_key_is_judged_in_its_own_account(
    iam: Any, endpoint: str, moto_server: MotoServer
) -> None:
    """A user of one account and a user of the same name in another: each key is its own
    user's, judged by its own account's policies (the gate's directory is the account's)."""
    admin = user_key(iam, "admin", ALLOW_ALL)
    mine = user_key(iam, "alice")  # no policy in the management account
    accounts = make_organization(endpoint, 1, *admin)
    account = next(a["Id"] for a in accounts if a["Name"] == "acct-00")
    theirs = user_key(member_client(endpoint, account, *admin), "alice", ALLOW_ALL)
    moto_server.enforce_auth()
    inside = boto_client(endpoint, *theirs)
    assert [u["UserName"] for u in inside.list_users()["Users"]] == ["alice"]
    caller = boto_client(endpoint, *theirs, "sts").get_caller_identity()["Arn"]
    assert caller == f"arn:aws:iam::{account}:user/alice"
    # a session token's key is its caller's account's (moto alone takes it for its default's)
    session = boto_client(endpoint, *theirs, "sts").get_session_token()["Credentials"]
    assert [u["UserName"] for u in member_of(endpoint, session).list_users()["Users"]] == ["alice"]
    with pytest.raises(ClientError) as caught:
        boto_client(endpoint, *mine).list_users()
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_reset_empties_every_accounts_model(
    iam: Any, endpoint: str, moto_server: MotoServer, member: tuple[str, Any]
) -> None:
    account, other = member
    for client in (other, iam):
        edge = client.create_policy(PolicyName="edge", PolicyDocument=ONLY_S3)["Policy"]["Arn"]
        client.create_user(UserName="kept", PermissionsBoundary=edge)
        assert client.list_users()["Users"]
    moto_server.reset()
    iam.create_user(UserName="kept")
    assert "PermissionsBoundary" not in iam.get_user(UserName="kept")["User"]
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["kept"]
    # the member account is gone with its role, as a closed account is: nothing enters it
    with pytest.raises(ClientError) as caught:
        member_client(endpoint, account, ADMIN_KEY, ADMIN_SECRET)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


@pytest.mark.parametrize("enforced", [False, True], ids=["gate-off", "gate-on"])
def test_a_role_that_is_not_there_cannot_be_assumed(
    iam: Any, endpoint: str, moto_server: MotoServer, enforced: bool
) -> None:
    """AWS refuses AssumeRole of a missing role with the AccessDenied a refused caller gets
    (moto would hand out credentials): in another account and in the caller's own."""
    admin = user_key(iam, "admin", ALLOW_ALL)
    accounts = make_organization(endpoint, 1, *admin)
    account = next(a["Id"] for a in accounts if a["Name"] == "acct-00")
    inside = member_client(endpoint, account, *admin)
    inside.detach_role_policy(RoleName=ROLE, PolicyArn=ADMINISTRATOR)
    inside.delete_role(RoleName=ROLE)
    if enforced:
        moto_server.enforce_auth()
    sts = boto_client(endpoint, *admin, "sts")
    for arn in (f"arn:aws:iam::{account}:role/{ROLE}", "arn:aws:iam::123456789012:role/gone"):
        with pytest.raises(ClientError) as caught:
            sts.assume_role(RoleArn=arn, RoleSessionName="look")
        error = caught.value.response["Error"]
        assert error["Code"] == "AccessDenied", error
        assert error["Message"] == (
            "User: arn:aws:iam::123456789012:user/admin is not authorized to perform: "
            f"sts:AssumeRole on resource: {arn}"
        )
