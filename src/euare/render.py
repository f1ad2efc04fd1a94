"""Turning a verb's records into output: euca2ools text (the default), a table, or JSON.

A verb returns a :class:`Result`: its records (a list of dicts, the structured truth) and,
where euca2ools printed something other than one value per line, a function giving the text lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO, Any

Record = dict[str, Any]
FORMATS = ("text", "table", "json")


def text(value: Any) -> str:
    """One value as euca2ools printed it: times as IAM sends them (UTC, ISO 8601, Z)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment: datetime = value
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def value_lines(records: list[Record]) -> Iterable[str]:
    """The default text form: every value of every record on a line of its own."""
    for record in records:
        for value in record.values():
            yield text(value)


@dataclass
class Result:
    """What a verb produced. ``text`` overrides the default one-value-per-line text form."""

    records: list[Record] = field(default_factory=list)
    text: Callable[[list[Record]], Iterable[str]] | None = None

    def lines(self) -> Iterable[str]:
        return (self.text or value_lines)(self.records)


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value)
    return text(value) if isinstance(value, datetime) else value


def render(result: Result, fmt: str, out: IO[str]) -> None:
    """Write ``result`` to ``out`` in ``fmt`` (one of FORMATS)."""
    if fmt == "json":
        out.write(json.dumps(result.records, indent=2, default=text, ensure_ascii=False) + "\n")
    elif fmt == "table":
        if result.records:
            from tabulate import tabulate

            keys: list[str] = []
            for record in result.records:
                keys.extend(k for k in record if k not in keys)
            rows = [[_plain(r.get(k)) for k in keys] for r in result.records]
            out.write(tabulate(rows, headers=keys, tablefmt="simple") + "\n")
    else:
        for line in result.lines():
            out.write(line + "\n")
    out.flush()
