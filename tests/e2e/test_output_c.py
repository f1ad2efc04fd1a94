"""The JSON of every managed-policy verb has the shape docs/output.md gives it, with IAM's own
items whole; and a managed policy's document prints back exactly as it was uploaded."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Home
from tests.support.documents import DOC, TRUST, attach_everywhere
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways

ACCOUNT = "123456789012"  # moto's account, which STS GetCallerIdentity reports
JSON = ("--format", "json")
ATTACHED = "arn:aws:iam::123456789012:policy/team/wide"


def arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


@pytest.fixture
def attached(iam: Any) -> str:
    """Policy /team/wide with a second (default) version, attached to u1, g1 and r1."""
    policy = str(
        iam.create_policy(PolicyName="wide", Path="/team/", PolicyDocument=DOC)["Policy"]["Arn"]
    )
    iam.create_policy_version(PolicyArn=policy, PolicyDocument=DOC, SetAsDefault=True)
    attach_everywhere(iam, policy)
    return policy


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["quiet", "v"])
def test_policycreate(home: Home, iam: Any, verbose: list[str]) -> None:
    """JSON prints the new Policy whole, with or without -v (-v only changes the text)."""
    result = home.run("policycreate", "/team/p1", "-o", DOC, "--description", "d", *verbose, *JSON)
    printed = assert_shape(result, "policycreate")
    stored = iam.get_policy(PolicyArn=arn("team/p1"))["Policy"]
    assert (printed["Arn"], printed["PolicyId"], printed["Path"]) == (
        stored["Arn"],
        stored["PolicyId"],
        "/team/",
    )


def test_policy_describing_verbs(home: Home, iam: Any, attached: str) -> None:
    printed = assert_shape(
        home.run("policygetattributes", "/team/wide", *JSON), "policygetattributes"
    )
    assert (printed["Arn"], printed["DefaultVersionId"], printed["AttachmentCount"]) == (
        attached,
        "v2",
        3,
    )
    listed = assert_shape(home.run("policylistbypath", *JSON), "policylistbypath")
    assert [p["Arn"] for p in listed] == [attached]
    version = assert_shape(home.run("policygetversion", attached, *JSON), "policygetversion")
    assert (version["VersionId"], version["IsDefaultVersion"]) == ("v2", True)
    assert version["Document"] == json.loads(DOC)  # JSON gives the document parsed
    versions = assert_shape(
        home.run("policylistversions", "team/wide", *JSON), "policylistversions"
    )
    assert sorted((v["VersionId"], v["IsDefaultVersion"]) for v in versions) == [
        ("v1", False),
        ("v2", True),
    ]


def test_policylistentities(home: Home, iam: Any, attached: str) -> None:
    found = assert_shape(home.run("policylistentities", "/team/wide", *JSON), "policylistentities")
    assert list(found) == ["PolicyGroups", "PolicyUsers", "PolicyRoles"]
    user = iam.get_user(UserName="u1")["User"]
    assert found["PolicyUsers"] == [{"UserName": "u1", "UserId": user["UserId"]}]
    assert [g["GroupName"] for g in found["PolicyGroups"]] == ["g1"]
    assert [r["RoleName"] for r in found["PolicyRoles"]] == ["r1"]
    roles = home.run("policylistentities", attached, "--entity-filter", "role", *JSON)
    only = assert_shape(roles, "policylistentities")
    assert (only["PolicyGroups"], only["PolicyUsers"]) == ([], [])
    assert [r["RoleName"] for r in only["PolicyRoles"]] == ["r1"]


def test_policy_version_verbs(home: Home, iam: Any, attached: str) -> None:
    created = home.run("policycreateversion", "/team/wide", "-o", DOC, *JSON)
    printed = assert_shape(created, "policycreateversion")
    assert (printed["VersionId"], printed["IsDefaultVersion"]) == ("v3", False)
    changed = home.run("policysetdefaultversion", "/team/wide", "--version-id", "v3", *JSON)
    assert_shape(changed, "policysetdefaultversion")
    assert iam.get_policy(PolicyArn=attached)["Policy"]["DefaultVersionId"] == "v3"
    deleted = home.run("policydelversion", attached, "--version-id", "v1", *JSON)
    assert_shape(deleted, "policydelversion")
    versions = iam.list_policy_versions(PolicyArn=attached)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v2", "v3"]


def test_policydel(home: Home, iam: Any, attached: str) -> None:
    assert_shape(home.run("policydel", "/team/wide", "-r", *JSON), "policydel")
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_user_attached_policy_verbs(home: Home, iam: Any, attached: str) -> None:
    iam.create_user(UserName="u2")
    assert_shape(home.run("userattachpolicy", "u2", "-p", "/team/wide", *JSON), "userattachpolicy")
    listed = assert_shape(
        home.run("userlistattachedpolicies", "u2", *JSON), "userlistattachedpolicies"
    )
    assert listed == [{"PolicyName": "wide", "PolicyArn": attached}]
    assert_shape(home.run("userdetachpolicy", "u2", "-p", attached, *JSON), "userdetachpolicy")
    assert iam.list_attached_user_policies(UserName="u2")["AttachedPolicies"] == []


def test_group_attached_policy_verbs(home: Home, iam: Any, attached: str) -> None:
    iam.create_group(GroupName="g2")
    assert_shape(home.run("groupattachpolicy", "g2", "-p", "team/wide", *JSON), "groupattachpolicy")
    listed = home.run("grouplistattachedpolicies", "g2", *JSON)
    assert assert_shape(listed, "grouplistattachedpolicies") == [
        {"PolicyName": "wide", "PolicyArn": attached}
    ]
    assert_shape(home.run("groupdetachpolicy", "g2", "-p", attached, *JSON), "groupdetachpolicy")
    assert iam.list_attached_group_policies(GroupName="g2")["AttachedPolicies"] == []


def test_role_attached_policy_verbs(home: Home, iam: Any, attached: str) -> None:
    iam.create_role(RoleName="r2", AssumeRolePolicyDocument=TRUST)
    assert_shape(home.run("roleattachpolicy", "r2", "-p", "/team/wide", *JSON), "roleattachpolicy")
    listed = home.run("rolelistattachedpolicies", "r2", *JSON)
    assert assert_shape(listed, "rolelistattachedpolicies") == [
        {"PolicyName": "wide", "PolicyArn": attached}
    ]
    assert_shape(home.run("roledetachpolicy", "r2", "-p", attached, *JSON), "roledetachpolicy")
    assert iam.list_attached_role_policies(RoleName="r2")["AttachedPolicies"] == []


MULTI_LINE = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject",   "s3:ListBucket"],
      "Resource": "*"
    }
  ]
}"""


