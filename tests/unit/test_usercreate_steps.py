"""usercreate's named step NewUser (create the user, or settle a user found) and its renderer,
called outside click.

NewUser's answers come from botocore's Stubber: what the step makes of EntityAlreadyExists is
held here without a server; the e2e tests (test_converge_creates, test_key_safety, test_tags,
test_boundaries_passwords, test_iamrc_out) hold the verb against moto."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.stub import Stubber

from euare.call.context import Call
from euare.core.errors import EuareError
from euare.verbs.users import NewUser, new_user_lines
from tests.support.stub import stubbed_call

ALICE = {
    "UserName": "alice",
    "UserId": "AIDAEXAMPLE0000000001",
    "Arn": "arn:aws:iam::123456789012:user/alice",
    "Path": "/",
    "CreateDate": datetime(2024, 1, 1, tzinfo=timezone.utc),
}
KEY = {"UserName": "alice", "AccessKeyId": "AKIAEXAMPLE000000001", "Status": "Active"}
TAGS = [{"Key": "team", "Value": "ops"}]
BOUNDARY = "arn:aws:iam::aws:policy/PowerUserAccess"


@pytest.fixture
def stubbed() -> Iterator[tuple[Call, Stubber]]:
    with stubbed_call() as found:
        yield found


def new_user(call: Call, **changes: Any) -> NewUser:
    values: dict[str, Any] = {
        "call": call,
        "user": "alice",
        "params": {"Path": None, "Tags": None, "PermissionsBoundary": None},
        "more": True,
        "one_key": False,
    }
    return NewUser(**{**values, **changes})


def exists(stubber: Stubber) -> None:
    stubber.add_client_error("create_user", "EntityAlreadyExists", "alice exists", 409)


def test_the_step_is_named_as_a_failure_names_it(stubbed: tuple[Call, Stubber]) -> None:
    assert new_user(stubbed[0]).description == "create user alice"


def test_a_new_user_is_created_with_what_was_asked(stubbed: tuple[Call, Stubber]) -> None:
    call, stubber = stubbed
    params = {"Path": "/ops/", "Tags": TAGS, "PermissionsBoundary": BOUNDARY}
    stubber.add_response("create_user", {"User": ALICE}, {"UserName": "alice", **params})
    assert new_user(call, params=params)()["User"] == ALICE
    assert call.stderr.getvalue() == ""  # type: ignore[attr-defined]


def test_a_user_found_is_given_the_tags_and_boundary_asked_for(
    stubbed: tuple[Call, Stubber],
) -> None:
    call, stubber = stubbed
    exists(stubber)
    stubber.add_response("tag_user", {}, {"UserName": "alice", "Tags": TAGS})
    stubber.add_response(
        "put_user_permissions_boundary", {}, {"UserName": "alice", "PermissionsBoundary": BOUNDARY}
    )
    stubber.add_response("get_user", {"User": ALICE}, {"UserName": "alice"})
    params = {"Path": None, "Tags": TAGS, "PermissionsBoundary": BOUNDARY}
    assert new_user(call, params=params)()["User"] == ALICE
    assert call.stderr.getvalue() == (  # type: ignore[attr-defined]
        "euare-test: warning: user alice already exists; going on with the remaining steps\n"
    )


def test_a_user_found_is_an_error_when_no_step_follows(stubbed: tuple[Call, Stubber]) -> None:
    call, stubber = stubbed
    exists(stubber)
    with pytest.raises(Exception, match="alice exists"):
        new_user(call, more=False)()


def test_a_user_found_with_a_key_gets_no_second_one_unless_asked(
    stubbed: tuple[Call, Stubber],
) -> None:
    call, stubber = stubbed
    exists(stubber)
    stubber.add_response("list_access_keys", {"AccessKeyMetadata": [KEY]}, {"UserName": "alice"})
    with pytest.raises(EuareError, match="already has an access key") as refused:
        new_user(call, one_key=True)()
    assert refused.value.code == "EntityAlreadyExists"
    assert "euare-userdelkey -u alice AKIAEXAMPLE000000001" in refused.value.message


RECORD = {
    "User": ALICE,
    "AccessKey": {"AccessKeyId": "AKIAEXAMPLE000000001", "SecretAccessKey": "s3cr3t"},
}


@pytest.mark.parametrize(
    ("options", "lines"),
    [
        ({}, ["AKIAEXAMPLE000000001", "s3cr3t"]),
        ({"verbose": True}, [ALICE["Arn"], ALICE["UserId"], "AKIAEXAMPLE000000001", "s3cr3t"]),
        ({"as_iamrc": True}, ["AWSAccessKeyId=AKIAEXAMPLE000000001", "AWSSecretKey=s3cr3t"]),
        ({"to_file": True}, ["AKIAEXAMPLE000000001"]),
    ],
)
def test_the_text_is_made_from_the_options_given(
    options: dict[str, bool], lines: list[str]
) -> None:
    assert new_user_lines([RECORD], **options) == lines


def test_a_user_without_a_key_prints_nothing_unless_verbose() -> None:
    assert new_user_lines([{"User": ALICE}]) == []
    assert new_user_lines([{"User": ALICE}], verbose=True) == [ALICE["Arn"], ALICE["UserId"]]
