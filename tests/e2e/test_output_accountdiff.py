"""euare-accountdiff --format json keeps the shape docs/output.md gives it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Home
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways


def test_accountdiff_json_shape(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice")
    snapshot = home.path / "snapshot.json"
    assert home.run("accountsnapshot", "-o", str(snapshot)).returncode == 0
    result = home.run("accountdiff", "--format", "json", str(snapshot), str(snapshot))
    found = assert_shape(result, "accountdiff")
    assert found["Equal"] is True
    assert (
        found["Old"]
        == found["New"]
        == {
            "Account": json.loads(snapshot.read_text())["Account"],
            "Taken": json.loads(snapshot.read_text())["Taken"],
        }
    )
