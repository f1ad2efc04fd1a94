"""A statement's Condition element, read and judged as IAM documents it (IAM User Guide, "IAM
JSON policy elements: Condition operators", "Conditions with multiple context keys or values",
"Single-valued vs. multivalued context keys"; the policy evaluator is
:mod:`euare.policy.evaluate`).

A Condition is read into :class:`Test` objects, one per operator and key; a statement's
conditions hold when every test does (operators AND, keys AND). One test:

- the key's values in the request are compared with the policy's values: for a positive
  operator the key matches when any request value matches any policy value (values OR); a
  negated operator (StringNotEquals, StringNotLike, StringNotEqualsIgnoreCase, NumericNotEquals,
  DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike) holds when none does (NOR);
- a key absent from the request: a positive operator is false, a negated one true; with
  ``...IfExists`` the test is true whatever the operator;
- ``ForAnyValue:`` holds when some request value passes the operator (false for an absent
  key), ``ForAllValues:`` when every one does (true for an absent key);
- ``Null``: ``true`` holds when the key is absent, ``false`` when it is present;
- policy variables are resolved in the values of the String, Arn and Bool operators only, and
  only in a 2012-10-17 document; one without a value makes the statement not match.

Values: Numeric compares numbers; Date compares ISO 8601 dates and times (W3C's profile; a
time without a zone is UTC) or epoch seconds; Bool compares ``true``/``false`` ignoring case;
IpAddress takes CIDR blocks (an address alone is /32, or /128); BinaryEquals compares the
base-64 text; ArnEquals and ArnLike behave alike (:func:`euare.policy.patterns.arn`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from euare.core.errors import UsageError
from euare.policy import patterns
from euare.policy.patterns import Context, Piece, Resolved


def _numbers(given: str, policy: str) -> tuple[float, float] | None:
    try:
        return float(given), float(policy)
    except ValueError:
        return None


_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*([Zz]|[+-]\d{2}:?\d{2})?)?)?)?"
)


def moment(text: str) -> float | None:
    """``text`` as seconds since the epoch: epoch seconds, or an ISO 8601 date/time."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    found = _DATE.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    try:
        when = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None
    if zone and zone not in "Zz":
        sign = -1 if zone[0] == "+" else 1  # 10:00+02:00 is 08:00 UTC
        digits = zone[1:].replace(":", "")
        when += sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return when.timestamp() + (float("0." + fraction) if fraction else 0.0)


def _dates(given: str, policy: str) -> tuple[float, float] | None:
    pair = moment(given), moment(policy)
    return None if pair[0] is None or pair[1] is None else (pair[0], pair[1])


def _in_network(given: str, policy: str) -> bool:
    try:
        network = ipaddress.ip_network(policy.strip(), strict=False)
        asked = ipaddress.ip_network(given.strip(), strict=False)  # an address is a /32 (/128)
    except ValueError:
        return False
    return (
        asked.version == network.version
        and asked.network_address in network
        and asked.broadcast_address in network
    )


Compare = Callable[[str, Resolved], bool]  # a request value, a policy value (resolved): a match?


def _ordered(parse: Callable[[str, str], tuple[float, float] | None], test: str) -> Compare:
    tests: dict[str, Callable[[float, float], bool]] = {
        "Equals": lambda a, b: a == b,
        "LessThan": lambda a, b: a < b,
        "LessThanEquals": lambda a, b: a <= b,
        "GreaterThan": lambda a, b: a > b,
        "GreaterThanEquals": lambda a, b: a >= b,
    }
    check = tests[test]

    def compare(given: str, policy: Resolved) -> bool:
        pair = parse(given, patterns.text_of(policy))
        return pair is not None and check(*pair)

    return compare


@dataclass(frozen=True)
class Operator:
    compare: Compare
    negated: bool = False
    variables: bool = False  # policy variables are resolved in its values
    wildcards: bool = False  # "*" and "?" in its values are wildcards


def _equals(given: str, policy: Resolved) -> bool:
    return given == patterns.text_of(policy)


def _equals_ignoring_case(given: str, policy: Resolved) -> bool:
    return given.lower() == patterns.text_of(policy).lower()


def _like(given: str, policy: Resolved) -> bool:
    return patterns.glob(policy, ignore_case=False).fullmatch(given) is not None


def _arn_like(given: str, policy: Resolved) -> bool:
    return patterns.arn(policy, resource_element=False).fullmatch(given) is not None


def _bool(given: str, policy: Resolved) -> bool:
    return given.strip().lower() == patterns.text_of(policy).strip().lower()


def _ip(given: str, policy: Resolved) -> bool:
    return _in_network(given, patterns.text_of(policy))


def _operators() -> dict[str, Operator]:
    table: dict[str, Operator] = {
        "StringEquals": Operator(_equals, variables=True),
        "StringNotEquals": Operator(_equals, negated=True, variables=True),
        "StringEqualsIgnoreCase": Operator(_equals_ignoring_case, variables=True),
        "StringNotEqualsIgnoreCase": Operator(_equals_ignoring_case, negated=True, variables=True),
        "StringLike": Operator(_like, variables=True, wildcards=True),
        "StringNotLike": Operator(_like, negated=True, variables=True, wildcards=True),
        "Bool": Operator(_bool, variables=True),
        "BinaryEquals": Operator(_equals),
        "IpAddress": Operator(_ip),
        "NotIpAddress": Operator(_ip, negated=True),
    }
    for name in ("ArnEquals", "ArnLike"):
        table[name] = Operator(_arn_like, variables=True, wildcards=True)
    for name in ("ArnNotEquals", "ArnNotLike"):
        table[name] = Operator(_arn_like, negated=True, variables=True, wildcards=True)
    for family, parse in (("Numeric", _numbers), ("Date", _dates)):
        table[f"{family}Equals"] = Operator(_ordered(parse, "Equals"))
        table[f"{family}NotEquals"] = Operator(_ordered(parse, "Equals"), negated=True)
        for test in ("LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals"):
            table[f"{family}{test}"] = Operator(_ordered(parse, test))
    return table


