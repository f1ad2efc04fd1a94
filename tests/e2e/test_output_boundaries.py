"""The JSON shapes docs/output.md promises for the boundaries, account_password and
service_linked families, rolemod and changepassword.

User boundaries and ChangePassword are the sandbox's model's (moto has neither): every verb
runs installed against it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home
from tests.support.documents import TRUST
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways

JSON = ("--format", "json")
AWS_POLICY = "arn:aws:iam::aws:policy/PowerUserAccess"


def test_boundary_verbs_json(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    assert_shape(home.run("rolesetboundary", "web", "-p", AWS_POLICY, *JSON), "rolesetboundary")
    got = assert_shape(home.run("rolegetattributes", "web", *JSON), "rolegetattributes")
    assert got["PermissionsBoundary"]["PermissionsBoundaryArn"] == AWS_POLICY
    assert_shape(home.run("roledelboundary", "web", *JSON), "roledelboundary")


def test_user_boundary_verbs_json(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice")
    put = home.run("usersetboundary", "alice", "-p", AWS_POLICY, *JSON)
    assert_shape(put, "usersetboundary")
    got = iam.get_user(UserName="alice")["User"]["PermissionsBoundary"]
    assert got["PermissionsBoundaryArn"] == AWS_POLICY
    gone = home.run("userdelboundary", "alice", *JSON)
    assert_shape(gone, "userdelboundary")


def test_password_policy_verbs_json(home: Home, iam: Any) -> None:
    assert_shape(
        home.run("accountsetpasswordpolicy", "--min-length", "10", "--max-age", "30", *JSON),
        "accountsetpasswordpolicy",
    )
    got = assert_shape(home.run("accountgetpasswordpolicy", *JSON), "accountgetpasswordpolicy")
    assert (got["MinimumPasswordLength"], got["MaxPasswordAge"]) == (10, 30)
    assert_shape(home.run("accountdelpasswordpolicy", *JSON), "accountdelpasswordpolicy")


def test_changepassword_json(home: Home, iam: Any) -> None:
    # passwords no other output holds: they stay remembered (masked) for the rest of the process
    old, new = "Sh4pe-old-pw!q", "Sh4pe-new-pw!r"
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password=old)
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    home.write_iamrc(key["AccessKeyId"], key["SecretAccessKey"])
    done = home.run("changepassword", *JSON, input=f"{old}\n{new}\n")
    assert_shape(done, "changepassword")


def test_role_verbs_json(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    assert_shape(home.run("rolemod", "web", "--description", "d", *JSON), "rolemod")
    made = home.run("rolecreateservicelinked", "autoscaling.amazonaws.com", *JSON)
    role = assert_shape(made, "rolecreateservicelinked")
    assert role["Arn"] == iam.get_role(RoleName=role["RoleName"])["Role"]["Arn"]
    gone = assert_shape(
        home.run("roledelservicelinked", role["RoleName"], *JSON), "roledelservicelinked"
    )
    assert gone["Status"] == "SUCCEEDED"
