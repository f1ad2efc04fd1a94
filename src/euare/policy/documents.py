"""Policy documents: building them from -e/-a/-r, reading them from -f/-o, printing them.

Everything that touches a policy document's text goes through here, so that parsing errors,
URL-decoding of what IAM returns, and pretty-printing behave the same in every verb.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from euare.core.errors import EuareError, UsageError
from euare.core.render import PolicyText

MAX_VERSIONS = 5  # IAM keeps at most this many versions of a managed policy

IDENTITY = "identity"
TRUST = "trust"
POLICY_VERSION = "2012-10-17"
TRUST_POLICY_VERSION = "2008-10-17"


EFFECTS = ("Allow", "Deny")


def effect_of(given: str) -> str:
    """-e's value as IAM spells it (its policy language is case-sensitive): ``allow`` and
    ``ALLOW`` are taken, and sent as ``Allow``. Anything else is a usage error."""
    for effect in EFFECTS:
        if given.lower() == effect.lower():
            return effect
    raise UsageError(f"the effect must be {' or '.join(EFFECTS)}, not {given!r}")


def build(effect: str, actions: list[str], resources: list[str]) -> dict[str, Any]:
    """One statement per resource, each with every action, as euca2ools built them (plus Version),
    ``effect`` in IAM's spelling (:func:`effect_of`).

    Each statement's Sid is ``Stmt`` and the UTC time to the microsecond, kept unique.
    """
    effect = effect_of(effect)
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


def trust_policy(service: str) -> dict[str, Any]:
    """The assume-role policy for ``-s SERVICE``: that service may assume the role.

    As euca2ools built it, but with the current policy language version (it used 2008-10-17,
    which UpdateAssumeRolePolicy refuses today).
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": [service]}, "Action": ["sts:AssumeRole"]}
        ],
    }


def dumps(document: Any) -> str:
    """The one-line form sent to IAM and printed by ``-o``."""
    import json  # here: --help and usage errors never pay for it

    return json.dumps(document, ensure_ascii=False)


def parse(text: str, origin: str) -> Any:
    """Parse JSON, reporting a syntax error with its line and column (a usage error, exit 2)."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{origin} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise UsageError(f"{origin} is not valid JSON: nested too deeply") from None


def check(text: str, origin: str, kind: str = IDENTITY) -> str:
    """``text``, once checked as a document that can be sent: not empty, JSON, and an IAM policy
    of ``kind`` (IDENTITY or TRUST). A refused document is a usage error, exit 2, naming
    ``origin`` (where the text came from). Documents given with -o/-f are read by
    :class:`euare.cli.params.Document`, which calls this."""
    if not text.strip():
        raise UsageError(f"{origin} is empty")
    validate(parse(text, origin), origin, kind)
    return text


def keep_documents(parsed: dict[str, Any], model: Any, **_: Any) -> None:
    """botocore ``after-call.iam`` hook, in place of botocore's own ``json_decode_policies``
    (which parses documents and so loses their text): every member of IAM's
    ``policyDocumentType`` becomes a PolicyText of the stored text."""
    if model.output_shape is not None:
        _keep(parsed, model.output_shape)


def _keep(value: Any, shape: Any) -> None:
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name not in value:
                continue
            if member.type_name == "string" and member.name == "policyDocumentType":
                if isinstance(value[name], str):
                    value[name] = decode(value[name])
            else:
                _keep(value[name], member)
    elif shape.type_name == "list" and isinstance(value, list):
        for item in value:
            _keep(item, shape.member)


def decode(document: str | dict[str, Any]) -> str:
    """A document as IAM returned it: the stored text (a PolicyText is that already; other text
    is percent-decoded, as IAM sends it); a parsed document is serialised again."""
    if isinstance(document, PolicyText):
        return document
    if isinstance(document, str):
        from urllib.parse import unquote  # here: declaring a verb never pays for it

        return PolicyText(unquote(document))
    return dumps(document)


def pretty(document: str, name: str) -> str:
    """Re-indent a (decoded) document with four spaces."""
    import json

    try:
        return json.dumps(json.loads(document), indent=4, ensure_ascii=False)
    except ValueError:
        raise EuareError(f"policy '{name}' does not appear to be valid JSON") from None


_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
}


def _strings(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _one_of(statement: dict[str, Any], where: str, names: tuple[str, str], required: bool) -> str:
    present = [n for n in names if n in statement]
    if len(present) > 1:
        return f"{where} has both {names[0]} and {names[1]}; give only one"
    if required and not present:
        return f"{where} needs {names[0]} or {names[1]}"
    return ""


Steps = tuple[str | int, ...]  # the way to an element of a document: keys and list indexes


def json_path(*steps: str | int) -> str:
    """The JSONPath of an element: ``json_path("Statement", 0, "Action")`` is
    ``$.Statement[0].Action``; a name that is not a plain identifier is quoted
    (``$.Condition['s3:prefix']``)."""
    path = "$"
    for step in steps:
        if isinstance(step, int):
            path += f"[{step}]"
        elif step.isidentifier():
            path += f".{step}"
        else:
            quoted = step.replace("\\", "\\\\").replace("'", "\\'")
            path += f"['{quoted}']"
    return path


def statements(document: dict[str, Any]) -> list[tuple[Steps, Any]]:
    """A document's statements, each with the path steps that lead to it: ``("Statement", 0)``
    in a list, ``("Statement",)`` for a document whose Statement is one object."""
    found = document.get("Statement")
    if isinstance(found, list):
        return [(("Statement", index), item) for index, item in enumerate(found)]
    return [(("Statement",), found)] if found is not None else []


def problems(document: Any, kind: str = IDENTITY) -> list[str]:
    """What keeps ``document`` from being an IAM policy of ``kind``, each with its field's path."""
    return [message for _, message in located_problems(document, kind)]


