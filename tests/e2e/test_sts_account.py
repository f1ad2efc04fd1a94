"""STS verbs (getcallerid, assumerole, releaserole) and the account summary."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.conftest import BIN, Home, boto_client

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
VARS = [
    "AWS_ACCESS_KEY_ID",
    "AWS_ACCESS_KEY",
    "EC2_ACCESS_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "EC2_SECRET_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "EC2_USER_ID",
]


def test_accountgetsummary_sorted(home: Home, iam: Any) -> None:
    summary = iam.get_account_summary()["SummaryMap"]
    assert home.run("accountgetsummary").lines == [f"{k}: {v}" for k, v in sorted(summary.items())]


def test_getcallerid(home: Home) -> None:
    sts = boto_client(home.url, service="sts")
    me = sts.get_caller_identity()
    lines = home.run("getcallerid").lines
    assert lines == sorted(
        [
            f"account = {me['Account']}",
            f"arn = {me['Arn']}",
            "key-id = AKIAEUARETESTADMIN01",
            f"user-id = {me['UserId']}",
        ]
    )


def test_assumerole_eval_in_sh_gives_the_role(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)
    script = 'eval "$(euare-assumerole ops -s)" && euare-getcallerid'
    done = subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        text=True,
        env={**home.env, "EC2_USER_ID": "123456789012"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    identity = dict(line.split(" = ", 1) for line in done.stdout.splitlines())
    assert ":assumed-role/ops/" in identity["arn"]
    assert identity["key-id"] != "AKIAEUARETESTADMIN01"


def test_assumerole_sh_output_format(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)
    lines = home.run("assumerole", "123456789012:ops", "-s").lines
    assert [line.split("=", 1)[0] for line in lines[:10]] == VARS
    assert all(line.endswith(f"; export {v};") for line, v in zip(lines[:10], VARS, strict=True))
    assert lines[9] == "EC2_USER_ID=123456789012; export EC2_USER_ID;"
    assert lines[10:13] == [
        "unset AWS_CREDENTIAL_FILE;",
        "",
        "# If you can read this, rerun this program with eval:",
    ]
    assert lines[13].startswith("#     eval `") and "123456789012:ops -s`" in lines[13]


def test_assumerole_csh_by_shell(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)
    lines = home.run("assumerole", "ops", env={"SHELL": "/bin/tcsh"}).lines
    assert [line.split(" ")[1] for line in lines[:10]] == VARS
    assert lines[0].startswith("setenv AWS_ACCESS_KEY_ID ")
    assert lines[10] == "unsetenv AWS_CREDENTIAL_FILE;"


@pytest.mark.parametrize(
    ("given", "env", "expected"),
    [
        ("123456789012:ops", {}, "arn:aws:iam::123456789012:role/ops"),
        ("ops", {"EC2_USER_ID": "123456789012"}, "arn:aws:iam::123456789012:role/ops"),
        ("role/ops", {}, "arn:aws:iam::123456789012:role/ops"),
        ("arn:aws:iam::123456789012:role/x/ops", {}, "arn:aws:iam::123456789012:role/x/ops"),
    ],
)
def test_assumerole_role_forms(
    proxied_home: Home, proxy: Any, iam: Any, given: str, env: dict[str, str], expected: str
) -> None:
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)
    proxied_home.run("assumerole", given, env=env)
    sent = [f["RoleArn"] for f in proxy.forms if f.get("Action") == "AssumeRole"]
    assert sent == [expected]


def test_assumerole_output_is_safe_to_eval(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Any
) -> None:
    """Whatever the endpoint answers, eval runs nothing: every value is shell-quoted."""
    import re

    marker = tmp_path / "pwned"
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)

    def hostile(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        evil = f"$(touch {marker})`touch {marker}`;touch {marker}".encode()
        return status, re.sub(
            rb"<SessionToken>[^<]*</SessionToken>",
            b"<SessionToken>" + evil.replace(b"&", b"&amp;") + b"</SessionToken>",
            body,
        )

    proxy.rewrites["AssumeRole"] = hostile
    out = proxied_home.run("assumerole", "123456789012:ops", "-s").stdout
    done = subprocess.run(
        ["sh", "-c", out + '\necho "$AWS_SESSION_TOKEN"'],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert not marker.exists()
    assert f"touch {marker}" in done.stdout


@pytest.mark.parametrize(
    ("flag", "line0", "last"),
    [
        ("-s", "unset AWS_ACCESS_KEY_ID;", "unset AWS_CREDENTIAL_FILE;"),
        ("-c", "unsetenv AWS_ACCESS_KEY_ID;", "unsetenv AWS_CREDENTIAL_FILE;"),
    ],
)
def test_releaserole_needs_no_credentials(tmp_path: Any, flag: str, line0: str, last: str) -> None:
    done = subprocess.run(
        [str(BIN / "euare-releaserole"), flag],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == line0 and lines[10] == last and lines[11] == ""
    assert len([line for line in lines if line.startswith(("unset", "unsetenv"))]) == 11


def test_releaserole_has_no_credential_options(tmp_path: Any) -> None:
    done = subprocess.run(
        [str(BIN / "euare-releaserole"), "--help"],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path)},
        timeout=30,
    )
    assert "--access-key-id" not in done.stdout and "--url" not in done.stdout
