"""A STAND-IN for the policy evaluator (issue 22's branch evaluate22 writes the real one, with
this interface): IAM's decision for one action on one resource under identity policies, a
permissions boundary and resource-based policies. It knows Action/NotAction,
Resource/NotResource and Principal with ``*`` and ``?``, the order explicit deny, allow,
implicit deny, and StringEquals/StringLike conditions (any other condition does not hold);
policy variables are not resolved. The sandbox's model (euare.sandbox.model) calls it."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from euare.core.errors import UsageError

ALLOWED = "allowed"
EXPLICIT_DENY = "explicitDeny"
IMPLICIT_DENY = "implicitDeny"


@dataclass(frozen=True)
class Policy:
    """One policy document as IAM holds it."""

    source_id: str  # IAM's SourcePolicyId
    source_type: str  # IAM's SourcePolicyType
    text: str  # the document's JSON text (positions are counted in it)


@dataclass(frozen=True)
class Request:
    action: str  # "s3:GetObject"
    resource: str  # an ARN, or "*"
    context: Mapping[str, Sequence[str]]  # condition keys (any case) -> values
    principal: str | None = None  # the caller's ARN, for a resource policy's Principal


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True)
class Match:
    source_id: str
    source_type: str
    start: Position
    end: Position


@dataclass(frozen=True)
class Decision:
    decision: str  # "allowed" | "explicitDeny" | "implicitDeny"
    matched: tuple[Match, ...]
    missing_context: tuple[str, ...]
    allowed_by_boundary: bool | None  # None when no boundary was given


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, ignore_case: bool) -> bool:
    regex = fnmatch.translate(pattern.replace("[", "[[]"))
    return re.match(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _spans(text: str) -> list[tuple[int, int]]:
    """Where each statement object starts ({) and ends (}) in ``text``."""
    decoder = json.JSONDecoder()
    start = text.find('"Statement"')
    index = text.find(":", start) + 1
    while text[index].isspace():
        index += 1
    found = []
    if text[index] == "{":
        found.append((index, decoder.raw_decode(text, index)[1] - 1))
        return found
    index += 1
    while True:
        while text[index] in " \t\r\n,":
            index += 1
        if text[index] == "]":
            return found
        end = decoder.raw_decode(text, index)[1]
        found.append((index, end - 1))
        index = end


def _past(text: str, index: int) -> Position:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 2
    return Position(line, column)


def _principal(element: Any, principal: str | None) -> bool:
    if element == "*":
        return True
    for kind, ids in dict(element).items():
        for listed in _listed(ids):
            if kind == "AWS" and listed == "*":
                return True
            if principal is None:
                continue
            if listed == principal:
                return True
            account = listed if listed.isdigit() else listed.removesuffix(":root")
            whole = listed.endswith(":root") or listed.isdigit()
            if whole and principal.split(":")[4:5] == [account.split(":")[-1]]:
                return True
    return False


def _conditions(block: Any, context: dict[str, list[str]], keys: dict[str, str]) -> bool:
    holds = True
    for operator, tests in dict(block or {}).items():
        for key, wanted in dict(tests).items():
            keys.setdefault(key.lower(), key)
            given = context.get(key.lower())
            if given is None:
                holds = False
                continue
            like = operator.startswith("StringLike")
            if operator not in ("StringEquals", "StringLike") or not any(
                _glob(w, g, False) if like else w == g for w in _listed(wanted) for g in given
            ):
                holds = False
    return holds


def _judge(
    policies: Sequence[Policy],
    request: Request,
    context: dict[str, list[str]],
    keys: dict[str, str],
    resource_policy: bool,
) -> tuple[list[Match], list[Match]]:
    allows: list[Match] = []
    denies: list[Match] = []
    for policy in policies:
        try:
            document = json.loads(policy.text)
            statements = _listed(document["Statement"])
            spans = _spans(policy.text)
        except (ValueError, KeyError, TypeError, IndexError):
            raise UsageError(f"policy {policy.source_id} is not a valid IAM policy") from None
        for statement, (start, end) in zip(statements, spans, strict=False):
            hit = _conditions(statement.get("Condition"), context, keys)
            named = "Action" if "Action" in statement else "NotAction"
            matched = any(_glob(p, request.action, True) for p in _listed(statement[named]))
            hit = hit and matched == (named == "Action")
            if resource_policy:
                who = "Principal" if "Principal" in statement else "NotPrincipal"
                inside = _principal(statement.get(who, {}), request.principal)
                hit = hit and inside == (who == "Principal")
            if "Resource" in statement or "NotResource" in statement:
                named = "Resource" if "Resource" in statement else "NotResource"
                matched = any(_glob(p, request.resource, False) for p in _listed(statement[named]))
                hit = hit and matched == (named == "Resource")
            if hit:
                match = Match(
                    policy.source_id,
                    policy.source_type,
                    _past(policy.text, start),
                    _past(policy.text, end),
                )
                (allows if statement.get("Effect") == "Allow" else denies).append(match)
    return allows, denies


def evaluate(
    request: Request,
    identity: Sequence[Policy],
    boundary: Sequence[Policy] = (),
    resource: Sequence[Policy] = (),
) -> Decision:
    """IAM's decision on ``request`` under these policies (see the module's docstring)."""
    context: dict[str, list[str]] = {}
    for key, values in request.context.items():
        context.setdefault(key.lower(), []).extend([values] if isinstance(values, str) else values)
    keys: dict[str, str] = {}
    own_allow, own_deny = _judge(identity, request, context, keys, False)
    res_allow, res_deny = _judge(resource, request, context, keys, True)
    limit_allow, limit_deny = _judge(boundary, request, context, keys, False)
    within = None if not boundary else bool(limit_allow) and not limit_deny
    missing = tuple(sorted((k for low, k in keys.items() if low not in context), key=str.lower))
    denies = own_deny + res_deny + limit_deny
    allows = (own_allow if within is not False else []) + res_allow
    if denies:
        return Decision(EXPLICIT_DENY, tuple(denies), missing, within)
    if allows:
        return Decision(ALLOWED, tuple(allows), missing, within)
    return Decision(IMPLICIT_DENY, (), missing, within)
