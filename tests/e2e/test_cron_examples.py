"""The cron jobs in examples/cron run as shipped against the local endpoint."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home

pytestmark = pytest.mark.in_process  # cron runs calls in process, unattended

ROOT = Path(__file__).resolve().parents[2]


def run_script(home: Home, name: str, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        ["sh", str(ROOT / "examples" / "cron" / name)],
        capture_output=True,
        text=True,
        env={**home.env, **(env or {})},
        timeout=120,
    )


def age_all_keys(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
    """moto dates every key today; make the listing say they are from 2020."""
    return status, re.sub(
        rb"<CreateDate>[^<]*</CreateDate>", b"<CreateDate>2020-01-01T00:00:00Z</CreateDate>", body
    )


def test_rotation_job_does_nothing_while_the_key_is_young(home: Home, iam: Any) -> None:
    iam.create_user(UserName="cron")
    key = iam.create_access_key(UserName="cron")["AccessKey"]
    home.write_iamrc(key["AccessKeyId"], key["SecretAccessKey"])
    before = (home.path / ".iamrc").read_bytes()
    done = run_script(home, "rotate-key.sh")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (home.path / ".iamrc").read_bytes() == before


def test_audit_job_reports_old_keys_only(proxied_home: Home, proxy: Any, iam: Any) -> None:
    iam.create_user(UserName="old-timer")
    old = iam.create_access_key(UserName="old-timer")["AccessKey"]["AccessKeyId"]
    iam.create_user(UserName="keyless")
    proxy.rewrites["ListAccessKeys"] = age_all_keys
    done = run_script(proxied_home, "audit-key-age.sh")
    assert done.returncode == 0, done.stderr
    assert "Access keys older than 90 days" in done.stdout
    lines = [line.split("\t") for line in done.stdout.splitlines()[1:]]
    assert [(f[0], f[1], f[4]) for f in lines] == [("old-timer", old, "never")]
    assert "keyless" not in done.stdout


def test_audit_job_is_quiet_when_every_key_is_young(home: Home, iam: Any) -> None:
    iam.create_user(UserName="fresh")
    iam.create_access_key(UserName="fresh")
    done = run_script(home, "audit-key-age.sh")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
