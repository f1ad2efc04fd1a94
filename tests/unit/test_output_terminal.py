"""One escaping rule (euare.core.terminal) for everything euare prints, in process: text, table,
JSON,
JSON lines, what --query selects in each, error and warning lines (issue 19.5)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from euare.core.errors import EuareError, error_line, stderr_line
from euare.core.render import FORMATS, Result, render, render_query
from euare.core.terminal import visible

# Every kind of character that may not reach a terminal raw: ESC and a whole CSI sequence, the
# one-character CSI (U+009B, which IAM's policy grammar allows), BEL, a lone CR, backspace, DEL,
# NUL, NEL, a bidi override and isolate, a zero-width space, a BOM, a line separator, a soft
# hyphen.
CONTROLS = "\x1b\x9b\x07\r\x08\x7f\x00\x85\u202e\u2066\u200b\ufeff\u2028\u00ad"
HOSTILE = "\x1b[2J\x9b31m" + CONTROLS
# What the tests call driving the terminal (TAB and LF are output's own; CR only before LF).
DRIVING = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
    "|\r(?!\n)"
)


def rendered(result: Result, fmt: str, query: str | None = None) -> str:
    out = io.StringIO()
    if query is None:
        render(result, fmt, out)
    else:
        render_query(result, query, fmt, out)
    return out.getvalue()


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", list(CONTROLS))
def test_each_character_that_could_drive_a_terminal_is_shown_as_its_code(char: str) -> None:
    assert visible(f"a{char}b") == f"a\\u{ord(char):04x}b"
    assert visible(f"a{char}b", one_line=True) == f"a\\u{ord(char):04x}b"


def test_lines_keep_their_line_feeds_tabs_and_line_ending_carriage_returns() -> None:
    document = '{\r\n\t"Version": "2012-10-17"\n}\n'
    assert visible(document) == document
    assert visible("a\rb\r\n") == "a\\u000db\r\n"
    assert visible("a\tb\nc\r\n", one_line=True) == "a\tb\\u000ac\\u000d\\u000a"


# --- every format --------------------------------------------------------------------------------


def hostile_records(text: str) -> list[dict[str, Any]]:
    return [
        {"UserName": text, "Path": f"/{text}/", "Tags": [{"Key": text, "Value": text}]},
        {"UserName": "plain", "Path": "/", "Tags": []},
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", [None, "[].UserName", "[].{n: UserName, t: Tags}", "[0].Path"])
def test_no_format_prints_a_character_that_drives_the_terminal(fmt: str, query: str | None) -> None:
    for stream in (False, True):
        records = hostile_records(f"a{HOSTILE}z")
        result = Result(iter(records) if stream else records, stream=stream)  # type: ignore[arg-type]
        shown = rendered(result, fmt, query)
        assert "z" in shown and not DRIVING.search(shown), repr(shown)


def test_json_stays_json_that_parses_to_the_same_strings() -> None:
    records = hostile_records(f"a{HOSTILE}z")
    assert json.loads(rendered(Result(records), "json")) == records
    lines = rendered(Result(records), "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == records
    assert json.loads(rendered(Result(records), "json", "[0].Tags")) == records[0]["Tags"]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=20), fmt=st.sampled_from(FORMATS), query=st.booleans())
def test_any_text_prints_safely_and_json_round_trips(text: str, fmt: str, query: bool) -> None:
    records = hostile_records(text)
    shown = rendered(Result(records), fmt, "[].Tags" if query else None)
    assert not DRIVING.search(shown), repr(shown)
    if fmt == "json":
        parsed = json.loads(shown)
        assert parsed == ([r["Tags"] for r in records] if query else records)
    if fmt == "table" and not query:  # a row per record, whatever the text holds
        assert len(shown.splitlines()) == 2 + len(records)


def test_a_text_verb_s_own_lines_are_made_visible_too() -> None:
    result = Result([{"PolicyDocument": f'{{"Sid": "{HOSTILE}"}}\r\n'}], lambda rs: ["x\x1b[0m"])
    assert rendered(result, "text") == "x\\u001b[0m\n"
    result = Result([{"Arn": "arn:aws:iam::1:policy/a\u202eb"}])
    assert rendered(result, "text") == "arn:aws:iam::1:policy/a\\u202eb\n"


def test_error_and_warning_lines_show_no_terminal_control() -> None:
    err = EuareError(f"user a{HOSTILE}z cannot be found", code="NoSuch\x1bEntity")
    line = error_line("euare-usergetattributes", err)
    assert line.startswith("euare-usergetattributes: error (NoSuch\\u001bEntity): user a")
    assert not DRIVING.search(line) and "\n" not in line
    warning = stderr_line("euare-accountdiff", f"warning: {HOSTILE}")
    assert not DRIVING.search(warning) and "\n" not in warning


def test_the_debug_log_shows_no_terminal_control() -> None:
    """--debug quotes what the endpoint said: through the same rule, after the secrets are
    masked."""
    import logging

    from euare.core.redact import enable_debug_logging

    loggers = [logging.getLogger(name) for name in ("euare", "botocore", "boto3", "urllib3")]
    saved = [(lg.level, lg.propagate) for lg in loggers]
    stream = io.StringIO()
    handler = enable_debug_logging(stream)
    try:
        logging.getLogger("euare.test-terminal").debug("answer: %s", f"a{HOSTILE}z")
    finally:
        for lg, (level, propagate) in zip(loggers, saved, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate
    logged = stream.getvalue()
    assert "answer: a\\u001b[2J\\u009b31m" in logged and not DRIVING.search(logged)