OPERATORS = _operators()
_BY_LOWER = {name.lower(): name for name in [*OPERATORS, "Null"]}
QUALIFIERS = {"forallvalues": "ForAllValues", "foranyvalue": "ForAnyValue"}
_IF_EXISTS = "ifexists"


@dataclass(frozen=True)
class Test:
    """One operator's test of one condition key, as the policy writes it."""

    qualifier: str  # "", "ForAllValues" or "ForAnyValue"
    operator: str  # its name, as IAM spells it, without qualifier or IfExists ("Null" too)
    if_exists: bool
    key: str  # as written
    values: tuple[tuple[Piece, ...], ...]  # the policy's values, read

    def reads(self) -> list[str]:
        """The context keys this test reads: its own and those its values' variables name."""
        return [self.key, *(key for value in self.values for key in patterns.keys_of(value))]


def _value_text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise UsageError(f"{where} must be a string, a number or a boolean, not {value!r}")


def _operator_name(written: str, where: str) -> tuple[str, str, bool]:
    """(qualifier, operator, if_exists) of a condition operator as written (names ignore
    case here, so that a spelling IAM takes is taken); an unknown one is a usage error."""
    qualifier, colon, rest = written.partition(":")
    if not colon:
        qualifier, rest = "", written
    elif qualifier.lower() not in QUALIFIERS:
        raise UsageError(f"{where}: {written!r} is not a condition operator")
    else:
        qualifier = QUALIFIERS[qualifier.lower()]
    name = rest.lower()
    if_exists = name.endswith(_IF_EXISTS) and name not in _BY_LOWER
    if if_exists:
        name = name[: -len(_IF_EXISTS)]
    if name not in _BY_LOWER or (if_exists and name == "null"):
        raise UsageError(f"{where}: {written!r} is not a condition operator")
    return qualifier, _BY_LOWER[name], if_exists


def read(condition: Any, variables: bool, where: str) -> tuple[Test, ...]:
    """A statement's Condition element as tests. ``variables``: the document is of the policy
    language's 2012-10-17 version, where policy variables exist. ``where`` names the
    statement in errors. What is not a Condition is a usage error."""
    if not isinstance(condition, dict):
        raise UsageError(f"{where}.Condition must be an object")
    tests: list[Test] = []
    for written, block in condition.items():
        qualifier, name, if_exists = _operator_name(written, f"{where}.Condition")
        if not isinstance(block, dict) or not block:
            raise UsageError(f"{where}.Condition.{written} must be an object of condition keys")
        operator = OPERATORS.get(name)
        for key, given in block.items():
            listed = given if isinstance(given, list) else [given]
            if not listed:
                raise UsageError(f"{where}.Condition.{written}.{key} has no value")
            texts = [_value_text(v, f"{where}.Condition.{written}.{key}") for v in listed]
            takes = operator is not None and operator.variables and variables
            wild = operator is not None and operator.wildcards
            values = tuple(patterns.pieces(text, takes, wild) for text in texts)
            tests.append(Test(qualifier, name, if_exists, key, values))
    return tuple(tests)


def _null(test: Test, present: bool) -> bool:
    """``Null``: true when the key is absent and the policy says true, or present and false."""
    wanted = ["".join(p for p in value if isinstance(p, str)) for value in test.values]
    return any(value.strip().lower() == ("false" if present else "true") for value in wanted)


def holds(test: Test, context: Context) -> tuple[bool, list[str]]:
    """Whether ``test`` holds for the request's ``context`` (keys in lower case), and the keys
    of the policy variables in its values that have no value (then the statement cannot
    match, whatever the first answer says)."""
    given = patterns.value_of(context, test.key)
    if test.operator == "Null":
        return _null(test, given is not None), []
    operator = OPERATORS[test.operator]
    resolved: list[Resolved] = []
    unresolved: list[str] = []
    for value in test.values:
        each, missing = patterns.resolve(value, context)
        unresolved += missing
        if not missing:
            resolved.append(each)
    if given is None:
        if test.if_exists or test.qualifier == "ForAllValues":
            return True, unresolved
        if test.qualifier == "ForAnyValue":
            return False, unresolved
        return operator.negated, unresolved

    def passes(one: str) -> bool:
        matched = any(operator.compare(one, policy) for policy in resolved)
        return not matched if operator.negated else matched

    if test.qualifier == "ForAllValues":
        return all(passes(one) for one in given), unresolved
    if test.qualifier == "ForAnyValue":
        return any(passes(one) for one in given), unresolved
    matched = any(operator.compare(one, policy) for one in given for policy in resolved)
    return (not matched if operator.negated else matched), unresolved


def all_hold(tests: Sequence[Test], context: Context) -> tuple[bool, list[str]]:
    """Whether every one of ``tests`` holds (AND), and the unresolved variables' keys."""
    result, unresolved = True, []
    for test in tests:
        held, missing = holds(test, context)
        result = result and held
        unresolved += missing
    return result and not unresolved, unresolved
