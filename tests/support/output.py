"""Reading euare's text output in tests."""

from __future__ import annotations


def sections(lines: list[str]) -> dict[str, list[str]]:
    """``-p`` output (a header line, then tab-indented items) as {header: items}."""
    found: dict[str, list[str]] = {}
    header = ""
    for line in lines:
        if line.startswith("\t"):
            found[header].append(line[1:])
        else:
            header = line
            found[header] = []
    return found
