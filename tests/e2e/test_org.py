"""``--org``: the account-wide verbs across an AWS Organization of 20 accounts (the management
account and 19 members, each with IAM contents of its own), against moto's Organizations and
cross-account AssumeRole in the sandbox (tests/support/org.py). One organization, made once for
the module on a server of its own; IAM and STS go through a proxy, so a test can throttle,
slow down or refuse them, while Organizations is asked directly (AWS_ENDPOINT_URL_ORGANIZATIONS).
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    ADMIN_KEY,
    ADMIN_SECRET,
    BIN,
    Home,
    MotoServer,
    one_error_line,
    start_moto,
)
from tests.support.documents import TRUST
from tests.support.org import make_organization, member_client, org_home
from tests.support.proxy import Fault, Proxy, iam_error
from tests.support.signals import STOPS, head, status

MEMBERS = 19
POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


@dataclass
class Organization:
    server: MotoServer
    proxy: Proxy
    accounts: dict[str, str]  # ID: name, the management account's included
    users: dict[str, set[str]]  # ID: the user names made in it
    secrets: list[str] = field(default_factory=list)  # every member user's key and password

    def iam(self, account: str) -> Any:
        return member_client(self.server.url, account, ADMIN_KEY, ADMIN_SECRET)

    @property
    def members(self) -> list[str]:
        return sorted(a for a, name in self.accounts.items() if name.startswith("acct-"))


@pytest.fixture(scope="module")
def organization() -> Iterator[Organization]:
    server = start_moto()
    listed = make_organization(server.url, MEMBERS, ADMIN_KEY, ADMIN_SECRET)
    made = Organization(server, Proxy(server.url), {a["Id"]: a["Name"] for a in listed}, {})
    for number, account in enumerate(made.members):
        iam = made.iam(account)
        names = {f"user-{number:02d}-{n}" for n in range(number % 4 + 1)}
        if number % 5 == 0:
            names.add(f"stale-{number:02d}")
        for name in sorted(names):
            iam.create_user(UserName=name)
            made.secrets.append(
                iam.create_access_key(UserName=name)["AccessKey"]["SecretAccessKey"]
            )
        if number % 3 == 0:
            password = f"Pw-{number:02d}-never-shown!"
            iam.create_login_profile(UserName=min(names), Password=password)
            made.secrets.append(password)
        iam.create_group(GroupName=f"team-{number:02d}")
        iam.put_user_policy(UserName=min(names), PolicyName="s3", PolicyDocument=POLICY)
        made.users[account] = names
    yield made
    made.proxy.stop()
    server.stop()


@pytest.fixture
def org(organization: Organization) -> Iterator[Organization]:
    organization.proxy.settle()
    yield organization
    organization.proxy.settle()


@pytest.fixture
def home(tmp_path: Path, org: Organization) -> Home:
    return org_home(tmp_path, org.proxy.url, org.server.url)  # IAM and STS through the proxy


def index(directory: Path) -> dict[str, dict[str, Any]]:
    entries = json.loads((directory / "index.json").read_text())["Accounts"]
    return {e["Account"]: e for e in entries}


def prefixes(stdout: str) -> set[str]:
    return {line.split(" ", 1)[0] for line in stdout.splitlines() if line.strip()}


def snapshot_all(home: Home, directory: Path, *args: str) -> Any:
    done = home.run("accountsnapshot", "--org", "-o", str(directory), *args, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def test_org_snapshot_writes_each_account_and_the_index(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    out = tmp_path / "org"
    done = snapshot_all(home, out)
    assert (done.stdout, done.stderr) == ("", "")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(f"{a}.json" for a in org.accounts), "index.json"]
    )
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entries = index(out)
    assert {a: (e["AccountName"], e["Status"]) for a, e in entries.items()} == {
        a: (name, "ok") for a, name in org.accounts.items()
    }
    for account in org.members:
        snapshot = json.loads((out / f"{account}.json").read_text())
        assert snapshot["Account"] == account
        assert {u["UserName"] for u in snapshot["Users"]} == org.users[account]
    # the management account holds no entity whose ARN names it: still its own ID
    (management,) = set(org.accounts) - set(org.members)
    assert json.loads((out / f"{management}.json").read_text())["Account"] == management


def test_three_accounts_changed_are_exactly_the_three_the_diff_reports(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    snapshot_all(home, old)
    changed = org.members[2:5]
    for account in changed:
        org.iam(account).create_role(RoleName="drifted", AssumeRolePolicyDocument=TRUST)
    try:
        snapshot_all(home, new)
        dirs = home.run("accountdiff", "--org", str(old), str(new))
        live = home.run("accountdiff", "--org", "--live", str(old), timeout=120)
    finally:
        for account in changed:
            org.iam(account).delete_role(RoleName="drifted")
    assert dirs.returncode == 1, dirs.stderr
    assert prefixes(dirs.stdout) == set(changed)
    assert all("drifted" in line for line in dirs.lines if line.startswith(tuple(changed)))
    assert (live.returncode, prefixes(live.stdout)) == (1, set(changed)), live.stderr
    same = home.run("accountdiff", "--org", str(old), str(old))
    assert (same.returncode, same.stdout, same.stderr) == (0, "", "")
    # --accounts FILE narrows a directory's accounts: one changed and one not, of the file's
    listed = home.write("some-accounts", f"{changed[0]}\n{org.members[0]}  # unchanged\n")
    narrowed = home.run("accountdiff", "--org", "--accounts", str(listed), str(old), str(new))
    assert (narrowed.returncode, prefixes(narrowed.stdout)) == (1, {changed[0]}), narrowed


def refuse_assume_role_in(account: str) -> Any:
    def rewrite(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        if f":{account}:" in form.get("RoleArn", ""):
            return 403, iam_error("AccessDenied", "not authorized to perform sts:AssumeRole")
        return status, body

    return rewrite


def test_an_account_that_cannot_be_entered_is_named_and_the_others_finish(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    locked = org.members[7]
    org.proxy.rewrites["AssumeRole"] = refuse_assume_role_in(locked)
    out = tmp_path / "org"
    done = home.run("accountsnapshot", "--org", "-o", str(out), timeout=120)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "error (AccessDenied)" in line]
    assert len(errors) == 1 and locked in errors[0], done.stderr
    assert errors[0].startswith("euare-accountsnapshot: error (AccessDenied): account ")
    assert f"1 failed ({locked} ({org.accounts[locked]}))" in done.stderr
    entries = index(out)
    assert entries[locked]["Status"] == "error" and "sts:AssumeRole" in entries[locked]["Error"]
    assert sorted(a for a, e in entries.items() if e["Status"] == "ok") == sorted(
        a for a in org.accounts if a != locked
    )
    assert not (out / f"{locked}.json").exists()


def test_a_run_killed_halfway_resumes_where_it_stopped(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    out = tmp_path / "org"
    org.proxy.latency = 0.02
    run = subprocess.Popen(
        [str(BIN / "euare-accountsnapshot"), "--org", "-o", str(out), "--org-jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=home.env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("[0-9]*.json"))) < 4:
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    org.proxy.latency = 0.0
    first = {p.name: p.stat().st_mtime_ns for p in out.glob("[0-9]*.json")}
    assert 4 <= len(first) < len(org.accounts)
    done = home.run("accountsnapshot", "--org", "-o", str(out), "--resume", "--max-age", "1h")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.glob("[0-9]*.json")) == sorted(
        f"{a}.json" for a in org.accounts
    )
    kept = {name: (out / name).stat().st_mtime_ns for name in first}
    assert kept == first  # taken before the kill: not taken again
    assert {e["Status"] for e in index(out).values()} == {"ok"}


def test_throttling_on_a_third_of_the_calls_slows_but_fails_no_account(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    org.proxy.faults["*"] = Fault("throttle", count=None, first_only=True, probability=0.33)
    out = tmp_path / "org"
    done = home.run(
        "accountsnapshot", "--org", "-o", str(out), env={"AWS_MAX_ATTEMPTS": "8"}, timeout=180
    )
    assert done.returncode == 0, done.stderr
    assert org.proxy.faults["*"].hits > 20
    assert {e["Status"] for e in index(out).values()} == {"ok"}
    for account in org.members:
        users = json.loads((out / f"{account}.json").read_text())["Users"]
        assert {u["UserName"] for u in users} == org.users[account]


def age_stale_keys(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
    """moto dates every key today; the stale-* users' keys say 2020."""
    if not form.get("UserName", "").startswith("stale-"):
        return status, body
    stamp = b"<CreateDate>2020-01-01T00:00:00Z</CreateDate>"
    return status, re.sub(rb"<CreateDate>[^<]*</CreateDate>", stamp, body)


