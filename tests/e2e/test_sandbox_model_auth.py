"""The sandbox's gate, once it checks credentials and policies (``--enforce-auth``;
euare.sandbox.model.auth): a principal is its ARN with its path, a request is authorized on the
entity it names, a boundary limits, AssumeRole follows the trust policy and the caller's own
policies, and a role session acts with the role's policies. Each through the installed euare-*
commands and through boto3, both reading the same answers."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import Home, MotoServer, boto_client, one_error_line

ACCOUNT = "123456789012"
ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'


def policy(action: str, resource: str, effect: str = "Allow") -> str:
    statement = {"Effect": effect, "Action": action, "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def user_with_key(iam: Any, name: str, path: str = "/", document: str | None = None) -> Any:
    """The user ``name`` (at ``path``, with ``document`` as an inline policy) and its key."""
    iam.create_user(UserName=name, Path=path)
    if document:
        iam.put_user_policy(UserName=name, PolicyName="own", PolicyDocument=document)
    return iam.create_access_key(UserName=name)["AccessKey"]


def as_(home: Home, key: Any) -> Home:
    home.write_iamrc(key["AccessKeyId"], key["SecretAccessKey"])
    return home


def client_of(home: Home, key: Any, service: str = "iam") -> Any:
    return boto_client(home.url, key["AccessKeyId"], key["SecretAccessKey"], service)


def denied_alike(done: Any, verb: str, call: Any) -> str:
    """``done`` (euare-VERB) and ``call()`` (boto3) are both AccessDenied with one message."""
    line = one_error_line(done, verb)
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert line.startswith(f"euare-{verb}: error (AccessDenied): {error['Message']}")
    return str(error["Message"])


# --- a principal is its ARN with its path --------------------------------------------------------

CRON_KEYS = policy("iam:ListAccessKeys", f"arn:aws:iam::{ACCOUNT}:user/cron/*")


def test_a_policy_scoped_to_a_path_allows_the_users_under_it(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    key = user_with_key(iam, "cronbot", "/cron/", CRON_KEYS)
    moto_server.enforce_auth()
    done = as_(home, key).run("userlistkeys", "-u", "cronbot")
    assert (done.returncode, done.lines) == (0, [key["AccessKeyId"], "Active"]), done.stderr
    listed = client_of(home, key).list_access_keys(UserName="cronbot")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == done.lines[:1]
    caller = client_of(home, key, "sts").get_caller_identity()["Arn"]
    assert caller == f"arn:aws:iam::{ACCOUNT}:user/cron/cronbot"


def test_the_same_policy_denies_a_user_elsewhere_naming_its_path_arn(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    key = user_with_key(iam, "webbot", "/web/", CRON_KEYS)
    moto_server.enforce_auth()
    said = denied_alike(
        as_(home, key).run("userlistkeys", "-u", "webbot"),
        "userlistkeys",
        lambda: client_of(home, key).list_access_keys(UserName="webbot"),
    )
    assert said == (
        f"User: arn:aws:iam::{ACCOUNT}:user/web/webbot is not authorized to perform: "
        f"iam:ListAccessKeys on resource: arn:aws:iam::{ACCOUNT}:user/web/webbot because no "
        "identity-based policy allows the iam:ListAccessKeys action"
    )


def test_an_explicit_deny_wins_and_says_so(home: Home, iam: Any, moto_server: MotoServer) -> None:
    key = user_with_key(iam, "ops", "/", ALLOW_ALL)
    iam.put_user_policy(
        UserName="ops", PolicyName="no", PolicyDocument=policy("iam:CreateUser", "*", "Deny")
    )
    moto_server.enforce_auth()
    said = denied_alike(
        as_(home, key).run("usercreate", "mallory"),
        "usercreate",
        lambda: client_of(home, key).create_user(UserName="mallory"),
    )
    assert said.endswith("with an explicit deny in an identity-based policy")
    listed = client_of(home, key).list_users()["Users"]
    assert "mallory" not in [u["UserName"] for u in listed]


def test_a_users_boundary_limits_what_its_policies_allow(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    cap = iam.create_policy(PolicyName="cap", PolicyDocument=policy("iam:List*", "*"))
    key = user_with_key(iam, "ops", "/", ALLOW_ALL)
    iam.put_user_permissions_boundary(UserName="ops", PermissionsBoundary=cap["Policy"]["Arn"])
    moto_server.enforce_auth()
    assert as_(home, key).run("userlistbypath").returncode == 0
    said = denied_alike(
        home.run("usercreate", "mallory"),
        "usercreate",
        lambda: client_of(home, key).create_user(UserName="mallory"),
    )
    assert said.endswith("because no permissions boundary allows the iam:CreateUser action")


def test_a_groups_policies_are_its_members(home: Home, iam: Any, moto_server: MotoServer) -> None:
    key = user_with_key(iam, "reader")
    iam.create_group(GroupName="readers")
    iam.add_user_to_group(GroupName="readers", UserName="reader")
    iam.put_group_policy(
        GroupName="readers", PolicyName="r", PolicyDocument=policy("iam:List*", "*")
    )
    moto_server.enforce_auth()
    assert as_(home, key).run("userlistbypath").returncode == 0
    assert "(AccessDenied)" in one_error_line(home.run("groupcreate", "g2"), "groupcreate")


def test_an_inactive_key_or_a_wrong_secret_is_refused(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    key = user_with_key(iam, "ops", "/", ALLOW_ALL)
    moto_server.enforce_auth()
    wrong = {**key, "SecretAccessKey": "not-the-secret"}
    line = one_error_line(as_(home, wrong).run("userlistbypath"), "userlistbypath")
    assert "(SignatureDoesNotMatch)" in line
    as_(home, key)
    iam_ = client_of(home, key)
    iam_.update_access_key(UserName="ops", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    line = one_error_line(home.run("userlistbypath"), "userlistbypath")
    assert "(InvalidClientTokenId)" in line


# --- AssumeRole: the trust policy, and the caller's own policies ---------------------------------


def trust(principal: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def role(iam: Any, principal: str, document: str = ALLOW_ALL) -> str:
    made = iam.create_role(RoleName="ops", Path="/team/", AssumeRolePolicyDocument=trust(principal))
    iam.put_role_policy(RoleName="ops", PolicyName="own", PolicyDocument=document)
    return str(made["Role"]["Arn"])


def test_an_administrator_assumes_a_role_its_account_trusts(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    """The sandbox's administrator (Allow * on *): moto refuses it AssumeRole; IAM does not."""
    arn = role(iam, f"arn:aws:iam::{ACCOUNT}:root")
    key = user_with_key(iam, "admin", "/", ALLOW_ALL)
    moto_server.enforce_auth()
    done = as_(home, key).run("assumerole", arn, "--session-name", "s1", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["AssumedRoleUser"]["Arn"].endswith(":assumed-role/ops/s1")
    sts = client_of(home, key, "sts")
    assert sts.assume_role(RoleArn=arn, RoleSessionName="s2")["AssumedRoleUser"]["Arn"].endswith(
        ":assumed-role/ops/s2"
    )


def test_a_trust_naming_the_account_needs_the_callers_own_permission(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    arn = role(iam, ACCOUNT)
    key = user_with_key(iam, "nobody-special", "/", policy("iam:List*", "*"))
    moto_server.enforce_auth()
    said = denied_alike(
        as_(home, key).run("assumerole", arn),
        "assumerole",
        lambda: client_of(home, key, "sts").assume_role(RoleArn=arn, RoleSessionName="s0"),
    )
    assert said.startswith(f"User: arn:aws:iam::{ACCOUNT}:user/nobody-special is not authorized")


def test_a_trust_naming_the_user_itself_is_enough(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    key = user_with_key(iam, "cronbot", "/cron/")  # no policy of its own at all
    arn = role(iam, f"arn:aws:iam::{ACCOUNT}:user/cron/cronbot")
    moto_server.enforce_auth()
    assert as_(home, key).run("assumerole", arn).returncode == 0
    client_of(home, key, "sts").assume_role(RoleArn=arn, RoleSessionName="s0")


def test_a_role_its_trust_does_not_name_the_caller_in_is_refused_even_to_an_administrator(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    arn = role(iam, f"arn:aws:iam::{ACCOUNT}:user/someone-else")
    key = user_with_key(iam, "admin", "/", ALLOW_ALL)
    moto_server.enforce_auth()
    denied_alike(
        as_(home, key).run("assumerole", arn),
        "assumerole",
        lambda: client_of(home, key, "sts").assume_role(RoleArn=arn, RoleSessionName="s0"),
    )


def test_a_role_session_acts_with_the_roles_policies(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    arn = role(iam, f"arn:aws:iam::{ACCOUNT}:root", policy("iam:ListUsers", "*"))
    key = user_with_key(iam, "admin", "/", ALLOW_ALL)
    moto_server.enforce_auth()
    session = client_of(home, key, "sts").assume_role(RoleArn=arn, RoleSessionName="s1")
    creds = session["Credentials"]
    reader = boto3.client(
        "iam",
        endpoint_url=home.url,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert [u["UserName"] for u in reader.list_users()["Users"]] == ["admin"]
    with pytest.raises(ClientError) as caught:
        reader.create_user(UserName="mallory")
    assert caught.value.response["Error"]["Message"].startswith(
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/ops/s1 is not authorized to perform: "
        "iam:CreateUser"
    )
