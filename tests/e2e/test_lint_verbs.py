"""--lint on every verb that sends a policy document: findings on stderr, and a finding at or
above --fail-on refuses the document before any request (seen through the proxy); a document
with none, or none that high, is sent as it was given (read back with boto3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from euare.policy import documents as policy
from tests.conftest import Home, one_error_line

MISSPELT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObjets", "Resource": "*"}],
    }
)
MISSPELT_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRol",
            }
        ],
    }
)
GOOD = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}
        ],
    }
)
# Each verb with its arguments: {file} is a file holding the misspelt document (a trust policy
# for the role verbs); the *addpolicy verbs build theirs from a misspelt -a.
VERBS = {
    **{
        f"{kind}uploadpolicy": [f"{kind[0]}1", "-p", "p", "-f", "{file}"]
        for kind in ("user", "group", "role")
    },
    **{
        f"{kind}addpolicy": [f"{kind[0]}1", "-p", "p", "-e", "Allow", "-a", "s3:GetObjets"]
        + (["-c", "*"] if kind == "role" else ["-r", "*"])
        for kind in ("user", "group", "role")
    },
    "policycreate": ["p", "-f", "{file}"],
    "policycreateversion": ["p", "-f", "{file}"],
    "rolecreate": ["r", "-f", "{file}"],
    "roleupdateassumepolicy": ["r", "-f", "{file}"],
    "assumerole": ["r", "--policy-document", "{file}"],
    "policysimulate": ["-f", "{file}", "-a", "s3:GetObject"],
}
TRUST = {"rolecreate", "roleupdateassumepolicy"}


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_lint_refuses_a_misspelt_document_before_any_request(
    proxied_home: Home, proxy: Any, tmp_path: Path, verb: str
) -> None:
    path = tmp_path / "doc.json"
    path.write_text(MISSPELT_TRUST if verb in TRUST else MISSPELT)
    args = [a.format(file=path) for a in VERBS[verb]]
    result = proxied_home.run(verb, *args, "--lint")
    finding, refusal = result.stderr.splitlines()
    assert finding.startswith(f"euare-{verb}: warning UNKNOWN_ACTION $.Statement[0].Action")
    assert "(did you mean " in finding
    assert refusal.startswith(f"euare-{verb}: error: ")
    assert "was not sent" in refusal and "--fail-on error" in refusal
    assert result.returncode == 1 and result.stdout == ""
    assert proxy.actions == []


def test_without_lint_the_same_document_is_sent(home: Home, iam: Any, tmp_path: Path) -> None:
    iam.create_user(UserName="u1")
    path = tmp_path / "doc.json"
    path.write_text(MISSPELT)
    result = home.run("useruploadpolicy", "u1", "-p", "p", "-f", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert iam.get_user_policy(UserName="u1", PolicyName="p")["PolicyDocument"] == json.loads(
        MISSPELT
    )


def test_lint_sends_a_document_with_no_finding_as_given(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="g1")
    result = home.run("groupuploadpolicy", "g1", "-p", "p", "-o", GOOD, "--lint")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    stored = iam.get_group_policy(GroupName="g1", PolicyName="p")["PolicyDocument"]
    assert stored == json.loads(GOOD)


def test_lint_prints_findings_below_fail_on_and_sends(home: Home, iam: Any) -> None:
    """An info finding does not stop the default --fail-on warning; it is still printed."""
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::b"}
            ],
        }
    )
    result = home.run("policycreate", "list-buckets", "-o", document, "--lint")
    assert result.returncode == 0, result
    assert result.stderr.splitlines() == [
        "euare-policycreate: info RESOURCE_NOT_SUPPORTED $.Statement[0].Action: "
        "s3:ListAllMyBuckets acts on no resource ARN, only on Resource *"
    ]
    names = [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
    assert names == ["list-buckets"]


def test_the_primer_s_admin_policy_is_refused_with_lint_and_sent_with_fail_on_error(
    home: Home, iam: Any
) -> None:
    """Allow * on * is reported even when meant (the primer's administrators-all): --lint
    refuses it, and --fail-on error sends it, the finding still shown."""
    iam.create_group(GroupName="administrators")
    args = ["administrators", "-p", "administrators-all", "-e", "Allow", "-a", "*", "-r", "*"]
    refused = home.run("groupaddpolicy", *args, "--lint")
    assert refused.stderr.splitlines()[0] == (
        'euare-groupaddpolicy: warning FULL_ADMIN $.Statement[0].Action[0]: Allow "*" on '
        'Resource "*" grants every action on everything'
    )
    assert refused.returncode == 1
    assert iam.list_group_policies(GroupName="administrators")["PolicyNames"] == []
    sent = home.run("groupaddpolicy", *args, "--lint", "--fail-on", "error")
    assert sent.returncode == 0, sent
    assert "FULL_ADMIN" in sent.stderr
    policies = iam.list_group_policies(GroupName="administrators")["PolicyNames"]
    assert policies == ["administrators-all"]


def test_rolecreate_s_with_lint_creates_the_role_without_a_word(home: Home, iam: Any) -> None:
    result = home.run("rolecreate", "web", "-s", "ec2.amazonaws.com", "--lint")
    assert (result.returncode, result.stderr) == (0, "")
    stored = iam.get_role(RoleName="web")["Role"]["AssumeRolePolicyDocument"]
    assert stored == policy.trust_policy("ec2.amazonaws.com")


def test_a_document_iam_would_refuse_stays_a_usage_error_with_lint(
    proxied_home: Home, proxy: Any
) -> None:
    """Lint comes after the checks that refuse a document IAM would refuse (exit 2, as
    without --lint)."""
    refused = '{"Statement": [{"Effect": "allow", "Action": "s3:*", "Resource": "*"}]}'
    result = proxied_home.run("useruploadpolicy", "u1", "-p", "p", "-o", refused, "--lint")
    assert "Effect must be Allow or Deny" in one_error_line(result, "useruploadpolicy", 2)
    assert proxy.actions == []
