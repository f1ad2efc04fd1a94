"""The JSON shapes docs/output.md promises, and the check that a verb's output keeps them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| euare-(\w+) \| (\w+) \|(.*?)\|\s*$", re.M)


def documented() -> dict[str, tuple[str, list[str]]]:
    """verb -> (shape, fields) from docs/output.md's tables."""
    text = (ROOT / "docs" / "output.md").read_text(encoding="utf-8")
    shapes: dict[str, tuple[str, list[str]]] = {}
    for verb, shape, fields in ROW.findall(text):
        names = [f.strip(" `") for f in fields.split(",") if f.strip(" `-")]
        shapes[verb] = (shape, names)
    return shapes


def assert_shape(result: Any, verb: str) -> Any:
    """``result`` (a tests.conftest.Result of ``euare-VERB ... --format json``) succeeded and
    printed what docs/output.md says ``verb`` prints; return the parsed output."""
    assert result.returncode == 0, result
    shape, fields = documented()[verb]
    if shape == "none":
        assert result.stdout == "", result.stdout
        return None
    parsed = json.loads(result.stdout)
    if shape == "object":
        assert isinstance(parsed, dict), parsed
        missing = [f for f in fields if f not in parsed]
        assert not missing, f"{verb}: no {missing} in {sorted(parsed)}"
    elif shape == "list":
        assert isinstance(parsed, list) and parsed, f"{verb}: {parsed!r} (make the list non-empty)"
        for item in parsed:
            if fields:
                missing = [f for f in fields if f not in item]
                assert not missing, f"{verb}: an item lacks {missing}: {sorted(item)}"
            else:
                assert isinstance(item, str), item
    else:
        raise AssertionError(f"docs/output.md gives euare-{verb} the unknown shape {shape!r}")
    return parsed
