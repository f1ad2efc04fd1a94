"""The JSON shapes docs/output.md promises for the boundaries, account_password and
service_linked families, rolemod and changepassword.

moto's server has no user boundaries and no ChangePassword: those verbs run in-process against
botocore's Stubber (tests/support/stub.py).
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Home, Result
from tests.support.documents import TRUST
from tests.support.shapes import assert_shape
from tests.support.stub import run_stubbed

JSON = ("--format", "json")
AWS_POLICY = "arn:aws:iam::aws:policy/PowerUserAccess"


def stubbed(verb: str, args: list[str], operation: str, stdin: str = "") -> Result:
    done = run_stubbed(verb, [*args, *JSON], [(operation, {}, None)], stdin=stdin)
    return Result(done.code, done.stdout, done.stderr)


def test_boundary_verbs_json(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    assert_shape(home.run("rolesetboundary", "web", "-p", AWS_POLICY, *JSON), "rolesetboundary")
    got = assert_shape(home.run("rolegetattributes", "web", *JSON), "rolegetattributes")
    assert got["PermissionsBoundary"]["PermissionsBoundaryArn"] == AWS_POLICY
    assert_shape(home.run("roledelboundary", "web", *JSON), "roledelboundary")


def test_user_boundary_verbs_json() -> None:
    """Stubbed: moto's server has no Put/DeleteUserPermissionsBoundary."""
    put = stubbed("usersetboundary", ["alice", "-p", AWS_POLICY], "PutUserPermissionsBoundary")
    assert_shape(put, "usersetboundary")
    gone = stubbed("userdelboundary", ["alice"], "DeleteUserPermissionsBoundary")
    assert_shape(gone, "userdelboundary")


def test_password_policy_verbs_json(home: Home, iam: Any) -> None:
    assert_shape(
        home.run("accountsetpasswordpolicy", "--min-length", "10", "--max-age", "30", *JSON),
        "accountsetpasswordpolicy",
    )
    got = assert_shape(home.run("accountgetpasswordpolicy", *JSON), "accountgetpasswordpolicy")
    assert (got["MinimumPasswordLength"], got["MaxPasswordAge"]) == (10, 30)
    assert_shape(home.run("accountdelpasswordpolicy", *JSON), "accountdelpasswordpolicy")


def test_changepassword_json() -> None:
    """Stubbed: moto's server has no ChangePassword."""
    # passwords no other output holds: they stay remembered (masked) for the rest of the process
    stdin = "Sh4pe-old-pw!q\nSh4pe-new-pw!r\n"
    assert_shape(stubbed("changepassword", [], "ChangePassword", stdin=stdin), "changepassword")


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
