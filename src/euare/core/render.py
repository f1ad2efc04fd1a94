"""Turning a verb's records into output: euca2ools text (the default), a table, or JSON.

A verb returns a :class:`Result`: its records (a list of dicts, the structured truth) and,
where euca2ools printed something other than one value per line, a function giving the text lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO, Any

from euare.core.terminal import visible

Record = dict[str, Any]
FORMATS = ("text", "table", "json", "jsonl")


def as_text(value: Any) -> str:
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
            yield as_text(value)


@dataclass
class Result:
    """What a verb produced: its records, IAM's own items (JSON prints them whole), and how they
    print as text. ``text`` overrides the default one-value-per-line text form; ``one`` marks a
    verb about one entity, whose JSON is that object rather than a list."""

    records: list[Record] = field(default_factory=list)
    text: Callable[[list[Record]], Iterable[str]] | None = None
    one: bool = False
    stream: bool = False  # records is an iterator, read page by page as it is rendered
    columns: tuple[str, ...] = ()  # --format table's columns, when TABLE_COLUMNS has none of them
    # called once the records are printed (in any format): it may raise, to end the command
    # with an error after its output (policysimulate --fail-on-deny)
    verdict: Callable[[], None] | None = None

    def lines(self) -> Iterable[str]:
        return (self.text or value_lines)(self.records)


class PolicyText(str):
    """A policy document exactly as IAM stores it (URL-decoded): text prints it byte for byte,
    JSON output gives it parsed (see :func:`jsonable`)."""


def jsonable(value: Any) -> Any:
    """``value`` as JSON shows it: IAM's fields as they came, minus ResponseMetadata, dates in
    ISO 8601 UTC, policy documents parsed (their stored text when that is not JSON)."""
    if isinstance(value, PolicyText):
        try:
            import json

            return json.loads(value)
        except ValueError:
            return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return as_text(value)
    return value


# Columns --format table shows, in this order, of those the records have: what names an item
# (NAMES), then its ID, path, state and dates. Records with none of these show every plain field;
# records with some but no name lead with their ARN (a SAML provider's list item has no other).
NAMES = (
    "UserName",
    "GroupName",
    "RoleName",
    "InstanceProfileName",
    "PolicyName",
    "ServerCertificateName",
    "AccessKeyId",
    "CertificateId",
    "SSHPublicKeyId",
    "ServiceSpecificCredentialId",
    "ServiceName",
    "SerialNumber",
    "VersionId",
    "Alias",
    "Name",
    "Key",
)
TABLE_COLUMNS = (
    *NAMES,
    "UserId",
    "GroupId",
    "RoleId",
    "PolicyId",
    "InstanceProfileId",
    "ServerCertificateId",
    "Path",
    "Status",
    "IsDefaultVersion",
    "DefaultVersionId",
    "AttachmentCount",
    "Value",
    "CreateDate",
    "Expiration",
    "ValidUntil",
    "UploadDate",
    "EnableDate",
)
MAX_COLUMNS = 6


def table_columns(records: list[Record]) -> list[str]:
    """The few useful columns for these records (see TABLE_COLUMNS)."""
    present = {k for record in records for k in record}
    chosen = [k for k in TABLE_COLUMNS if k in present]
    if chosen and "Arn" in present and not present.intersection(NAMES):
        chosen.insert(0, "Arn")
    if chosen:
        return chosen[:MAX_COLUMNS]
    keys: list[str] = []
    for record in records:
        keys.extend(
            k for k, v in record.items() if k not in keys and not isinstance(v, (dict, list))
        )
    return keys or sorted(present)


def _cell(value: Any) -> Any:
    """A value as a table cell: numbers and flags as they are (tabulate aligns them), a list's
    items joined with commas, an object as compact JSON, text on its one line, made visible."""
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        text = ", ".join(v if isinstance(v, str) else _json(v) for v in jsonable(value))
    elif isinstance(value, dict):
        text = _json(jsonable(value))
    else:
        text = as_text(value)
    return visible(text, one_line=True)


def _table(records: list[Any], columns: Iterable[str], out: IO[str]) -> None:
    """``records`` (a plain value stands for ``{"Value": value}``) as a table of ``columns``
    (none given: :func:`table_columns`); nothing at all for no records."""
    rows = [r if isinstance(r, dict) else {"Value": r} for r in records]
    if not rows:
        return
    from tabulate import tabulate

    keys = list(columns) or table_columns(rows)
    cells = [[_cell(r.get(k)) for k in keys] for r in rows]
    headers = [visible(k, one_line=True) for k in keys]
    # a column of text stays as written ("1e5", "007"); one of numbers is aligned as numbers
    text = [i for i in range(len(keys)) if any(isinstance(row[i], str) for row in cells)]
    out.write(tabulate(cells, headers, "simple", disable_numparse=text) + "\n")


def _first_page(records: Iterable[Record]) -> Iterable[Record]:
    """``records``, its first item already read: a list verb's first page has arrived (or its
    failure has been raised) before any of its output, a heading included, is written."""
    items = iter(records)
    for first in items:
        return itertools.chain([first], items)
    return ()


def render(result: Result, fmt: str, out: IO[str]) -> None:
    """Write ``result`` to ``out`` in ``fmt`` (one of FORMATS), made visible (see
    :mod:`euare.core.terminal`).

    A list verb's records arrive page by page (an iterator): text and JSON lines (``jsonl``,
    one record a line) are written as they come, each line flushed, so the first line of a long
    listing shows after the first page and memory does not grow with the account; ``json`` and
    ``table`` need the whole set first. Nothing is written before the first page has arrived,
    so a request that fails leaves stdout empty."""
    if result.stream:
        result.records = _first_page(result.records)  # type: ignore[assignment]  # lazily
    if fmt == "jsonl":
        for record in result.records:
            out.write(_json(jsonable(record)) + "\n")
            out.flush()
    elif fmt == "json":
        shown: Any = jsonable(list(result.records))
        if result.one:
            shown = shown[0] if shown else {}
        out.write(_json(shown, indent=2) + "\n")
    elif fmt == "table":
        _table(list(result.records), result.columns, out)
    else:
        for line in result.lines():
            out.write(visible(line + "\n"))
            if result.stream:
                out.flush()
    out.flush()


def _json(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON text, non-ASCII characters as they are but those :func:`visible`
    escapes (only ever inside strings, where ``\\u009b`` means the character itself)."""
    import json  # here: --help and usage errors never pay for it

    return visible(json.dumps(value, indent=indent, ensure_ascii=False))


