"""The credential report (against moto's server) and the policy simulator (moto's server has no
SimulatePrincipalPolicy or SimulateCustomPolicy: those run in-process against botocore's Stubber,
tests/support/stub.py, which also checks every parameter sent).
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
from tests.conftest import Home, Result, one_error_line
from tests.support.shapes import assert_shape
from tests.support.stub import Stubbed, run_stubbed

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


# --- the policy simulator (moto's server has none: botocore's Stubber) ---------------------------


def evaluation(action: str, decision: str, resource: str = "*", **more: Any) -> dict[str, Any]:
    return {
        "EvalActionName": action,
        "EvalResourceName": resource,
        "EvalDecision": decision,
        **more,
    }


def principal(kind: str, name: str) -> dict[str, Any]:
    return {
        "Path": "/",
        f"{kind}Name": name,
        f"{kind}Id": "AID" + "X" * 17,
        "Arn": f"arn:aws:iam::{ACCOUNT}:{kind.lower()}/{name}",
        "CreateDate": datetime(2026, 1, 1, tzinfo=timezone.utc),
    }


def as_result(done: Stubbed) -> Result:
    return Result(done.code, done.stdout, done.stderr)


def test_policysimulate_user_sends_its_arn_and_the_context_entries() -> None:
    """Stubbed: moto has no SimulatePrincipalPolicy. The stub checks every parameter sent."""
    results = [
        evaluation("s3:GetObject", "allowed", "arn:aws:s3:::b/*"),
        evaluation("s3:PutObject", "implicitDeny", "arn:aws:s3:::b/*"),
    ]
    sent = {
        "PolicySourceArn": ALICE_ARN,
        "ActionNames": ["s3:GetObject", "s3:PutObject"],
        "ResourceArns": ["arn:aws:s3:::b/*"],
        "ContextEntries": [
            {
                "ContextKeyName": "aws:SourceIp",
                "ContextKeyValues": ["10.0.0.1"],
                "ContextKeyType": "ip",
            },
            {
                "ContextKeyName": "s3:prefix",
                "ContextKeyValues": ["a/", "b/"],
                "ContextKeyType": "stringList",
            },
            {
                "ContextKeyName": "aws:MultiFactorAuthPresent",
                "ContextKeyValues": ["true"],
                "ContextKeyType": "boolean",
            },
        ],
    }
    done = run_stubbed(
        "policysimulate",
        [
            "--user",
            "alice",
            "-a",
            "s3:GetObject",
            "-a",
            "s3:PutObject",
            "-r",
            "arn:aws:s3:::b/*",
            "-c",
            "aws:SourceIp=ip:10.0.0.1",
            "-c",
            "s3:prefix=stringList:a/,b/",
            "-c",
            "aws:MultiFactorAuthPresent=Boolean:true",
        ],
        [
            ("GetUser", {"User": principal("User", "alice")}, {"UserName": "alice"}),
            ("SimulatePrincipalPolicy", {"EvaluationResults": results, "IsTruncated": False}, sent),
        ],
    )
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines() == [
        "s3:GetObject\tarn:aws:s3:::b/*\tallowed",
        "s3:PutObject\tarn:aws:s3:::b/*\timplicitDeny",
    ]


@pytest.mark.parametrize(
    ("flag", "operation", "params", "answer"),
    [
        (
            "--group",
            "GetGroup",
            {"GroupName": "ops", "MaxItems": 1},
            {"Group": principal("Group", "ops"), "Users": [], "IsTruncated": True, "Marker": "m"},
        ),
        ("--role", "GetRole", {"RoleName": "ops"}, {"Role": principal("Role", "ops")}),
    ],
)
def test_policysimulate_group_and_role_resolve_to_their_arn(
    flag: str, operation: str, params: dict[str, Any], answer: dict[str, Any]
) -> None:
    """Stubbed: moto has no SimulatePrincipalPolicy."""
    arn = f"arn:aws:iam::{ACCOUNT}:{flag[2:]}/ops"
    sent = {"PolicySourceArn": arn, "ActionNames": ["ec2:RunInstances"]}
    done = run_stubbed(
        "policysimulate",
        [flag, "ops", "-a", "ec2:RunInstances"],
        [
            (operation, answer, params),
            (
                "SimulatePrincipalPolicy",
                {"EvaluationResults": [evaluation("ec2:RunInstances", "explicitDeny")]},
                sent,
            ),
        ],
    )
    assert (done.code, done.stdout) == (0, "ec2:RunInstances\t*\texplicitDeny\n"), done.stderr


def test_policysimulate_documents_json_is_every_page_s_results_whole(tmp_path: Any) -> None:
    """Stubbed: moto has no SimulateCustomPolicy. Two pages (Marker); two documents, sent as
    given."""
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(POLICY)
    second.write_text(POLICY.replace("Allow", "Deny").replace("s3:*", "s3:DeleteObject") + "\n")
    page1 = [
        evaluation(
            "s3:GetObject",
            "allowed",
            MatchedStatements=[{"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "none"}],
            MissingContextValues=[],
        )
    ]
    page2 = [
        evaluation(
            "s3:DeleteObject",
            "explicitDeny",
            "arn:aws:s3:::b/k",
            ResourceSpecificResults=[
                {"EvalResourceName": "arn:aws:s3:::b/k", "EvalResourceDecision": "explicitDeny"}
            ],
        )
    ]
    sent = {
        "ActionNames": ["s3:GetObject", "s3:DeleteObject"],
        "PolicyInputList": [first.read_text(), second.read_text()],
    }
    done = run_stubbed(
        "policysimulate",
        ["-f", str(first), "-f", str(second), "-a", "s3:GetObject", "-a", "s3:DeleteObject", *JSON],
        [
            (
                "SimulateCustomPolicy",
                {"EvaluationResults": page1, "IsTruncated": True, "Marker": "m1"},
                sent,
            ),
            (
                "SimulateCustomPolicy",
                {"EvaluationResults": page2, "IsTruncated": False},
                {**sent, "Marker": "m1"},
            ),
        ],
    )
    assert assert_shape(as_result(done), "policysimulate") == page1 + page2


def test_policysimulate_fail_on_deny_prints_everything_then_one_error_line() -> None:
    """Stubbed: moto has no SimulateCustomPolicy."""
    answer = {
        "EvaluationResults": [
            evaluation("iam:CreateUser", "allowed"),
            evaluation("iam:DeleteUser", "implicitDeny"),
        ]
    }
    args = ["-f", "-", "-a", "iam:CreateUser", "-a", "iam:DeleteUser"]
    plain = run_stubbed(
        "policysimulate", args, [("SimulateCustomPolicy", answer, None)], stdin=POLICY
    )
    assert (plain.code, len(plain.stdout.splitlines())) == (0, 2), plain.stderr
    strict = run_stubbed(
        "policysimulate",
        [*args, "--fail-on-deny"],
        [("SimulateCustomPolicy", answer, None)],
        stdin=POLICY,
    )
    assert strict.stdout == plain.stdout
    line = one_error_line(as_result(strict), "policysimulate")
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
def test_policysimulate_refuses_bad_arguments_before_sending(args: list[str]) -> None:
    """Stubbed: nothing is expected, so any request would fail with exit 1, not 2."""
    done = run_stubbed("policysimulate", args, [], stdin=POLICY)
    assert done.code == 2, done.stderr
    assert done.stderr.splitlines()[-1].startswith("euare-policysimulate: error")


def test_policysimulate_refuses_a_document_that_is_no_policy() -> None:
    """Stubbed: checked locally, as every verb's documents are (src/euare/policy/documents.py)."""
    done = run_stubbed(
        "policysimulate", ["-f", "-", "-a", "s3:GetObject"], [], stdin='{"Statement": []}'
    )
    assert done.code == 2 and "not a valid IAM policy" in done.stderr, done.stderr


def test_policysimulate_text_has_a_line_per_resource_iam_judged_separately() -> None:
    """Stubbed: moto has no SimulateCustomPolicy."""
    specific = [
        {"EvalResourceName": "arn:aws:s3:::a", "EvalResourceDecision": "allowed"},
        {"EvalResourceName": "arn:aws:s3:::b", "EvalResourceDecision": "explicitDeny"},
    ]
    answer = {
        "EvaluationResults": [
            evaluation("s3:ListBucket", "explicitDeny", ResourceSpecificResults=specific)
        ]
    }
    args = ["-f", "-", "-a", "s3:ListBucket", "-r", "arn:aws:s3:::a", "-r", "arn:aws:s3:::b"]
    done = run_stubbed(
        "policysimulate", args, [("SimulateCustomPolicy", answer, None)], stdin=POLICY
    )
    assert done.stdout.splitlines() == [
        "s3:ListBucket\tarn:aws:s3:::a\tallowed",
        "s3:ListBucket\tarn:aws:s3:::b\texplicitDeny",
    ], done.stderr
