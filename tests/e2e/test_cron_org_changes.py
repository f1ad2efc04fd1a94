"""examples/cron/org-iam-changes.sh, run as shipped against an organization of three accounts
(a fourth joins) in the sandbox, with a fake ``mail`` that records what it is given: nothing is
mailed on the first run nor when nothing changed; a change in one account is mailed as
accountdiff's lines, each starting with that account's ID, and so is an account that joined
(all it holds added); an account that can no longer be entered is mailed as a failure naming
it (exit 1) while the others' changes are still mailed, and its last good snapshot is kept."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN_KEY, ADMIN_SECRET, OUTPUTS, Home, boto_client
from tests.support import mailbox
from tests.support.org import ROLE, make_organization, member_client

pytestmark = pytest.mark.in_process  # cron runs calls in process, unattended

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "cron" / "org-iam-changes.sh"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"


class Job:
    def __init__(self, home: Home, url: str) -> None:
        self.state = home.path / "state"
        self.log = home.path / "mail.log"
        mailbox.install(home.path / ".local" / "bin")
        self.env = {
            **home.env,
            "AWS_ENDPOINT_URL_ORGANIZATIONS": url,
            "IAM_ORG_DIR": str(self.state),
            "IAM_CHANGES_TO": "security@example.com",
            "MAIL_LOG": str(self.log),
        }

    def run(self) -> Any:
        done = subprocess.run(
            ["sh", str(SCRIPT)], capture_output=True, text=True, env=self.env, timeout=120
        )
        OUTPUTS.append((["org-iam-changes.sh"], done.stdout, done.stderr))
        return done

    def mails(self) -> list[tuple[str, str]]:
        """The mails sent since last asked."""
        found = mailbox.mails(self.log)
        self.log.unlink(missing_ok=True)
        return found


@pytest.fixture
def members(endpoint: str) -> dict[str, tuple[str, Any]]:
    """The two member accounts' IDs and IAM clients, by name (acct-00, acct-01)."""
    listed = make_organization(endpoint, 2, ADMIN_KEY, ADMIN_SECRET)
    return {
        a["Name"]: (a["Id"], member_client(endpoint, a["Id"], ADMIN_KEY, ADMIN_SECRET))
        for a in listed
        if a["Name"].startswith("acct-")
    }


def test_the_script_is_executable_and_parses() -> None:
    assert SCRIPT.stat().st_mode & 0o100
    for shell in ("sh", "bash"):
        subprocess.run([shell, "-n", str(SCRIPT)], check=True, timeout=30)


def test_changes_are_mailed_per_account_and_a_lost_account_as_a_failure(
    home: Home, endpoint: str, iam: Any, members: dict[str, tuple[str, Any]]
) -> None:
    job = Job(home, endpoint)
    (first, one), (second, other) = members["acct-00"], members["acct-01"]
    one.create_user(UserName="alice")
    done = job.run()
    assert done.returncode == 0 and job.mails() == [], done.stderr
    assert job.run().returncode == 0 and job.mails() == []  # nothing changed

    one.create_user(UserName="mallory")
    done = job.run()
    assert done.returncode == 0, done.stderr
    [(args, body)] = job.mails()
    assert args.startswith("ARGS: [-s] [IAM changed in the organization on ")
    assert body.strip() and all(line.startswith(f"{first} ") for line in body.splitlines())
    assert "mallory" in body and "alice" not in body

    organizations = boto_client(endpoint, service="organizations")
    made = organizations.create_account(Email="acct-02@example.com", AccountName="acct-02")
    joined = made["CreateAccountStatus"]["AccountId"]  # a new account: its changes, not FAILED
    member_client(endpoint, joined, ADMIN_KEY, ADMIN_SECRET).create_user(UserName="carol")
    done = job.run()
    assert done.returncode == 0, done
    [(args, body)] = job.mails()
    assert args.startswith("ARGS: [-s] [IAM changed in the organization on ")
    assert all(line.startswith(f"{joined} ") for line in body.splitlines())
    assert f"{joined} + user carol" in body.splitlines()

    other.detach_role_policy(RoleName=ROLE, PolicyArn=ADMINISTRATOR)
    other.delete_role(RoleName=ROLE)  # the account can no longer be entered
    iam.create_user(UserName="bob")  # a change in the management account meanwhile
    done = job.run()
    assert done.returncode == 1, done
    mails = dict(job.mails())
    changed = next(body for args, body in mails.items() if "IAM changed" in args)
    assert "bob" in changed
    assert all(line.startswith("123456789012 ") for line in changed.splitlines())
    failure = next(body for args, body in mails.items() if "FAILED" in args)
    assert f"account {second} (acct-01): cannot enter it as {ROLE}" in failure
    index = json.loads((job.state / "org" / "index.json").read_text())["Accounts"]
    lost = next(e for e in index if e["Account"] == second)
    assert lost["Status"] == "error" and lost["LastTaken"]
    assert (job.state / "org" / f"{second}.json").exists()  # the last good one, kept

    organizations.remove_account_from_organization(AccountId=joined)  # an account leaves
    done = job.run()
    mails = dict(job.mails())
    changed = next(body for args, body in mails.items() if "IAM changed" in args)
    assert f"{joined} - user carol" in changed.splitlines(), changed
    assert all(line.startswith(f"{joined} ") for line in changed.splitlines())
