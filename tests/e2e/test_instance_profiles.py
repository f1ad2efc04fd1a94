"""Instance profiles: create (with -r ROLE or --create-role), read back, list, add and remove a
role, and delete (plain, -p, -r).

moto gaps that matter here: ListInstanceProfiles ignores PathPrefix and answers in one page, so
the path-prefix test checks the parameter on the wire and the paging test has the ``proxy``
cut the answer into pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.documents import TRUST
from tests.support.proxy import paginate

EC2_TRUST = TRUST  # the shared trust document: EC2 may assume the role


def profile_of(iam: Any, name: str) -> Any:
    return iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]


def role_names(iam: Any, name: str) -> list[str]:
    return [r["RoleName"] for r in profile_of(iam, name)["Roles"]]


def changes(proxy: Any) -> list[str]:
    """The requests that went through the proxy and may change something."""
    return [a for a in proxy.actions if not a.startswith(("List", "Get"))]


@pytest.fixture
def role_r1(iam: Any) -> str:
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=EC2_TRUST)
    return str(iam.get_role(RoleName="r1")["Role"]["Arn"])


@pytest.fixture
def profile_with_role(iam: Any, role_r1: str) -> str:
    """Instance profile 'ip' holding role 'r1'; returns the role's ARN."""
    iam.create_instance_profile(InstanceProfileName="ip")
    iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r1")
    return role_r1


# --- instanceprofilecreate -----------------------------------------------------------------------


@pytest.mark.parametrize("dummy", [[], ["-s"], ["--instance-profile-name"]])
def test_instanceprofilecreate_creates_an_empty_profile(
    home: Home, iam: Any, dummy: list[str]
) -> None:
    result = home.run("instanceprofilecreate", *dummy, "ip", "-p", "/x/")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    profile = profile_of(iam, "ip")
    assert profile["Path"] == "/x/"
    assert profile["Roles"] == []


def test_instanceprofilecreate_verbose_prints_arn_then_id(home: Home, iam: Any) -> None:
    result = home.run("instanceprofilecreate", "ip", "-v")
    assert result.returncode == 0, result.stderr
    profile = profile_of(iam, "ip")
    assert result.lines == [profile["Arn"], profile["InstanceProfileId"]]


def test_instanceprofilecreate_r_adds_an_existing_role(home: Home, iam: Any, role_r1: str) -> None:
    result = home.run("instanceprofilecreate", "ip", "--add-role", "r1")
    assert result.returncode == 0, result.stderr
    assert role_names(iam, "ip") == ["r1"]


def test_instanceprofilecreate_create_role_makes_an_ec2_role_with_the_same_path(
    home: Home, iam: Any
) -> None:
    """euca2ools did not pass -p on to the new role (spec §8.5); euare does."""
    result = home.run("instanceprofilecreate", "web", "--create-role", "-p", "/w/")
    assert result.returncode == 0, result.stderr
    assert role_names(iam, "web") == ["web"]
    role = iam.get_role(RoleName="web")["Role"]
    assert role["Path"] == "/w/"
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": ["ec2.amazonaws.com"]}
    assert statement["Action"] == ["sts:AssumeRole"]


def test_instanceprofilecreate_refuses_r_with_create_role(home: Home, iam: Any) -> None:
    result = home.run("instanceprofilecreate", "ip", "-r", "r1", "--create-role")
    assert result.returncode == 2 and "cannot be used together" in result.stderr
    assert iam.list_instance_profiles()["InstanceProfiles"] == []


def test_instanceprofilecreate_failure_midway_says_what_was_done(home: Home, iam: Any) -> None:
    line = one_error_line(
        home.run("instanceprofilecreate", "ip", "-r", "no-such-role"), "instanceprofilecreate"
    )
    assert "(NoSuchEntity)" in line
    assert "done: create instance profile ip" in line
    assert "not done: add role no-such-role to ip" in line
    assert profile_of(iam, "ip")["Roles"] == []


def test_instanceprofilecreate_create_role_over_an_existing_role_stops_after_the_profile(
    home: Home, iam: Any, role_r1: str
) -> None:
    result = home.run("instanceprofilecreate", "r1", "--create-role")
    line = one_error_line(result, "instanceprofilecreate")
    assert "(EntityAlreadyExists)" in line
    assert "done: create instance profile r1" in line
    assert "not done: create role r1; add role r1 to r1" in line


# --- instanceprofiledel --------------------------------------------------------------------------


@pytest.mark.parametrize("dummy", [[], ["-s"], ["--instance-profile-name"]])
def test_instanceprofiledel_deletes_an_empty_profile(
    home: Home, iam: Any, dummy: list[str]
) -> None:
    iam.create_instance_profile(InstanceProfileName="ip")
    result = home.run("instanceprofiledel", *dummy, "ip")
    assert result.returncode == 0, result.stderr
    assert iam.list_instance_profiles()["InstanceProfiles"] == []


def test_instanceprofiledel_without_r_is_refused_while_it_has_a_role(
    home: Home, iam: Any, profile_with_role: str
) -> None:
    line = one_error_line(home.run("instanceprofiledel", "ip"), "instanceprofiledel")
    assert "(DeleteConflict)" in line
    assert role_names(iam, "ip") == ["r1"]


def test_instanceprofiledel_p_lists_the_roles(home: Home, profile_with_role: str) -> None:
    result = home.run("instanceprofiledel", "ip", "-p")
    assert result.returncode == 0, result.stderr
    assert result.lines == ["roles", f"\t{profile_with_role}"]


