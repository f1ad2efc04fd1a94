"""IAM's rules for what may be sent, read from botocore's own model and said in plain words.

This is the one place that judges a value against the model of the member it is sent as (its
length, and the pattern IAM matches it against), and the one place a rule is put in words a
person can act on. It judges what the user gave (a flag, an argument, a file, a prompt, a
document built from flags): see :mod:`euare.cli.apiparams`, which applies it to every parameter
while the command line is read. What the server itself answered (a user's name, a path) is
never judged again: an IAM-compatible cloud may hold names AWS would refuse, and a composite
verb must go on working with them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from euare.core.errors import UsageError

# The patterns of botocore's IAM and STS models that a verb can send a value to (a unit test
# enumerates them from the verb table and fails on one missing here), each with its rule put
# plainly. The model writes them as Java regular expressions, matched whole.
NAME_CHARS = "letters, digits and +=,.@_-"
PATH = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"
PATH_PREFIX = r"\u002F[\u0021-\u007F]*"
POLICY_PATH = r"((/[A-Za-z0-9\.,\+@=_-]+)*)/"
LATIN1 = r"[\u0009\u000A\u000D\u0020-\u00FF]+"
TAG_KEY = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
TAG_VALUE = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"
_TEXT = "tabs, line breaks, printable ASCII and Latin-1 characters (such as é)"
_NOT_WIDE = "not, say, € or curly quotes"

RULES: dict[str, str] = {
    r"[\w+=,.@-]+": f"use only {NAME_CHARS}",
    r"[\w+=,.@-]*": f"use only {NAME_CHARS}",
    r"[\w._-]+": "use only letters, digits and ._-",
    r"[\w+=/:,.@-]+": "use only letters, digits and +=/:,.@_-",
    r"[\w+=/:,.@-]*": "use only letters, digits and +=/:,.@_-",
    r"[\w+=,.@:\/-]*": "use only letters, digits and +=,.@:/_-",
    r"[\w]+": "use only letters, digits and _",
    r"[A-Z0-9]+": "use only capital letters and digits",
    r"[\d]+": "use digits only",
    r"[\d]*": "use digits only",
    PATH: "a path begins and ends with / and holds printable ASCII characters only (no spaces)",
    PATH_PREFIX: "a path prefix begins with / and holds printable ASCII characters only "
    "(no spaces)",
    POLICY_PATH: "a policy's path begins and ends with /, and between the slashes holds only "
    "letters, digits and .,+@=_-",
    LATIN1: "use only tabs, line breaks and characters up to U+00FF (ASCII and Latin-1, such "
    f"as é; {_NOT_WIDE})",
    r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*": f"use only {_TEXT}; {_NOT_WIDE}",
    r"[\u0020-\u00FF]+": "use only characters from space to U+00FF (ASCII and Latin-1)",
    r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+": (
        "control characters other than tabs and line breaks are not allowed"
    ),
    r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?": "a version ID is v and a number, such as v2",
    r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$": "an account alias holds lower-case letters, "
    "digits and single hyphens, and begins and ends with a letter or digit",
    TAG_KEY: "a key holds only letters, digits, spaces and _ . : / = + - @",
    TAG_VALUE: "a value holds only letters, digits, spaces and _ . : / = + - @",
}

_TAG_PUNCTUATION = "_.:/=+-@"


def _tag_char(char: str) -> bool:
    """Whether a tag may hold ``char`` (IAM's \\p{L}, \\p{Z}, \\p{N} and its punctuation)."""
    import unicodedata

    return char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LNZ"


@functools.cache
def _matcher(pattern: str) -> Callable[[str], bool]:
    """Whether a text matches ``pattern`` whole, as the model's (Java) regular expression means
    it: ``\\u10000`` is a code point beyond U+FFFF (Python would read U+1000 and a 0)."""
    if pattern in (TAG_KEY, TAG_VALUE):
        empty_ok = pattern == TAG_VALUE
        return lambda text: (empty_ok or bool(text)) and all(_tag_char(c) for c in text)
    python = re.sub(r"\\u([0-9A-Fa-f]{5,6})", lambda m: f"\\U{int(m.group(1), 16):08X}", pattern)
    compiled = re.compile(python, flags=re.ASCII | re.DOTALL)
    return lambda text: compiled.fullmatch(text) is not None


def _first_misfit(pattern: str, value: str) -> str | None:
    """The first character of ``value`` that a pattern made of one character class (``[...]+``)
    does not allow, or None (for any other pattern, too)."""
    if pattern in (TAG_KEY, TAG_VALUE):
        return next((c for c in value if not _tag_char(c)), None)
    if not re.fullmatch(r"\[[^\[\]]*\][+*]", pattern):
        return None
    one = _matcher(pattern[:-1])
    return next((c for c in value if not one(c)), None)


def rule(pattern: str) -> str:
    """The plain words for ``pattern`` (a pattern missing from RULES is quoted as it is: the
    verb-table test keeps that from happening to a pattern a verb can send to)."""
    return RULES.get(pattern, f"IAM requires it to match {pattern}")


def problem(subject: str, value: Any, shape: Any, secret: bool = False) -> str | None:
    """Why IAM would refuse ``value`` for a member of ``shape`` (botocore's, or its view in
    euare.core.shapes), as a sentence about ``subject`` (the flag or argument it was given as,
    or where it was read from); None if it would not. A list is judged item by item, a
    structure member by member. A ``secret``'s value, or even its length, is never part of the
    answer."""
    if isinstance(value, (list, tuple)):
        target = shape.member if shape.type_name == "list" else shape
        for item in value:
            found = problem(subject, item, target, secret)
            if found:
                return found
        return None
    if isinstance(value, dict) and shape.type_name == "structure":
        for name, member in shape.members.items():
            if name in value:
                found = problem(f"{subject} ({name})", value[name], member, secret)
                if found:
                    return found
        return None
    if not isinstance(value, str) or shape.type_name != "string":
        return None
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    length = "" if secret else f", not {len(value)}"
    if low is not None and low == high and len(value) != low:
        return f"{subject} must be exactly {low} characters long{length}"
    if low is not None and len(value) < low:
        if not value:
            return f"{subject} must not be empty"
        return f"{subject} must be at least {low} characters long{length}"
    if high is not None and len(value) > high:
        return f"{subject} must be at most {high} characters long{length}"
    pattern = shape.metadata.get("pattern")
    if not pattern or _matcher(pattern)(value):
        return None
    if secret:
        return f"{subject} is not valid: {rule(pattern)}"
    misfit = _first_misfit(pattern, value)
    holds = f" (it holds {misfit!r})" if misfit is not None else ""
    return f"{subject}{_shown(value)} is not valid: {rule(pattern)}{holds}"


def _shown(value: str, most: int = 64) -> str:
    """A value as a message quotes it after its subject: escaped, on one line; a long one (a
    document, say) is not quoted at all, the character it should not hold says more."""
    return f" {value!r}" if len(value) <= most else ""


def member_shape(service: str, operation: str, member: str) -> Any:
    """The shape of ``member`` of ``operation``'s input, in the model botocore's session would
    load (KeyError: the model has none); read without importing botocore when it can be (see
    euare.call.client.service_model): a refusal need not pay for it."""
    from euare.call.client import service_model
    from euare.core.shapes import input_shape

    shape = input_shape(service_model(service), operation)
    if shape is None or member not in shape.members:
        raise KeyError(f"{service} {operation} has no input member {member}")
    return shape.members[member]


def refuse(
    subject: str,
    value: Any,
    operation: str,
    member: str,
    service: str = "iam",
    secret: bool = False,
) -> None:
    """A usage error (exit 2, nothing sent) if IAM would refuse ``value`` as ``member`` of
    ``operation``, naming ``subject``: what the user gave it as (``-p/--path-prefix``, USER,
    ``the password read from standard input``). Secrets by the model are never shown, and are
    registered as secrets here, before anything may quote them (euare.core.sensitive: "given")."""
    from euare.core.redact import is_secret, register_secret

    shape = member_shape(service, operation, member)
    secret = secret or is_secret(member, shape)
    if secret:
        register_secret("given", value)
    found = problem(subject, value, shape, secret)
    if found:
        raise UsageError(found)
