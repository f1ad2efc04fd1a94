"""The account summary and the STS verbs: getcallerid, assumerole (shell code for eval) and
releaserole, run as installed scripts against moto.

moto's AssumeRole does not check that the role exists or that its trust policy lets the caller
in (AWS does both); the tests create the role with a trust policy anyway. moto's GetCallerIdentity
answers ``arn:aws:sts::ACCOUNT:user/moto`` for keys it did not issue, like the test admin's.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.conftest import ADMIN_KEY, ADMIN_SECRET, BIN, Home, boto_client
from tests.support.proxy import Fault

ACCOUNT = "123456789012"  # moto's account
OTHER = "210987654321"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
LIMIT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
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
SH_LINE = re.compile(r"^(\w+)=(.*); export \1;$")
CSH_LINE = re.compile(r"^setenv (\w+) (.*);$")
COMMENT = "# If you can read this, rerun this program with eval:"
NO_ACCOUNT = "failed to determine account ID"


def sh(
    home: Home, script: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with /bin/sh in the test HOME's environment."""
    return subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        text=True,
        env={**home.env, **(env or {})},
        timeout=120,
    )


def identity(stdout: str) -> dict[str, str]:
    """getcallerid's ``key = value`` lines as a dict."""
    return dict(line.split(" = ", 1) for line in stdout.splitlines() if " = " in line)


def assigned(lines: list[str], pattern: re.Pattern[str] = SH_LINE) -> dict[str, str]:
    """The variables shell code sets, their values unquoted as the shell would."""
    found = {}
    for line in lines:
        match = pattern.match(line)
        if match:
            (found[match.group(1)],) = shlex.split(match.group(2))
    return found


def role(iam: Any, name: str = "ops") -> None:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)


def sent(proxy: Any, action: str) -> list[dict[str, str]]:
    return [form for form in proxy.forms if form.get("Action") == action]


# --- accountgetsummary ---------------------------------------------------------------------------


def test_accountgetsummary_prints_every_entry_sorted_by_key(home: Home, iam: Any) -> None:
    """moto sends the entries unsorted, so this also checks the sorting."""
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="staff")
    summary = iam.get_account_summary()["SummaryMap"]
    assert list(summary) != sorted(summary)
    assert home.run("accountgetsummary").lines == [f"{k}: {v}" for k, v in sorted(summary.items())]


# --- getcallerid ---------------------------------------------------------------------------------


def test_getcallerid_matches_sts(home: Home) -> None:
    me = boto_client(home.url, service="sts").get_caller_identity()
    assert home.run("getcallerid").lines == [
        f"account = {me['Account']}",
        f"arn = {me['Arn']}",
        f"key-id = {ADMIN_KEY}",
        f"user-id = {me['UserId']}",
    ]


def test_getcallerid_names_the_key_and_user_it_signed_with(home: Home, iam: Any) -> None:
    user = iam.create_user(UserName="alice")["User"]
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    result = home.run("getcallerid", "-I", key["AccessKeyId"], "-S", key["SecretAccessKey"])
    found = identity(result.stdout)
    assert found["key-id"] == key["AccessKeyId"]
    assert found["arn"] == user["Arn"] and found["user-id"] == user["UserId"]


def test_getcallerid_names_the_key_boto3s_own_chain_found(home: Home, iam: Any) -> None:
    """No euare source has credentials: boto3 finds them in its shared credentials file."""
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    (home.path / ".iamrc").unlink()
    home.write(
        "no-aws-credentials",
        f"[default]\naws_access_key_id = {key['AccessKeyId']}\n"
        f"aws_secret_access_key = {key['SecretAccessKey']}\n",
    )
    result = home.run("getcallerid")
    assert result.returncode == 0, result.stderr
    assert identity(result.stdout)["key-id"] == key["AccessKeyId"]


def test_getcallerid_uses_the_token_service_url(home: Home) -> None:
    """The STS endpoint is TOKEN_URL; the IAM one (EUARE_URL) here leads nowhere."""
    home.write(".eucarc", f"export EUARE_URL=http://127.0.0.1:9/\nexport TOKEN_URL={home.url}\n")
    result = home.run("getcallerid")
    assert result.returncode == 0, result.stderr
    assert identity(result.stdout)["account"] == ACCOUNT


