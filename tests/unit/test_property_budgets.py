"""Property tests take their budget from the hypothesis profile (tests/conftest.py): `make test`
runs the bounded "fast" one, `make test-deep` the "deep" one (HYPOTHESIS_PROFILE=deep). A number
of examples written into a test would stand in both, so none is: a test's ``max_examples`` is
the profile's, or ``budget(...)`` of it."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parents[1]


def pinned_budgets(root: Path) -> list[str]:
    """Where a ``max_examples=`` below ``root`` is not ``budget(...)`` (a profile's own
    registration aside)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "register_profile":
                continue
            for keyword in node.keywords:
                value = keyword.value
                scaled = (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id == "budget"
                )
                if keyword.arg == "max_examples" and not scaled:
                    found.append(f"{path.relative_to(root)}:{value.lineno}")
    return found


def test_no_property_test_sets_its_own_number_of_examples() -> None:
    assert pinned_budgets(TESTS) == []


def test_a_number_of_examples_of_its_own_is_found(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text(
        "@settings(max_examples=budget(2))\ndef test_a(): pass\n"
        "@settings(deadline=None,\n    max_examples=400)\ndef test_b(): pass\n"
        "settings.register_profile('x', max_examples=9)\n"
    )
    assert pinned_budgets(tmp_path) == ["test_x.py:4"]


def test_the_deep_profile_is_deeper_and_make_test_runs_the_fast_one() -> None:
    fast, deep = settings.get_profile("fast"), settings.get_profile("deep")
    assert fast.max_examples < deep.max_examples
    makefile = (TESTS.parent / "Makefile").read_text()
    assert "HYPOTHESIS_PROFILE=deep" in makefile.partition("\ntest-deep:")[2]
