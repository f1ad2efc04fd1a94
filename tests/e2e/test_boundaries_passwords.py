"""Permission boundaries (set, shown with -v, removed, given at creation), the account's password
policy (read-modify-write keeps what is not given) and the caller's own password change.

moto serves role boundaries and the password policy; the sandbox's model of IAM serves user
boundaries (moto drops them) and ChangePassword (moto has none): every test here runs the
installed commands against it and reads the result back with boto3.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Home, boto_client, one_error_line
from tests.support.documents import DOC, TRUST

ACCOUNT = "123456789012"  # moto's account
AWS_POLICY = "arn:aws:iam::aws:policy/PowerUserAccess"
CAP = f"arn:aws:iam::{ACCOUNT}:policy/team/cap"


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


# --- users (the sandbox's model: moto drops user boundaries) --------------------------------------


def user_boundary(iam: Any, user: str) -> str | None:
    found = iam.get_user(UserName=user)["User"].get("PermissionsBoundary") or {}
    return found.get("PermissionsBoundaryArn")


def test_usersetboundary_and_userdelboundary_set_and_remove_it(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice")
    done = home.run("usersetboundary", "alice", "-p", AWS_POLICY)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert user_boundary(iam, "alice") == AWS_POLICY
    gone = home.run("userdelboundary", "alice")
    assert (gone.returncode, gone.stdout, gone.stderr) == (0, "", "")
    assert user_boundary(iam, "alice") is None


def test_usercreate_boundary_round_trips(home: Home, iam: Any) -> None:
    iam.create_policy(PolicyName="cap", Path="/team/", PolicyDocument=DOC)
    done = home.run("usercreate", "alice", "--boundary", CAP, "-v")
    assert done.returncode == 0, done
    user = iam.get_user(UserName="alice")["User"]
    assert done.stdout.splitlines() == [user["Arn"], user["UserId"]]
    assert user_boundary(iam, "alice") == CAP
    details = iam.get_account_authorization_details(Filter=["User"])["UserDetailList"]
    assert [d["PermissionsBoundary"]["PermissionsBoundaryArn"] for d in details] == [CAP]
    assert "PermissionsBoundary" not in iam.list_users()["Users"][0]  # IAM leaves it out


def test_a_user_boundary_that_is_no_policy_is_refused_as_iam_refuses_it(
    home: Home, iam: Any
) -> None:
    iam.create_user(UserName="alice")
    missing = f"arn:aws:iam::{ACCOUNT}:policy/no-such-policy"
    line = one_error_line(home.run("usersetboundary", "alice", "-p", missing), "usersetboundary")
    with pytest.raises(ClientError) as caught:
        iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=missing)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "NoSuchEntity",
        f"Scope ARN: {missing} does not exist or is not attachable.",
    )
    assert line.startswith(f"euare-usersetboundary: error (NoSuchEntity): {error['Message']}")
    assert user_boundary(iam, "alice") is None


def test_usergetattributes_v_shows_the_boundary_and_plain_text_does_not(
    home: Home, iam: Any
) -> None:
    iam.create_user(UserName="alice", PermissionsBoundary=AWS_POLICY)
    user = iam.get_user(UserName="alice")["User"]
    verbose = home.run("usergetattributes", "alice", "-v")
    assert verbose.stdout.splitlines() == [
        user["Arn"],
        user["UserId"],
        f"Permissions boundary: {AWS_POLICY}",
    ]
    plain = home.run("usergetattributes", "alice")
    assert plain.stdout.splitlines() == [user["Arn"], user["UserId"]]


def test_a_deleted_users_boundary_goes_with_it(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice", PermissionsBoundary=AWS_POLICY)
    assert home.run("userdel", "alice").returncode == 0
    iam.create_user(UserName="alice")
    assert user_boundary(iam, "alice") is None


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


# --- changepassword (the sandbox's model: moto has none) ------------------------------------------

OLD, NEW = "Old-pass-0ld!x", "N3w-pass-n3w!y"


@pytest.fixture
def bob(home: Home, iam: Any) -> Home:
    """A HOME whose .iamrc is bob's, an IAM user with a console password (OLD)."""
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password=OLD, PasswordResetRequired=True)
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    home.write_iamrc(key["AccessKeyId"], key["SecretAccessKey"])
    return home


