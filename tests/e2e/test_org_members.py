"""``euare-accountdiff --org`` when the organization's accounts change: an account that joined
(in NEW, or in the organization now, and not in OLD) shows as a change, all it holds added; one
that left (in OLD, not in NEW nor in the organization now) shows all it held removed; one whose
snapshot a directory's index records as failed stays a failure. An organization of the
management account and two members in the sandbox (tests/support/org.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN_KEY, ADMIN_SECRET, Home, boto_client
from tests.support.org import ROLE, make_organization, member_client


def snapshot(home: Home, directory: Path) -> None:
    done = home.run("accountsnapshot", "--org", "-o", str(directory))
    assert (done.returncode, done.stderr) == (0, ""), done


def failed_in(directory: Path, account: str, name: str) -> None:
    """Make ``directory``'s index say the account's snapshot could not be taken."""
    index = json.loads((directory / "index.json").read_text())
    index["Accounts"].append(
        {
            "Account": account,
            "AccountName": name,
            "Status": "error",
            "Error": f"cannot enter it as {ROLE}: not authorized to perform sts:AssumeRole",
            "Taken": "2026-03-01T02:00:15Z",
        }
    )
    (directory / "index.json").write_text(json.dumps(index))


def by_account(stdout: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        account, _, rest = line.partition(" ")
        found.setdefault(account, []).append(rest)
    return found


def test_an_account_that_joined_or_left_shows_all_it_holds_added_or_removed(
    home: Home, endpoint: str, tmp_path: Path
) -> None:
    home.env["AWS_ENDPOINT_URL_ORGANIZATIONS"] = endpoint
    listed = make_organization(endpoint, 1, ADMIN_KEY, ADMIN_SECRET)
    (leaving,) = [a["Id"] for a in listed if a["Name"] == "acct-00"]
    member_client(endpoint, leaving, ADMIN_KEY, ADMIN_SECRET).create_user(UserName="alice")
    old, new = tmp_path / "old", tmp_path / "new"
    snapshot(home, old)

    organizations: Any = boto_client(endpoint, service="organizations")
    made = organizations.create_account(Email="acct-01@example.com", AccountName="acct-01")
    joined = made["CreateAccountStatus"]["AccountId"]
    member_client(endpoint, joined, ADMIN_KEY, ADMIN_SECRET).create_user(UserName="bob")
    organizations.remove_account_from_organization(AccountId=leaving)
    snapshot(home, new)

    dirs = home.run("accountdiff", "--org", str(old), str(new))
    live = home.run("accountdiff", "--org", "--live", str(old))
    for done in (dirs, live):
        assert (done.returncode, done.stderr) == (1, ""), done
        lines = by_account(done.stdout)
        assert set(lines) == {joined, leaving}, done.stdout  # the management account: the same
        assert lines[joined] == [
            "~ account",
            f"    + Account: {joined}",
            "+ user bob",
            f"+ role {ROLE}",
        ]
        assert lines[leaving] == [
            "~ account",
            f"    - Account: {leaving}",
            "- user alice",
            f"- role {ROLE}",
        ]

    records = home.run("accountdiff", "--org", str(old), str(new), "--format", "jsonl")
    assert records.returncode == 1, records
    found = {r["Account"]: r for r in map(json.loads, records.lines)}
    assert set(found) == {a["Id"] for a in listed} | {joined}
    assert (found[joined]["AccountName"], found[joined]["Old"]) == (
        "acct-01",
        {"Account": None, "Taken": None},
    )
    assert [e["Name"] for e in found[joined]["Added"]] == ["bob", ROLE]
    assert (found[leaving]["AccountName"], found[leaving]["New"]) == (
        "acct-00",
        {"Account": None, "Taken": None},
    )
    assert [e["Name"] for e in found[leaving]["Removed"]] == ["alice", ROLE]

    # an account a directory's index says could not be taken: a failure on either side
    failed_in(new, leaving, "acct-00")
    failed_in(old, joined, "acct-01")
    failures = home.run("accountdiff", "--org", str(old), str(new))
    assert (failures.returncode, failures.stdout) == (1, ""), failures
    errors = failures.stderr.splitlines()
    assert len(errors) == 3, failures.stderr
    for account, name, where in ((leaving, "acct-00", new), (joined, "acct-01", old)):
        assert (
            f"euare-accountdiff: error: account {account} ({name}): no snapshot of it in {where}: "
            f"cannot enter it as {ROLE}"
        ) in failures.stderr
    assert errors[-1].startswith("euare-accountdiff: 3 accounts: 1 succeeded, 2 failed")


@pytest.mark.parametrize("where", ["services section", "AWS_ENDPOINT_URL"])
def test_organizations_endpoint_from_the_profiles_services_section_or_the_environment(
    home: Home, endpoint: str, tmp_path: Path, where: str
) -> None:
    """Organizations' endpoint follows botocore's own settings, as for any AWS tool: here the
    profile's ``services`` section (or AWS_ENDPOINT_URL), not AWS_ENDPOINT_URL_ORGANIZATIONS.
    Without either, the run cannot list the accounts (it would ask AWS)."""
    listed = make_organization(endpoint, 2, ADMIN_KEY, ADMIN_SECRET)
    unset = home.run("accountsnapshot", "--org", "-o", str(tmp_path / "unset"))
    assert unset.returncode == 2 and "cannot list the organization's accounts" in unset.stderr
    if where == "services section":
        home.write(
            "no-aws-config",  # the AWS_CONFIG_FILE of the test's HOME
            "[default]\nservices = local\n\n"
            f"[services local]\norganizations =\n  endpoint_url = {endpoint}\n",
        )
    else:
        home.env["AWS_ENDPOINT_URL"] = endpoint
    done = home.run("accountsnapshot", "--org", "-o", str(tmp_path / "org"))
    assert (done.returncode, done.stderr) == (0, ""), done
    taken = {p.stem for p in (tmp_path / "org").glob("*.json")} - {"index"}
    assert taken == {a["Id"] for a in listed}


def test_snapshots_kept_in_one_directory_see_an_account_leave(
    home: Home, endpoint: str, tmp_path: Path
) -> None:
    """The cron recipe's way: each night's snapshots go into the same directory (a copy of the
    night before kept beside it). Taken over the whole organization, the index marks an
    account no longer in it as left (its file kept), and the diff shows it removed; a run
    narrowed by --only cannot tell, and marks nothing."""
    home.env["AWS_ENDPOINT_URL_ORGANIZATIONS"] = endpoint
    listed = make_organization(endpoint, 2, ADMIN_KEY, ADMIN_SECRET)
    leaving, staying = sorted(a["Id"] for a in listed if a["Name"].startswith("acct-"))
    member_client(endpoint, leaving, ADMIN_KEY, ADMIN_SECRET).create_user(UserName="alice")
    now, last = tmp_path / "org", tmp_path / "org.last"
    snapshot(home, now)
    shutil.copytree(now, last)
    organizations: Any = boto_client(endpoint, service="organizations")
    organizations.remove_account_from_organization(AccountId=leaving)

    def entry(account: str) -> dict[str, Any]:
        index = json.loads((now / "index.json").read_text())["Accounts"]
        (found,) = [e for e in index if e["Account"] == account]
        return dict(found)

    narrowed = home.run("accountsnapshot", "--org", "--only", staying, "-o", str(now))
    assert (narrowed.returncode, narrowed.stderr) == (0, ""), narrowed
    assert entry(leaving)["Status"] == "ok"

    snapshot(home, now)
    assert (entry(leaving)["Status"], "Left" in entry(leaving)) == ("left", True)
    assert entry(staying)["Status"] == "ok" and (now / f"{leaving}.json").exists()

    done = home.run("accountdiff", "--org", str(last), str(now))
    assert (done.returncode, done.stderr) == (1, ""), done
    assert by_account(done.stdout) == {
        leaving: ["~ account", f"    - Account: {leaving}", "- user alice", f"- role {ROLE}"]
    }
    again = home.run("accountdiff", "--org", str(now), str(now))  # gone from both: no change
    assert (again.returncode, again.stdout, again.stderr) == (0, "", ""), again