@pytest.mark.parametrize("verb", ["getcallerid", "assumerole"])
def test_sts_verbs_url_option_names_the_token_service(home: Home, verb: str) -> None:
    assert "token service (STS) endpoint URL" in home.run(verb, "--help").stdout


# --- assumerole: the shell code ------------------------------------------------------------------


def test_assumerole_eval_in_sh_switches_to_the_role(home: Home, iam: Any) -> None:
    role(iam)
    done = sh(
        home, 'eval "$(euare-assumerole ops -s)" && euare-getcallerid && echo "$EC2_ACCESS_KEY"'
    )
    assert done.returncode == 0, done.stderr
    found = identity(done.stdout)
    assert found["arn"].startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/ops/euare-")
    assert found["key-id"] == done.stdout.splitlines()[-1] != ADMIN_KEY


def test_assumerole_eval_with_backticks_as_euca2ools_says(home: Home, iam: Any) -> None:
    role(iam)
    done = sh(home, "eval `euare-assumerole ops -s --session-name s1` && euare-getcallerid")
    assert done.returncode == 0, done.stderr
    assert identity(done.stdout)["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/ops/s1"


def test_releaserole_after_assumerole_returns_to_the_own_credentials(home: Home, iam: Any) -> None:
    role(iam)
    script = (
        'eval "$(euare-assumerole ops -s)" && eval "$(euare-releaserole -s)" && euare-getcallerid'
    )
    done = sh(home, script)
    assert done.returncode == 0, done.stderr
    found = identity(done.stdout)
    assert found["key-id"] == ADMIN_KEY and "assumed-role" not in found["arn"]


def test_assumerole_sh_output_is_euca2ools_shell_code(home: Home, iam: Any) -> None:
    role(iam)
    result = home.run("assumerole", f"{ACCOUNT}:ops", "-s")
    lines = result.lines
    values = assigned(lines[:10])
    assert list(values) == VARS
    assert values["AWS_ACCESS_KEY_ID"] == values["AWS_ACCESS_KEY"] == values["EC2_ACCESS_KEY"]
    assert values["AWS_SECRET_ACCESS_KEY"] == values["AWS_SECRET_KEY"] == values["EC2_SECRET_KEY"]
    assert values["AWS_SESSION_TOKEN"] == values["AWS_SECURITY_TOKEN"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", values["AWS_CREDENTIAL_EXPIRATION"])
    assert values["EC2_USER_ID"] == ACCOUNT
    assert lines[10:] == [
        "unset AWS_CREDENTIAL_FILE;",
        "",
        COMMENT,
        f"#     eval `{BIN}/euare-assumerole {ACCOUNT}:ops -s`",
    ]


def test_assumerole_csh_when_shell_is_a_csh(home: Home, iam: Any) -> None:
    role(iam)
    lines = home.run("assumerole", f"{ACCOUNT}:ops", env={"SHELL": "/bin/tcsh"}).lines
    assert list(assigned(lines[:10], CSH_LINE)) == VARS
    assert lines[10:13] == ["unsetenv AWS_CREDENTIAL_FILE;", "", COMMENT]


@pytest.mark.parametrize(
    ("flag", "shell", "csh"), [("-c", "/bin/bash", True), ("-s", "/bin/csh", False)]
)
def test_assumerole_c_and_s_override_the_shell(
    home: Home, iam: Any, flag: str, shell: str, csh: bool
) -> None:
    role(iam)
    lines = home.run("assumerole", f"{ACCOUNT}:ops", flag, env={"SHELL": shell}).lines
    assert lines[0].startswith("setenv AWS_ACCESS_KEY_ID " if csh else "AWS_ACCESS_KEY_ID=")


def test_assumerole_duration_sets_the_expiration(home: Home, iam: Any) -> None:
    role(iam)
    start = datetime.now(timezone.utc)
    values = assigned(home.run("assumerole", f"{ACCOUNT}:ops", "-s", "-d", "1800").lines)
    expires = datetime.strptime(values["AWS_CREDENTIAL_EXPIRATION"], "%Y-%m-%dT%H:%M:%SZ")
    delta = expires.replace(tzinfo=timezone.utc) - start
    assert timedelta(seconds=1740) < delta < timedelta(seconds=1860)


def test_assumerole_json_gives_the_credentials_and_the_assumed_role(home: Home, iam: Any) -> None:
    role(iam)
    result = home.run("assumerole", "ops", "--session-name", "s1", "--format", "json")
    answer = json.loads(result.stdout)
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/ops/s1"
    creds = answer["Credentials"]
    assert creds["AccessKeyId"] and creds["SecretAccessKey"] and creds["SessionToken"]


def test_assumerole_debug_log_masks_the_new_secrets(home: Home, iam: Any) -> None:
    role(iam)
    result = home.run("assumerole", f"{ACCOUNT}:ops", "-s", "--debug")
    values = assigned(result.lines)
    assert "AssumeRole" in result.stderr
    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert values[name] and values[name] not in result.stderr


# --- assumerole: naming the role, and what is sent -----------------------------------------------


@pytest.mark.parametrize(
    ("given", "env", "expected", "asks_sts"),
    [
        (f"{OTHER}:ops", {}, f"arn:aws:iam::{OTHER}:role/ops", False),
        (f"{OTHER}:role/team/ops", {}, f"arn:aws:iam::{OTHER}:role/team/ops", False),
        ("ops", {"EC2_USER_ID": OTHER}, f"arn:aws:iam::{OTHER}:role/ops", False),
        ("role/ops", {"EC2_USER_ID": OTHER}, f"arn:aws:iam::{OTHER}:role/ops", False),
        ("ops", {}, f"arn:aws:iam::{ACCOUNT}:role/ops", True),
        ("role/team/ops", {}, f"arn:aws:iam::{ACCOUNT}:role/team/ops", True),
        (f"iam::{OTHER}:role/ops", {}, f"arn:aws:iam::{OTHER}:role/ops", False),
        (f"aws:iam::{OTHER}:role/ops", {}, f"arn:aws:iam::{OTHER}:role/ops", False),
        (f"arn:aws:iam::{OTHER}:role/x/ops", {}, f"arn:aws:iam::{OTHER}:role/x/ops", False),
    ],
)
def test_assumerole_role_forms(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    given: str,
    env: dict[str, str],
    expected: str,
    asks_sts: bool,
) -> None:
    """A bare name is in EC2_USER_ID's account, else in the caller's (asked of STS). The role
    is the caller's account's: in the other account the sandbox, as AWS, refuses a role that
    is not there."""
    role(iam)
    result = proxied_home.run("assumerole", given, "-s", env=env)
    if expected.startswith(f"arn:aws:iam::{ACCOUNT}:"):
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 1 and "(AccessDenied)" in result.stderr, result
    assert [form["RoleArn"] for form in sent(proxy, "AssumeRole")] == [expected]
    assert bool(sent(proxy, "GetCallerIdentity")) == asks_sts


def test_assumerole_without_any_account_is_a_usage_error(proxied_home: Home, proxy: Any) -> None:
    """No EC2_USER_ID, and neither STS nor IAM will say who the caller is: exit 2, and nothing
    is assumed."""
    denied = (
        b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender'
        b"</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>"
    )
    proxy.faults["GetCallerIdentity"] = Fault("status", count=None, status=403, body=denied)
    proxy.faults["GetUser"] = Fault("status", count=None, status=403, body=denied)
    result = proxied_home.run("assumerole", "ops")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"euare-assumerole: error: {NO_ACCOUNT}")
    assert len(result.stderr.splitlines()) == 1 and not sent(proxy, "AssumeRole")


def test_assumerole_sends_every_option(proxied_home: Home, proxy: Any, iam: Any) -> None:
    role(iam)
    mfa = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
    result = proxied_home.run(
        "assumerole", "ops", "-d", "3600", "--session-name", "nightly", "--policy-content", LIMIT,
        "--external-id", "ext-42", "--mfa-serial", mfa, "--mfa-code", "123456",
        env={"EC2_USER_ID": ACCOUNT},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (form,) = sent(proxy, "AssumeRole")
    assert form["DurationSeconds"] == "3600" and form["RoleSessionName"] == "nightly"
    assert form["Policy"] == LIMIT and form["ExternalId"] == "ext-42"
    assert form["SerialNumber"] == mfa and form["TokenCode"] == "123456"


def test_assumerole_defaults_to_900_seconds_and_a_dated_session(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    role(iam)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    proxied_home.run("assumerole", f"{ACCOUNT}:ops")
    (form,) = sent(proxy, "AssumeRole")
    assert form["DurationSeconds"] == "900" and "Policy" not in form
    when = datetime.strptime(form["RoleSessionName"], "euare-%Y-%m-%dT%H-%M-%SZ")
    assert before <= when.replace(tzinfo=timezone.utc) <= datetime.now(timezone.utc)


def test_assumerole_sends_the_policy_document_file(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Path
) -> None:
    role(iam)
    document = tmp_path / "limit.json"
    document.write_text(LIMIT + "\n")
    result = proxied_home.run("assumerole", f"{ACCOUNT}:ops", "--policy-document", str(document))
    assert result.returncode == 0, result.stderr
    assert [form["Policy"] for form in sent(proxy, "AssumeRole")] == [LIMIT + "\n"]


def test_assumerole_refuses_a_bad_policy_before_sending(proxied_home: Home, proxy: Any) -> None:
    result = proxied_home.run("assumerole", f"{ACCOUNT}:ops", "--policy-content", '{"Statement": 1')
    assert result.returncode == 2 and "not valid JSON" in result.stderr
    assert not sent(proxy, "AssumeRole")


@pytest.mark.parametrize(
    "args",
    [
        ["-c", "-s"],
        ["--policy-content", LIMIT, "--policy-document", "limit.json"],
        ["-d", "60"],
    ],
)
def test_assumerole_refuses_conflicting_or_bad_options(
    proxied_home: Home, proxy: Any, args: list[str]
) -> None:
    result = proxied_home.run("assumerole", f"{ACCOUNT}:ops", *args)
    assert result.returncode == 2 and result.stdout == ""
    assert not sent(proxy, "AssumeRole")


# --- assumerole: nothing in the shell code can run -----------------------------------------------


def _hostile_answer(values: dict[str, str]) -> Any:
    def rewrite(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        text = body.decode()
        for field, value in values.items():
            text = re.sub(rf"<{field}>[^<]*</{field}>", f"<{field}>{escape(value)}</{field}>", text)
        return status, text.encode()

    return rewrite


@pytest.mark.parametrize("form", ['eval "$(CMD)"', "eval `CMD`"])
def test_assumerole_hostile_answer_runs_nothing_when_evaluated(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Path, form: str
) -> None:
    """Whatever the endpoint answers, eval only sets variables: every value is shell-quoted."""
    marker = tmp_path / "pwned"
    hostile = {
        "AccessKeyId": f"'; touch {marker}; '",
        "SecretAccessKey": f'"$(touch {marker})"`touch {marker}`',
        "SessionToken": f"\\'$(touch {marker})' ;touch {marker} #",
    }
    role(iam)
    proxy.rewrites["AssumeRole"] = _hostile_answer(hostile)
    command = form.replace("CMD", f"euare-assumerole {ACCOUNT}:ops -s")
    script = (
        f'{command} && printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$EC2_SECRET_KEY" "$AWS_SESSION_TOKEN"'
    )
    done = sh(proxied_home, script)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert done.stdout.splitlines() == list(hostile.values())


@pytest.mark.parametrize(
    ("given", "expected_user_id"),
    [
        ("$(touch MARKER):ops", "$(touch MARKER)"),
        (f"arn:aws:iam::{ACCOUNT}:role/x\ntouch MARKER #/ops", ACCOUNT),
    ],
)
def test_assumerole_hostile_role_argument_runs_nothing_when_evaluated(
    home: Home, iam: Any, tmp_path: Path, given: str, expected_user_id: str
) -> None:
    """The role's account becomes EC2_USER_ID, and the whole command line is echoed in the
    closing comment: neither may run anything, not even an argument holding a newline."""
    marker = tmp_path / "pwned"
    given = given.replace("MARKER", str(marker))
    role(iam)
    result = home.run("assumerole", given, "-s")
    assert result.returncode == 0, result.stderr
    assert len(result.lines) == 14 and result.lines[-1].startswith("#     eval `")
    done = sh(home, result.stdout + '\nprintf "%s\\n" "$EC2_USER_ID"')
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert done.stdout.splitlines() == [expected_user_id.replace("MARKER", str(marker))]


@pytest.mark.parametrize(
    ("value", "flag"), [("token\ntouch /tmp/x", "-s"), ("token\rmore", "-c"), ("tok!en", "-c")]
)
def test_assumerole_refuses_a_value_no_quoting_makes_safe(
    proxied_home: Home, proxy: Any, iam: Any, value: str, flag: str
) -> None:
    """A control character in a value (or a csh history '!') is refused: nothing is printed."""
    role(iam)
    proxy.rewrites["AssumeRole"] = _hostile_answer({"SessionToken": value})
    result = proxied_home.run("assumerole", f"{ACCOUNT}:ops", flag)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("euare-assumerole: error: not printing AWS_SESSION_TOKEN")


# --- releaserole ---------------------------------------------------------------------------------


def _bare_env(tmp_path: Path) -> dict[str, str]:
    """An empty HOME and no AWS variables: no credentials anywhere."""
    empty = tmp_path / "empty-home"
    empty.mkdir(exist_ok=True)
    return {"HOME": str(empty), "PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.mark.parametrize(
    ("args", "shell", "unset"),
    [
        (["-s"], "/bin/csh", "unset"),
        (["-c"], "/bin/sh", "unsetenv"),
        ([], "/bin/tcsh", "unsetenv"),
        ([], "/bin/bash", "unset"),
    ],
)
def test_releaserole_unsets_the_role_variables_without_credentials(
    tmp_path: Path, args: list[str], shell: str, unset: str
) -> None:
    program = str(BIN / "euare-releaserole")
    done = subprocess.run(
        [program, *args],
        capture_output=True,
        text=True,
        env={**_bare_env(tmp_path), "SHELL": shell},
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        *(f"{unset} {name};" for name in [*VARS, "AWS_CREDENTIAL_FILE"]),
        "",
        COMMENT,
        f"#     eval `{' '.join([program, *args])}`",
        *SOURCED_AGAIN,
    ]


SOURCED_AGAIN = [
    "# AWS_CREDENTIAL_FILE is unset too, as euca2ools did: a shell that sourced a eucarc, such as",
    "# the DIR/eucarc of euare-sandbox, has no credentials now: source that file again for them.",
]


def test_after_releaserole_a_sourced_eucarc_s_credentials_are_gone_until_sourced_again(
    home: Home, iam: Any
) -> None:
    """Issue 20.9: `. DIR/eucarc; eval "$(euare-assumerole ...)"; eval "$(euare-releaserole)"`
    leaves no credentials (as euca2ools did: both unset AWS_CREDENTIAL_FILE); the shell code
    says so where `eval` without quotes or a reader sees it, and sourcing again restores them."""
    role(iam)
    (home.path / ".iamrc").unlink()  # the eucarc's credential file is the only credentials
    iamrc = home.write_iamrc(ADMIN_KEY, ADMIN_SECRET, name="sandbox-iamrc")
    eucarc = home.write("sandbox-eucarc", f"export AWS_CREDENTIAL_FILE={shlex.quote(str(iamrc))}\n")
    switch = f'. {shlex.quote(str(eucarc))} && eval "$(euare-assumerole ops -s)" && '
    switch += 'eval "$(euare-releaserole -s)" && '
    gone = sh(home, switch + "euare-getcallerid")
    assert gone.returncode == 1 and "no credentials found" in gone.stderr, gone
    back = sh(home, switch + f". {shlex.quote(str(eucarc))} && euare-getcallerid")
    assert back.returncode == 0, back.stderr
    assert identity(back.stdout)["key-id"] == ADMIN_KEY
    printed = home.run("releaserole", "-s").lines
    assert printed[-2:] == SOURCED_AGAIN
    # a csh that took the comment for code could act on none of its words
    assert not set("".join(SOURCED_AGAIN)) & set("'\"()`;&|<>$!{}*?[]")


def test_releaserole_has_only_shell_format_and_debug_options(tmp_path: Path) -> None:
    """No endpoint or credential options: it sends no request (--format json lists the
    variables it unsets)."""
    done = subprocess.run(
        [str(BIN / "euare-releaserole"), "--help"],
        capture_output=True,
        text=True,
        env=_bare_env(tmp_path),
        timeout=30,
    )
    options = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", done.stdout.split("Options:")[1]))
    assert options == {"-c", "-s", "--format", "--query", "--debug", "--version", "-h", "--help"}


@pytest.mark.parametrize("args", [["-c", "-s"], ["-U", "http://127.0.0.1:9/"]])
def test_releaserole_refuses_other_options(tmp_path: Path, args: list[str]) -> None:
    done = subprocess.run(
        [str(BIN / "euare-releaserole"), *args],
        capture_output=True,
        text=True,
        env=_bare_env(tmp_path),
        timeout=30,
    )
    assert done.returncode == 2 and done.stdout == ""