def test_changepassword_reads_old_then_new_from_stdin(bob: Home, iam: Any) -> None:
    done = bob.run("changepassword", input=f"{OLD}\n{NEW}\n")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert iam.get_login_profile(UserName="bob")["LoginProfile"]["PasswordResetRequired"] is False
    again = bob.run("changepassword", input=f"{NEW}\n{OLD}\n")  # NEW is bob's password now
    assert again.returncode == 0, again.stderr


def test_a_wrong_old_password_is_refused_alike(bob: Home, iam: Any) -> None:
    line = one_error_line(bob.run("changepassword", input=f"{NEW}\n{NEW}\n"), "changepassword")
    key, secret = (
        dict(line.split("=", 1) for line in (bob.path / ".iamrc").read_text().splitlines())[k]
        for k in ("AWSAccessKeyId", "AWSSecretKey")
    )
    with pytest.raises(ClientError) as caught:
        boto_client(bob.url, key, secret).change_password(OldPassword=NEW, NewPassword=NEW)
    error = caught.value.response["Error"]
    assert line.startswith(f"euare-changepassword: error ({error['Code']}): {error['Message']}")


def test_a_new_password_the_policy_refuses_is_password_policy_violation(
    bob: Home, iam: Any
) -> None:
    iam.update_account_password_policy(MinimumPasswordLength=20, RequireSymbols=True)
    line = one_error_line(bob.run("changepassword", input=f"{OLD}\nshort\n"), "changepassword")
    violation = "Password does not conform to the account password policy."
    assert line.startswith(f"euare-changepassword: error (PasswordPolicyViolation): {violation}")
    debug = bob.run("changepassword", "--debug", input=f"{OLD}\nshort\n")
    assert OLD not in debug.stderr + debug.stdout and "short" not in debug.stderr + debug.stdout
    iam.create_user(UserName="carol")
    with pytest.raises(ClientError) as caught:
        iam.create_login_profile(UserName="carol", Password="short")
    assert caught.value.response["Error"]["Message"] == violation


def test_changepassword_never_shows_either_password(bob: Home) -> None:
    done = bob.run("changepassword", "--debug", input=f"{OLD}\n{NEW}\n")
    assert done.returncode == 0, done.stderr
    assert OLD not in done.stderr + done.stdout
    assert NEW not in done.stderr + done.stdout


def test_changepassword_by_a_caller_who_is_no_user_is_invalid_user_type(home: Home) -> None:
    line = one_error_line(home.run("changepassword", input=f"{OLD}\n{NEW}\n"), "changepassword")
    assert line.startswith("euare-changepassword: error (InvalidUserType): ")


def test_changepassword_without_a_new_password_sends_nothing(
    proxied_home: Home, proxy: Any
) -> None:
    done = proxied_home.run("changepassword", input=f"{OLD}\n")
    assert done.returncode == 1
    assert done.stderr == (
        "euare-changepassword: error: no new password given: write it on the second line of "
        "standard input\n"
    )
    assert OLD not in done.stderr
    assert "ChangePassword" not in proxy.actions


def test_usercreate_sends_its_tags_and_its_boundary_together(home: Home, iam: Any) -> None:
    done = home.run("usercreate", "alice", "--boundary", AWS_POLICY, "--tag", "team=ops")
    assert done.returncode == 0, done
    user = iam.get_user(UserName="alice")["User"]
    assert user["Tags"] == [{"Key": "team", "Value": "ops"}]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == AWS_POLICY


def test_usercreate_rerun_on_a_user_found_sets_its_tags_and_boundary(home: Home, iam: Any) -> None:
    """Run again with -g, usercreate takes the user it finds as its own and finishes the job,
    the tags and boundary included."""
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="admins")
    done = home.run(
        "usercreate", "alice", "--boundary", AWS_POLICY, "--tag", "team=ops", "-g", "admins"
    )
    assert done.returncode == 0, done
    assert "already exists; going on with the remaining steps" in done.stderr
    user = iam.get_user(UserName="alice")["User"]
    assert user["Tags"] == [{"Key": "team", "Value": "ops"}]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == AWS_POLICY
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == [
        "admins"
    ]
