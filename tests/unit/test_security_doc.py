"""SECURITY.md names the test behind each promise: every test it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?((?:::\w+)?)`")


def named_tests() -> list[tuple[str, str]]:
    """(file, test) pairs; a bare ``::name`` belongs to the file named last before it."""
    pairs: list[tuple[str, str]] = []
    current = ""
    for match in REFERENCE.finditer((ROOT / "SECURITY.md").read_text(encoding="utf-8")):
        path, name = match.group(1), match.group(2).lstrip(":")
        if path:
            current = path
        if name:
            assert current, f"::{name} names no file"
            pairs.append((current, name))
        elif path:
            pairs.append((path, ""))
    return pairs


def test_every_test_security_md_names_exists() -> None:
    pairs = named_tests()
    assert len(pairs) > 40
    missing = []
    for path, name in pairs:
        source = ROOT / path
        if not source.is_file():
            missing.append(path)
        elif name and not re.search(rf"^(?:async )?def {name}\(", source.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert missing == []
