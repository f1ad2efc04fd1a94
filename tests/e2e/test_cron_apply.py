"""examples/cron/apply-reviewed.sh, run as shipped against moto with a fake ``mail``: quiet when
the account matches the reviewed state; otherwise it applies it and mails the plan; a failure
is mailed as FAILED with the exit status of accountapply."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OUTPUTS, Home
from tests.support import mailbox

pytestmark = pytest.mark.in_process  # cron runs calls in process, unattended

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "cron" / "apply-reviewed.sh"


def job(home: Home, desired: Path, **env: str) -> tuple[Any, str]:
    mailbox.install(home.path / ".local" / "bin")
    log = home.path / "mail.log"
    done = subprocess.run(
        ["sh", str(SCRIPT)],
        capture_output=True,
        text=True,
        env={
            **home.env,
            "IAM_DESIRED": str(desired),
            "IAM_APPLY_TO": "iam@example.com",
            "MAIL_LOG": str(log),
            **env,
        },
        timeout=120,
    )
    OUTPUTS.append((["apply-reviewed.sh"], done.stdout, done.stderr))
    return done, log.read_text() if log.exists() else ""


def reviewed(home: Home, users: list[str]) -> Path:
    path = home.path / "reviewed.json"
    path.write_text(
        json.dumps({"Format": "euare-snapshot/1", "Users": [{"UserName": u} for u in users]})
    )
    return path


def test_quiet_when_the_account_matches(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice")
    done, mails = job(home, reviewed(home, ["alice"]))
    assert (done.returncode, done.stdout, done.stderr, mails) == (0, "", "", "")


def test_puts_the_account_back_and_mails_the_plan(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice")
    iam.create_user(UserName="intruder")
    done, mails = job(home, reviewed(home, ["alice", "bob"]), IAM_APPLY_OPTIONS="--prune")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert sorted(u["UserName"] for u in iam.list_users()["Users"]) == ["alice", "bob"]
    assert "ARGS: [-s] [IAM put back to the reviewed state on " in mails
    assert "euare-usercreate bob -p /" in mails and "euare-userdel -r intruder" in mails
    assert "euare-accountapply: done: delete user intruder" in mails


def test_a_failure_is_mailed_and_exits_as_accountapply(home: Home, iam: Any) -> None:
    bad = home.path / "bad.json"
    bad.write_text("{}")
    done, mails = job(home, bad)
    assert done.returncode == 2
    assert "ARGS: [-s] [IAM apply FAILED: could not plan " in mails
    assert "is not a snapshot" in done.stderr
