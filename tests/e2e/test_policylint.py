"""euare-policylint, run as the installed script: a finding a line, the exit status of
--fail-on, JSON records, standard input, and usage errors (exit 2). It sends no request: the
endpoint its HOME names does not exist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from euare.policy import documents as policy
from tests.conftest import Home, one_error_line
from tests.support.documents import wildcard_policy

MISSPELT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObjets", "s3:ListBucket"],
            "Resource": "arn:aws:s3:::b/*",
        }
    ],
}
INFO_ONLY = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::b"},
}
PRIMER_EBS = policy.build(
    "Allow", ["ec2:CreateSnapshot", "ec2:DescribeVolumes", "ec2:DescribeSnapshots"], ["*"]
)


@pytest.fixture
def lint_home(tmp_path: Path) -> Home:
    """A HOME whose endpoint is a closed port: any request would fail the command."""
    return Home(tmp_path, "http://127.0.0.1:9/")


def write(home: Home, name: str, document: object) -> str:
    return str(home.write(name, json.dumps(document)))


def test_a_finding_a_line_and_exit_1(lint_home: Home) -> None:
    bad = write(lint_home, "bad.json", MISSPELT)
    result = lint_home.run("policylint", bad)
    assert result.lines == [
        f"{bad}: warning UNKNOWN_ACTION $.Statement[0].Action[0]: s3 has no action 'GetObjets' "
        "(did you mean s3:GetObject?)",
        f"{bad}: warning RESOURCE_MISMATCH $.Statement[0].Action[1]: s3:ListBucket acts on "
        "accesspoint, bucket (arn:${Partition}:s3:::${BucketName}, ...), and no Resource of "
        "this statement is one",
    ]
    assert one_error_line(result, "policylint") == (
        "euare-policylint: error: 2 findings at or above warning"
    )


def test_clean_documents_print_nothing_and_exit_0(lint_home: Home) -> None:
    """The primer's ebs-snapshots policy, and the trust policy rolecreate -s builds."""
    result = lint_home.run("policylint", write(lint_home, "ebs.json", PRIMER_EBS))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    trust = write(lint_home, "trust.json", policy.trust_policy("ec2.amazonaws.com"))
    result = lint_home.run("policylint", "--trust", trust)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_trust_policy_linted_as_identity_policy_is_an_error(lint_home: Home) -> None:
    """Without --trust a document needs a Resource: IAM would refuse it as an identity policy."""
    trust = write(lint_home, "trust.json", policy.trust_policy("ec2.amazonaws.com"))
    result = lint_home.run("policylint", "--fail-on", "error", trust)
    assert result.returncode == 1
    assert result.lines == [
        f"{trust}: error INVALID_POLICY $.Statement[0]: Statement[0] needs Resource or NotResource"
    ]


def test_fail_on_sets_the_level_that_fails(lint_home: Home) -> None:
    info = write(lint_home, "info.json", INFO_ONLY)
    warned = write(lint_home, "bad.json", MISSPELT)
    by_default = lint_home.run("policylint", info)
    assert by_default.returncode == 0 and by_default.stderr == ""
    assert by_default.lines == [
        f"{info}: info RESOURCE_NOT_SUPPORTED $.Statement.Action: s3:ListAllMyBuckets acts on no "
        "resource ARN, only on Resource *"
    ]
    assert lint_home.run("policylint", "--fail-on", "info", info).returncode == 1
    lenient = lint_home.run("policylint", "--fail-on", "error", warned, info)
    assert (lenient.returncode, len(lenient.lines)) == (0, 3)


def test_thousands_of_wildcard_resources_are_linted(lint_home: Home) -> None:
    """Issue 19's document, about 121 KB (s3:*, ec2:* and iam:* on 4,700 wildcard S3 object
    ARNs), once through the installed script: it took over five minutes. Its two findings and
    nothing else; how long it takes is bench/'s (make bench, the lint section)."""
    document = wildcard_policy(4700)
    assert 120_000 < len(json.dumps(document)) <= 131_072  # what IAM's API takes
    big = write(lint_home, "big.json", document)
    result = lint_home.run("policylint", "--fail-on", "error", big)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.lines == [
        f"{big}: warning RESOURCE_MISMATCH $.Statement[0].Action[{n}]: none of the actions "
        f"{service}:* matches acts on a Resource of this statement"
        for n, service in ((1, "ec2"), (2, "iam"))
    ]


def test_standard_input_is_named_dash(lint_home: Home) -> None:
    result = lint_home.run("policylint", "-", input=json.dumps(MISSPELT))
    assert result.returncode == 1
    assert result.lines[0].startswith("-: warning UNKNOWN_ACTION $.Statement[0].Action[0]: ")


def test_json_gives_a_record_per_finding(lint_home: Home) -> None:
    bad = write(lint_home, "bad.json", MISSPELT)
    result = lint_home.run("policylint", "--format", "json", bad)
    assert result.returncode == 1
    records = json.loads(result.stdout)
    assert records[0] == {
        "File": bad,
        "Level": "warning",
        "Code": "UNKNOWN_ACTION",
        "Path": "$.Statement[0].Action[0]",
        "Message": "s3 has no action 'GetObjets' (did you mean s3:GetObject?)",
        "Value": "s3:GetObjets",
    }
    assert [r["Code"] for r in records] == ["UNKNOWN_ACTION", "RESOURCE_MISMATCH"]
    clean = lint_home.run("policylint", "--format", "json", write(lint_home, "ok.json", PRIMER_EBS))
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])


@pytest.mark.parametrize(
    ("files", "stdin", "says"),
    [
        (["missing.json"], None, "cannot read policy document"),
        (["-"], '{"Statement": [}', "is not valid JSON"),
        (["-"], "  \n", "is empty"),
    ],
)
def test_an_unreadable_or_not_json_document_is_exit_2_and_nothing_else(
    lint_home: Home, files: list[str], stdin: str | None, says: str
) -> None:
    """Exit 1 means findings, so a document that cannot be linted at all is a usage error; a
    good file given beside it prints nothing either."""
    good = write(lint_home, "ok.json", MISSPELT)
    result = lint_home.run("policylint", good, *files, input=stdin)
    assert says in one_error_line(result, "policylint", status=2)
    assert result.stdout == ""


def test_no_file_is_a_usage_error(lint_home: Home) -> None:
    result = lint_home.run("policylint")
    assert result.returncode == 2 and "Missing argument 'FILE...'" in result.stderr
