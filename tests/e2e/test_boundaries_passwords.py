"""Permission boundaries (set, shown with -v, removed, given at creation), the account's password
policy (read-modify-write keeps what is not given) and the caller's own password change.

moto's server serves role boundaries and the password policy; it has no user boundaries
(Put/DeleteUserPermissionsBoundary; CreateUser ignores PermissionsBoundary and GetUser never
returns one) and no ChangePassword, so those run in-process against botocore's Stubber
(tests/support/stub.py), which also checks what is sent.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.documents import DOC, TRUST
from tests.support.stub import run_stubbed

ACCOUNT = "123456789012"  # moto's account
AWS_POLICY = "arn:aws:iam::aws:policy/PowerUserAccess"
CAP = f"arn:aws:iam::{ACCOUNT}:policy/team/cap"
USER = {
    "UserName": "alice",
    "UserId": "AIDAEXAMPLEALICE0000",
    "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
    "Path": "/",
    "CreateDate": "2026-01-01T00:00:00Z",
}


def boundary_of(iam: Any, role: str) -> str | None:
    found = iam.get_role(RoleName=role)["Role"].get("PermissionsBoundary") or {}
    return found.get("PermissionsBoundaryArn")


# --- roles (moto) --------------------------------------------------------------------------------


def test_role_boundary_by_name_is_set_shown_with_v_and_removed(home: Home, iam: Any) -> None:
    iam.create_policy(PolicyName="cap", Path="/team/", PolicyDocument=DOC)
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    plain = home.run("rolegetattributes", "web")
    assert home.run("rolesetboundary", "web", "-p", "/team/cap").returncode == 0
    assert boundary_of(iam, "web") == CAP
    shown = home.run("rolegetattributes", "web", "-v")
    assert shown.returncode == 0, shown
    assert shown.lines == [*plain.lines, f"Permissions boundary: {CAP}"]
    assert home.run("rolegetattributes", "web").lines == plain.lines  # default text unchanged
    assert home.run("roledelboundary", "web").returncode == 0
    assert boundary_of(iam, "web") is None
    assert home.run("rolegetattributes", "web", "-v").lines == plain.lines


def test_rolecreate_boundary_takes_an_aws_managed_policy_by_arn(home: Home, iam: Any) -> None:
    done = home.run("rolecreate", "web", "-s", "ec2.amazonaws.com", "--boundary", AWS_POLICY)
    assert done.returncode == 0, done
    assert boundary_of(iam, "web") == AWS_POLICY


def test_a_boundary_iam_would_refuse_is_refused_before_sending(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    done = home.run("rolesetboundary", "web", "-p", "arn:aws:s3:::bucket")
    line = one_error_line(done, "rolesetboundary", status=2)
    assert "-p/--policy-arn must be at least 20 characters long, not 19" in line
    assert boundary_of(iam, "web") is None


# --- users (Stubber: moto has no user boundaries) ------------------------------------------------


def test_usersetboundary_and_userdelboundary_send_the_arn() -> None:
    """Stubbed: moto's server has no Put/DeleteUserPermissionsBoundary."""
    put = {"UserName": "alice", "PermissionsBoundary": AWS_POLICY}
    done = run_stubbed(
        "usersetboundary", ["alice", "-p", AWS_POLICY], [("PutUserPermissionsBoundary", {}, put)]
    )
    assert (done.code, done.stdout, done.stderr) == (0, "", "")
    gone = run_stubbed(
        "userdelboundary",
        ["alice"],
        [("DeleteUserPermissionsBoundary", {}, {"UserName": "alice"})],
    )
    assert (gone.code, gone.stdout, gone.stderr) == (0, "", "")


def test_usercreate_boundary_is_sent_with_createuser() -> None:
    """Stubbed: moto's CreateUser ignores PermissionsBoundary."""
    sent = {"UserName": "alice", "PermissionsBoundary": AWS_POLICY}
    done = run_stubbed(
        "usercreate",
        ["alice", "--boundary", AWS_POLICY, "-v"],
        [("CreateUser", {"User": USER}, sent)],
    )
    assert done.code == 0, done
    assert done.stdout.splitlines() == [USER["Arn"], USER["UserId"]]


def test_usergetattributes_v_shows_the_boundary_and_plain_text_does_not() -> None:
    """Stubbed: moto's GetUser never returns a PermissionsBoundary."""
    bounded = {
        **USER,
        "PermissionsBoundary": {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": AWS_POLICY,
        },
    }
    answer = [("GetUser", {"User": bounded}, {"UserName": "alice"})]
    verbose = run_stubbed("usergetattributes", ["alice", "-v"], answer)
    assert verbose.stdout.splitlines() == [
        USER["Arn"],
        USER["UserId"],
        f"Permissions boundary: {AWS_POLICY}",
    ]
    plain = run_stubbed("usergetattributes", ["alice"], answer)
    assert plain.stdout.splitlines() == [USER["Arn"], USER["UserId"]]


# --- the account's password policy (moto) --------------------------------------------------------


def policy_of(iam: Any) -> dict[str, Any]:
    return dict(iam.get_account_password_policy()["PasswordPolicy"])


def test_no_password_policy_is_one_line_and_exit_1(home: Home) -> None:
    line = one_error_line(home.run("accountgetpasswordpolicy"), "accountgetpasswordpolicy")
    assert line == (
        "euare-accountgetpasswordpolicy: error (NoSuchEntity): the account has no password "
        "policy (IAM's defaults apply)"
    )


