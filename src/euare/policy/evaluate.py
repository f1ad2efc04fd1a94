"""A local evaluator of IAM policies: the decision IAM's policy simulator (SimulatePrincipalPolicy,
SimulateCustomPolicy) gives for one action on one resource, with the statements that decided it
and the context keys the policies read that the request did not give.

What it models, from the IAM User Guide ("Policy evaluation logic" and the pages it links):

- Order: an explicit Deny in any applicable policy (identity, permissions boundary, resource)
  gives ``explicitDeny``. Else the request is ``allowed`` when a resource-based policy allows it
  (within one account a permissions boundary does not reduce what a resource-based policy
  grants), or when an identity-based policy allows it and, if a boundary is given, the
  boundary allows it too. Else ``implicitDeny``. Identity and resource policies of one account
  combine as a union: either one's Allow is enough.
- A statement applies when its Action (or NotAction) covers the action, its Resource (or
  NotResource) the resource, in a resource-based policy its Principal (or NotPrincipal) the
  caller, and its conditions hold (:mod:`euare.policy.conditions`). Actions match with ``*``
  and ``?`` ignoring case; resources as :func:`euare.policy.patterns.arn` says. A policy
  variable without a value makes its statement not apply.
- MatchedStatements: the Deny statements that applied, for ``explicitDeny``; the Allow
  statements that granted, for ``allowed`` (an identity policy's only if the boundary allows);
  none for ``implicitDeny``. Each is placed in its document's text as IAM places it: the line
  and column just past the statement's ``{`` and just past its ``}``, lines and columns counted
  from 1 in characters. (IAM's own example, in the AWS CLI's ``simulate-custom-policy``: the
  one-line document ``{"Version":"2012-10-17","Statement":{"Effect":...}}`` has its
  statement's ``{`` in column 37 and its ``}`` in column 166, and IAM answers 38 and 167.)
- MissingContextValues: every context key that some statement of the policies reads (in a
  condition, or as a policy variable) and that the request's context does not give, sorted
  and once each, ignoring case: as IAM answers, whatever the action simulated (the keys
  GetContextKeysForCustomPolicy would list, less those given; boto/boto3#3111).

Not modelled: service control policies, resource control policies, session policies,
cross-account requests, a resource policy naming an account (it delegates to that account's
identity policies, which the union already consults) or a role session's ARN.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from euare.core.errors import UsageError
from euare.policy import conditions, documents, patterns
from euare.policy.conditions import Test
from euare.policy.patterns import Resolved

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


@dataclass(frozen=True)
class _Statement:
    """One statement, read."""

    allow: bool
    actions: tuple[Resolved, ...]
    not_action: bool
    resources: tuple[tuple[patterns.Piece, ...], ...] | None  # None: the policy's resource
    not_resource: bool
    principals: Any  # the Principal or NotPrincipal element (resource policies), or None
    not_principal: bool
    tests: tuple[Test, ...]
    keys: tuple[str, ...]  # the context keys it reads, as written
    start: Position
    end: Position


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


_BLANK = " \t\n\r"


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _BLANK:
        index += 1
    return index


def _spans(text: str) -> list[tuple[int, int]]:
    """Where each statement of ``text`` (a policy already parsed) begins and ends: the indexes
    of its ``{`` and ``}``, in the order of :func:`euare.policy.documents.statements`."""
    decoder = json.JSONDecoder()
    spans: list[tuple[int, int]] = []
    index = _skip(text, _skip(text, 0) + 1)  # past the document's "{"
    while index < len(text) and text[index] == '"':
        key, index = decoder.raw_decode(text, index)
        start = _skip(text, _skip(text, index) + 1)  # past the ":"
        _, index = decoder.raw_decode(text, start)
        if key == "Statement":  # a repeated key: the last one counts, as in json.loads
            spans = _elements(text, start, index, decoder)
        index = _skip(text, index)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
    return spans


def _elements(text: str, start: int, end: int, decoder: json.JSONDecoder) -> list[tuple[int, int]]:
    if text[start] == "{":
        return [(start, end - 1)]
    spans: list[tuple[int, int]] = []
    index = _skip(text, start + 1)
    while index < end and text[index] != "]":
        _, after = decoder.raw_decode(text, index)
        spans.append((index, after - 1))
        index = _skip(text, after)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return spans


def _past(text: str, index: int) -> Position:
    """The position just past the character at ``index``: its line, and the column of the
    character after it, both from 1. A line ends at \\n, \\r\\n or \\r."""
    before = text[:index]
    line = 1 + before.count("\n") + before.count("\r") - before.count("\r\n")
    last_break = max(before.rfind("\n"), before.rfind("\r"))
    return Position(line, index - last_break + 1)


def _check_principal(element: Any, where: str) -> None:
    if element == "*":
        return
    if not isinstance(element, dict) or not element:
        raise UsageError(f'{where} must be "*" or an object of principals')
    for kind, ids in element.items():
        if not all(isinstance(one, str) and one for one in _listed(ids)) or ids == []:
            raise UsageError(f"{where}.{kind} must be a string or a list of strings")


@functools.lru_cache(maxsize=512)
def _read(text: str, resource_policy: bool, origin: str) -> tuple[_Statement, ...]:
    """The statements of the document ``text``; a usage error (one line naming ``origin``)
    when it is not JSON, or not an IAM policy of its kind."""
    if not text.strip():
        raise UsageError(f"{origin} is empty")
    document = documents.parse(text, origin)
    documents.validate(document, origin, documents.TRUST if resource_policy else documents.IDENTITY)
    variables = document.get("Version") == documents.POLICY_VERSION
    spans = _spans(text)
    read: list[_Statement] = []
    for index, ((_, statement), (start, end)) in enumerate(
        zip(documents.statements(document), spans, strict=True)
    ):
        where = f"{origin}: Statement[{index}]"
        named = "Principal" if "Principal" in statement else "NotPrincipal"
        if named in statement and not resource_policy:
            raise UsageError(f"{where} has a {named}, which an identity policy cannot have")
        if named in statement:
            _check_principal(statement[named], f"{where}.{named}")
        given = "Resource" if "Resource" in statement else "NotResource"
        resources = (
            tuple(patterns.pieces(r, variables, True) for r in _listed(statement[given]))
            if given in statement
            else None
        )
        tests = (
            conditions.read(statement["Condition"], variables, where)
            if "Condition" in statement
            else ()
        )
        keys = [key for test in tests for key in test.reads()]
        keys += [key for r in resources or () for key in patterns.keys_of(r)]
        actions = statement.get("Action", statement.get("NotAction"))
        read.append(
            _Statement(
                allow=statement["Effect"] == "Allow",
                actions=tuple(
                    patterns.resolve(patterns.pieces(a, False, True), {})[0]
                    for a in _listed(actions)
                ),
                not_action="Action" not in statement,
                resources=resources,
                not_resource=given == "NotResource",
                principals=statement.get(named),
                not_principal=named == "NotPrincipal",
                tests=tests,
                keys=tuple(keys),
                start=_past(text, start),
                end=_past(text, end),
            )
        )
    return tuple(read)


def _names(principal: str, listed: str) -> bool:
    """Whether the policy's principal ``listed`` names the caller ``principal`` (an ARN): the
    same ARN, or an account's ID or root ARN for that account's root."""
    if listed == principal:
        return True
    if listed.isdigit() and len(listed) == 12:
        fields = principal.split(":", 5)
        return len(fields) == 6 and fields[2] == "iam" and fields[4:] == [listed, "root"]
    return False


def _principal_matches(element: Any, principal: str | None) -> bool:
    if element == "*":
        return True
    for kind, ids in element.items():
        for listed in _listed(ids):
            if kind == "AWS" and listed == "*":
                return True
            if principal is not None and _names(principal, listed):
                return True
    return False


def _applies(statement: _Statement, request: Request, context: patterns.Context) -> bool:
    action = any(
        patterns.glob(pattern, ignore_case=True).fullmatch(request.action)
        for pattern in statement.actions
    )
    if action == statement.not_action:
        return False
    if statement.principals is not None:
        named = _principal_matches(statement.principals, request.principal)
        if named == statement.not_principal:
            return False
    if statement.resources is not None:
        hit = unresolved = False
        for pattern in statement.resources:
            resolved, missing = patterns.resolve(pattern, context)
            unresolved = unresolved or bool(missing)
            if not missing and patterns.arn(resolved, resource_element=True).fullmatch(
                request.resource
            ):
                hit = True
        if unresolved or hit == statement.not_resource:
            return False
    return conditions.all_hold(statement.tests, context)[0]


def _context(given: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The request's context with its keys in lower case (IAM's key names ignore case)."""
    found: dict[str, tuple[str, ...]] = {}
    for key, values in given.items():
        listed = (values,) if isinstance(values, str) else tuple(values)
        found[key.lower()] = found.get(key.lower(), ()) + listed
    return found