def test_instanceprofiledel_p_changes_nothing(
    proxied_home: Home, proxy: Any, iam: Any, profile_with_role: str
) -> None:
    assert proxied_home.run("instanceprofiledel", "ip", "--pretend").returncode == 0
    assert changes(proxy) == []
    assert role_names(iam, "ip") == ["r1"]


def test_instanceprofiledel_r_removes_the_roles_and_keeps_them(
    home: Home, iam: Any, profile_with_role: str
) -> None:
    result = home.run("instanceprofiledel", "-s", "ip", "-r")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    assert iam.get_role(RoleName="r1")["Role"]["Arn"] == profile_with_role


def test_instanceprofiledel_r_sends_remove_then_delete_and_never_deleterole(
    proxied_home: Home, proxy: Any, profile_with_role: str
) -> None:
    """A deliberate change from euca2ools, whose -r also deleted the roles (spec §8.5)."""
    assert proxied_home.run("instanceprofiledel", "ip", "--recursive").returncode == 0
    assert changes(proxy) == ["RemoveRoleFromInstanceProfile", "DeleteInstanceProfile"]
    (form,) = [f for f in proxy.forms if f["Action"] == "RemoveRoleFromInstanceProfile"]
    assert (form["InstanceProfileName"], form["RoleName"]) == ("ip", "r1")


def test_instanceprofiledel_help_says_the_roles_are_kept(home: Home) -> None:
    text = " ".join(home.run("instanceprofiledel", "--help").stdout.split())
    assert "roles themselves are kept" in text


# --- instanceprofilegetattributes, listbypath, listforrole ---------------------------------------


def test_instanceprofilegetattributes_prints_arn_and_id(
    home: Home, iam: Any, profile_with_role: str
) -> None:
    profile = profile_of(iam, "ip")
    result = home.run("instanceprofilegetattributes", "ip")
    assert result.returncode == 0, result.stderr
    assert result.lines == [profile["Arn"], profile["InstanceProfileId"]]


def test_instanceprofilegetattributes_r_adds_the_role_arns(
    home: Home, iam: Any, profile_with_role: str
) -> None:
    profile = profile_of(iam, "ip")
    result = home.run("instanceprofilegetattributes", "-s", "ip", "-r")
    assert result.lines == [profile["Arn"], profile["InstanceProfileId"], profile_with_role]


def test_instanceprofilegetattributes_has_no_long_form_of_r(home: Home, iam: Any) -> None:
    iam.create_instance_profile(InstanceProfileName="ip")
    assert home.run("instanceprofilegetattributes", "ip", "--role-name").returncode == 2


def test_instanceprofilelistbypath_lists_every_profile(home: Home, iam: Any) -> None:
    arns = {
        iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Arn"]
        for name in ("a", "b")
    }
    result = home.run("instanceprofilelistbypath")
    assert result.returncode == 0, result.stderr
    assert set(result.lines) == arns and len(result.lines) == 2


def test_instanceprofilelistbypath_sends_the_path_prefix(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """moto ignores PathPrefix, so check that it is sent."""
    assert proxied_home.run("instanceprofilelistbypath", "-p", "/x/").returncode == 0
    assert [f.get("PathPrefix") for f in proxy.forms] == ["/x/"]


def test_instanceprofilelistbypath_reads_every_page(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    names = {f"ip{i}" for i in range(5)}
    for name in names:
        iam.create_instance_profile(InstanceProfileName=name)
    proxy.rewrites["ListInstanceProfiles"] = paginate("InstanceProfiles", page_size=2)
    result = proxied_home.run("instanceprofilelistbypath")
    assert {line.rsplit("/", 1)[1] for line in result.lines} == names
    assert len(result.lines) == 5
    assert proxy.actions.count("ListInstanceProfiles") == 3


@pytest.mark.parametrize("dummy", [[], ["-r"], ["--role-name"]])
def test_instanceprofilelistforrole_lists_the_role_s_profiles(
    home: Home, iam: Any, profile_with_role: str, dummy: list[str]
) -> None:
    iam.create_instance_profile(InstanceProfileName="other")
    result = home.run("instanceprofilelistforrole", *dummy, "r1")
    assert result.returncode == 0, result.stderr
    assert result.lines == [profile_of(iam, "ip")["Arn"]]


# --- instanceprofileaddrole, instanceprofileremoverole -------------------------------------------


@pytest.mark.parametrize("dummy", [[], ["-s"], ["--instance-profile-name"]])
def test_instanceprofileaddrole_adds_the_role(
    home: Home, iam: Any, role_r1: str, dummy: list[str]
) -> None:
    iam.create_instance_profile(InstanceProfileName="ip")
    result = home.run("instanceprofileaddrole", *dummy, "ip", "-r", "r1")
    assert result.returncode == 0, result.stderr
    assert role_names(iam, "ip") == ["r1"]


@pytest.mark.parametrize("verb", ["instanceprofileaddrole", "instanceprofileremoverole"])
def test_add_and_remove_role_require_r(home: Home, verb: str) -> None:
    result = home.run(verb, "ip")
    assert result.returncode == 2 and "--role-name" in result.stderr


def test_instanceprofileremoverole_removes_the_role(
    home: Home, iam: Any, profile_with_role: str
) -> None:
    result = home.run("instanceprofileremoverole", "-s", "ip", "--role-name", "r1")
    assert result.returncode == 0, result.stderr
    assert role_names(iam, "ip") == []
    assert iam.get_role(RoleName="r1")["Role"]["Arn"] == profile_with_role
