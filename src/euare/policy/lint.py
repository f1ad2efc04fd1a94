"""Linting policy documents against AWS's catalogue of actions, resources and condition keys
(euare.policy.catalogue): what euare-policylint reports, and what ``--lint`` checks before a
document
is sent (:func:`gate`).

Each finding has a level (euare.policy.LINT_LEVELS, lowest first), a code, the JSONPath of the
element at fault and a one-line message. ``error``: IAM would refuse the document (the checks of
euare.policy.documents, which refuse it before sending with or without --lint). ``warning``: part
of the
document can never take effect (an action or service that does not exist, a wildcard that
matches no action, a Resource that is not an ARN or that no action of the statement acts on),
or it grants a risky power (everything on everything, iam:PassRole on every role). ``info``:
worth a look, not a fault (a condition key the catalogue does not list for its service; the
catalogue's condition keys are less complete than its actions).

The checks are written to stay quiet on correct policies: ``"*"`` and ARNs with wildcards or
policy variables may match, Resource ``"*"`` is fine for any action, and NotAction and
NotResource are never taken to mean more than they say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from euare.core.errors import EuareError, stderr_line
from euare.policy import LINT_LEVELS, catalogue
from euare.policy.documents import IDENTITY, Steps, json_path, located_problems, statements
from euare.policy.names import ADMIN_ACTIONS, Covered, Suggestions, judge, pattern

INFO, WARNING, ERROR = LINT_LEVELS


@dataclass(frozen=True)
class Finding:
    level: str
    code: str
    path: str
    message: str
    value: Any = None

    def line(self) -> str:
        """``LEVEL CODE PATH: message``, as policylint and --lint print it."""
        return f"{self.level} {self.code} {self.path}: {self.message}"


def rank(level: str) -> int:
    return LINT_LEVELS.index(level)


def at_or_above(findings: list[Finding], level: str) -> list[Finding]:
    return [f for f in findings if rank(f.level) >= rank(level)]


def lint(document: Any, kind: str = IDENTITY) -> list[Finding]:
    """Every finding in ``document`` (parsed JSON), a policy of ``kind`` (IDENTITY or TRUST):
    the errors first, then the rest in the order of the document."""
    found = [
        Finding(ERROR, "INVALID_POLICY", json_path(*steps), message, _value(document, steps))
        for steps, message in located_problems(document, kind)
    ]
    if isinstance(document, dict):
        hints = Suggestions()
        for steps, statement in statements(document):
            if isinstance(statement, dict):
                found.extend(_statement(steps, statement, hints))
    return found


def _value(document: Any, steps: Steps) -> Any:
    for step in steps:
        try:
            document = document[step]
        except (KeyError, IndexError, TypeError):
            return None
    return document


def _strings(statement: dict[str, Any], steps: Steps, name: str) -> list[tuple[str, str]]:
    """Each string of the statement's ``name`` element, with its JSONPath (an empty one is
    already an INVALID_POLICY error)."""
    value = statement.get(name)
    if isinstance(value, str) and value:
        return [(json_path(*steps, name), value)]
    if isinstance(value, list):
        return [
            (json_path(*steps, name, i), v) for i, v in enumerate(value) if isinstance(v, str) and v
        ]
    return []


def _statement(steps: Steps, statement: dict[str, Any], hints: Suggestions) -> list[Finding]:
    found: list[Finding] = []
    actions: list[tuple[str, str, Covered]] = []
    for name in ("Action", "NotAction"):
        for path, text in _strings(statement, steps, name):
            verdict = judge(text)
            if verdict.code:
                message = verdict.message + hints.hint(verdict.near)
                level = INFO if verdict.code == "RETIRED_SERVICE" else WARNING
                found.append(Finding(level, verdict.code, path, message, text))
            elif name == "Action":
                actions.append((path, text, verdict.covered))
    usable = []
    for name in ("Resource", "NotResource"):
        for path, text in _strings(statement, steps, name):
            finding = _resource(path, text)
            if finding is not None:
                found.append(finding)
            elif name == "Resource":
                usable.append(text)
    if usable and "*" not in usable:  # NotResource: never read as naming what matches
        found.extend(_mismatches(actions, usable))
    if statement.get("Effect") == "Allow":
        found.extend(_risks(statement, steps, actions))
    found.extend(_condition_keys(statement, steps, hints))
    return found


# --- resources -----------------------------------------------------------------------------------

ARN_FORM = "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"


def _wild(text: str) -> bool:
    return "*" in text or "?" in text or "${" in text


def _resource(path: str, text: str) -> Finding | None:
    """A finding about one Resource or NotResource (or None)."""
    if text == "*":
        return None

    def malformed(why: str) -> Finding:
        return Finding(WARNING, "MALFORMED_ARN", path, why, text)

    if not text.startswith("arn:"):
        return malformed(f"{text!r} is neither * nor an ARN ({ARN_FORM})")
    fields = re.sub(r"\$\{[^}]*\}", "${}", text).split(":", 5)  # a ${aws:...} holds a colon
    if len(fields) < 6:
        return malformed(f"{text!r} has {len(fields)} of an ARN's 6 fields ({ARN_FORM})")
    partition, service, resource = fields[1], fields[2], fields[5]
    if not _wild(partition) and partition not in catalogue.partitions():
        known = ", ".join(sorted(catalogue.partitions()))
        return malformed(f"{text!r} has the partition {partition!r}, none of {known}")
    if not service:
        return malformed(f"{text!r} names no service")
    if not resource:
        return malformed(f"{text!r} names no resource")
    if not _wild(service) and not catalogue.known_arn_service(service):
        retired = catalogue.retired_service(service)
        if retired is not None:
            message = f"{service} was {retired}, which AWS has retired"
            return Finding(INFO, "RETIRED_SERVICE", path, message, text)
        return Finding(
            WARNING, "UNKNOWN_SERVICE", path, f"no AWS resource has an ARN of {service!r}", text
        )
    return None


def _mismatches(actions: list[tuple[str, str, Covered]], resources: list[str]) -> list[Finding]:
    """For each action of a statement that acts on none of its ``resources`` (well-formed ARNs,
    none of them ``*``): RESOURCE_MISMATCH, or RESOURCE_NOT_SUPPORTED when no action it covers
    acts on any ARN (the catalogue is behind AWS on resource-level permissions more often than
    on anything else, so that is only info).

    Linear in the statement: each distinct action is judged once, and each Resource is read
    once against the templates of all the statement's actions together
    (catalogue.matched_templates), not once per action."""
    distinct = {text: covered for _, text, covered in actions if covered is not None}
    reach = {text: catalogue.templates_of(covered) for text, covered in distinct.items()}
    wanted = frozenset().union(*(templates for templates in reach.values() if templates))
    matched = catalogue.matched_templates(resources, wanted) if wanted else set()
    verdicts: dict[str, tuple[str, str, str]] = {}
    for text, covered in distinct.items():
        templates = reach[text]
        if templates is None or not matched.isdisjoint(templates):
            continue
        if not templates:
            name = catalogue.action_name(*covered[0]) if len(covered) == 1 else text
            message = f"{name} acts on no resource ARN, only on Resource *"
            verdicts[text] = (INFO, "RESOURCE_NOT_SUPPORTED", message)
        elif len(covered) > 1:
            message = f"none of the actions {text} matches acts on a Resource of this statement"
            verdicts[text] = (WARNING, "RESOURCE_MISMATCH", message)
        else:
            verdicts[text] = (WARNING, "RESOURCE_MISMATCH", _takes(*covered[0]))
    return [
        Finding(*verdicts[text][:2], path, verdicts[text][2], text)
        for path, text, _ in actions
        if text in verdicts
    ]


def _takes(prefix: str, action: str) -> str:
    templates = sorted(catalogue.resource_templates(prefix, action) or [], key=len)
    kinds = ", ".join(catalogue.resource_kinds(prefix, action))
    more = ", ..." if len(templates) > 1 else ""
    return (
        f"{catalogue.action_name(prefix, action)} acts on {kinds} ({templates[0]}{more}), "
        f"and no Resource of this statement is one"
    )


# --- risky patterns ------------------------------------------------------------------------------


def _risks(
    statement: dict[str, Any],
    steps: Steps,
    actions: list[tuple[str, str, Covered]],
) -> list[Finding]:
    resources = statement.get("Resource")
    star = resources == "*" or (isinstance(resources, list) and "*" in resources)
    if not star:
        return []
    for path, text, _ in actions:
        if text in ADMIN_ACTIONS:
            message = f'Allow "{text}" on Resource "*" grants every action on everything'
            return [Finding(WARNING, "FULL_ADMIN", path, message, text)]
    if _has_key(statement, "iam:PassedToService"):
        return []
    seen = set()
    for path, text, covered in actions:
        if text in seen:
            continue
        seen.add(text)
        passes = covered is not None and ("iam", "passrole") in covered
        wild_service = covered is None and pattern(text).fullmatch("iam:PassRole") is not None
        if passes or wild_service:
            message = (
                f'{text} on Resource "*" lets its holder hand any role to a service; name the '
                "roles, or add an iam:PassedToService condition"
            )
            return [Finding(WARNING, "PASSROLE_ON_STAR", path, message, text)]
    return []


def _has_key(statement: dict[str, Any], key: str) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    return any(
        isinstance(block, dict) and any(str(k).lower() == key.lower() for k in block)
        for block in condition.values()
    )


def _condition_keys(statement: dict[str, Any], steps: Steps, hints: Suggestions) -> list[Finding]:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return []
    found = []
    for operator, block in condition.items():
        if not isinstance(block, dict):
            continue
        for key in block:
            if catalogue.known_condition_key(str(key)) is not False:
                continue
            prefix = str(key).partition(":")[0]
            hint = hints.hint(("condition", prefix, str(key)))
            message = f"the catalogue lists no condition key {key!r} for {prefix}{hint}"
            path = json_path(*steps, "Condition", str(operator), str(key))
            found.append(Finding(INFO, "UNKNOWN_CONDITION_KEY", path, message, key))
    return found


# --- --lint on the verbs that send a document ----------------------------------------------------


def gate(prog: str, stderr: Any, text: str, origin: str, kind: str, fail_on: str) -> None:
    """``--lint``: lint ``text`` (a document about to be sent, already checked as one IAM would
    take), print each finding on ``stderr`` as ``PROG: LEVEL CODE PATH: message``, and refuse
    (exit 1, nothing sent) when one is at or above ``fail_on``."""
    import json

    findings = lint(json.loads(text), kind)
    for finding in findings:
        stderr.write(stderr_line(prog, finding.line()) + "\n")
    stderr.flush()
    blocking = at_or_above(findings, fail_on)
    if blocking:
        top = max(rank(f.level) for f in blocking)
        count = f"{len(blocking)} finding{'s' if len(blocking) > 1 else ''}"
        override = (
            f"give --fail-on {LINT_LEVELS[top + 1]} to send it anyway"
            if top + 1 < len(LINT_LEVELS)
            else "correct it"
        )
        raise EuareError(
            f"{origin} was not sent: --lint found {count} at or above {fail_on} (above); "
            f"{override}, or leave out --lint"
        )