def located_problems(document: Any, kind: str = IDENTITY) -> list[tuple[Steps, str]]:
    """:func:`problems`, each with the path steps of the element at fault (see json_path)."""
    if not isinstance(document, dict):
        return [((), "the document must be a JSON object")]
    found: list[tuple[Steps, str]] = []
    version = document.get("Version")
    if version is not None and version not in (POLICY_VERSION, TRUST_POLICY_VERSION):
        found.append(
            (
                ("Version",),
                f"Version must be {POLICY_VERSION} or {TRUST_POLICY_VERSION}, not {version!r}",
            )
        )
    unknown = sorted(set(document) - {"Version", "Id", "Statement"})
    if unknown:
        found.append(((unknown[0],), f"unknown top-level field {unknown[0]!r}"))
    given = document.get("Statement")
    if given is None:
        return [*found, ((), "Statement is missing")]
    if not isinstance(given, (list, dict)) or given == []:
        return [
            *found,
            (("Statement",), "Statement must be an object or a non-empty list of objects"),
        ]
    for index, (steps, statement) in enumerate(statements(document)):
        where = f"Statement[{index}]"
        if not isinstance(statement, dict):
            found.append((steps, f"{where} must be an object"))
            continue
        extra = sorted(set(statement) - _STATEMENT_KEYS)
        if extra:
            found.append(
                ((*steps, extra[0]), f"{where}.{extra[0]} is not a policy statement field")
            )
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            found.append(
                (
                    (*steps, "Effect") if effect is not None else steps,
                    f"{where}.Effect must be Allow or Deny, not {effect!r}"
                    if effect is not None
                    else f"{where}.Effect is missing",
                )
            )
        checks = [(("Action", "NotAction"), True)]
        if kind == TRUST:
            checks.append((("Principal", "NotPrincipal"), True))
        else:
            checks.append((("Resource", "NotResource"), True))
        for names, required in checks:
            message = _one_of(statement, where, names, required)
            if message:
                found.append((steps, message))
        for name in ("Action", "NotAction", "Resource", "NotResource"):
            if name in statement and not _strings(statement[name]):
                found.append(
                    ((*steps, name), f"{where}.{name} must be a string or a list of strings")
                )
        if "Sid" in statement and not isinstance(statement["Sid"], str):
            found.append(((*steps, "Sid"), f"{where}.Sid must be a string"))
        if "Condition" in statement and not isinstance(statement["Condition"], dict):
            found.append(((*steps, "Condition"), f"{where}.Condition must be an object"))
    return found


def validate(document: Any, origin: str, kind: str = IDENTITY) -> None:
    """Refuse a document IAM would refuse, naming the first offending field (exit 2)."""
    found = problems(document, kind)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise UsageError(f"{origin} is not a valid IAM policy: {found[0]}{more}")
