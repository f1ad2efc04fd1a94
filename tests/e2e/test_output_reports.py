"""The credential report (moto's) and the policy simulator (the sandbox's model of IAM: moto has
no SimulatePrincipalPolicy or SimulateCustomPolicy), through the installed commands, read back
with boto3: the simulator's wiring (the principal's policies gathered, its groups' and its
boundary included; the parameters sent; pages; the answer's shape; errors). The decisions
themselves are euare.policy.evaluate's, tested on its own.
"""

from __future__ import annotations

import io
import json
import time
from datetime import datetime, timezone
from typing import Any

import pytest

from euare.call.context import Call
from euare.cli.run import run
from tests.conftest import Home, one_error_line
from tests.support.shapes import assert_shape

JSON = ("--format", "json")
ACCOUNT = "123456789012"
ALICE_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
POLICY = (
    '{"Version": "2012-10-17", '
    '"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
)
TERSE = [
    "user",
    "password_enabled",
    "password_last_used",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_used_date",
]


def people(iam: Any) -> None:
    """alice: a login profile and two keys; bob: one key; carol: nothing."""
    for name in ("alice", "bob", "carol"):
        iam.create_user(UserName=name)
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-42!")
    iam.create_access_key(UserName="alice")
    iam.create_access_key(UserName="alice")
    iam.create_access_key(UserName="bob")


def users_of(rows: list[dict[str, str]]) -> list[str]:
    return sorted(r["user"] for r in rows if r["user"] != "<root_account>")


# --- the credential report -----------------------------------------------------------------------


@pytest.mark.both
def test_accountcredentialreport_json_has_every_user_with_every_column(
    home: Home, iam: Any
) -> None:
    people(iam)
    rows = assert_shape(home.run("accountcredentialreport", *JSON), "accountcredentialreport")
    assert users_of(rows) == ["alice", "bob", "carol"]
    csv_header = iam.get_credential_report()["Content"].decode().splitlines()[0].split(",")
    alice = next(r for r in rows if r["user"] == "alice")
    assert list(alice) == csv_header
    assert (alice["password_enabled"], alice["access_key_2_active"]) == ("true", "true")


def test_accountcredentialreport_raw_is_the_csv_iam_sent(home: Home, iam: Any) -> None:
    people(iam)
    out = home.run("accountcredentialreport", "--raw")
    assert out.returncode == 0, out
    assert out.stdout == iam.get_credential_report()["Content"].decode()
    assert out.stderr == ""


def test_accountcredentialreport_text_is_a_terse_line_a_user(home: Home, iam: Any) -> None:
    people(iam)
    out = home.run("accountcredentialreport")
    assert out.returncode == 0, out
    lines = [line.split("\t") for line in out.lines if not line.startswith("<root_account>")]
    assert sorted(f[0] for f in lines) == ["alice", "bob", "carol"]
    assert all(len(f) == len(TERSE) for f in lines)
    by_user = {f[0]: dict(zip(TERSE, f, strict=True)) for f in lines}
    assert by_user["alice"]["password_enabled"] == "true"
    assert by_user["bob"]["access_key_1_active"] == "true"
    assert by_user["carol"]["access_key_1_active"] == "false"


def test_accountcredentialreport_table_and_jsonl(home: Home, iam: Any) -> None:
    people(iam)
    table = home.run("accountcredentialreport", "--format", "table")
    assert table.returncode == 0, table
    assert table.lines[0].split() == TERSE
    jsonl = home.run("accountcredentialreport", "--format", "jsonl")
    assert users_of([json.loads(line) for line in jsonl.lines]) == ["alice", "bob", "carol"]