def json_text(value: Any, indent: int | None = None) -> str:
    """``value`` (as :func:`jsonable` made it) as the JSON formats write it."""
    return _json(value, indent)


def write_table(records: list[Any], columns: Iterable[str], out: IO[str]) -> None:
    """``records`` as ``--format table`` writes them, under ``columns`` (none: the usual)."""
    _table(records, columns, out)


def compile_query(expression: str) -> Any:
    """The JMESPath expression compiled; ValueError (its message one line) if it does not parse."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(expression)
    except JMESPathError as exc:
        raise ValueError(" ".join(str(exc).split())) from None


def render_query(result: Result, expression: str, fmt: str, out: IO[str]) -> None:
    """Write what ``expression`` (JMESPath) selects from the records as ``--format json`` shows
    them, in ``fmt``: text, each value on a line (a list: each item), strings bare, anything
    else as compact JSON, nothing for null; jsonl, the same as JSON values; json, as JSON; table,
    a table: a list of objects a row each under their keys, other values under ``Value``."""
    shown: Any = jsonable(list(result.records))
    if result.one:
        shown = shown[0] if shown else {}
    found = compile_query(expression).search(shown)
    if fmt == "json":
        out.write(_json(found, indent=2) + "\n")
    elif fmt == "table":
        values = [] if found is None else found if isinstance(found, list) else [found]
        keys: list[str] = []
        for value in values:
            if isinstance(value, dict):
                keys.extend(k for k in value if k not in keys)
            elif "Value" not in keys:
                keys.append("Value")
        _table(values, keys, out)
    else:
        for value in found if isinstance(found, list) else [found]:
            if value is None:
                continue
            if fmt == "text" and isinstance(value, str):
                out.write(visible(value + "\n"))
            else:
                out.write(_json(value) + "\n")
    out.flush()


def boundary_lines(record: Record) -> list[str]:
    """The -v line naming a user's or role's boundary (none when it has none)."""
    boundary = record.get("PermissionsBoundary") or {}
    arn = boundary.get("PermissionsBoundaryArn")
    return [f"Permissions boundary: {arn}"] if arn else []
