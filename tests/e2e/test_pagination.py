"""List verbs walk every page: the sandbox answers ListUsers and ListGroups in IAM's pages of
100 with Marker/IsTruncated (its model of IAM cuts moto's whole answer); a proxy counts them."""

from __future__ import annotations

from typing import Any

from tests.conftest import Home
from tests.support.proxy import paginate


def test_userlistbypath_reads_past_the_first_100(proxied_home: Home, proxy: Any, iam: Any) -> None:
    names = {f"user{i:03d}" for i in range(130)}
    for name in names:
        iam.create_user(UserName=name)
    proxy.rewrites["ListUsers"] = paginate("Users")
    result = proxied_home.run("userlistbypath")
    assert result.returncode == 0, result.stderr
    assert {line.rsplit("/", 1)[1] for line in result.lines} == names
    assert len(result.lines) == len(names)
    assert proxy.actions.count("ListUsers") == 2


def test_grouplistbypath_reads_past_the_first_100(proxied_home: Home, proxy: Any, iam: Any) -> None:
    names = {f"group{i:03d}" for i in range(205)}
    for name in names:
        iam.create_group(GroupName=name)
    proxy.rewrites["ListGroups"] = paginate("Groups")
    result = proxied_home.run("grouplistbypath")
    assert result.lines[0] == "groups"
    assert {line.rsplit("/", 1)[1] for line in result.lines[1:]} == names
    assert proxy.actions.count("ListGroups") == 3
