"""A managed policy's versions, as several commands need them: a new version made (the oldest
non-default one deleted first when IAM's five are reached), and the versions that keep a
policy from being deleted. ``euare-policycreateversion``, ``euare-policydel -r`` and
``euare-accountapply`` all go through here."""

from __future__ import annotations

import functools

from euare.call.context import Call
from euare.call.once import Lookup
from euare.core.errors import EuareError
from euare.core.render import as_text
from euare.ops.deletion import Blocker, Item
from euare.ops.finds import new_items
from euare.policy.documents import MAX_VERSIONS


def age(version: Item) -> tuple[str, int]:
    """Sort key, oldest first: creation time, then the number in ``vN`` (IAM counts up)."""
    number = str(version["VersionId"]).lstrip("v")
    return as_text(version.get("CreateDate")), int(number) if number.isdigit() else 0


def _create(call: Call, arn: str, document: str, default: bool, before: set[str]) -> Item:
    """CreatePolicyVersion, sent once: a lost answer is settled by listing the versions."""

    def look() -> Item | None:
        new = new_items(call, "ListPolicyVersions", "Versions", "VersionId", before, PolicyArn=arn)
        if len(new) > 1:
            raise EuareError(f"versions {', '.join(v['VersionId'] for v in new)} are all new")
        return {"PolicyVersion": new[0]} if new else None

    params = {"PolicyArn": arn, "PolicyDocument": document, "SetAsDefault": default}
    return call.send_once("CreatePolicyVersion", params, Lookup("a new version", look))


def to_prune(shown: str, versions: list[Item], prune: bool) -> str | None:
    """The version to delete first (the oldest non-default one) when the policy (``shown`` in
    messages) has as many as IAM allows, or None; without ``prune``, refused, naming it."""
    if len(versions) < MAX_VERSIONS:
        return None
    old = sorted((v for v in versions if not v["IsDefaultVersion"]), key=age)
    if not old:
        raise EuareError(f"{shown} has {len(versions)} versions and none can be deleted")
    oldest = str(old[0]["VersionId"])
    if not prune:
        raise EuareError(
            f"{shown} already has {len(versions)} versions, the most IAM allows: delete "
            f"one first (the oldest non-default one is {oldest}), or add --prune to delete "
            f"{oldest} and then create the new version",
            code="LimitExceeded",
        )
    return oldest


def create_version(
    call: Call, arn: str, document: str, *, default: bool, prune: bool, shown: str
) -> Item:
    """Give policy ``arn`` (``shown`` in messages) a new version of ``document``, made its
    default with ``default``; IAM's answer's PolicyVersion. When the policy has MAX_VERSIONS
    versions already, ``prune`` deletes the oldest non-default one first; without it, that is
    an error naming the version to delete (LimitExceeded)."""
    versions = list(call.pages("ListPolicyVersions", "Versions", PolicyArn=arn))
    before = {str(v["VersionId"]) for v in versions}
    plan = call.plan()
    oldest = to_prune(shown, versions, prune)
    if oldest is not None:
        plan.add(
            f"delete version {oldest}",
            "DeletePolicyVersion",
            done_if_gone=True,
            PolicyArn=arn,
            VersionId=oldest,
        )
    create = functools.partial(_create, call, arn, document, default, before)
    plan.add_call("create the new version", create)
    found: Item = plan.execute()[-1]["PolicyVersion"]
    return found


def _other_versions(call: Call, owner_param: str, arn: str) -> list[Item]:
    versions = call.pages("ListPolicyVersions", "Versions", PolicyArn=arn)
    return [v for v in versions if not v["IsDefaultVersion"]]


# A policy's versions other than its default one, which IAM requires deleted before the policy.
VERSIONS = Blocker(
    "versions",
    "ListPolicyVersions",
    "Versions",
    lambda v: str(v["VersionId"]),
    lambda arn, v: [
        (
            f"delete version {v['VersionId']}",
            "DeletePolicyVersion",
            {"PolicyArn": arn, "VersionId": v["VersionId"]},
        )
    ],
    items=_other_versions,
)
