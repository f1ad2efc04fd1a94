"""Names the server holds are never judged again: an IAM-compatible cloud may accept names AWS
would refuse (here moto, whose CreateUser takes ``bad name!``; the odd entities are made with
boto3 straight against it, as another client would). Every whole-account read, list verb and
recursive delete must go on working with them, while a name the user types that IAM would
refuse is still a usage error, naming the argument or flag, with nothing sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.documents import DOC, TRUST

# What IAM would refuse, and moto keeps: a name with a space and a '!', a path with a space.
USER, GROUP, ROLE, POLICY, INLINE = "bad name!", "bad group!", "bad role!", "bad policy!", "x y!"
PROFILE, PATH = "bad profile!", "/bad path/"


def odd_account(iam: Any) -> dict[str, str]:
    """An account whose odd entities are tied to ordinary ones (victim, crew, runner, shared),
    so that deleting an ordinary one must name odd ones it is tied to; the ARNs of the two
    managed policies."""
    odd = iam.create_policy(PolicyName=POLICY, PolicyDocument=DOC)["Policy"]["Arn"]
    shared = iam.create_policy(PolicyName="shared", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.create_user(UserName=USER)
    iam.create_user(UserName="pathy", Path=PATH)
    iam.create_access_key(UserName=USER)
    iam.put_user_policy(UserName=USER, PolicyName=INLINE, PolicyDocument=DOC)
    iam.create_group(GroupName=GROUP)
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=TRUST, Path=PATH)
    iam.create_instance_profile(InstanceProfileName=PROFILE)
    for kind, name in (("user", USER), ("group", GROUP), ("role", ROLE)):
        getattr(iam, f"attach_{kind}_policy")(**{f"{kind.title()}Name": name}, PolicyArn=shared)

    iam.create_user(UserName="victim")  # in the odd group, with the odd policies
    iam.create_access_key(UserName="victim")
    iam.add_user_to_group(GroupName=GROUP, UserName="victim")
    iam.attach_user_policy(UserName="victim", PolicyArn=odd)
    iam.put_user_policy(UserName="victim", PolicyName=INLINE, PolicyDocument=DOC)
    iam.create_group(GroupName="crew")  # the odd user in it, the odd policies on it
    iam.add_user_to_group(GroupName="crew", UserName=USER)
    iam.attach_group_policy(GroupName="crew", PolicyArn=odd)
    iam.put_group_policy(GroupName="crew", PolicyName=INLINE, PolicyDocument=DOC)
    iam.create_role(RoleName="runner", AssumeRolePolicyDocument=TRUST)  # in the odd profile
    iam.add_role_to_instance_profile(InstanceProfileName=PROFILE, RoleName="runner")
    iam.attach_role_policy(RoleName="runner", PolicyArn=odd)
    iam.put_role_policy(RoleName="runner", PolicyName=INLINE, PolicyDocument=DOC)
    return {"odd": odd, "shared": shared}


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["accountsnapshot"], [USER, GROUP, ROLE, POLICY, INLINE, PROFILE, PATH]),
        (["accountauditkeys", "-v"], [USER]),
        (["accountauditkeys", "--max-age", "0", "--unused-for", "0"], []),
        (["accountcredentialreport"], [USER]),
        (["userlistbypath"], [USER, PATH]),
        (["grouplistbypath"], [GROUP]),
        (["rolelistbypath"], [ROLE]),
        (["policylistbypath"], [POLICY]),
        (["instanceprofilelistbypath"], [PROFILE]),
        (["userlistgroups", "victim"], [GROUP]),
        (["grouplistusers", "crew"], [USER]),
        (["userlistpolicies", "victim", "-v"], [INLINE]),
        (["grouplistpolicies", "crew", "-v"], [INLINE]),
        (["rolelistpolicies", "runner", "-v"], [INLINE]),
        (["userlistattachedpolicies", "victim"], [POLICY]),
        (["instanceprofilelistforrole", "runner"], [PROFILE]),
        (["policylistentities", "shared"], [USER, GROUP, ROLE]),
        (["userdel", "victim", "-p"], [GROUP, POLICY, INLINE]),
        (["groupdel", "crew", "-p"], [USER, POLICY, INLINE]),
        (["roledel", "runner", "-p"], [PROFILE, POLICY, INLINE]),
        (["policydel", "shared", "-p"], [USER, GROUP, ROLE]),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, list) and value else None,
)
def test_reads_take_the_names_the_server_holds(
    home: Home, iam: Any, args: list[str], shown: list[str]
) -> None:
    odd_account(iam)
    done = home.run(*args)
    assert (done.returncode, done.stderr) == (0, ""), done
    for name in shown:
        assert name in done.stdout, (name, done.stdout[:2000])


def test_accountdiff_live_takes_the_names_the_server_holds(
    home: Home, iam: Any, tmp_path: Path
) -> None:
    odd_account(iam)
    snapshot = tmp_path / "before.json"
    assert home.run("accountsnapshot", "-o", str(snapshot)).returncode == 0
    iam.create_user(UserName="another odd one!")
    done = home.run("accountdiff", "--live", str(snapshot))
    assert (done.returncode, done.stderr) == (1, ""), done  # 1: they differ, as diff says
    assert "another odd one!" in done.stdout


def test_recursive_deletes_remove_what_ties_them_to_odd_names(home: Home, iam: Any) -> None:
    arns = odd_account(iam)
    for args in (
        ["userdel", "victim", "-r"],
        ["groupdel", "crew", "-r"],
        ["roledel", "runner", "-c"],
        ["policydel", "shared", "-r"],
    ):
        done = home.run(*args)
        assert (done.returncode, done.stderr) == (0, ""), (args, done)
    users = {u["UserName"] for u in iam.list_users()["Users"]}
    assert "victim" not in users and USER in users
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == [GROUP]
    assert {r["RoleName"] for r in iam.list_roles()["Roles"]} == {ROLE}
    assert iam.get_instance_profile(InstanceProfileName=PROFILE)["InstanceProfile"]["Roles"] == []
    policies = {p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]}
    assert policies == {arns["odd"]}
    assert iam.list_entities_for_policy(PolicyArn=arns["odd"])["PolicyGroups"] == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["userdel", USER, "-r"], "USER 'bad name!' is not valid"),
        (["groupdel", GROUP, "-r"], "GROUP 'bad group!' is not valid"),
        (["roledel", ROLE, "-c"], "ROLE 'bad role!' is not valid"),
        (["userlistgroups", USER], "USER 'bad name!' is not valid"),
        (["accountauditkeys", "-p", PATH], "-p/--path-prefix '/bad path/' is not valid"),
        (["userlistbypath", "--path-prefix", PATH], "-p/--path-prefix '/bad path/' is not valid"),
        (["groupremoveuser", "crew", "-u", USER], "-u/--user-name 'bad name!' is not valid"),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_a_name_the_user_types_that_iam_would_refuse_is_still_a_usage_error(
    proxied_home: Home, proxy: Any, iam: Any, args: list[str], expected: str
) -> None:
    odd_account(iam)
    line = one_error_line(proxied_home.run(*args), args[0], status=2)
    assert expected in line, line
    rule = "a path prefix begins with /" if "path" in expected else "use only letters, digits"
    assert rule in line, line
    assert proxy.actions == []
