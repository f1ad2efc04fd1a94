"""A difference between two snapshots (euare.state.diff) as text: a line per entity, its
changes beneath it, each changed document's unified diff beneath that; every name and value
shown by the one escaping rule (euare.core.terminal)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from euare.core import terminal
from euare.state.diff import CHANGED, DOCUMENTS, Change, Diff


def lines(diff: Diff, verbose: bool = False) -> Iterator[str]:
    """The text form: a line per entity (``+ user carol``, ``- role ci``, ``~ group admins``),
    each changed one followed by its changes, four spaces in, and each changed document by its
    unified diff, eight spaces in; ``verbose``: an added or removed entity's fields too. The
    account-wide settings come first, under ``~ account``."""
    if diff.settings:
        yield f"{CHANGED} account"
        yield from _details(diff.settings)
    for entity in diff.entities:
        yield f"{entity.sign} {entity.kind.label} {visible(entity.name)}"
        if entity.sign == CHANGED or verbose:
            yield from _details(entity.changes)


def _details(changes: Iterator[Change] | tuple[Change, ...]) -> Iterator[str]:
    for change in changes:
        where = " ".join(visible(p) for p in (change.field, change.item, change.member) if p)
        if change.item is not None and change.member is None:
            yield f"    {change.sign} {change.field}: {visible(change.shown)}"
        elif (change.member or change.field) in DOCUMENTS:
            yield f"    {change.sign} {where}"
        elif change.sign == CHANGED:
            yield f"    {change.sign} {where}: {value(change.old)} -> {value(change.new)}"
        else:
            there = change.new if change.old is None else change.old
            yield f"    {change.sign} {where}: {value(there)}"
        for line in change.diff.splitlines():
            yield "        " + visible(line)


def value(found: Any) -> str:
    """A value on a line: text bare (empty text as ""), anything else as compact JSON."""
    import json

    if isinstance(found, str) and found:
        return visible(found)
    return visible(json.dumps(found, sort_keys=True, ensure_ascii=False))


def visible(text: str) -> str:
    """``text`` on its one line, shown by the rule of :mod:`euare.core.terminal` (``\\u001b``)."""
    return terminal.visible(text, one_line=True)
