"""Policy documents: building them from -e/-a/-r, reading them from -f/-o, printing them.

Everything that touches a policy document's text goes through here, so that parsing errors,
URL-decoding of what IAM returns, and pretty-printing behave the same in every verb.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import IO, Any
from urllib.parse import unquote

from euare.errors import EuareError

POLICY_VERSION = "2012-10-17"
TRUST_POLICY_VERSION = "2008-10-17"


def build(effect: str, actions: list[str], resources: list[str]) -> dict[str, Any]:
    """One statement per resource, each with every action, as euca2ools built them (plus Version).

    Each statement's Sid is ``Stmt`` and the UTC time to the microsecond, kept unique.
    """
    statements = []
    used: set[str] = set()
    for resource in resources:
        sid = "Stmt" + datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        while sid in used:
            sid = f"Stmt{int(sid[4:]) + 1}"
        used.add(sid)
        statements.append(
            {"Sid": sid, "Effect": effect, "Action": list(actions), "Resource": resource}
        )
    return {"Version": POLICY_VERSION, "Statement": statements}


def dumps(document: Any) -> str:
    """The one-line form sent to IAM and printed by ``-o``."""
    return json.dumps(document, ensure_ascii=False)


def parse(text: str, origin: str) -> Any:
    """Parse JSON, reporting a syntax error with its line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EuareError(
            f"{origin} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise EuareError(f"{origin} is not valid JSON: nested too deeply") from None


def read_document(
    content: str | None, path: str | None, stdin: IO[str], what: str = "policy document"
) -> str:
    """The document text from ``-o TEXT`` or ``-f FILE`` (``-`` is stdin), checked as JSON."""
    if content is not None:
        text, origin = content, f"the {what} given on the command line"
    elif path == "-":
        text, origin = stdin.read(), f"the {what} read from standard input"
    elif path is not None:
        from pathlib import Path

        from euare.settings import read_text

        text, origin = read_text(Path(path), what), f"{what} {path}"
    else:
        raise EuareError(f"no {what} given")
    if not text.strip():
        raise EuareError(f"{origin} is empty")
    parse(text, origin)
    return text


def decode(document: str) -> str:
    """IAM returns documents percent-encoded; undo only that, as euca2ools did."""
    return unquote(document)


def pretty(document: str, name: str) -> str:
    """Re-indent a (decoded) document with four spaces."""
    try:
        return json.dumps(json.loads(document), indent=4, ensure_ascii=False)
    except ValueError:
        raise EuareError(f"policy '{name}' does not appear to be valid JSON") from None