def test_auditkeys_org_prints_only_the_keys_past_their_age_each_with_its_account(
    home: Home, org: Organization
) -> None:
    org.proxy.rewrites["ListAccessKeys"] = age_stale_keys
    done = home.run("accountauditkeys", "--org", "--max-age", "90")
    assert (done.returncode, done.stderr) == (1, "")
    stale = {a for a in org.members if any(u.startswith("stale-") for u in org.users[a])}
    found = [line.split() for line in done.lines]
    assert {(f[0], f[1]) for f in found} == {
        (a, u) for a in stale for u in org.users[a] if u.startswith("stale-")
    }
    org.proxy.rewrites.clear()
    quiet = home.run("accountauditkeys", "--org", "--max-age", "90")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_records_carry_the_account_and_its_name(home: Home, org: Organization) -> None:
    done = home.run("accountauditkeys", "--org", "--format", "jsonl", "--only", "acct-0*")
    records = [json.loads(line) for line in done.lines]
    wanted = {a for a, name in org.accounts.items() if name.startswith("acct-0")}
    assert {r["Account"] for r in records} == wanted
    assert all(r["AccountName"] == org.accounts[r["Account"]] for r in records)
    table = home.run("accountauditkeys", "--org", "--format", "table", "--only", org.members[0])
    assert table.lines[0].split()[:2] == ["Account", "UserName"]


