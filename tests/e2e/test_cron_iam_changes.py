"""examples/cron/iam-changes.sh, run as shipped against moto, with a fake ``mail`` that records
what it is given: nothing is mailed on the first run nor when nothing changed; a change is mailed
as euare-accountdiff's text; a failure is mailed with another subject and exits 2."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OUTPUTS, Home, free_port
from tests.support import mailbox

pytestmark = pytest.mark.in_process  # cron runs calls in process, unattended

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "cron" / "iam-changes.sh"


class Job:
    """The script, a fake mail in the job's ~/.local/bin (first on the script's PATH), and the
    mails it sent."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.state = home.path / "state"
        self.log = home.path / "mail.log"
        mailbox.install(home.path / ".local" / "bin")
        self.env = {
            **home.env,
            "IAM_CHANGES_DIR": str(self.state),
            "IAM_CHANGES_TO": "security@example.com",
            "MAIL_LOG": str(self.log),
        }

    def run(self, **env: str) -> Any:
        done = subprocess.run(
            ["sh", str(SCRIPT)],
            capture_output=True,
            text=True,
            env={**self.env, **env},
            timeout=120,
        )
        OUTPUTS.append((["iam-changes.sh"], done.stdout, done.stderr))
        return done

    def mails(self) -> list[tuple[str, str]]:
        """Each mail sent: its arguments line and its body."""
        return mailbox.mails(self.log)


@pytest.fixture
def job(home: Home) -> Job:
    return Job(home)


def test_the_script_is_executable_and_parses() -> None:
    assert SCRIPT.stat().st_mode & stat.S_IXUSR
    for shell in ("sh", "bash"):
        subprocess.run([shell, "-n", str(SCRIPT)], check=True, timeout=30)


def test_first_run_mails_nothing_and_keeps_the_snapshot(job: Job, iam: Any) -> None:
    iam.create_user(UserName="alice")
    done = job.run()
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert job.mails() == []
    assert (job.state / "last.json").exists()
    assert stat.S_IMODE((job.state / "last.json").stat().st_mode) == 0o600


def test_a_change_is_mailed_then_nothing_until_the_next_change(job: Job, iam: Any) -> None:
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="admins")
    assert job.run().returncode == 0
    iam.add_user_to_group(UserName="alice", GroupName="admins")
    iam.create_user(UserName="carol")
    done = job.run()
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    [(args, body)] = job.mails()
    assert args.startswith("ARGS: [-s] [IAM changed on ") and args.endswith(
        "] [security@example.com]"
    )
    assert body == "~ user alice\n    + GroupList: admins\n+ user carol\n"
    assert job.run().returncode == 0
    assert len(job.mails()) == 1  # nothing changed since: no second mail
    iam.delete_user(UserName="carol")
    assert job.run().returncode == 0
    assert job.mails()[1][1] == "- user carol\n"


def test_a_failure_is_mailed_as_such_and_the_last_snapshot_kept(job: Job, iam: Any) -> None:
    iam.create_user(UserName="alice")
    assert job.run().returncode == 0
    kept = (job.state / "last.json").read_bytes()
    iam.create_user(UserName="carol")
    done = job.run(EUARE_URL=f"http://127.0.0.1:{free_port()}/")
    assert done.returncode == 2, done
    assert "could not take the account's snapshot" in done.stderr
    assert "euare-accountsnapshot: error: could not connect to the endpoint URL" in done.stderr
    [(args, body)] = job.mails()
    assert args.startswith("ARGS: [-s] [IAM change watch FAILED: could not take")
    assert "could not connect" in body
    assert (job.state / "last.json").read_bytes() == kept
    done = job.run()  # the endpoint is back: the change is not missed
    assert done.returncode == 0, done
    assert job.mails()[1][1] == "+ user carol\n"


def test_a_comparison_that_fails_exits_2_and_says_so(job: Job, iam: Any) -> None:
    assert job.run().returncode == 0
    (job.state / "last.json").write_text("not a snapshot\n")
    done = job.run()
    assert done.returncode == 2, done
    assert "euare-accountdiff exit 2" in done.stderr
    assert "euare-accountdiff: error: " in done.stderr
    [(args, _)] = job.mails()
    assert "FAILED: could not compare the snapshots" in args


def test_a_mail_that_cannot_be_sent_is_sent_again_next_time(job: Job, iam: Any) -> None:
    assert job.run().returncode == 0
    iam.create_user(UserName="carol")
    broken = job.home.path / ".local" / "bin" / "mail"
    working = broken.read_text()
    broken.write_text("#!/bin/sh\ncat >/dev/null\nexit 1\n")
    assert job.run().returncode == 2
    broken.write_text(working)
    assert os.access(broken, os.X_OK)
    assert job.run().returncode == 0
    assert job.mails()[-1][1] == "+ user carol\n"
