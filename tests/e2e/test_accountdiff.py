"""euare-accountdiff against moto: two real snapshots around real changes made with boto3, a
snapshot compared with the account now (--live), standard input, and the exit status of diff:
0 the same, 1 different, 2 on any error (docs/snapshot.md, "Comparing two snapshots")."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BIN, OUTPUTS, Home, MotoServer, free_port, one_error_line
from tests.e2e.test_converge_interrupts import interrupt
from tests.support.proxy import Fault, iam_error
from tests.support.signals import STOPS, head, status


def doc(*actions: str) -> str:
    action: Any = list(actions) if len(actions) > 1 else actions[0]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
        }
    )


def trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def snap(home: Home, name: str) -> Path:
    """A snapshot of the account now, written by euare-accountsnapshot to ``name``."""
    path = home.path / name
    done = home.run("accountsnapshot", "-o", str(path))
    assert done.returncode == 0, done
    return path


@pytest.fixture
def account(iam: Any) -> dict[str, str]:
    """alice (tagged, with a key and an inline policy), a group, a role, a managed policy."""
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "ops"}])
    iam.put_user_policy(UserName="alice", PolicyName="s3-read", PolicyDocument=doc("s3:GetObject"))
    key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.create_group(GroupName="admins")
    iam.create_role(RoleName="ci", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    iam.create_role(RoleName="old-ci", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    arn = iam.create_policy(PolicyName="deploy", PolicyDocument=doc("ec2:*"))["Policy"]["Arn"]
    return {"key": key, "policy": arn}


def change(iam: Any, account: dict[str, str]) -> None:
    """What an admin might do in a day."""
    iam.add_user_to_group(UserName="alice", GroupName="admins")
    iam.update_access_key(UserName="alice", AccessKeyId=account["key"], Status="Inactive")
    iam.tag_user(UserName="alice", Tags=[{"Key": "team", "Value": "dev"}])
    iam.create_policy_version(
        PolicyArn=account["policy"], PolicyDocument=doc("ec2:*", "s3:*"), SetAsDefault=True
    )
    iam.update_assume_role_policy(RoleName="ci", PolicyDocument=trust("lambda.amazonaws.com"))
    iam.delete_role(RoleName="old-ci")
    iam.create_user(UserName="carol")
    iam.create_login_profile(UserName="alice", Password="Never-Shown-4-Diff!")


def test_changes_made_between_two_snapshots_are_listed_by_kind(
    home: Home, iam: Any, account: dict[str, str]
) -> None:
    old = snap(home, "old.json")
    change(iam, account)
    new = snap(home, "new.json")
    done = home.run("accountdiff", str(old), str(new))
    assert (done.returncode, done.stderr) == (1, ""), done
    heads = [line for line in done.lines if not line.startswith(" ")]
    assert heads == [
        "~ user alice",
        "+ user carol",
        "~ role ci",
        "- role old-ci",
        "~ managed policy deploy",
    ]
    alice = done.lines[1 : done.lines.index("+ user carol")]
    assert alice[:2] == [
        f"    ~ AccessKeys {account['key']} Status: Active -> Inactive",
        "    + GroupList: admins",
    ]
    assert alice[2].startswith('    + LoginProfile: {"CreateDate": ')  # never the password
    assert alice[3:] == ["    ~ Tags team Value: ops -> dev"]
    role = done.lines[done.lines.index("~ role ci") :]
    assert role[1:5] == [
        "    ~ AssumeRolePolicyDocument",
        "        --- old/Roles/ci/AssumeRolePolicyDocument",
        "        +++ new/Roles/ci/AssumeRolePolicyDocument",
        "        @@ -4,7 +4,7 @@",
    ]
    assert '        -        "Service": "ec2.amazonaws.com"' in role
    assert '        +        "Service": "lambda.amazonaws.com"' in role
    policy = done.lines[done.lines.index("~ managed policy deploy") :]
    assert policy[1:3] == ["    ~ Document", "        --- old/Policies/deploy/Document"]
    assert '        -      "Action": "ec2:*",' in policy and '        +        "s3:*"' in policy


def test_an_unchanged_account_prints_nothing_and_exits_0(
    home: Home, iam: Any, account: dict[str, str]
) -> None:
    old = snap(home, "old.json")
    new = snap(home, "new.json")
    done = home.run("accountdiff", str(old), str(new))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_json_carries_every_change_with_the_document_diff(
    home: Home, iam: Any, account: dict[str, str]
) -> None:
    old = snap(home, "old.json")
    change(iam, account)
    new = snap(home, "new.json")
    done = home.run("accountdiff", "--format", "json", str(old), str(new))
    assert done.returncode == 1, done
    found = json.loads(done.stdout)
    assert found["Equal"] is False
    assert [(a["Kind"], a["Name"]) for a in found["Added"]] == [("Users", "carol")]
    assert found["Added"][0]["Record"]["Arn"].endswith(":user/carol")
    assert [(r["Kind"], r["Name"]) for r in found["Removed"]] == [("Roles", "old-ci")]
    changed = {(c["Kind"], c["Name"]): c["Changes"] for c in found["Changed"]}
    assert sorted(changed) == [("Policies", "deploy"), ("Roles", "ci"), ("Users", "alice")]
    assert {
        "Change": "changed",
        "Field": "AccessKeys",
        "Item": account["key"],
        "Member": "Status",
        "Old": "Active",
        "New": "Inactive",
    } in changed[("Users", "alice")]
    [document] = changed[("Policies", "deploy")]
    assert document["Field"] == "Document" and document["New"]["Statement"][0]["Action"] == [
        "ec2:*",
        "s3:*",
    ]
    assert document["Diff"].startswith("--- old/Policies/deploy/Document\n+++ new/")


def test_strict_shows_a_user_deleted_and_made_again_under_its_name(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    old = snap(home, "old.json")
    iam.delete_user(UserName="bob")
    iam.create_user(UserName="bob")
    new = snap(home, "new.json")
    assert home.run("accountdiff", str(old), str(new)).returncode == 0
    done = home.run("accountdiff", "--strict", str(old), str(new))
    assert done.returncode == 1, done
    assert done.lines[0] == "~ user bob"
    before, after = (
        boto["UserId"] for boto in (json.loads(p.read_text())["Users"][0] for p in (old, new))
    )
    assert f"    ~ UserId: {before} -> {after}" in done.lines


def test_old_snapshot_on_standard_input(home: Home, iam: Any, account: dict[str, str]) -> None:
    old = snap(home, "old.json")
    iam.create_user(UserName="carol")
    new = snap(home, "new.json")
    done = home.run("accountdiff", "-", str(new), input=old.read_text())
    assert (done.returncode, done.lines) == (1, ["+ user carol"]), done
    done = home.run("accountdiff", str(old), "-", input=new.read_text())
    assert (done.returncode, done.lines) == (1, ["+ user carol"]), done


def test_live_compares_a_snapshot_with_the_account_now(
    home: Home, iam: Any, account: dict[str, str]
) -> None:
    old = snap(home, "old.json")
    assert home.run("accountdiff", "--live", str(old)).returncode == 0
    iam.add_user_to_group(UserName="alice", GroupName="admins")
    done = home.run("accountdiff", "--live", "--jobs", "2", str(old))
    assert (done.returncode, done.lines, done.stderr) == (
        1,
        ["~ user alice", "    + GroupList: admins"],
        "",
    )
    done = home.run("accountdiff", "--live", "-", input=old.read_text())
    assert done.returncode == 1, done


@pytest.mark.parametrize(
    "args, says",
    [
        ((), "Missing argument 'OLD'"),
        (("old.json",), "give two snapshots"),
        (("old.json", "old.json", "old.json"), "unexpected extra argument"),
        (("-", "-"), "only one of OLD and NEW can be -"),
        (("--live", "old.json", "old.json"), "give one snapshot, not two"),
        (("no-such.json", "old.json"), "cannot read snapshot no-such.json"),
        (("old.json", "not-a-snapshot.json"), "not-a-snapshot.json is not a snapshot"),
        (("--jobs", "0", "--live", "old.json"), "--jobs"),
    ],
)
def test_usage_errors_exit_2(home: Home, iam: Any, args: tuple[str, ...], says: str) -> None:
    snap(home, "old.json")
    home.write("not-a-snapshot.json", '{"Users": []}\n')
    done = subprocess.run(
        [str(BIN / "euare-accountdiff"), *args],
        capture_output=True,
        text=True,
        env=home.env,
        cwd=home.path,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done
    assert says in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("euare-accountdiff: error")
    assert done.stdout == ""


def test_live_with_an_unknown_key_exits_2_in_one_line(
    home: Home, iam: Any, moto_server: MotoServer
) -> None:
    old = snap(home, "old.json")
    moto_server.enforce_auth()
    result = home.run(
        "accountdiff", "--live", str(old), "-I", "AKIANOSUCHKEY0000000", "-S", "whatever-secret"
    )
    line = one_error_line(result, "accountdiff", status=2)
    assert line.startswith("euare-accountdiff: error (InvalidClientTokenId): ")
    assert result.stdout == ""


def test_live_with_an_unreachable_endpoint_exits_2(home: Home, iam: Any) -> None:
    old = snap(home, "old.json")
    url = f"http://127.0.0.1:{free_port()}/"
    line = one_error_line(home.run("accountdiff", "--live", str(old), "-U", url), "accountdiff", 2)
    assert f"could not connect to the endpoint URL {url}" in line


def test_live_throttled_out_exits_2(proxied_home: Home, proxy: Any, iam: Any) -> None:
    old = snap(proxied_home, "old.json")
    proxy.faults["GetAccountAuthorizationDetails"] = Fault("throttle", count=None)
    result = proxied_home.run("accountdiff", "--live", str(old))
    assert "(Throttling)" in one_error_line(result, "accountdiff", status=2)


def test_live_denied_on_a_later_call_exits_2(proxied_home: Home, proxy: Any, iam: Any) -> None:
    iam.create_user(UserName="alice")
    old = snap(proxied_home, "old.json")
    denied = iam_error("AccessDenied", "not authorized to perform iam:ListAccessKeys")
    proxy.faults["ListAccessKeys"] = Fault("status", count=None, status=403, body=denied)
    result = proxied_home.run("accountdiff", "--live", str(old))
    assert "(AccessDenied)" in one_error_line(result, "accountdiff", status=2)
    assert result.stdout == ""


def test_output_that_cannot_be_written_exits_2(home: Home, iam: Any) -> None:
    """stdout on /dev/full: the diff is not all there, so the status must not say 1 (differ)."""
    iam.create_user(UserName="alice")
    old = snap(home, "old.json")
    iam.create_user(UserName="carol")
    new = snap(home, "new.json")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [str(BIN / "euare-accountdiff"), str(old), str(new)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=home.env,
            timeout=60,
        )
    OUTPUTS.append((["accountdiff"], "", done.stderr))
    assert done.returncode == 2, done
    assert done.stderr.startswith("euare-accountdiff: error: No space left on device")


@pytest.mark.parametrize("signum", STOPS)
def test_ctrl_c_sigterm_or_sighup_during_live_exits_128_plus_the_signal(
    proxied_home: Home, proxy: Any, iam: Any, signum: int
) -> None:
    old = snap(proxied_home, "old.json")
    args = ["accountdiff", "--live", str(old)]
    result = interrupt(proxied_home, proxy, "GetAccountAuthorizationDetails", *args, signum=signum)
    assert result.returncode == status(signum), result
    assert result.stderr.splitlines() == [head("accountdiff", signum)]
    assert result.stdout == ""


def test_table_is_a_row_per_entity_that_changed(
    home: Home, iam: Any, account: dict[str, str]
) -> None:
    old = snap(home, "old.json")
    change(iam, account)
    done = home.run("accountdiff", str(old), "--live", "--format", "table")
    assert done.returncode == 1, done
    rows = [line.split(None, 3) for line in done.lines[2:]]
    assert done.lines[0].split() == ["Change", "Kind", "Name", "Fields"]
    assert [row[:3] for row in rows] == [
        ["changed", "user", "alice"],
        ["added", "user", "carol"],
        ["changed", "role", "ci"],
        ["removed", "role", "old-ci"],
        ["changed", "managed", "policy"],
    ]
    assert rows[0][3] == "AccessKeys, GroupList, LoginProfile, Tags"
