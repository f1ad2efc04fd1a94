"""The policy simulator (moto has none): SimulatePrincipalPolicy and SimulateCustomPolicy, decided
by euare.policy.evaluate and answered as the IAM API Reference gives them.

- The policies: a user's own (inline and attached) and its groups', a group's, a role's
  (PolicySourceArn; NoSuchEntity if there is none), plus each of PolicyInputList
  (``PolicyInputList.N``); the permissions boundary is PermissionsBoundaryPolicyInputList's if
  given, else the user's or role's own; ResourcePolicy is a resource-based policy, its Principal
  matched against CallerArn (else the simulated user or role).
- The request: each action of ActionNames on each resource of ResourceArns (``*`` when none),
  with the ContextEntries given (keys ignore case; a list type's values all count).
- The answer: an EvaluationResult per action and resource, with EvalDecision (``allowed``,
  ``explicitDeny``, ``implicitDeny``), MatchedStatements (SourcePolicyId, SourcePolicyType, the
  statement's StartPosition and EndPosition), MissingContextValues and, when a boundary was
  given, PermissionsBoundaryDecisionDetail; MaxItems and Marker page the results (:mod:`pages`).
- A document that is not a policy is InvalidInput (a ResourcePolicy too)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from euare.core.errors import EuareError
from euare.policy.evaluate import Decision, Policy, Request, evaluate
from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.directory import reader
from euare.sandbox.model.wire import Answer, Call, Refusal, answer, members, response, sub

TYPES = {
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
    "date",
    "dateList",
}


def context_entries(call: Call) -> dict[str, list[str]]:
    """ContextEntries as the evaluator takes them: key -> values."""
    found: dict[str, list[str]] = {}
    for index, entry in enumerate(call.structures("ContextEntries"), 1):
        kind = entry.get("ContextKeyType", "")
        if kind not in TYPES:
            raise Refusal(
                "ValidationError",
                f"1 validation error detected: Value '{kind}' at "
                f"'contextEntries.{index}.member.contextKeyType' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(sorted(TYPES))}]",
            )
        values = [
            value
            for number in range(1, len(entry) + 1)
            if (value := entry.get(f"ContextKeyValues.member.{number}")) is not None
        ]
        found.setdefault(entry.get("ContextKeyName", ""), []).extend(values)
    return found


def inputs(call: Call, name: str) -> list[Policy]:
    return [
        Policy(f"{name}.{i}", "IAM Policy", text) for i, text in enumerate(call.members(name), 1)
    ]


def _position(parent: ET.Element, name: str, line: int, column: int) -> None:
    position = sub(parent, name)
    sub(position, "Line", str(line))
    sub(position, "Column", str(column))


def result_element(parent: ET.Element, action: str, target: str, decision: Decision) -> None:
    member = sub(parent, "member")
    sub(member, "EvalActionName", action)
    sub(member, "EvalResourceName", target)
    sub(member, "EvalDecision", decision.decision)
    matched = sub(member, "MatchedStatements")
    for match in decision.matched:
        statement = sub(matched, "member")
        sub(statement, "SourcePolicyId", match.source_id)
        sub(statement, "SourcePolicyType", match.source_type)
        _position(statement, "StartPosition", match.start.line, match.start.column)
        _position(statement, "EndPosition", match.end.line, match.end.column)
    members(member, "MissingContextValues", decision.missing_context)
    organizations = sub(member, "OrganizationsDecisionDetail")
    sub(organizations, "AllowedByOrganizations", "true")
    if decision.allowed_by_boundary is not None:
        boundary = sub(member, "PermissionsBoundaryDecisionDetail")
        sub(boundary, "AllowedByPermissionsBoundary", str(decision.allowed_by_boundary).lower())


def simulate(
    call: Call,
    identity: list[Policy],
    boundary: list[Policy],
    principal: str | None,
) -> Answer:
    """The simulation of ``call``'s actions and resources under these policies."""
    resource_policy = call.params.get("ResourcePolicy")
    resource = [Policy("ResourcePolicy", "resource", resource_policy)] if resource_policy else []
    caller = call.params.get("CallerArn") or principal
    keys = context_entries(call)
    root, result = response(call)
    listed = sub(result, "EvaluationResults")
    for action in call.members("ActionNames"):
        for target in call.members("ResourceArns") or ["*"]:
            request = Request(action, target, keys, caller)
            try:
                decision = evaluate(request, identity, boundary, resource)
            except EuareError as exc:
                raise Refusal("InvalidInput", str(exc)) from None
            result_element(listed, action, target, decision)
    sub(result, "IsTruncated", "false")
    return answer(call, root)


def principal_policy(context: Context, call: Call) -> Answer:
    """SimulatePrincipalPolicy."""
    read = reader(context)
    directory = read(context, call)
    principal = directory.by_arn(call.params.get("PolicySourceArn", ""))
    identity = read.policies(context, call, principal) + inputs(call, "PolicyInputList")
    given = inputs(call, "PermissionsBoundaryPolicyInputList")
    boundary = given or read.boundary(context, call, principal)
    caller = principal.arn if principal.kind in ("user", "role") else None
    return simulate(call, identity, boundary, caller)


def custom_policy(context: Context, call: Call) -> Answer:
    """SimulateCustomPolicy."""
    identity = inputs(call, "PolicyInputList")
    if not identity:
        raise Refusal(
            "ValidationError",
            "1 validation error detected: Value null at 'policyInputList' failed to satisfy "
            "constraint: Member must not be null",
        )
    boundary = inputs(call, "PermissionsBoundaryPolicyInputList")
    return simulate(call, identity, boundary, None)


def _keys(call: Call, policies: list[Policy]) -> Answer:
    """The context keys ``policies`` read (the evaluator lists them as missing from an empty
    context, whatever the action), once each, sorted."""
    try:
        found = evaluate(Request("*:*", "*", {}), policies).missing_context
    except EuareError as exc:
        raise Refusal("InvalidInput", str(exc)) from None
    root, result = response(call)
    members(result, "ContextKeyNames", found)
    return answer(call, root)


def context_keys_custom(context: Context, call: Call) -> Answer:
    """GetContextKeysForCustomPolicy: the keys the given documents read."""
    return _keys(call, inputs(call, "PolicyInputList"))


def context_keys_principal(context: Context, call: Call) -> Answer:
    """GetContextKeysForPrincipalPolicy: the keys the principal's policies (and its groups',
    for a user) and the given documents read."""
    read = reader(context)
    principal = read(context, call).by_arn(call.params.get("PolicySourceArn", ""))
    return _keys(call, read.policies(context, call, principal) + inputs(call, "PolicyInputList"))


def register(rules: Rules) -> None:
    rules.serve("SimulatePrincipalPolicy")(principal_policy)
    rules.serve("SimulateCustomPolicy")(custom_policy)
    rules.serve("GetContextKeysForCustomPolicy")(context_keys_custom)
    rules.serve("GetContextKeysForPrincipalPolicy")(context_keys_principal)
