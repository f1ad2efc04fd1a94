"""``~/.eucarc``: read as data with python-dotenv, its variables expanded as a shell would,
within bounds; never executed.

The file is split into assignments by python-dotenv's parser, ``dotenv.parser.parse_stream``,
which the package does not document as public. Its public API, ``dotenv_values(stream=...,
interpolate=...)``, cannot give what a eucarc needs: it answers a dict, so an assignment made
twice is seen once, with its last value, and ``A=1; B=$A; A=2`` could not give B the 1 a shell
gives it; it drops the quotes, so ``'$HOME'`` (literal in a shell) and ``$HOME`` cannot be told
apart; and its own expansion knows ``${VAR}`` but not ``$VAR`` or ``~``, expands inside single
quotes, and has no bound on how far a value may grow. The parser gives each assignment in
order with its original text, which is all this module takes from it (``key``, ``value``,
``error``, ``original.string``); the expansion is euare's own. pyproject.toml pins
python-dotenv to the releases whose parser the tests (tests/unit/test_settings.py) were run
against: 1.0.0 to 1.2.4.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

from euare.core.inputs import LoaderError

# What $VAR expansion may add to one eucarc value, and to a whole eucarc: so that a small file
# of A=xxxx, B=$A$A$A$A, C=$B$B$B$B ... lines cannot grow into gigabytes.
MAX_VALUE_EXPANSION = 64 * 1024
MAX_EUCARC_EXPANSION = 1024 * 1024

# The idiom Eucalyptus' generated eucarc uses to name its own directory. It is recognised, not run.
_SELF_DIR = re.compile(
    r"""^\$\(\s*cd\s+"?\$\(\s*dirname\s+"?\$\{?BASH_SOURCE[^)]*\)"?   # $(cd $(dirname ...)
        \s*;\s*pwd(\s+-P)?\s*\)$                                     # ; pwd -P)""",
    re.X,
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def expand(value: str, scope: Mapping[str, str | None], home: Path) -> str:
    """Expand ``~``, ``$VAR``, ``${VAR}`` and ``${VAR:-default}`` the way a shell would."""
    return _expand(value, scope, home)[0]


class _TooLong(Exception):
    """Expansion would pass its limit (internal: parse_eucarc words the error)."""


def _expand(
    value: str, scope: Mapping[str, str | None], home: Path, most: int | None = None
) -> tuple[str, int]:
    """:func:`expand`, also returning how many characters the expansions put in. Past ``most``
    of them it raises _TooLong at once, before building a longer string.

    One pass from left to right, so that time grows with the length of ``value`` whatever it
    holds (a regular expression would rescan the rest of the text for each of many unclosed
    ``${A:-``). A ``$`` that starts none of the forms is kept as it is; a default is literal.
    """
    parts: list[str] = []
    added = 0
    closing = -2  # the next "}" at or after where it was last looked for (-1: there is none)

    def grow(text: str) -> str:
        nonlocal added
        added += len(text)
        if most is not None and added > most:
            raise _TooLong
        return text

    def close_after(start: int) -> int:
        nonlocal closing
        if closing == -2 or (closing != -1 and closing < start):
            closing = value.find("}", start)
        return closing

    at = 0
    if value == "~" or value.startswith("~/"):
        parts.append(grow(str(home)))
        at = 1
    while (dollar := value.find("$", at)) >= 0:
        parts.append(value[at:dollar])
        at = dollar + 1
        bare = _NAME.match(value, at)
        if bare:
            parts.append(grow(scope.get(bare.group()) or ""))
            at = bare.end()
            continue
        braced = _NAME.match(value, at + 1) if value.startswith("{", at) else None
        if braced is None:
            parts.append("$")
            continue
        name, after = braced.group(), braced.end()
        if value.startswith("}", after):
            parts.append(grow(scope.get(name) or ""))
            at = after + 1
        elif value.startswith(":-", after) and close_after(after + 2) >= 0:
            end = close_after(after + 2)
            parts.append(grow(scope.get(name) or value[after + 2 : end]))
            at = end + 1
        else:
            parts.append("$")
    parts.append(value[at:])
    return "".join(parts), added


def parse_eucarc(text: str, path: Path, env: Mapping[str, str], home: Path) -> dict[str, str]:
    """Read a eucarc's variable assignments with python-dotenv, without executing anything.

    Assignments are taken in order, as a shell would: a variable is expanded with the values set
    before it, and a later assignment replaces an earlier one; single-quoted values are not
    expanded. Command substitutions (``$(...)`` and backticks) are never run. The one idiom
    Eucalyptus writes to name the file's own directory is recognised and resolved to ``path``'s
    directory; any other substitution leaves its variable unset. Lines that are not assignments
    (``alias``, ``if``) are passed over.

    Expansion is bounded: it may add at most :data:`MAX_VALUE_EXPANSION` characters to one
    value and :data:`MAX_EUCARC_EXPANSION` to the whole file; past that the file is refused
    with a LoaderError, before the longer text is built.
    """
    from dotenv.parser import parse_stream

    try:
        bindings = list(parse_stream(io.StringIO(text)))
    except Exception as exc:  # python-dotenv's parser has no error type of its own
        raise LoaderError(f"cannot parse {path}: {exc}") from None
    scope: dict[str, str | None] = dict(env)
    values: dict[str, str] = {}
    left = MAX_EUCARC_EXPANSION
    for binding in bindings:
        name, value = binding.key, binding.value
        if binding.error or name is None or value is None:
            continue
        value = value.strip()
        quoted = binding.original.string.partition("=")[2].lstrip().startswith("'")
        if quoted:
            expanded: str | None = value
        elif _SELF_DIR.match(value):
            expanded = str(path.resolve().parent)
        elif "$(" in value or "`" in value:
            expanded = None
        else:
            most = min(MAX_VALUE_EXPANSION, left)
            try:
                expanded, added = _expand(value, scope, home, most)
            except _TooLong:
                limit = (
                    f"longer than {MAX_VALUE_EXPANSION // 1024} KiB"
                    if most == MAX_VALUE_EXPANSION
                    else f"past {MAX_EUCARC_EXPANSION // 1024} KiB in all"
                )
                raise LoaderError(
                    f"eucarc {path}: expanding the variables in {name} makes it {limit}; "
                    "refusing to expand further"
                ) from None
            left -= added
        scope[name] = expanded
        values.pop(name, None)
        if expanded is not None:
            values[name] = expanded
    return values
