"""Managed policies, which euca2ools predates, in the same style: create, delete (detaching it
everywhere), describe, list, versions, the entities they are attached to, and attaching them to
users, groups and roles.

A policy is given by ARN, or by name: a name means the account's own policy of that name
(``/team/NAME`` for one under the path ``/team/``), and its ARN is built from the caller's
account (see :func:`policy_arn`). An AWS managed policy is given by its ARN
(``arn:aws:iam::aws:policy/ReadOnlyAccess``).

Like euca2ools' own create verbs, policycreate prints nothing unless asked with ``-v``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from euare.call.arns import split_name
from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli import params as o
from euare.cli.helpdoc import a
from euare.cli.params import Decorator, option, positional
from euare.cli.rules import refuse
from euare.cli.verb import api_verb, list_verb, nothing, verb
from euare.core.errors import UsageError
from euare.core.render import Record, Result, as_text
from euare.ops.deletion import Blocker, Item, Kind, Removal, delete_recursively
from euare.ops.policy_versions import VERSIONS

KINDS = ("User", "Group", "Role")  # what a managed policy can be attached to

# --- naming a policy -----------------------------------------------------------------------------


# --- the policy itself ---------------------------------------------------------------------------


@verb(
    "policycreate",
    "Create a managed policy. Prints nothing, as euca2ools' create verbs do; -v prints the new "
    "policy's ARN and ID.",
    exclusive=[o.DOCUMENT_CHOICE],
    examples=(
        "s3-backups -f s3-backups.json --description 'read and write the backups bucket'",
        "/ops/ebs-snapshots -f - -v",
    ),
    sends="CreatePolicy",
)
@positional(
    "POLICY", None, "name of the new policy (/PATH/NAME also sets its path)", "--policy-name"
)
@o.apply_all(o.document_options("PolicyDocument", file_first=True))
@o.path("path for the new policy (default: /, or the path in POLICY)")
@option(
    "--description",
    api="Description",
    metavar="TEXT",
    help="what the policy is for (cannot be changed later)",
)
@o.tags()
@o.verbose("print the new policy's ARN and ID")
def policycreate(
    call: Call,
    *,
    policy: str,
    policy_document: str | None,
    policy_content: str | None,
    path: str | None,
    description: str | None,
    tags: tuple[dict[str, str], ...],
    verbose: bool,
) -> Result:
    if policy.startswith("arn:"):
        raise UsageError("POLICY is the new policy's name, not an ARN")
    named_path, name = split_name(policy)
    refuse("POLICY", name, "CreatePolicy", "PolicyName")
    if "/" in policy:
        if path is not None and path.strip("/") != named_path.strip("/"):
            raise UsageError(f"POLICY {policy} has the path {named_path}, but --path says {path}")
        refuse("POLICY's path", named_path, "CreatePolicy", "Path")
        path = named_path
    params = {
        "PolicyName": name,
        "PolicyDocument": policy_content or policy_document,
        "Path": path,
        "Description": description,
        "Tags": list(tags) or None,
    }
    created = call.send_once("CreatePolicy", params, _named_policy(call, name, path))["Policy"]
    return Result([created], _arn_and_id if verbose else nothing, one=True)


def _arn_and_id(records: list[Record]) -> Iterable[str]:
    return [str(r[k]) for r in records for k in ("Arn", "PolicyId")]


def _named_policy(call: Call, name: str, path: str | None) -> Lookup:
    """The account's own policy ``name`` (under ``path``), found by listing: no ARN needed."""

    def look() -> Item | None:
        for found in call.pages("ListPolicies", "Policies", Scope="Local", PathPrefix=path):
            if found["PolicyName"] == name:
                return {"Policy": found}
        return None

    return Lookup(f"policy {name}", look)


def entities(call: Call, arn: str, kinds: Iterable[str] = KINDS) -> dict[str, list[Item]]:
    """The users, groups and roles ``arn`` is attached to, by kind, from every page."""
    kinds = list(kinds)
    found: dict[str, list[Item]] = {kind: [] for kind in kinds}
    only = {"EntityFilter": kinds[0]} if len(kinds) == 1 else {}
    for page in call.responses("ListEntitiesForPolicy", PolicyArn=arn, **only):
        for kind in kinds:
            found[kind].extend(page.get(f"Policy{kind}s") or [])
    return found


def _entity_attachment(kind: str) -> Blocker:
    """Detaching the policy from every ``kind`` (User, Group, Role) it is attached to."""
    field = f"{kind}Name"

    def items(call: Call, owner_param: str, arn: str) -> list[Item]:
        return entities(call, arn, [kind])[kind]

    def remove(arn: str, item: Item) -> list[Removal]:
        return [
            (
                f"detach from {kind.lower()} {item[field]}",
                f"Detach{kind}Policy",
                {field: item[field], "PolicyArn": arn},
            )
        ]

    return Blocker(
        f"{kind.lower()}s",
        "ListEntitiesForPolicy",
        f"Policy{kind}s",
        lambda item: str(item[field]),
        remove,
        items=items,
    )


POLICY_BLOCKERS = (
    *(_entity_attachment(kind) for kind in KINDS),
    VERSIONS,
)
POLICY = Kind(noun="policy", param="PolicyArn", delete="DeletePolicy", blockers=POLICY_BLOCKERS)


