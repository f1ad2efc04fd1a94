"""euare-accountapply end to end (docs/apply.md): a desired state applied to the moto server
with the installed console scripts, the account read back with euare-accountsnapshot and
compared with euare-accountdiff, as a user would."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import BIN, Home, MotoServer, Result, one_error_line
from tests.support.applied import arn, document, load, rich_pair, spec, taken, write


def apply(home: Home, desired: Path, *more: str, **kw: Any) -> Result:
    return home.run("accountapply", str(desired), *more, timeout=120, **kw)


def equal(home: Home, desired: Path, tmp: Path) -> Result:
    """euare-accountdiff DESIRED NOW."""
    taken(home, tmp / "now.json")
    return home.run("accountdiff", str(desired), str(tmp / "now.json"))


def test_applied_the_account_matches_and_a_second_plan_is_empty(
    home: Home, moto_server: MotoServer, tmp_path: Path
) -> None:
    a, b = rich_pair()
    load(moto_server, b)
    desired = tmp_path / "b.json"
    taken(home, desired)
    load(moto_server, a)
    done = apply(home, desired, "--yes", "--prune")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith("euare-accountapply: applied ")
    same = equal(home, desired, tmp_path)
    assert (same.returncode, same.stdout) == (0, ""), same.stdout
    again = apply(home, desired, "--dry-run", "--prune")
    assert (again.returncode, again.stdout) == (0, ""), again.stdout


def test_the_dry_run_script_run_by_sh_in_another_sandbox_loaded_with_a_gives_b(
    home: Home, moto_server: MotoServer, tmp_path: Path
) -> None:
    """The plan made against A, printed as a script, then run by ``sh`` in a fresh sandbox
    loaded with A's snapshot (euare-sandbox --load): the sandbox ends as B, as accountdiff
    says."""
    a, b = rich_pair()
    load(moto_server, b)
    desired = tmp_path / "b.json"
    taken(home, desired)
    load(moto_server, a)
    before = taken(home, tmp_path / "a.json")
    planned = apply(home, desired, "--dry-run", "--prune")
    assert planned.returncode == 1, planned.stderr
    assert planned.stdout.startswith("#!/bin/sh\n") and "\nset -e\n" in planned.stdout
    assert taken(home, tmp_path / "still.json")["Users"] == before["Users"]  # nothing changed
    script = tmp_path / "plan.sh"
    script.write_text(planned.stdout)
    after = tmp_path / "after.json"
    env = {**home.env, "HOME": str(tmp_path)}
    ran = subprocess.run(
        [str(BIN / "euare-sandbox"), "--load", str(tmp_path / "a.json"), str(tmp_path / "sb"),
         "--", "sh", "-c", f"sh {script} && euare-accountsnapshot -o {after}"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    same = home.run("accountdiff", str(desired), str(after))
    assert (same.returncode, same.stdout) == (0, ""), same.stdout


def test_json_gives_the_steps_as_records(
    home: Home, moto_server: MotoServer, tmp_path: Path
) -> None:
    load(moto_server, spec())
    desired = write(tmp_path / "d.json", spec(Users=[{"UserName": "carol", "Path": "/x/"}]))
    done = apply(home, desired, "--dry-run", "--format", "json")
    assert done.returncode == 1
    (step,) = json.loads(done.stdout)
    assert step["Operation"] == "CreateUser"
    assert step["Parameters"] == {"UserName": "carol", "Path": "/x/"}
    assert step["Command"] == "euare-usercreate carol -p /x/"


# --- what it never does unasked -----------------------------------------------------------------


def test_without_prune_extras_are_kept_and_listed(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    load(moto_server, spec(Users=[{"UserName": "extra"}], Groups=[{"GroupName": "spare"}]))
    desired = write(tmp_path / "d.json", spec())
    planned = apply(home, desired, "--dry-run")
    assert planned.returncode == 0  # nothing to do: the extras are not managed
    assert "# user extra: not in DESIRED, kept (--prune deletes it)" in planned.stdout
    done = apply(home, desired, "--yes")
    assert done.returncode == 0, done.stderr
    assert "user extra: not in DESIRED, kept" in done.stderr
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["extra"]


def test_prune_keeps_what_is_aws_cloudformation_or_ignored(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    load(
        moto_server,
        spec(
            Users=[
                {
                    "UserName": "stack-user",
                    "Tags": [{"Key": "aws:cloudformation:stack-name", "Value": "s"}],
                },
                {"UserName": "tmp-1"},
                {"UserName": "ci-bot", "Path": "/ci/"},
                {"UserName": "owned", "Tags": [{"Key": "owner", "Value": "other-team"}]},
                {"UserName": "doomed"},
            ]
        ),
    )
    iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    (tmp_path / ".euare-ignore").write_text("# ours to keep\n/ci/\ntag:owner=other-team\n")
    desired = write(tmp_path / "d.json", spec())
    done = apply(home, desired, "--yes", "--prune", "--ignore", "tmp-*")
    assert done.returncode == 0, done.stderr
    users = sorted(u["UserName"] for u in iam.list_users()["Users"])
    assert users == ["ci-bot", "owned", "stack-user", "tmp-1"]
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert roles == ["AWSServiceRoleForAutoScaling"]


def test_credentials_are_never_created(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    load(moto_server, spec())
    desired = write(
        tmp_path / "d.json",
        spec(
            Users=[
                {
                    "UserName": "alice",
                    "AccessKeys": [{"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active"}],
                    "MFADevices": [{"SerialNumber": arn("mfa", "alice")}],
                    "LoginProfile": {"PasswordResetRequired": True},
                }
            ],
            VirtualMFADevices=[{"SerialNumber": arn("mfa", "spare")}],
        ),
    )
    done = apply(home, desired, "--yes")
    assert done.returncode == 0, done.stderr
    assert "credentials are not state" in done.stderr
    assert iam.list_access_keys(UserName="alice")["AccessKeyMetadata"] == []
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    assert "LoginProfile" not in json.dumps(taken(home, tmp_path / "now.json")["Users"])


def test_a_pruned_user_loses_its_credentials_as_userdel_r_would(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    from tests.support.loaded import load_user

    load(moto_server, spec())
    load_user(iam, "gone")
    desired = write(tmp_path / "d.json", spec())
    done = apply(home, desired, "--yes", "--prune")
    assert done.returncode == 0, done.stderr
    assert iam.list_users()["Users"] == []
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


# --- exit statuses and refusals -------------------------------------------------------------


def test_refused_before_anything_is_sent(proxied_home: Home, proxy: Any, tmp_path: Path) -> None:
    """Exit 2, one line, not one request: a file that is no snapshot, no --yes without a
    terminal, a document IAM would refuse."""
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    line = one_error_line(apply(proxied_home, bad, "--yes"), "accountapply", 2)
    assert "is not a snapshot" in line
    good = write(tmp_path / "d.json", spec(Users=[{"UserName": "u"}]))
    line = one_error_line(apply(proxied_home, good), "accountapply", 2)
    assert "--yes" in line
    assert proxy.actions == []
    broken = write(
        tmp_path / "x.json",
        spec(
            Users=[
                {
                    "UserName": "u",
                    "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": "no"}}],
                }
            ]
        ),
    )
    line = one_error_line(apply(proxied_home, broken, "--yes"), "accountapply", 2)
    assert "is not a valid IAM policy" in line
    assert all(a.startswith(("Get", "List")) for a in proxy.actions)  # only the snapshot


def test_a_snapshot_of_another_account_is_refused_unless_ignore_account(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    load(moto_server, spec(Users=[{"UserName": "here"}]))
    theirs = spec(
        Users=[
            {
                "UserName": "copied",
                "AttachedManagedPolicies": [
                    {"PolicyName": "p", "PolicyArn": "arn:aws:iam::111122223333:policy/p"}
                ],
            }
        ],
        Policies=[
            {
                "PolicyName": "p",
                "Arn": "arn:aws:iam::111122223333:policy/p",
                "Document": document("s3:*"),
            }
        ],
    )
    theirs["Account"] = "111122223333"
    desired = write(tmp_path / "staging.json", theirs)
    line = one_error_line(apply(home, desired, "--yes"), "accountapply", 2)
    assert "account 111122223333, not of this one (123456789012)" in line
    done = apply(home, desired, "--yes", "--ignore-account")
    assert done.returncode == 0, done.stderr
    attached = iam.list_attached_user_policies(UserName="copied")["AttachedPolicies"]
    assert [a["PolicyArn"] for a in attached] == [arn("policy", "p")]


def test_a_failed_step_says_what_was_done_and_what_was_not(
    proxied_home: Home, proxy: Any, moto_server: MotoServer, tmp_path: Path
) -> None:
    from tests.support.proxy import Fault, iam_error

    load(moto_server, spec())
    desired = write(
        tmp_path / "d.json",
        spec(Users=[{"UserName": "u", "GroupList": ["g"]}], Groups=[{"GroupName": "g"}]),
    )
    proxy.faults["AddUserToGroup"] = Fault(
        "status", count=None, status=403, body=iam_error("AccessDenied", "not you")
    )
    done = apply(proxied_home, desired, "--yes")
    line = one_error_line(
        Result(
            done.returncode,
            done.stdout,
            "\n".join(x for x in done.stderr.splitlines() if ": done: " not in x),
        ),
        "accountapply",
        1,
    )
    assert "(AccessDenied)" in line
    assert "done: create user u; create group g -- not done: add user u to group g" in line
    again = apply(proxied_home, desired, "--dry-run")
    assert again.returncode == 1 and again.stdout.splitlines()[-1] == "euare-groupadduser g -u u"


def test_dry_run_exit_statuses(home: Home, moto_server: MotoServer, tmp_path: Path) -> None:
    load(moto_server, spec(Users=[{"UserName": "u"}]))
    same = write(tmp_path / "same.json", spec(Users=[{"UserName": "u"}]))
    other = write(tmp_path / "other.json", spec(Users=[{"UserName": "v"}]))
    assert apply(home, same, "--dry-run").returncode == 0
    assert apply(home, other, "--dry-run").returncode == 1
    missing = apply(home, tmp_path / "missing.json", "--dry-run")
    one_error_line(missing, "accountapply", 2)
    home.env["EUARE_URL"] = "http://127.0.0.1:9/"  # nothing listens: the snapshot fails
    assert apply(home, other, "--dry-run", env={"AWS_MAX_ATTEMPTS": "1"}).returncode == 2
    assert apply(home, other, "--yes", env={"AWS_MAX_ATTEMPTS": "1"}).returncode == 1


def test_on_a_terminal_it_shows_the_plan_and_asks(
    home: Home, moto_server: MotoServer, iam: Any, tmp_path: Path
) -> None:
    import os
    import pty
    import time

    load(moto_server, spec())
    desired = write(tmp_path / "d.json", spec(Users=[{"UserName": "asked"}]))
    for answer, made in (("n", []), ("y", ["asked"])):
        master, slave = pty.openpty()
        process = subprocess.Popen(
            [str(BIN / "euare-accountapply"), str(desired)],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=home.env,
            start_new_session=True,
        )
        os.close(slave)
        shown = b""
        deadline = time.monotonic() + 60
        while b"[y/N]" not in shown:
            assert time.monotonic() < deadline, shown
            shown += os.read(master, 4096)
        assert b"euare-usercreate asked -p /" in shown
        os.write(master, answer.encode() + b"\n")
        process.wait(timeout=60)
        os.close(master)
        assert [u["UserName"] for u in iam.list_users()["Users"]] == made
        assert process.returncode == (0 if made else 2)


def test_lint_refuses_the_plan_before_anything_is_sent(
    proxied_home: Home, proxy: Any, moto_server: MotoServer, tmp_path: Path
) -> None:
    """--lint lints every document the plan would send; a finding at or above --fail-on
    refuses the whole plan (exit 2), before any change."""
    load(moto_server, spec())
    desired = write(
        tmp_path / "d.json",
        spec(
            Users=[
                {
                    "UserName": "u",
                    "UserPolicyList": [
                        {"PolicyName": "p", "PolicyDocument": document("s3:GetObjekt")}
                    ],
                }
            ]
        ),
    )
    done = apply(proxied_home, desired, "--yes", "--lint")
    assert done.returncode == 2, done.stderr
    assert "GetObjekt" in done.stderr and "was not sent" in done.stderr.splitlines()[-1]
    assert all(a.startswith(("Get", "List")) for a in proxy.actions)
    assert apply(proxied_home, desired, "--yes").returncode == 0  # without --lint: sent