def test_accounts_file_needs_no_organizations(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    chosen = org.members[:3]
    listing = home.write("accounts.txt", "# audited\n" + "".join(f"{a}\n" for a in chosen))
    env = {"AWS_ENDPOINT_URL_ORGANIZATIONS": "http://127.0.0.1:9/"}  # nothing listens there
    out = tmp_path / "org"
    done = home.run("accountsnapshot", "--org", "--accounts", str(listing), "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert sorted(index(out)) == sorted(chosen)
    unreachable = home.run("accountsnapshot", "--org", "-o", str(out), env=env)
    assert unreachable.returncode == 2 and "--accounts FILE" in unreachable.stderr


def test_no_secret_of_any_account_in_any_file_or_line(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    out = tmp_path / "org"
    runs = [
        home.run("accountsnapshot", "--org", "-o", str(out), "--debug", timeout=120),
        home.run("accountcredentialreport", "--org", "--format", "json"),
        home.run("accountauditkeys", "--org", "-v", "--format", "jsonl"),
        home.run("accountdiff", "--org", "--live", str(out), "-v", timeout=120),
        home.run("policylint", "--org", str(out)),
    ]
    texts = [r.stdout + r.stderr for r in runs]
    texts += [p.read_text() for p in out.iterdir()]
    assert "AKIA" in texts[2]  # the keys' IDs are there, not their secrets
    for secret in [*org.secrets, ADMIN_SECRET]:
        assert not any(secret in text for text in texts)
    # the assumed roles' credentials: in the --debug log, each masked
    debug = runs[0].stderr
    assert "<SessionToken><redacted></SessionToken>" in debug
    assert not re.search(r"<(SecretAccessKey|SessionToken)>(?!<redacted>)", "".join(texts))


def test_apply_dry_run_org_plans_only_for_the_account_that_drifted(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    two = org.members[10:12]
    out = tmp_path / "org"
    snapshot_all(home, out, *(f"--only={a}" for a in two))
    org.iam(two[1]).create_group(GroupName="drifted")
    try:
        plan = home.run("accountapply", "--org", "--dry-run", "--prune", str(out))
    finally:
        org.iam(two[1]).delete_group(GroupName="drifted")
    assert plan.returncode == 1, plan.stderr
    assert prefixes(plan.stdout) == {two[1]}
    assert any("groupdel" in line and "drifted" in line for line in plan.lines)


@pytest.mark.parametrize("signum", STOPS)
def test_a_stopped_run_says_which_accounts_were_done_and_which_not(
    home: Home, org: Organization, tmp_path: Path, signum: int
) -> None:
    """Ctrl-C, SIGTERM or SIGHUP halfway: exit 130/143/129 with one line naming the accounts
    finished and those not; every file written is whole, and the index says the same."""
    out = tmp_path / "org"
    org.proxy.latency = 0.02
    run = home.spawn("accountsnapshot", "--org", "-o", str(out), "--org-jobs", "2")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("[0-9]*.json"))) < 3:
        time.sleep(0.05)
    run.send_signal(signum)
    stdout, stderr = run.communicate(timeout=60)
    org.proxy.latency = 0.0
    assert run.returncode == status(signum), stderr
    assert stdout == "" and stderr.count("\n") == 1, stderr
    line = stderr.strip()
    assert line.startswith(head("accountsnapshot", signum)), line
    written = {p.name[:12] for p in out.glob("[0-9]*.json")}
    assert 3 <= len(written) < len(org.accounts)
    done, _, not_done = line.partition("not done: ")
    for account in org.accounts:
        assert (account in done) == (account in written), (account, line)
        assert (account in not_done) != (account in written), (account, line)
    for name in written:
        json.loads((out / f"{name}.json").read_text())  # whole
    assert set(index(out)) == written


def test_live_diffs_name_each_account_on_both_sides(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    """The snapshot taken now for --live says its account too, the management account's
    (which holds no entity whose ARN would name it) included."""
    out = tmp_path / "org"
    snapshot_all(home, out)
    done = home.run("accountdiff", "--org", "--live", str(out), "--format", "jsonl", timeout=120)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(r["Account"] for r in records) == sorted(org.accounts)
    for record in records:
        assert record["Old"]["Account"] == record["New"]["Account"] == record["Account"]


@pytest.mark.parametrize(
    ("code", "says"),
    [(200, "Please sign in"), (503, "503")],
    ids=["portal-200", "portal-503"],
)
def test_a_page_in_place_of_organizations_answer_is_one_line_and_nothing_runs(
    home: Home, org: Organization, code: int, says: str
) -> None:
    """A captive portal's HTML where Organizations' JSON was due: never read as an
    organization of no accounts, never a traceback; nothing could run (exit 2)."""
    page = b"<html><head><title>Please sign in</title></head><body>portal</body></html>"
    org.proxy.faults[""] = Fault("status", count=None, status=code, body=page)  # JSON: no Action
    env = {"AWS_ENDPOINT_URL_ORGANIZATIONS": org.proxy.url}
    before = len(org.proxy.actions)  # the module's proxy has seen other tests' requests
    done = home.run("accountauditkeys", "--org", env=env)
    assert (done.returncode, done.stdout) == (2, ""), done
    line = one_error_line(done, "accountauditkeys", 2)
    assert "cannot list the organization's accounts" in line and says in line, line
    assert "AssumeRole" not in org.proxy.actions[before:]


def test_two_runs_into_one_directory_at_once_keep_each_others_accounts(
    home: Home, org: Organization, tmp_path: Path
) -> None:
    """cron's run and a person's, each over half the accounts, into the same DIR at the same
    time: the index ends up naming every account, each file whole."""
    out = tmp_path / "org"
    out.mkdir(mode=0o700)
    halves = [sorted(org.accounts)[0::2], sorted(org.accounts)[1::2]]
    org.proxy.latency = 0.01
    runs = [
        home.spawn("accountsnapshot", "--org", "-o", str(out), *[f"--only={a}" for a in half])
        for half in halves
    ]
    results = [run.communicate(timeout=120) for run in runs]
    org.proxy.latency = 0.0
    assert [run.returncode for run in runs] == [0, 0], results
    assert set(index(out)) == set(org.accounts)
    assert {e["Status"] for e in index(out).values()} == {"ok"}
    for account in org.accounts:
        assert json.loads((out / f"{account}.json").read_text())["Account"] == account
