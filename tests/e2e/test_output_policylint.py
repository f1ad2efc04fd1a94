"""euare-policylint's JSON shape (docs/output.md): a list of findings, each a record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Home
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways


def test_policylint_json_is_a_list_of_findings(tmp_path: Path) -> None:
    home = Home(tmp_path, "http://127.0.0.1:9/")  # it sends nothing
    document = {"Statement": [{"Effect": "Allow", "Action": "s3x:Get", "Resource": "bucket"}]}
    path = home.write("p.json", json.dumps(document))
    found = home.run("policylint", "--fail-on", "error", "--format", "json", str(path))
    records = assert_shape(found, "policylint")
    assert [(r["Code"], r["Path"], r["Value"]) for r in records] == [
        ("UNKNOWN_SERVICE", "$.Statement[0].Action", "s3x:Get"),
        ("MALFORMED_ARN", "$.Statement[0].Resource", "bucket"),
    ]
