"""euare.state.snapshot without IAM: what GetAccountAuthorizationDetails sends that moto does not
(a user's permissions boundary), fields made plain, and reading a snapshot back."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import Any

import pytest

from euare.core.errors import UsageError
from euare.core.render import PolicyText
from euare.state.snapshot import FORMAT, dumps, loads, read
from euare.state.take import Taker

WHEN = datetime(2026, 11, 30, 1, 2, 3, 456789, tzinfo=timezone.utc)
BOUNDARY = {
    "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
    "PermissionsBoundaryArn": "arn:aws:iam::210987654321:policy/limit",
}


def taker(details: dict[str, Any], **lists: list[Any]) -> Taker:
    """A Taker over a made-up account: one page of details, the lists named, nothing else."""

    def ask(operation: str, **params: Any) -> dict[str, Any]:
        if operation == "GetLoginProfile":
            from euare.core.errors import EuareError

            raise EuareError("no login profile", code="NoSuchEntity")
        answers = {
            "ListOpenIDConnectProviders": {"OpenIDConnectProviderList": []},
            "ListSAMLProviders": {"SAMLProviderList": []},
            "GetAccountPasswordPolicy": {"PasswordPolicy": {"MinimumPasswordLength": 9}},
        }
        return answers[operation]

    def listing(operation: str, key: str, **params: Any) -> list[Any]:
        return lists.get(operation, [])

    def pages(operation: str, **params: Any) -> list[dict[str, Any]]:
        assert operation == "GetAccountAuthorizationDetails"
        return [details]

    return Taker(ask, listing, pages, lambda asks: [a() for a in asks], lambda line: None)


def test_a_user_s_boundary_and_documents_as_iam_sends_them() -> None:
    """moto has no user boundaries, so this one is made up as IAM sends it."""
    user = {
        "UserName": "alice",
        "Path": "/",
        "UserId": "AIDAEXAMPLE",
        "Arn": "arn:aws:iam::210987654321:user/alice",
        "CreateDate": WHEN,
        "PermissionsBoundary": BOUNDARY,
        "GroupList": ["b", "a"],
        "UserPolicyList": [
            {"PolicyName": "z", "PolicyDocument": PolicyText('{"Version": "2012-10-17"}')},
            {"PolicyName": "a", "PolicyDocument": "%7B%22Version%22%3A%20%222012-10-17%22%7D"},
        ],
        "Tags": [{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}],
        "Unknown": "a field the snapshot does not know is left out",
    }
    snap = taker({"UserDetailList": [user]}).take(now=WHEN)
    (alice,) = snap["Users"]
    assert alice["PermissionsBoundary"] == BOUNDARY
    assert alice["CreateDate"] == "2026-11-30T01:02:03Z"
    assert alice["GroupList"] == ["a", "b"]
    assert [p["PolicyName"] for p in alice["UserPolicyList"]] == ["a", "z"]
    assert all(p["PolicyDocument"] == {"Version": "2012-10-17"} for p in alice["UserPolicyList"])
    assert [t["Key"] for t in alice["Tags"]] == ["a", "b"]
    assert "Unknown" not in alice
    assert (snap["Account"], snap["Taken"]) == ("210987654321", "2026-11-30T01:02:03Z")
    assert snap["PasswordPolicy"] == {"MinimumPasswordLength": 9}


def test_a_role_gets_its_description_from_the_listing() -> None:
    role = {"RoleName": "web", "Arn": "arn:aws:iam::210987654321:role/web", "Description": ""}
    listed = [{**role, "Description": "the web tier", "MaxSessionDuration": 3600}]
    snap = taker({"RoleDetailList": [role]}, ListRoles=listed).take(now=WHEN)
    assert snap["Roles"][0]["Description"] == "the web tier"
    assert snap["Roles"][0]["MaxSessionDuration"] == 3600


def test_an_empty_account_has_no_account_id() -> None:
    snap = taker({}).take(now=WHEN)
    assert snap["Account"] is None and snap["Users"] == []
    assert loads(dumps(snap), "x") == snap


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "not JSON"),
        ("[" * 100_000, "nested too deeply"),
        ("[]", 'no "Format"'),
        ('{"Format": "something else"}', 'no "Format"'),
        (f'{{"Format": "{FORMAT}", "Users": {{}}}}', "Users is an object, not a list"),
        (
            f'{{"Format": "{FORMAT}", "Users": [{{"Path": "/"}}]}}',
            r"Users\[0\].UserName is missing \(it names a user\)",
        ),
        (
            f'{{"Format": "{FORMAT}", "Users": [{{"UserName": 5}}]}}',
            "UserName is a number, not text",
        ),
    ],
)
def test_what_is_not_a_snapshot_is_a_usage_error(text: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        read("-", io.StringIO(text))


def test_an_unreadable_file_is_a_usage_error(tmp_path: Any) -> None:
    with pytest.raises(UsageError, match="cannot read snapshot"):
        read(str(tmp_path / "missing.json"), io.StringIO(""))