@verb(
    "policydel",
    "Delete a managed policy. With -r, first detach it from every user, group and role, and "
    "delete its other versions, as IAM requires. -p prints them, under the headers users, "
    "groups, roles and versions, and changes nothing.",
    examples=("s3-backups -p", "s3-backups -r"),
    sends="DeletePolicy",
)
@o.the_policy()
@o.recursive_delete("policy")
def policydel(
    call: Call, *, policy: str, recursive: bool, pretend: bool, jobs: int
) -> Result | None:
    return delete_recursively(
        call, kind=POLICY, name=policy, recursive=recursive, pretend=pretend, jobs=jobs
    )


ATTRIBUTES = ("Arn", "PolicyId", "DefaultVersionId", "AttachmentCount")


api_verb(
    "policygetattributes",
    "GetPolicy",
    "Show a managed policy's ARN, ID, default version and attachment count, one a line.",
    o.the_policy(),
    result="Policy",
    text=lambda rs: [as_text(r.get(k)) for r in rs for k in ATTRIBUTES],
)


list_verb(
    "policylistbypath",
    "ListPolicies",
    "List the ARNs of managed policies, one a line.",
    o.path_prefix("policies"),
    option(
        "--scope",
        api="Scope",
        type=o.IamChoice(["All", "AWS", "Local"]),
        default="Local",
        show_default=True,
        help="whose policies: the account's own (Local), AWS's, or both (All). Local is the "
        "default because AWS's list is a thousand policies long",
    ),
    option(
        "--only-attached",
        api="OnlyAttached",
        is_flag=True,
        help="list only policies attached to some user, group or role",
    ),
    examples=("--only-attached", "--scope AWS -p /job-function/"),
)

# --- where a policy is attached ------------------------------------------------------------------


@verb(
    "policylistentities",
    "List the users, groups and roles a managed policy is attached to: the headers users, "
    "groups and roles, each followed by the names, one a line, indented with a tab.",
    examples=("s3-backups", "arn:aws:iam::aws:policy/ReadOnlyAccess --entity-filter User"),
    sends="ListEntitiesForPolicy",
)
@o.the_policy()
@option(
    "--entity-filter",
    api="EntityFilter",
    type=o.IamChoice(KINDS),
    help="list only this kind of entity (only its header is printed)",
)
def policylistentities(call: Call, *, policy: str, entity_filter: str | None) -> Result:
    """One object, as IAM's answer has it: PolicyGroups, PolicyUsers and PolicyRoles, each the
    whole items of every page (empty for a kind --entity-filter leaves out)."""
    kinds = [entity_filter] if entity_filter else list(KINDS)
    found = entities(call, policy, kinds)
    record = {f"Policy{k}s": found.get(k, []) for k in ("Group", "User", "Role")}
    return Result([record], functools.partial(entity_lines, kinds=kinds), one=True)


def entity_lines(records: list[Record], *, kinds: Iterable[str] = KINDS) -> Iterable[str]:
    """policylistentities' text: for each of ``kinds`` (User, Group, Role), its header (users,
    groups, roles), then the name of each entity of that kind, after a tab."""
    for r in records:
        for kind in kinds:
            yield f"{kind.lower()}s"
            yield from (f"\t{e[f'{kind}Name']}" for e in r[f"Policy{kind}s"])


def attached_policy_verbs(
    kind: str, entity: Decorator, examples: Mapping[str, tuple[str, ...]] | None = None
) -> None:
    """Declare ``{kind}attachpolicy``, ``{kind}detachpolicy`` and ``{kind}listattachedpolicies``
    for ``kind`` ("user", "group" or "role"), whose positional is ``entity``; ``examples`` gives
    each verb's (by the name after ``kind``: "attachpolicy", ...).

    The policy is ``-p/--policy-arn``: in euca2ools ``-p`` names the policy in policy commands
    (and is free here), while ``-a`` means --action.
    """
    title = kind.capitalize()
    shown = examples or {}
    which = o.policy_arn("-p", "--policy-arn", required=True)
    for action, help in (
        ("Attach", f"Attach a managed policy to {a(kind)}."),
        ("Detach", f"Detach a managed policy from {a(kind)}."),
    ):
        api_verb(
            f"{kind}{action.lower()}policy",
            f"{action}{title}Policy",
            help,
            entity,
            which,
            examples=shown.get(f"{action.lower()}policy", ()),
        )
    list_verb(
        f"{kind}listattachedpolicies",
        f"ListAttached{title}Policies",
        f"List the ARNs of the managed policies attached to {a(kind)}, one a line.",
        entity,
        o.path_prefix("policies"),
        text=lambda rs: (r["PolicyArn"] for r in rs),
        examples=shown.get("listattachedpolicies", ()),
    )


attached_policy_verbs(
    "user",
    o.user(),
    {
        "attachpolicy": (
            "alice -p arn:aws:iam::aws:policy/ReadOnlyAccess",
            "alice -p /ops/ebs-snapshots",
        ),
        "detachpolicy": ("alice -p arn:aws:iam::aws:policy/ReadOnlyAccess",),
    },
)
attached_policy_verbs(
    "group",
    o.group(),
    {
        "attachpolicy": (
            "admins -p arn:aws:iam::aws:policy/AdministratorAccess",
            "ebs-backup -p s3-backups",
        ),
        "listattachedpolicies": ("admins",),
    },
)
attached_policy_verbs(
    "role",
    o.role(),
    {"attachpolicy": ("web-server -p arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",)},
)
