"""userrotatekey's named steps before the rotation itself (euare.verbs.rotation.Rotate): the key
read from the file, the key in use found among its user's keys, whether it is due, room made
for a new key. Held without a server; deleting an inactive key (make_room) is answered by
botocore's Stubber. The rotation against moto is the e2e tests' (test_rotation*.py)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from euare.call.context import Call
from euare.core.errors import EuareError
from euare.verbs.rotation import Rotate
from tests.support.stub import stubbed_call

OLD = "AKIAEXAMPLE000000OLD"


def rotate(call: Call, path: Path, said: list[str], **changes: Any) -> Rotate:
    values: dict[str, Any] = {
        "call": call,
        "path": path,
        "user": "alice",
        "max_age": None,
        "wait": 0,
        "retire": False,
        "force": False,
        "delete_inactive": False,
        "backup": True,
        "say": said.append,
    }
    return Rotate(**{**values, **changes})


def plain_call() -> Call:
    return Call("euare-test", {"HOME": "/nonexistent"}, io.StringIO(), io.StringIO(), io.StringIO())


def key(key_id: str, days: int, status: str = "Active") -> dict[str, Any]:
    created = datetime.now(timezone.utc) - timedelta(days=days, hours=1)
    return {"AccessKeyId": key_id, "Status": status, "CreateDate": created}


def test_the_key_in_the_file_is_read_as_it_is_now(tmp_path: Path) -> None:
    path = tmp_path / "iamrc"
    path.write_text(f"# mine\nAWSAccessKeyId={OLD}\nAWSSecretKey=old/secret\n")
    assert rotate(plain_call(), path, []).key_in_file() == (OLD, "old/secret")


def test_a_file_without_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "iamrc"
    path.write_text(f"AWSAccessKeyId={OLD}\n")
    with pytest.raises(EuareError, match="has no AWSAccessKeyId and AWSSecretKey lines"):
        rotate(plain_call(), path, []).key_in_file()


def test_a_key_that_is_not_the_user_s_is_refused(tmp_path: Path) -> None:
    step = rotate(plain_call(), tmp_path / "iamrc", [])
    with pytest.raises(EuareError, match=rf"\({OLD}\) is not one of alice's access keys"):
        step.key_in_use([key("AKIAEXAMPLE000000NEW", 3)], OLD, "alice")


@pytest.mark.parametrize(("max_age", "due"), [(None, True), (9, True), (10, False), (30, False)])
def test_a_key_is_due_when_older_than_max_age(
    tmp_path: Path, max_age: int | None, due: bool
) -> None:
    said: list[str] = []
    step = rotate(plain_call(), tmp_path / "iamrc", said, max_age=max_age)
    assert step.due(key(OLD, 10), OLD) is due
    quiet = f"{OLD} is 10 days old, not more than {max_age}: nothing to do"
    assert said == ([] if due else [quiet])


def test_room_is_made_by_deleting_the_inactive_key_named(tmp_path: Path) -> None:
    keys = [key(OLD, 10), key("AKIAEXAMPLE00000IDLE", 99, "Inactive")]
    said: list[str] = []
    with stubbed_call() as (call, stubber):
        expected = {"UserName": "alice", "AccessKeyId": "AKIAEXAMPLE00000IDLE"}
        stubber.add_response("delete_access_key", {}, expected)
        before = rotate(call, tmp_path / "iamrc", said).make_room(keys[1], keys, "alice", 5)
    assert before == {OLD}
    assert said == ["deleted inactive key AKIAEXAMPLE00000IDLE"]


def test_no_room_is_made_when_none_is_needed(tmp_path: Path) -> None:
    said: list[str] = []
    before = rotate(plain_call(), tmp_path / "iamrc", said).make_room(None, [key(OLD, 1)], "a", 5)
    assert before == {OLD}
    assert said == []
