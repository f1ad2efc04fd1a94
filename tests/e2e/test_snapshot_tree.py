"""``accountsnapshot --split DIR`` and every reader of a snapshot given the tree (docs/snapshot.md,
"A tree for code review"): the file and the tree convert both ways without loss, and
accountdiff, accountapply and sandbox --load take either."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import BIN, Home, one_error_line
from tests.support.estate import furnish


def test_split_writes_a_tree_that_converts_both_ways_without_loss(
    home: Home, iam: Any, tmp_path: Path
) -> None:
    furnish(iam)
    tree, whole = tmp_path / "iam", tmp_path / "whole.json"
    assert home.run("accountsnapshot", "--split", str(tree)).returncode == 0
    assert (tree / "account.json").is_file() and (tree / "Users" / "alice.json").is_file()
    document = tree / "Users" / "alice" / "UserPolicyList" / "ec2-read.json"
    assert json.loads(document.read_text())["Statement"][0]["Action"] == ["ec2:Describe*"]
    assert home.run("accountsnapshot", "--from", str(tree), "-o", str(whole)).returncode == 0
    again = tmp_path / "again"
    assert home.run("accountsnapshot", "--from", str(whole), "--split", str(again)).returncode == 0
    listing = sorted(str(p.relative_to(tree)) for p in tree.rglob("*"))
    assert listing == sorted(str(p.relative_to(again)) for p in again.rglob("*"))
    for path in tree.rglob("*.json"):
        assert path.read_text() == (again / path.relative_to(tree)).read_text()
    back = tmp_path / "back.json"
    assert home.run("accountsnapshot", "--from", str(again), "-o", str(back)).returncode == 0
    assert back.read_text() == whole.read_text()


def test_accountdiff_and_accountapply_take_the_tree(home: Home, iam: Any, tmp_path: Path) -> None:
    furnish(iam)
    tree, whole = tmp_path / "iam", tmp_path / "whole.json"
    assert home.run("accountsnapshot", "--split", str(tree)).returncode == 0
    assert home.run("accountsnapshot", "-o", str(whole)).returncode == 0
    same = home.run("accountdiff", str(whole), str(tree))
    assert (same.returncode, same.stdout) == (0, ""), same.stdout
    assert home.run("accountapply", str(tree), "--dry-run").returncode == 0
    # a change made in the tree, as in a pull request: a new inline policy, a file
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
    }
    added = tree / "Users" / "zed" / "UserPolicyList" / "deny-all.json"
    added.parent.mkdir(parents=True)
    added.write_text(json.dumps(policy, indent=2))
    diff = home.run("accountdiff", "--live", str(tree))
    assert diff.returncode == 1 and "~ user zed\n    - UserPolicyList: deny-all" in diff.stdout
    done = home.run("accountapply", str(tree), "--yes")
    assert done.returncode == 0, done.stderr
    assert iam.get_user_policy(UserName="zed", PolicyName="deny-all")["PolicyDocument"] == policy


def test_the_sandbox_loads_the_tree(home: Home, iam: Any, tmp_path: Path) -> None:
    furnish(iam)
    # no maximum age: the policy IAM gives without MaxPasswordAge must load as it is
    iam.update_account_password_policy(MinimumPasswordLength=14)
    tree = tmp_path / "iam"
    assert home.run("accountsnapshot", "--split", str(tree)).returncode == 0
    inside = tmp_path / "inside.json"
    env = {**home.env, "HOME": str(tmp_path)}
    done = subprocess.run(
        [
            str(BIN / "euare-sandbox"),
            "--load",
            str(tree),
            str(tmp_path / "sb"),
            "--",
            "euare-accountsnapshot",
            "-o",
            str(inside),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"euare-sandbox: loaded {tree} into account 123456789012")
    same = home.run("accountdiff", str(tree), str(inside))
    assert (same.returncode, same.stdout) == (0, ""), same.stdout


def test_split_refuses_what_cannot_be_a_tree_before_asking_iam(
    proxied_home: Home, proxy: Any, tmp_path: Path
) -> None:
    line = one_error_line(proxied_home.run("accountsnapshot", "--split", "-"), "accountsnapshot", 2)
    assert "--split -: standard output is not a directory" in line
    (tmp_path / "file").write_text("x")
    line = one_error_line(
        proxied_home.run("accountsnapshot", "--split", str(tmp_path / "file")), "accountsnapshot", 2
    )
    assert "is not a directory" in line
    both = proxied_home.run(
        "accountsnapshot", "--split", str(tmp_path / "t"), "-o", str(tmp_path / "f")
    )
    assert both.returncode == 2 and "cannot be used together" in both.stderr
    assert proxy.actions == []
