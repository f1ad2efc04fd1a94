"""The text of a policy that is matched against a request: wildcards and policy variables, as
IAM reads them in Action, Resource and condition values (the policy evaluator's vocabulary,
:mod:`euare.policy.evaluate`).

A value is read once into pieces (:func:`pieces`): literal text, the wildcards ``*`` (any text)
and ``?`` (one character), and policy variables (``${aws:username}``, ``${aws:PrincipalTag/team,
'none'}``). ``${*}``, ``${?}`` and ``${$}`` are those characters, literally (IAM User Guide,
"IAM policy elements: Variables and tags", Special characters). A variable takes the value its
key has in the request's context (key names ignore case); a key with no value, or with several
(a multivalued key cannot be a variable), takes the variable's default if it has one, and
otherwise leaves it unresolved: the caller then treats the statement as not matching ("any
attempt to match it fails and causes the statement to be invalid"). A variable's value is
literal text: a ``*`` in a user name is no wildcard.

Matching is by regular expressions compiled once per resolved value:

- :func:`glob` -- ``*`` any text and ``?`` any one character, over the whole string (Action,
  StringLike);
- :func:`arn` -- an ARN's six colon-separated fields. For the Resource element (IAM User Guide,
  "IAM JSON policy elements: Resource"): wildcards stay within their field, except a ``*`` that
  ends a field, which may run past colons; the first five fields (``arn``, partition, service,
  region, account) ignore case and the resource part after the fifth colon does not. For the
  ArnLike condition operators ("Each of the six colon-delimited components of the ARN is
  checked separately"): every field case-sensitive, no wildcard past a colon in the first five.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Context = Mapping[str, Sequence[str]]  # condition keys in lower case -> their values


class Wild(enum.Enum):
    ANY = "*"
    ONE = "?"


@dataclass(frozen=True)
class Variable:
    """``${key}`` or ``${key, 'default'}``: ``key`` as the policy writes it."""

    key: str
    default: str | None = None


Piece = str | Wild | Variable
Resolved = tuple[str | Wild, ...]

_SPECIAL = ("*", "?", "$")
# Inside ${...}: a key, then optionally ", 'default'" (a quote doubled inside the default).
_INNER = re.compile(r"\s*([^\s,'{}$]+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?")


@functools.lru_cache(maxsize=4096)
def pieces(text: str, variables: bool, wildcards: bool) -> tuple[Piece, ...]:
    """``text`` read as pieces. Without ``variables`` (a document older than 2012-10-17, or an
    operator that takes none) ``${...}`` is literal text; without ``wildcards`` (StringEquals)
    ``*`` and ``?`` are."""
    found: list[Piece] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            found.append("".join(literal))
            literal.clear()

    index = 0
    while index < len(text):
        char = text[index]
        if variables and text.startswith("${", index):
            end = text.find("}", index + 2)
            inner = text[index + 2 : end] if end >= 0 else ""
            named = _INNER.fullmatch(inner) if end >= 0 else None
            if inner in _SPECIAL:
                literal.append(inner)
                index = end + 1
                continue
            if named is not None:
                flush()
                default = named.group(2)
                unquoted = None if default is None else default.replace("''", "'")
                found.append(Variable(named.group(1), unquoted))
                index = end + 1
                continue
        if wildcards and char in "*?":
            flush()
            found.append(Wild.ANY if char == "*" else Wild.ONE)
        else:
            literal.append(char)
        index += 1
    flush()
    return tuple(found)


def keys_of(found: Sequence[Piece]) -> list[str]:
    """The context keys the variables among ``found`` read, as written."""
    return [piece.key for piece in found if isinstance(piece, Variable)]


def value_of(context: Context, key: str) -> Sequence[str] | None:
    """The values of ``key`` in ``context`` (whose keys are lower case); None when it has none."""
    values = context.get(key.lower())
    return values if values else None


def resolve(found: Sequence[Piece], context: Context) -> tuple[Resolved, list[str]]:
    """``found`` with its variables replaced by their values, and the keys of those that have
    none (as written)."""
    resolved: list[str | Wild] = []
    unresolved: list[str] = []
    for piece in found:
        if not isinstance(piece, Variable):
            resolved.append(piece)
            continue
        values = value_of(context, piece.key)
        if values is not None and len(values) == 1:
            resolved.append(values[0])
        elif piece.default is not None:
            resolved.append(piece.default)
        else:
            unresolved.append(piece.key)
    return tuple(resolved), unresolved


def text_of(resolved: Resolved) -> str:
    """A resolved value read without wildcards (StringEquals): its text."""
    return "".join(p if isinstance(p, str) else p.value for p in resolved)


@functools.lru_cache(maxsize=4096)
def glob(resolved: Resolved, ignore_case: bool) -> re.Pattern[str]:
    """``*`` any text, ``?`` one character, anywhere; to be used with ``fullmatch``."""
    parts = [
        re.escape(p) if isinstance(p, str) else (".*" if p is Wild.ANY else ".") for p in resolved
    ]
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _either_case(char: str) -> str:
    lower, upper = char.lower(), char.upper()
    if lower == upper or len(lower) != 1 or len(upper) != 1:
        return re.escape(char)
    return f"[{re.escape(lower)}{re.escape(upper)}]"


_FIELDS = 5  # colons before an ARN's resource part


@functools.lru_cache(maxsize=4096)
def arn(resolved: Resolved, resource_element: bool) -> re.Pattern[str]:
    """An ARN pattern field by field (see the module's docstring): the Resource element's rules
    with ``resource_element``, the ArnLike operators' without. Use with ``fullmatch``."""
    parts: list[str] = []
    colons = 0
    for index, piece in enumerate(resolved):
        if isinstance(piece, str):
            for char in piece:
                prefix = colons < _FIELDS
                parts.append(_either_case(char) if prefix and resource_element else re.escape(char))
                colons += char == ":"
            continue
        if colons >= _FIELDS:
            parts.append(".*" if piece is Wild.ANY else ".")
        elif piece is Wild.ONE:
            parts.append("[^:]")
        else:
            following = resolved[index + 1] if index + 1 < len(resolved) else None
            ends_field = following is None or (
                isinstance(following, str) and following.startswith(":")
            )
            parts.append(".*" if resource_element and ends_field else "[^:]*")
    return re.compile("".join(parts), re.DOTALL)
