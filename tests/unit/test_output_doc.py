"""docs/output.md gives every verb a JSON shape, and some end-to-end test checks each one."""

from __future__ import annotations

import re

from euare.verbs import VERBS
from tests.support.shapes import ROOT, documented


def test_every_verb_has_a_documented_json_shape() -> None:
    shapes = documented()
    assert sorted(set(VERBS) - set(shapes)) == []
    unknown = {v: s for v, (s, _) in shapes.items() if s not in ("object", "list", "none")}
    assert unknown == {}


def test_every_verb_s_json_shape_is_checked_end_to_end() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "tests" / "e2e").glob("test_output*.py"))
    checked = set(re.findall(r"assert_shape\([^)]*?\"(\w+)\"\)", source, re.S))
    assert sorted(set(VERBS) - checked) == []