def test_accountcredentialreport_still_generating_at_the_deadline_is_one_line(
    proxied_home: Home, proxy: Any
) -> None:
    def never_done(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        return status, body.replace(b"COMPLETE", b"STARTED")

    proxy.rewrites["GenerateCredentialReport"] = never_done
    started = time.monotonic()
    out = proxied_home.run("accountcredentialreport", "--wait", "2")
    took = time.monotonic() - started
    line = one_error_line(out, "accountcredentialreport")  # and no progress: not a terminal
    assert "still being generated" in line and "--wait" in line
    assert out.stdout == ""
    assert 2 <= took < 20


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_accountcredentialreport_shows_progress_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stubbed, in-process: a stderr that is a terminal."""
    import boto3
    from botocore.stub import Stubber

    import euare.verbs.reports as reports

    monkeypatch.setattr(reports, "FIRST_PAUSE", 0.01)
    client = boto3.client(
        "iam",
        region_name="us-east-1",
        aws_access_key_id="AKIASTUBBED000000000",
        aws_secret_access_key="stubbed-secret",
    )
    stubber = Stubber(client)
    for state in ("STARTED", "INPROGRESS", "COMPLETE"):
        stubber.add_response("generate_credential_report", {"State": state}, {})
    csv = "user,arn\nalice,arn:aws:iam::123456789012:user/alice\n"
    stubber.add_response(
        "get_credential_report",
        {
            "Content": csv.encode(),
            "ReportFormat": "text/csv",
            "GeneratedTime": datetime.now(timezone.utc),
        },
        {},
    )
    env = {
        "HOME": "/nonexistent",
        "AWS_ACCESS_KEY_ID": "AKIASTUBBED000000000",
        "AWS_SECRET_ACCESS_KEY": "stubbed-secret",
    }
    err, out = Terminal(), io.StringIO()
    call = Call(
        "euare-accountcredentialreport",
        env,
        io.StringIO(),
        out,
        err,
        client_factory=lambda settings, attempts: client,
    )
    with stubber:
        code = run("accountcredentialreport", ["--raw"], call)
    assert code == 0, err.getvalue()
    assert out.getvalue() == csv
    shown = err.getvalue()
    assert "generating the credential report" in shown
    assert shown.endswith("\r") and shown.replace("\r", "").strip(" ").count("\n") == 0


# --- the policy simulator (the sandbox's model) ---------------------------------------------------

ALLOW_S3 = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
    '"Resource":"arn:aws:s3:::b/*"}]}'
)
DENY_DELETE = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject",'
    '"Resource":"*","Condition":{"StringEquals":{"aws:SourceIp":"10.0.0.1"}}}]}'
)


@pytest.fixture
def alice(iam: Any) -> str:
    """alice, whose group allows S3 on bucket b, and who may not delete from 10.0.0.1."""
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="readers")
    iam.add_user_to_group(GroupName="readers", UserName="alice")
    iam.put_group_policy(GroupName="readers", PolicyName="s3", PolicyDocument=ALLOW_S3)
    iam.put_user_policy(UserName="alice", PolicyName="no-delete", PolicyDocument=DENY_DELETE)
    return ALICE_ARN


def results_of(answer: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"])
        for r in answer["EvaluationResults"]
    ]


def test_policysimulate_user_gathers_its_own_and_its_groups_policies(
    home: Home, iam: Any, alice: str
) -> None:
    args = ["-a", "s3:GetObject", "-a", "s3:DeleteObject", "-a", "ec2:RunInstances"]
    args += ["-r", "arn:aws:s3:::b/k", "-c", "aws:SourceIp=ip:10.0.0.1"]
    done = home.run("policysimulate", "--user", "alice", *args)
    assert done.returncode == 0, done.stderr
    assert done.lines == [
        "s3:GetObject\tarn:aws:s3:::b/k\tallowed",
        "s3:DeleteObject\tarn:aws:s3:::b/k\texplicitDeny",
        "ec2:RunInstances\tarn:aws:s3:::b/k\timplicitDeny",
    ]
    answer = iam.simulate_principal_policy(
        PolicySourceArn=alice,
        ActionNames=["s3:GetObject", "s3:DeleteObject", "ec2:RunInstances"],
        ResourceArns=["arn:aws:s3:::b/k"],
        ContextEntries=[
            {
                "ContextKeyName": "aws:SourceIp",
                "ContextKeyValues": ["10.0.0.1"],
                "ContextKeyType": "ip",
            }
        ],
    )
    assert [tuple(line.split("\t")) for line in done.lines] == results_of(answer)
    matched = {r["EvalActionName"]: r["MatchedStatements"] for r in answer["EvaluationResults"]}
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in matched["s3:GetObject"]] == [
        ("group_readers_s3", "group")
    ]
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in matched["s3:DeleteObject"]] == [
        ("user_alice_no-delete", "user")
    ]
    assert matched["ec2:RunInstances"] == []
    start = matched["s3:GetObject"][0]["StartPosition"]
    assert (start["Line"], start["Column"]) == (1, ALLOW_S3.index('{"Effect"') + 2)


def test_a_missing_context_value_is_named(home: Home, iam: Any, alice: str) -> None:
    done = home.run(
        "policysimulate", "--user", "alice", "-a", "s3:DeleteObject", "--format", "json"
    )
    [result] = json.loads(done.stdout)
    assert result["MissingContextValues"] == ["aws:SourceIp"]
    assert result["EvalDecision"] == "implicitDeny"  # S3 is allowed on b/* only, not on *


@pytest.mark.parametrize("flag", ["--group", "--role"])
def test_policysimulate_group_and_role_resolve_to_their_arn(
    home: Home, iam: Any, flag: str
) -> None:
    if flag == "--group":
        iam.create_group(GroupName="ops")
        iam.put_group_policy(GroupName="ops", PolicyName="s3", PolicyDocument=ALLOW_S3)
    else:
        trust = (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
            '{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
        )
        iam.create_role(RoleName="ops", AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName="ops", PolicyName="s3", PolicyDocument=ALLOW_S3)
    done = home.run("policysimulate", flag, "ops", "-a", "s3:PutObject", "-r", "arn:aws:s3:::b/x")
    assert (done.returncode, done.stdout) == (0, "s3:PutObject\tarn:aws:s3:::b/x\tallowed\n"), done


def test_a_users_boundary_limits_what_it_is_allowed(home: Home, iam: Any, alice: str) -> None:
    cap = iam.create_policy(
        PolicyName="cap",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"s3:GetObject","Resource":"*"}]}',
    )["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=cap)
    done = home.run(
        "policysimulate",
        "--user",
        "alice",
        "-a",
        "s3:GetObject",
        "-a",
        "s3:PutObject",
        "-r",
        "arn:aws:s3:::b/k",
        "--format",
        "json",
    )
    got = {r["EvalActionName"]: r for r in json.loads(done.stdout)}
    assert got["s3:GetObject"]["EvalDecision"] == "allowed"
    assert got["s3:PutObject"]["EvalDecision"] == "implicitDeny"
    assert got["s3:PutObject"]["PermissionsBoundaryDecisionDetail"] == {
        "AllowedByPermissionsBoundary": False
    }


@pytest.mark.both
def test_policysimulate_documents_json_is_every_page_s_results_whole(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Any
) -> None:
    """Pages of one result (MaxItems=1, which the sandbox honours as IAM does); two
    documents, sent as given; the JSON is IAM's results whole, as boto3 reads them."""
    from tests.support.proxy import paginate

    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(POLICY)
    second.write_text(POLICY.replace("Allow", "Deny").replace("s3:*", "s3:DeleteObject") + "\n")
    proxy.rewrites["SimulateCustomPolicy"] = paginate("EvaluationResults", page_size=1)
    actions = ["-a", "s3:GetObject", "-a", "s3:DeleteObject"]
    done = proxied_home.run("policysimulate", "-f", str(first), "-f", str(second), *actions, *JSON)
    got = assert_shape(done, "policysimulate")
    assert proxy.actions.count("SimulateCustomPolicy") == 2
    sent = proxy.forms[-1]
    assert (sent["PolicyInputList.member.1"], sent["PolicyInputList.member.2"]) == (
        first.read_text(),
        second.read_text(),
    )
    answer = iam.simulate_custom_policy(
        PolicyInputList=[first.read_text(), second.read_text()],
        ActionNames=["s3:GetObject", "s3:DeleteObject"],
    )
    assert got == json.loads(json.dumps(answer["EvaluationResults"]))
    assert [r["EvalDecision"] for r in got] == ["allowed", "explicitDeny"]


def test_policysimulate_fail_on_deny_prints_everything_then_one_error_line(home: Home) -> None:
    args = ["-f", "-", "-a", "s3:GetObject", "-a", "iam:DeleteUser"]
    plain = home.run("policysimulate", *args, input=POLICY)
    assert (plain.returncode, len(plain.lines)) == (0, 2), plain.stderr
    strict = home.run("policysimulate", *args, "--fail-on-deny", input=POLICY)
    assert strict.stdout == plain.stdout
    line = one_error_line(strict, "policysimulate")
    assert "1 of 2" in line and "iam:DeleteUser" in line and "implicitDeny" in line


@pytest.mark.parametrize(
    "args",
    [
        ["-f", "-", "-a", "s3:GetObject", "-c", "k=stringy:x"],
        ["-f", "-", "-a", "s3:GetObject", "-c", "k=numericList:1,x"],
        ["-f", "-", "-a", "s3:GetObject", "-c", "no-type-here"],
        ["-a", "s3:GetObject"],
        ["--user", "a", "--role", "b", "-a", "s3:GetObject"],
    ],
)
def test_policysimulate_refuses_bad_arguments_before_sending(
    proxied_home: Home, proxy: Any, args: list[str]
) -> None:
    done = proxied_home.run("policysimulate", *args, input=POLICY)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1].startswith("euare-policysimulate: error")
    assert proxy.actions == []


