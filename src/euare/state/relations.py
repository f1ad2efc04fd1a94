"""What ties entities together, as plan steps (euare.state.steps): a user's groups, inline
policies, attached policies, an instance profile's roles, an OpenID Connect provider's client
IDs; and, for an entity about to be deleted, everything that holds it (a group's members, the
instance profiles that hold a role, every user, group and role a policy is attached to), which
IAM requires taken away first.

A step here is the tuple :meth:`euare.state.steps.Steps.add` takes: (phase, (kind, name), what
it does, operation, parameters, command line, how it is sent).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from euare.state.diff import REMOVED, Change, Entity
from euare.state.plan import ATTACH, CALL, CREATE, DETACH, ENTITIES, REMOVE, text_of

Relation = tuple[int, tuple[str, str], str, str, dict[str, Any], list[str], str]

NOUNS = {"Users": ("user", "User"), "Groups": ("group", "Group"), "Roles": ("role", "Role")}
INLINE = {"UserPolicyList": "Users", "GroupPolicyList": "Groups", "RolePolicyList": "Roles"}


def relation(entity: Entity, change: Change, made: bool = False, arn: str = "") -> Relation | None:
    """The step that makes list item ``change.item`` of ``entity``'s field ``change.field`` as
    the desired ``entity.record`` has it (None: nothing to do, or not a relation). ``arn`` is
    the entity's, as the account has it (a desired record written by hand has none)."""
    field, item, key = change.field, change.item, entity.kind.key
    if item is None:
        return None
    gone = change.sign == REMOVED and change.member is None
    where = (entity.kind.label, entity.name)
    name = entity.name
    if field == "GroupList" and key == "Users":
        return membership(name, item, gone)
    if field in INLINE and INLINE[field] == key:
        prefix, noun = NOUNS[key]
        owner = {f"{noun}Name": name}
        if gone:
            return (
                DETACH,
                where,
                f"delete inline policy {item} of {prefix} {name}",
                f"Delete{noun}Policy",
                {**owner, "PolicyName": item},
                [f"{prefix}delpolicy", name, "-p", item],
                REMOVE,
            )
        if change.member not in (None, "PolicyDocument"):
            return None
        wanted = {str(p["PolicyName"]): p for p in entity.record.get(field) or []}
        document = text_of(wanted[item].get("PolicyDocument"))
        return (
            ATTACH,
            where,
            f"put inline policy {item} of {prefix} {name}",
            f"Put{noun}Policy",
            {**owner, "PolicyName": item, "PolicyDocument": document},
            [f"{prefix}uploadpolicy", name, "-p", item, "-o", document],
            CALL,
        )
    if field == "AttachedManagedPolicies" and key in NOUNS and change.member is None:
        return attachment(key, name, item, gone)
    if field == "Roles" and key == "InstanceProfiles":
        return profile_role(name, item, gone)
    if field == "ClientIDList" and key == "OpenIDConnectProviders" and not made:
        verb, operation = (
            ("delclientid", "RemoveClientIDFrom") if gone else ("addclientid", "AddClientIDTo")
        )
        return (
            ENTITIES,
            where,
            f"{'remove' if gone else 'add'} client ID {item} of {entity.kind.label} {name}",
            f"{operation}OpenIDConnectProvider",
            {"OpenIDConnectProviderArn": arn, "ClientID": item},
            [f"oidcprovider{verb}", arn, "-c", item],
            CALL,
        )
    return None


def membership(user: str, group: str, gone: bool) -> Relation:
    if gone:
        return (
            DETACH,
            ("user", user),
            f"remove user {user} from group {group}",
            "RemoveUserFromGroup",
            {"GroupName": group, "UserName": user},
            ["groupremoveuser", group, "-u", user],
            REMOVE,
        )
    return (
        ATTACH,
        ("user", user),
        f"add user {user} to group {group}",
        "AddUserToGroup",
        {"GroupName": group, "UserName": user},
        ["groupadduser", group, "-u", user],
        CALL,
    )


def attachment(kind: str, name: str, arn: str, gone: bool) -> Relation:
    prefix, noun = NOUNS[kind]
    owner = {f"{noun}Name": name}
    if gone:
        return (
            DETACH,
            (prefix, name),
            f"detach {arn} from {prefix} {name}",
            f"Detach{noun}Policy",
            {**owner, "PolicyArn": arn},
            [f"{prefix}detachpolicy", name, "-p", arn],
            REMOVE,
        )
    return (
        ATTACH,
        (prefix, name),
        f"attach {arn} to {prefix} {name}",
        f"Attach{noun}Policy",
        {**owner, "PolicyArn": arn},
        [f"{prefix}attachpolicy", name, "-p", arn],
        CALL,
    )


def profile_role(profile: str, role: str, gone: bool) -> Relation:
    where = ("instance profile", profile)
    params = {"InstanceProfileName": profile, "RoleName": role}
    if gone:
        return (
            DETACH,
            where,
            f"remove role {role} from instance profile {profile}",
            "RemoveRoleFromInstanceProfile",
            params,
            ["instanceprofileremoverole", profile, "-r", role],
            REMOVE,
        )
    return (
        ATTACH,
        where,
        f"add role {role} to instance profile {profile}",
        "AddRoleToInstanceProfile",
        params,
        ["instanceprofileaddrole", profile, "-r", role],
        CREATE,
    )


def holders(entity: Entity, live: Mapping[str, Any], arn: str | None) -> Iterator[Relation]:
    """Before ``entity`` (removed from the desired state) is deleted: everything the account
    (``live``) has that holds it, taken away. A user needs none of this: it is deleted as
    ``userdel -r`` deletes one."""
    key, name = entity.kind.key, entity.name
    if key == "Groups":
        for user in live.get("Users") or []:
            if name in (user.get("GroupList") or []):
                yield membership(str(user["UserName"]), name, gone=True)
    if key == "Roles":
        for profile in live.get("InstanceProfiles") or []:
            if name in (profile.get("Roles") or []):
                yield profile_role(str(profile["InstanceProfileName"]), name, gone=True)
    if key == "InstanceProfiles":
        for role in entity.record.get("Roles") or []:
            yield profile_role(name, str(role), gone=True)
    if key in ("Groups", "Roles"):
        field = {"Groups": "GroupPolicyList", "Roles": "RolePolicyList"}[key]
        for policy in entity.record.get(field) or []:
            step = relation(entity, Change(REMOVED, field, str(policy["PolicyName"])))
            if step is not None:
                yield step
        for attached in entity.record.get("AttachedManagedPolicies") or []:
            yield attachment(key, name, str(attached["PolicyArn"]), gone=True)
    if key == "Policies" and arn:
        for kind in NOUNS:
            for holder in live.get(kind) or []:
                arns = {
                    str(a.get("PolicyArn")) for a in holder.get("AttachedManagedPolicies") or []
                }
                if arn in arns:
                    holder_name = str(holder[f"{NOUNS[kind][1]}Name"])
                    yield attachment(kind, holder_name, arn, gone=True)
