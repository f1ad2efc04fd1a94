"""docs/output.md gives every verb a JSON shape, and some end-to-end test checks each one."""

from __future__ import annotations

import ast

from euare.cli.table import VERBS
from tests.support.shapes import ROOT, documented


def test_every_verb_has_a_documented_json_shape() -> None:
    shapes = documented()
    assert sorted(set(VERBS) - set(shapes)) == []
    unknown = {v: s for v, (s, _) in shapes.items() if s not in ("object", "list", "none")}
    assert unknown == {}


def checked_verbs() -> set[str]:
    """The verb names given, as a literal last argument, to assert_shape in the output tests."""
    names: set[str] = set()
    for path in (ROOT / "tests" / "e2e").glob("test_output*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "assert_shape"
                and node.args
                and isinstance(node.args[-1], ast.Constant)
            ):
                names.add(str(node.args[-1].value))
    return names


def test_every_verb_s_json_shape_is_checked_end_to_end() -> None:
    assert sorted(set(VERBS) - checked_verbs()) == []
