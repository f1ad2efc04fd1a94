"""The names a policy uses, judged against the catalogue (euare.policy.catalogue) for
euare.policy.lint:
actions and action patterns (what is wrong with one, and which actions it covers), and the
closest real name to suggest for a misspelt action, service prefix or condition key.

Every judgement is made once per distinct name, however often a document repeats it, and an
action pattern is read once against all of a service's actions together (euare.policy.arnmatch's
automaton). A suggestion costs milliseconds (difflib, against up to 800 names), so one document gets
suggestions for its first :data:`HINTS` distinct unknown names only; the findings are the same
either way, the rest just say no "(did you mean ...?)".
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from euare.policy import arnmatch, catalogue

HINTS = 20
ADMIN_ACTIONS = ("*", "*:*")

# The (prefix, action) pairs an action covers, both in lower case; None: too many to list (``*``
# or a wildcard service).
Covered = tuple[tuple[str, str], ...] | None

# What a suggestion is sought for: (kind, scope, the unknown name). Kinds: "prefix" (among the
# service prefixes), "action" (among the actions of the service ``scope``), "condition" (among
# the condition keys of the service ``scope``).
Request = tuple[str, str, str]


@dataclass(frozen=True)
class Verdict:
    """What is wrong with an action (``code``: "" when nothing is), and what it covers."""

    code: str = ""
    message: str = ""  # without its suggestion
    near: Request | None = None
    covered: Covered = None


@functools.lru_cache(maxsize=1024)
def pattern(text: str) -> re.Pattern[str]:
    """An action pattern's ``*`` and ``?`` as a regular expression (case ignored)."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(body, re.IGNORECASE)


@functools.cache
def _names(scope: str) -> arnmatch.Automaton:
    """The names a pattern is matched against, compiled: the service prefixes (``scope``
    ""), or the actions of the service ``scope`` (lower case)."""
    names = catalogue.services() if not scope else list(catalogue.actions(scope))
    return arnmatch.Automaton.compile(names)


def matching(glob: str, scope: str) -> list[str]:
    """The names (lower case, sorted) of ``scope`` (see :func:`_names`) that ``glob`` matches
    whole: one reading of the pattern against all of them at once (euare.policy.arnmatch)."""
    if glob.strip("*") == "":  # every name: no need to compile them
        return sorted(catalogue.services() if not scope else catalogue.actions(scope))
    return sorted(_names(scope).run(arnmatch.glob_tokens(glob)))


@functools.lru_cache(maxsize=4096)
def judge(text: str) -> Verdict:
    """What is wrong with the action ``text``, or what it covers."""
    if text in ADMIN_ACTIONS:
        return Verdict()
    prefix, colon, name = text.partition(":")
    if not colon or not prefix or not name:
        why = f"{text!r} is not SERVICE:ACTION (e.g. s3:GetObject) or *"
        return Verdict("MALFORMED_ACTION", why)
    service = prefix.lower()
    if "*" in prefix or "?" in prefix:
        if not matching(prefix, ""):
            return Verdict("UNKNOWN_SERVICE", f"{prefix} matches no service prefix")
        return Verdict()
    retired = catalogue.retired_service(prefix)
    if retired is not None:
        return Verdict("RETIRED_SERVICE", f"{prefix} was {retired}, which AWS has retired")
    if not catalogue.known_service(prefix):
        message = f"no AWS service has the prefix {prefix!r}"
        return Verdict("UNKNOWN_SERVICE", message, ("prefix", "", prefix))
    if "*" in name or "?" in name:
        covered = tuple((service, action) for action in matching(name, service))
        if not covered:
            return Verdict("WILDCARD_MATCHES_NOTHING", f"{text} matches no {prefix} action")
        return Verdict(covered=covered)
    if name.lower() not in catalogue.actions(prefix):
        message = f"{prefix} has no action {name!r}"
        return Verdict("UNKNOWN_ACTION", message, ("action", service, name))
    return Verdict(covered=((service, name.lower()),))


def closest(word: str, choices: list[str]) -> str | None:
    """The choice most like ``word`` (ignoring case), as the choice is written; None if none
    is close."""
    return _closest(word, tuple(choices))


@functools.lru_cache(maxsize=1024)
def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    found = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=1)
    if not found:
        return None
    return next(c for c in choices if c.lower() == found[0])


def _suggest(request: Request) -> str | None:
    kind, scope, word = request
    if kind == "prefix":
        return closest(word, catalogue.services())
    if kind == "action":
        near = closest(word, list(catalogue.actions(scope).values()))
        return catalogue.action_name(scope, near) if near else None
    return closest(word, catalogue.condition_keys(scope))


class Suggestions:
    """The suggestions of one document: the first HINTS distinct unknown names get theirs."""

    def __init__(self) -> None:
        self._given: dict[Request, str | None] = {}

    def hint(self, request: Request | None) -> str:
        """`` (did you mean NAME?)`` for ``request``, or "" (no close name, or none left)."""
        if request is None:
            return ""
        key = (request[0], request[1].lower(), request[2].lower())
        if key not in self._given:
            if len(self._given) >= HINTS:
                return ""
            self._given[key] = _suggest(request)
        near = self._given[key]
        return f" (did you mean {near}?)" if near else ""
