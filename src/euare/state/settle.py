"""Whether a step of a plan (euare.state.plan) is done already: what euare.state.apply asks after
a step failed in a way that says nothing of its effect (a 5xx, an answer that is not IAM's, a
connection lost), so that a step whose target is in the wanted state counts as done.

A removal is done when what it removes is no longer there (IAM answers a second removal
NoSuchEntity; some endpoints fail on it instead); a new default version, when the policy's
default document is the one wanted. A create is settled by its Lookup (euare.state.apply).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from euare.call.context import Call
from euare.core.outcome import gone

Probe = Callable[[Call, Mapping[str, Any]], bool]


def _absent(get: str, *names: str) -> Probe:
    """Done when ``get`` (with the step's ``names`` parameters) answers NoSuchEntity."""

    def probe(call: Call, p: Mapping[str, Any]) -> bool:
        try:
            call.request(get, **{n: p[n] for n in names})
        except Exception as exc:
            if gone(exc):
                return True
            raise
        return False

    return probe


def _not_listed(listing: str, key: str, owner: str, item: str, field: str) -> Probe:
    """Done when ``item`` is not among what ``listing`` lists for the step's ``owner``."""

    def probe(call: Call, p: Mapping[str, Any]) -> bool:
        found = call.pages(listing, key, **{owner: p[owner]})
        return all((i.get(field) if isinstance(i, Mapping) else i) != p[item] for i in found)

    return probe


def _profile_without_role(call: Call, p: Mapping[str, Any]) -> bool:
    profile = call.request("GetInstanceProfile", InstanceProfileName=p["InstanceProfileName"])
    return all(
        r["RoleName"] != p["RoleName"] for r in profile["InstanceProfile"].get("Roles") or []
    )


def _no_boundary(get: str, key: str, name: str) -> Probe:
    def probe(call: Call, p: Mapping[str, Any]) -> bool:
        return not call.request(get, **{name: p[name]})[key].get("PermissionsBoundary")

    return probe


def _alias_gone(call: Call, p: Mapping[str, Any]) -> bool:
    return p["AccountAlias"] not in (call.request("ListAccountAliases").get("AccountAliases") or [])


PROBES: dict[str, Probe] = {
    "RemoveRoleFromInstanceProfile": _profile_without_role,
    "RemoveUserFromGroup": _not_listed(
        "ListGroupsForUser", "Groups", "UserName", "GroupName", "GroupName"
    ),
    "DeleteUserPermissionsBoundary": _no_boundary("GetUser", "User", "UserName"),
    "DeleteRolePermissionsBoundary": _no_boundary("GetRole", "Role", "RoleName"),
    "DeleteAccountAlias": _alias_gone,
    "DeleteAccountPasswordPolicy": _absent("GetAccountPasswordPolicy"),
    "DeleteGroup": _absent("GetGroup", "GroupName"),
    "DeleteRole": _absent("GetRole", "RoleName"),
    "DeleteInstanceProfile": _absent("GetInstanceProfile", "InstanceProfileName"),
    "DeleteOpenIDConnectProvider": _absent("GetOpenIDConnectProvider", "OpenIDConnectProviderArn"),
    "DeleteSAMLProvider": _absent("GetSAMLProvider", "SAMLProviderArn"),
}
for _noun in ("User", "Group", "Role"):
    PROBES[f"Detach{_noun}Policy"] = _not_listed(
        f"ListAttached{_noun}Policies", "AttachedPolicies", f"{_noun}Name", "PolicyArn", "PolicyArn"
    )
    PROBES[f"Delete{_noun}Policy"] = _absent(f"Get{_noun}Policy", f"{_noun}Name", "PolicyName")


def removed(call: Call, operation: str, params: Mapping[str, Any]) -> bool:
    """Whether removal ``operation`` has its effect already (False: not known to)."""
    probe = PROBES.get(operation)
    return probe is not None and _safely(lambda: probe(call, params))


def default_is(call: Call, arn: str, document: str) -> bool:
    """Whether policy ``arn``'s default version holds ``document`` (compared as JSON)."""

    def look() -> bool:
        from euare.policy.documents import decode

        policy = call.request("GetPolicy", PolicyArn=arn)["Policy"]
        version = call.request(
            "GetPolicyVersion", PolicyArn=arn, VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]
        return bool(_parsed(decode(version["Document"])) == _parsed(document))

    return _safely(look)


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _safely(look: Callable[[], bool]) -> bool:
    """``look()``; a failure to look means "not known to be done"."""
    try:
        return look()
    except Exception:
        return False