def test_policysimulate_refuses_a_document_that_is_no_policy(
    proxied_home: Home, proxy: Any
) -> None:
    """Checked locally, as every verb's documents are (src/euare/policy/documents.py)."""
    done = proxied_home.run(
        "policysimulate", "-f", "-", "-a", "s3:GetObject", input='{"Statement": []}'
    )
    assert done.returncode == 2 and "not a valid IAM policy" in done.stderr, done.stderr
    assert proxy.actions == []


@pytest.mark.both
def test_policysimulate_text_has_a_line_per_action_and_resource(home: Home) -> None:
    deny_b = POLICY.replace(
        '"Resource": "*"}]',
        '"Resource": "*"}, {"Effect": "Deny", '
        '"Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}]',
    )
    args = ["-f", "-", "-a", "s3:ListBucket", "-r", "arn:aws:s3:::a", "-r", "arn:aws:s3:::b"]
    done = home.run("policysimulate", *args, input=deny_b)
    assert done.lines == [
        "s3:ListBucket\tarn:aws:s3:::a\tallowed",
        "s3:ListBucket\tarn:aws:s3:::b\texplicitDeny",
    ], done.stderr


def test_simulating_no_such_principal_is_no_such_entity_alike(home: Home, iam: Any) -> None:
    from botocore.exceptions import ClientError

    done = home.run("policysimulate", "--user", ALICE_ARN, "-a", "s3:GetObject")
    line = one_error_line(done, "policysimulate")
    with pytest.raises(ClientError) as caught:
        iam.simulate_principal_policy(PolicySourceArn=ALICE_ARN, ActionNames=["s3:GetObject"])
    error = caught.value.response["Error"]
    assert error["Code"] == "NoSuchEntity"
    assert line.startswith(f"euare-policysimulate: error (NoSuchEntity): {error['Message']}")