@dataclass
class _Verdict:
    """What the statements of one kind of policy said."""

    allows: list[Match]
    denies: list[Match]


def _judge(
    policies: Sequence[Policy],
    request: Request,
    context: patterns.Context,
    resource_policy: bool,
    keys: dict[str, str],
) -> _Verdict:
    verdict = _Verdict([], [])
    for policy in policies:
        origin = f"policy {policy.source_id}"
        for statement in _read(policy.text, resource_policy, origin):
            for key in statement.keys:
                keys.setdefault(key.lower(), key)
            if _applies(statement, request, context):
                match = Match(policy.source_id, policy.source_type, statement.start, statement.end)
                (verdict.allows if statement.allow else verdict.denies).append(match)
    return verdict


def evaluate(
    request: Request,
    identity: Sequence[Policy],
    boundary: Sequence[Policy] = (),
    resource: Sequence[Policy] = (),
) -> Decision:
    """IAM's decision on ``request`` under the ``identity`` policies, the permissions
    ``boundary`` (its policies, if the principal has one) and the ``resource``-based
    policies. A document that is not JSON or not a policy of its kind is a usage error, one
    line naming its source ID."""
    context = _context(request.context)
    keys: dict[str, str] = {}  # every key a statement reads: in lower case -> as first written
    own = _judge(identity, request, context, False, keys)
    granted = _judge(resource, request, context, True, keys)
    limit = _judge(boundary, request, context, False, keys)
    within = None if not boundary else bool(limit.allows) and not limit.denies
    missing = tuple(
        sorted((key for lower, key in keys.items() if lower not in context), key=str.lower)
    )
    denies = own.denies + granted.denies + limit.denies
    allows = (own.allows if within is not False else []) + granted.allows
    if denies:
        return Decision(EXPLICIT_DENY, tuple(denies), missing, within)
    if allows:
        return Decision(ALLOWED, tuple(allows), missing, within)
    return Decision(IMPLICIT_DENY, (), missing, within)
