"""euare-accountapply --dry-run --format json keeps the shape docs/output.md gives it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Home, Result
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways


def test_accountapply_json_shape(home: Home, iam: Any) -> None:
    desired = home.path / "desired.json"
    desired.write_text(
        json.dumps(
            {"Format": "euare-snapshot/1", "Users": [{"UserName": "alice", "Path": "/people/"}]}
        )
    )
    done = home.run("accountapply", "--dry-run", "--format", "json", str(desired))
    assert done.returncode == 1, done.stderr  # a plan to print: as accountdiff's "they differ"
    (step,) = assert_shape(Result(0, done.stdout, done.stderr), "accountapply")
    assert step["Operation"] == "CreateUser" and step["Step"] == 1
