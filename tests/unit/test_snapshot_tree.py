"""A snapshot as a tree of files (euare.state.tree, docs/snapshot.md "A tree for code review"):
the two forms convert both ways without loss, a name cannot leave its directory, a tree that
is not one is refused in one line, and writing touches only what changed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from euare.core.errors import UsageError
from euare.state.load import read
from euare.state.snapshot import dumps
from euare.state.tree import files, name_of, write
from tests.unit.test_snapshot_check import RICH


def copy(snapshot: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(json.dumps(snapshot))
    return found


def test_every_field_of_every_kind_goes_through_a_tree_and_back(tmp_path: Path) -> None:
    write(tmp_path / "t", RICH)
    back = read(str(tmp_path / "t"), None)  # type: ignore[arg-type]
    assert dumps(back) == dumps(RICH)
    write(tmp_path / "again", back)
    assert files(back) == files(RICH)


def test_each_document_is_its_own_indented_file(tmp_path: Path) -> None:
    write(tmp_path / "t", RICH)
    user = RICH["Users"][0]
    inline = user["UserPolicyList"][0]
    path = tmp_path / "t" / "Users" / user["UserName"] / "UserPolicyList"
    text = (path / f"{inline['PolicyName']}.json").read_text()
    assert json.loads(text) == inline["PolicyDocument"] and "\n  " in text
    record = json.loads((tmp_path / "t" / "Users" / f"{user['UserName']}.json").read_text())
    assert "UserPolicyList" not in record
    role = RICH["Roles"][0]
    trust = tmp_path / "t" / "Roles" / role["RoleName"] / "AssumeRolePolicyDocument.json"
    assert json.loads(trust.read_text()) == role["AssumeRolePolicyDocument"]


@pytest.mark.parametrize("name", ["..", ".", ".hidden", "a/b", "x%2Fy", "token.example.com/p"])
def test_a_name_stays_in_its_directory(tmp_path: Path, name: str) -> None:
    snapshot = copy(RICH)
    snapshot["Users"] = [{**snapshot["Users"][0], "UserName": name}]
    write(tmp_path / "t", snapshot)
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted(
        [
            "account.json",
            *(
                k
                for k in (
                    "Users",
                    "Groups",
                    "Roles",
                    "InstanceProfiles",
                    "Policies",
                    "VirtualMFADevices",
                    "OpenIDConnectProviders",
                    "SAMLProviders",
                    "ServerCertificates",
                )
                if snapshot.get(k)
            ),
        ]
    )
    assert (tmp_path / "t" / "Users" / f"{name_of(name)}.json").is_file()
    assert "/" not in name_of(name) and not name_of(name).startswith(".")
    assert read(str(tmp_path / "t"), None)["Users"][0]["UserName"] == name  # type: ignore[arg-type]


@settings(deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_file_names_are_unique_and_safe(name: str) -> None:
    found = name_of(name)
    assert found not in (".", "..") and "/" not in found and "\x00" not in found
    assert not found.startswith(".")
    from urllib.parse import unquote

    assert unquote(found) == name


def test_writing_again_touches_only_what_changed_and_keeps_what_is_not_ours(tmp_path: Path) -> None:
    root = tmp_path / "t"
    write(root, RICH)
    (root / "README.md").write_text("ours\n")
    kept = root / "Groups" / f"{RICH['Groups'][0]['GroupName']}.json"
    os.utime(kept, (1, 1))
    changed = copy(RICH)
    gone = changed["Users"].pop(0)
    write(root, changed)
    assert kept.stat().st_mtime == 1  # unchanged: not rewritten
    assert not (root / "Users" / f"{gone['UserName']}.json").exists()
    assert not (root / "Users" / gone["UserName"]).exists()
    assert (root / "README.md").read_text() == "ours\n"
    assert dumps(read(str(root), None)) == dumps(changed)  # type: ignore[arg-type]


def test_a_policy_file_added_to_the_tree_is_a_policy_added(tmp_path: Path) -> None:
    root = tmp_path / "t"
    write(root, RICH)
    user = RICH["Users"][0]["UserName"]
    added = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
    }
    (root / "Users" / user / "UserPolicyList" / "zz-new.json").write_text(json.dumps(added))
    back = read(str(root), None)  # type: ignore[arg-type]
    assert {"PolicyName": "zz-new", "PolicyDocument": added} in back["Users"][0]["UserPolicyList"]


def misnamed(root: Path) -> None:
    group = RICH["Groups"][0]["GroupName"]
    os.rename(root / "Groups" / f"{group}.json", root / "Groups" / "other.json")
    if (root / "Groups" / group).is_dir():
        os.rename(root / "Groups" / group, root / "Groups" / "other")


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (
            lambda root: (root / "account.json").unlink(),
            "nor a snapshot tree (it has no account.json",
        ),
        (lambda root: (root / "Users" / "stray").mkdir(), "Users/stray/ has no Users/stray.json"),
        (misnamed, "whose file is"),
        (
            lambda root: (root / "Users" / "bad.json").write_text("{nope"),
            "Users/bad.json is not JSON",
        ),
        (lambda root: (root / "account.json").write_text("{}"), 'no "Format"'),
    ],
    ids=["no-account", "orphan-directory", "misnamed", "not-json", "not-a-snapshot"],
)
def test_a_spoilt_tree_is_refused_in_one_line(tmp_path: Path, spoil: Any, says: str) -> None:
    root = tmp_path / "t"
    write(root, RICH)
    spoil(root)
    with pytest.raises(UsageError) as refused:
        read(str(root), None)  # type: ignore[arg-type]
    assert says in refused.value.message and "\n" not in refused.value.message


def test_a_tree_file_that_is_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    root = tmp_path / "t"
    write(root, RICH)
    os.mkfifo(root / "Users" / "fifo.json")
    with pytest.raises(UsageError, match="is a pipe"):
        read(str(root), None)  # type: ignore[arg-type]


def test_a_link_inside_the_tree_is_not_followed_for_writing(tmp_path: Path) -> None:
    root = tmp_path / "t"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root.mkdir()
    (root / "Users").symlink_to(elsewhere)
    with pytest.raises(OSError, match="symbolic link"):
        write(root, RICH)
    assert list(elsewhere.iterdir()) == []


def test_a_linked_file_inside_the_tree_is_not_written_through(tmp_path: Path) -> None:
    root = tmp_path / "t"
    write(root, RICH)
    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    account = root / "account.json"
    account.unlink()
    account.symlink_to(victim)
    with pytest.raises(OSError, match="symbolic link"):
        write(root, RICH)
    assert victim.read_text() == "mine\n"
