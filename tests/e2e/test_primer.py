"""The classic IAM primer, end to end, with nothing but euare-* commands against moto.

Each step runs the installed console scripts as subprocesses; results are read back with boto3.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Home, boto_client, one_error_line


def test_primer_walkthrough(home: Home, iam: Any, moto_server: Any) -> None:
    # An administrators group with an all-powerful policy.
    assert home.run("groupcreate", "-g", "administrators").returncode == 0
    added = home.run(
        "groupaddpolicy",
        "-g",
        "administrators",
        "-p",
        "admin-all",
        "-e",
        "Allow",
        "-a",
        "*",
        "-r",
        "*",
        "-o",
    )
    assert added.returncode == 0, added.stderr
    sent = json.loads(added.stdout)
    stored = iam.get_group_policy(GroupName="administrators", PolicyName="admin-all")
    assert stored["PolicyDocument"] == sent
    assert sent["Version"] == "2012-10-17"

    # alice, in that group, with a key written as her own .iamrc.
    created = home.run("usercreate", "-u", "alice", "-g", "administrators", "-w")
    assert created.returncode == 0, created.stderr
    home.write("alice.iamrc", created.stdout)
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == [
        "administrators"
    ]
    alice_key, alice_secret = (line.split("=", 1)[1] for line in created.lines)
    alice_iam = boto_client(home.url, alice_key, alice_secret)
    assert [
        k["AccessKeyId"] for k in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    ] == [alice_key]

    # From here on, alice works with her own credentials, and the server checks them.
    moto_server.enforce_auth()
    as_alice = {"AWS_CREDENTIAL_FILE": str(home.path / "alice.iamrc")}
    who = home.run("usergetattributes", env=as_alice)
    assert who.lines[0].endswith(":user/alice"), who

    # A limited group and a script user whose key may only snapshot volumes.
    assert home.run("groupcreate", "ebs-backup", env=as_alice).returncode == 0
    policy = home.run(
        "groupaddpolicy",
        "ebs-backup",
        "-p",
        "snapshot",
        "-e",
        "Allow",
        "-a",
        "ec2:CreateSnapshot",
        "-a",
        "ec2:DescribeVolumes",
        "-r",
        "*",
        env=as_alice,
    )
    assert policy.returncode == 0, policy.stderr
    script = home.run("usercreate", "backup-script", "-g", "ebs-backup", "-k", env=as_alice)
    assert script.returncode == 0, script.stderr
    key_id, secret = script.lines
    home.write_iamrc(key_id, secret, name="backup.iamrc")
    denied = home.run(
        "userlistbypath", env={"AWS_CREDENTIAL_FILE": str(home.path / "backup.iamrc")}
    )
    assert "(AccessDenied)" in one_error_line(denied, "userlistbypath")

    # A login profile for alice: set from stdin, changed, shown, deleted.
    assert (
        home.run(
            "useraddloginprofile", "alice", input="Primer-Passw0rd!\n", env=as_alice
        ).returncode
        == 0
    )
    assert (
        home.run("usermodloginprofile", "alice", "-p", "Changed-Passw0rd!", env=as_alice).returncode
        == 0
    )
    shown = home.run("usergetloginprofile", "alice", env=as_alice)
    assert shown.lines == ["Login Profile Exists for User alice"]
    assert alice_iam.get_login_profile(UserName="alice")["LoginProfile"]["UserName"] == "alice"
    assert home.run("userdelloginprofile", "alice", env=as_alice).returncode == 0

    # An account alias.
    assert home.run("accountaliascreate", "-a", "primer-corp", env=as_alice).returncode == 0
    assert home.run("accountaliaslist", env=as_alice).lines == ["Alias: primer-corp"]

    # Tear down: the script user and its group, with everything attached.
    assert home.run("userdel", "-r", "backup-script", env=as_alice).returncode == 0
    assert home.run("groupdel", "-r", "ebs-backup", env=as_alice).returncode == 0
    assert home.run("accountaliasdelete", "primer-corp", env=as_alice).returncode == 0

    users = {u["UserName"] for u in alice_iam.list_users()["Users"]}
    assert users == {"alice"}
    assert {g["GroupName"] for g in alice_iam.list_groups()["Groups"]} == {"administrators"}
    assert alice_iam.list_account_aliases()["AccountAliases"] == []


def test_primer_teardown_leaves_nothing_behind(home: Home, iam: Any) -> None:
    home.run("groupcreate", "ebs-backup")
    home.run("groupaddpolicy", "ebs-backup", "-p", "snap", "-e", "Allow", "-a", "ec2:*", "-r", "*")
    home.run("usercreate", "backup-script", "-g", "ebs-backup", "-k")
    home.run("useraddloginprofile", "backup-script", "-p", "Xy-12345678!")
    assert home.run("userdel", "-r", "backup-script").returncode == 0
    assert home.run("groupdel", "-r", "ebs-backup").returncode == 0
    assert [u["UserName"] for u in iam.list_users()["Users"]] == []
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == []


def test_primer_account_is_put_back_from_its_first_snapshot(home: Home, iam: Any) -> None:
    """The walkthrough's step 12: accountapply --prune --yes puts the account back to the
    snapshot taken at its start, and accountdiff --live proves it."""
    iam.create_user(UserName="admin")
    before = home.path / "before.json"
    assert home.run("accountsnapshot", "-o", str(before)).returncode == 0
    home.run("groupcreate", "administrators")
    home.run("groupaddpolicy", "administrators", "-p", "all", "-e", "Allow", "-a", "*", "-r", "*")
    home.run("usercreate", "alice", "-g", "administrators", "-k")
    home.run("accountaliascreate", "primer-corp")
    assert home.run("accountdiff", "--live", str(before)).returncode == 1
    done = home.run("accountapply", "--prune", "--yes", str(before))
    assert done.returncode == 0, done.stderr
    same = home.run("accountdiff", "--live", str(before))
    assert (same.returncode, same.stdout) == (0, "")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["admin"]