@pytest.mark.parametrize("how", ["policycreate", "policycreateversion"])
def test_a_multi_line_document_prints_back_byte_for_byte(home: Home, iam: Any, how: str) -> None:
    """What -f sent is what IAM stores, and policygetversion prints that text as it is."""
    path = home.write("policy.json", MULTI_LINE)
    if how == "policycreate":
        assert home.run("policycreate", "p1", "-f", str(path)).returncode == 0
    else:
        iam.create_policy(PolicyName="p1", PolicyDocument=DOC)
        sent = home.run("policycreateversion", "p1", "-f", str(path), "--set-as-default")
        assert sent.returncode == 0, sent.stderr
    result = home.run("policygetversion", "p1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == MULTI_LINE + "\n"


# --- values converted when the verb runs (params.Late) -------------------------------------------


def test_a_policy_name_is_resolved_with_options_that_follow_it(
    home: Home, iam: Any, attached: str, endpoint: str
) -> None:
    """The name comes before -U on the command line, yet its account is asked of -U's endpoint:
    the name becomes an ARN when the verb runs, not while the command line is parsed."""
    home.write(
        ".eucarc", "export EUARE_URL=http://127.0.0.1:9/\nexport TOKEN_URL=http://127.0.0.1:9/\n"
    )
    iam.create_user(UserName="u2")
    result = home.run("userattachpolicy", "u2", "-p", "/team/wide", "-U", endpoint)
    assert result.returncode == 0, result.stderr
    attached_now = iam.list_attached_user_policies(UserName="u2")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached_now] == [attached]


@pytest.mark.parametrize("verb", ["policycreate", "useruploadpolicy"])
def test_two_document_options_are_refused_before_either_is_read(
    proxied_home: Home, proxy: Any, verb: str
) -> None:
    """-o and -f together are refused as such (exit 2), and neither the missing file nor the
    bad inline JSON is looked at."""
    who = ["u1", "-p", "p1"] if verb == "useruploadpolicy" else ["p1"]
    result = proxied_home.run(verb, *who, "-o", "{bad", "-f", "/no/such/file")
    line = one_error_line_usage(result, verb)
    assert "cannot be used together" in line and "JSON" not in line and "/no/such" not in line
    assert proxy.actions == []


def one_error_line_usage(result: Any, verb: str) -> str:
    """A usage error: exit 2, click's usage line, then euca2ools' one error line."""
    assert result.returncode == 2, result
    lines = result.stderr.splitlines()
    assert lines[-1].startswith(f"euare-{verb}: error: "), result.stderr
    return str(lines[-1])