def test_setpasswordpolicy_keeps_every_field_not_given(home: Home, iam: Any) -> None:
    first = home.run("accountsetpasswordpolicy", "--min-length", "12", "--require-symbols")
    assert first.returncode == 0, first
    made = policy_of(iam)
    assert (made["MinimumPasswordLength"], made["RequireSymbols"]) == (12, True)
    assert (made["RequireNumbers"], made["AllowUsersToChangePassword"]) == (False, False)
    assert not made.get("ExpirePasswords")

    again = home.run(
        "accountsetpasswordpolicy",
        "--max-age",
        "90",
        "--reuse-prevention",
        "5",
        "--require-numbers",
    )
    assert again.returncode == 0, again
    kept = policy_of(iam)
    assert (kept["MinimumPasswordLength"], kept["RequireSymbols"]) == (12, True)  # kept
    assert (kept["MaxPasswordAge"], kept["PasswordReusePrevention"]) == (90, 5)
    assert (kept["RequireNumbers"], kept["ExpirePasswords"]) == (True, True)

    off = home.run("accountsetpasswordpolicy", "--no-require-symbols", "--max-age", "0")
    assert off.returncode == 0, off
    last = policy_of(iam)
    assert (last["RequireSymbols"], last["ExpirePasswords"]) == (False, False)
    assert (last["MinimumPasswordLength"], last["PasswordReusePrevention"]) == (12, 5)
    assert last["RequireNumbers"] is True

    shown = home.run("accountgetpasswordpolicy")
    assert shown.returncode == 0, shown
    assert "MinimumPasswordLength: 12" in shown.lines
    assert "RequireSymbols: False" in shown.lines
    assert all(": " in line for line in shown.lines)


@pytest.mark.parametrize(
    "args",
    [
        ("--min-length", "5"),
        ("--min-length", "129"),
        ("--max-age", "1096"),
        ("--reuse-prevention", "25"),
        (),
    ],
    ids=["short", "long", "age", "reuse", "nothing"],
)
def test_setpasswordpolicy_refuses_out_of_range_before_sending(
    home: Home, iam: Any, args: tuple[str, ...]
) -> None:
    done = home.run("accountsetpasswordpolicy", *args)
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_account_password_policy()


def test_delpasswordpolicy(home: Home, iam: Any) -> None:
    iam.update_account_password_policy(MinimumPasswordLength=10)
    assert home.run("accountdelpasswordpolicy").returncode == 0
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_account_password_policy()
    one_error_line(home.run("accountdelpasswordpolicy"), "accountdelpasswordpolicy")


# --- changepassword (Stubber: moto has no ChangePassword) ----------------------------------------

OLD, NEW = "Old-pass-0ld!x", "N3w-pass-n3w!y"


def test_changepassword_reads_old_then_new_from_stdin() -> None:
    """Stubbed: moto's server has no ChangePassword."""
    sent = {"OldPassword": OLD, "NewPassword": NEW}
    done = run_stubbed(
        "changepassword", [], [("ChangePassword", {}, sent)], stdin=f"{OLD}\n{NEW}\n"
    )
    assert (done.code, done.stdout, done.stderr) == (0, "", "")


def test_changepassword_never_shows_either_password() -> None:
    """Stubbed (no ChangePassword in moto): IAM's error quoting both passwords, and --debug."""
    sent = {"OldPassword": OLD, "NewPassword": NEW}
    done = run_stubbed(
        "changepassword",
        ["--debug"],
        [("ChangePassword", {}, sent)],
        stdin=f"{OLD}\n{NEW}\n",
        errors={0: ("PasswordPolicyViolation", f"{NEW} is too like {OLD}")},
    )
    assert done.code == 1
    assert "PasswordPolicyViolation" in done.stderr
    assert OLD not in done.stderr + done.stdout
    assert NEW not in done.stderr + done.stdout


def test_changepassword_without_a_new_password_sends_nothing() -> None:
    """Stubbed (no ChangePassword in moto): no call is expected, so none may be made."""
    done = run_stubbed("changepassword", [], [], stdin=f"{OLD}\n")
    assert done.code == 1
    assert done.stderr == (
        "euare-changepassword: error: no new password given: write it on the second line of "
        "standard input\n"
    )
    assert OLD not in done.stderr


def test_usercreate_sends_its_tags_and_its_boundary_together() -> None:
    """Stubbed: moto's CreateUser ignores PermissionsBoundary."""
    sent = {
        "UserName": "alice",
        "PermissionsBoundary": AWS_POLICY,
        "Tags": [{"Key": "team", "Value": "ops"}],
    }
    done = run_stubbed(
        "usercreate",
        ["alice", "--boundary", AWS_POLICY, "--tag", "team=ops"],
        [("CreateUser", {"User": USER}, sent)],
    )
    assert done.code == 0, done


def test_usercreate_rerun_on_a_user_found_sets_its_tags_and_boundary() -> None:
    """Stubbed: moto has no PutUserPermissionsBoundary. Run again with -g, usercreate takes
    the user it finds as its own and finishes the job, the tags and boundary included."""
    tags = [{"Key": "team", "Value": "ops"}]
    done = run_stubbed(
        "usercreate",
        ["alice", "--boundary", AWS_POLICY, "--tag", "team=ops", "-g", "admins"],
        [
            ("CreateUser", {"User": USER}, None),
            ("TagUser", {}, {"UserName": "alice", "Tags": tags}),
            (
                "PutUserPermissionsBoundary",
                {},
                {"UserName": "alice", "PermissionsBoundary": AWS_POLICY},
            ),
            ("GetUser", {"User": USER}, {"UserName": "alice"}),
            ("AddUserToGroup", {}, {"UserName": "alice", "GroupName": "admins"}),
        ],
        errors={0: ("EntityAlreadyExists", "User with name alice already exists.")},
    )
    assert done.code == 0, done
    assert "already exists; going on with the remaining steps" in done.stderr
