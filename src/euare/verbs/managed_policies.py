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

from collections.abc import Iterable

import click

from euare import params as o
from euare import policy as documents
from euare.arns import policy_arn, split_name
from euare.cli import api_verb, list_verb, nothing, verb
from euare.context import Call
from euare.errors import EuareError, UsageError
from euare.once import Lookup
from euare.params import Decorator, Late, PolicyArn, option, positional
from euare.render import Record, Result, text
from euare.verbs.deletion import Blocker, Item, Removal, delete_recursively
from euare.verbs.finds import new_items

MAX_VERSIONS = 5  # IAM keeps at most this many versions of a managed policy
KINDS = ("User", "Group", "Role")  # what a managed policy can be attached to
GIVEN = "the policy's ARN, or the name of one of the account's own policies (/PATH/NAME)"

# --- naming a policy -----------------------------------------------------------------------------


def the_policy(as_arn: Late | None = None) -> Decorator:
    """POLICY, sent as PolicyArn: by default made an ARN (params.PolicyArn) when the verb runs;
    ``the_policy(None)`` leaves it as given, for a verb that names it as given in messages."""
    kind = PolicyArn() if as_arn is None else as_arn
    return positional("POLICY", "PolicyArn", GIVEN, "--policy-name", "--policy-arn", type=kind)


def the_given_policy() -> Decorator:
    return positional("POLICY", None, GIVEN, "--policy-name", "--policy-arn")


def document_options() -> list[Decorator]:
    """-f FILE / -o JSON, exactly one (o.DOCUMENT_CHOICE): the policy document (params.Document
    reads and checks it)."""
    return o.document_options()[::-1]


# --- the policy itself ---------------------------------------------------------------------------


@verb(
    "policycreate",
    "Create a managed policy. Prints nothing, as euca2ools' create verbs do; -v prints the new "
    "policy's ARN and ID.",
    exclusive=[o.DOCUMENT_CHOICE],
)
@positional(
    "POLICY", None, "name of the new policy (/PATH/NAME also sets its path)", "--policy-name"
)
@o.apply_all(document_options())
@o.path("path for the new policy (default: /, or the path in POLICY)")
@option("--description", metavar="TEXT", help="what the policy is for (cannot be changed later)")
@o.verbose("print the new policy's ARN and ID")
def policycreate(
    call: Call,
    policy: str,
    policy_document: str | None,
    policy_content: str | None,
    path: str | None,
    description: str | None,
    verbose: bool,
) -> Result:
    if policy.startswith("arn:"):
        raise UsageError("POLICY is the new policy's name, not an ARN")
    named_path, name = split_name(policy)
    if "/" in policy:
        if path is not None and path.strip("/") != named_path.strip("/"):
            raise UsageError(f"POLICY {policy} has the path {named_path}, but --path says {path}")
        path = named_path
    params = {
        "PolicyName": name,
        "PolicyDocument": policy_content or policy_document,
        "Path": path,
        "Description": description,
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


def _other_versions(call: Call, owner_param: str, arn: str) -> list[Item]:
    versions = call.pages("ListPolicyVersions", "Versions", PolicyArn=arn)
    return [v for v in versions if not v["IsDefaultVersion"]]


POLICY_BLOCKERS = (
    *(_entity_attachment(kind) for kind in KINDS),
    Blocker(
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
    ),
)


@verb(
    "policydel",
    "Delete a managed policy. With -r, first detach it from every user, group and role, and "
    "delete its other versions, as IAM requires. -p prints them, under the headers users, "
    "groups, roles and versions, and changes nothing.",
)
@the_policy()
@o.recursive_delete("policy")
def policydel(call: Call, policy: str, recursive: bool, pretend: bool) -> Result | None:
    return delete_recursively(
        call,
        "policy",
        "PolicyArn",
        policy,
        POLICY_BLOCKERS,
        "DeletePolicy",
        recursive,
        pretend,
    )


ATTRIBUTES = ("Arn", "PolicyId", "DefaultVersionId", "AttachmentCount")


api_verb(
    "policygetattributes",
    "GetPolicy",
    "Show a managed policy's ARN, ID, default version and attachment count, one a line.",
    the_policy(),
    result="Policy",
    text=lambda rs: [text(r.get(k)) for r in rs for k in ATTRIBUTES],
)


list_verb(
    "policylistbypath",
    "ListPolicies",
    "List the ARNs of managed policies, one a line.",
    o.path_prefix("policies"),
    option(
        "--scope",
        api="Scope",
        type=click.Choice(["All", "AWS", "Local"], case_sensitive=False),
        metavar="[All|AWS|Local]",
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
)

# --- versions ------------------------------------------------------------------------------------


def _version_id(help: str, required: bool) -> Decorator:
    return option("--version-id", api="VersionId", metavar="VERSION", required=required, help=help)


@verb(
    "policygetversion",
    "Print a version of a managed policy's document (default: the version in force).",
)
@the_given_policy()
@_version_id("the version to print, e.g. v2 (default: the policy's default version)", False)
@option("--pretty-print", is_flag=True, help="indent the policy document")
def policygetversion(call: Call, policy: str, version_id: str | None, pretty_print: bool) -> Result:
    """Its record is IAM's PolicyVersion, whole; the text is its document as IAM stores it."""
    arn = policy_arn(call, policy)
    version_id = version_id or call.call("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"]
    found = call.call("GetPolicyVersion", PolicyArn=arn, VersionId=version_id)["PolicyVersion"]

    def lines(records: list[Record]) -> Iterable[str]:
        for r in records:
            document = documents.decode(r["Document"])
            yield documents.pretty(document, policy) if pretty_print else document

    return Result([found], lines, one=True)


def _version_lines(records: list[Record]) -> Iterable[str]:
    for r in records:
        default = "true" if r["IsDefaultVersion"] else "false"
        yield f"{r['VersionId']}\t{default}\t{text(r['CreateDate'])}"


list_verb(
    "policylistversions",
    "ListPolicyVersions",
    "List a managed policy's versions, one a line: the version ID, whether it is the default "
    "(true or false) and when it was created, separated by tabs.",
    the_policy(),
    text=_version_lines,
)


def _age(version: Item) -> tuple[str, int]:
    """Sort key, oldest first: creation time, then the number in ``vN`` (IAM counts up)."""
    number = str(version["VersionId"]).lstrip("v")
    return text(version.get("CreateDate")), int(number) if number.isdigit() else 0


def _create_version(call: Call, arn: str, document: str, default: bool, before: set[str]) -> Item:
    """CreatePolicyVersion, sent once: a lost answer is settled by listing the versions."""

    def look() -> Item | None:
        new = new_items(call, "ListPolicyVersions", "Versions", "VersionId", before, PolicyArn=arn)
        if len(new) > 1:
            raise EuareError(f"versions {', '.join(v['VersionId'] for v in new)} are all new")
        return {"PolicyVersion": new[0]} if new else None

    params = {"PolicyArn": arn, "PolicyDocument": document, "SetAsDefault": default}
    return call.send_once("CreatePolicyVersion", params, Lookup("a new version", look))


@verb(
    "policycreateversion",
    f"Give a managed policy a new version of its document and print the new version's ID. A "
    f"policy has at most {MAX_VERSIONS} versions: with --prune the oldest non-default version "
    f"is deleted first when it has that many.",
    exclusive=[o.DOCUMENT_CHOICE],
    text=lambda rs: [r["VersionId"] for r in rs],
)
@the_given_policy()
@o.apply_all(document_options())
@option("--set-as-default", is_flag=True, help="make the new version the one in force")
@option(
    "--prune",
    is_flag=True,
    help=f"if the policy already has {MAX_VERSIONS} versions, delete the oldest non-default one",
)
def policycreateversion(
    call: Call,
    policy: str,
    policy_document: str | None,
    policy_content: str | None,
    set_as_default: bool,
    prune: bool,
) -> Result:
    document = str(policy_content or policy_document)  # read and checked: params.Document
    arn = policy_arn(call, policy)
    versions = list(call.pages("ListPolicyVersions", "Versions", PolicyArn=arn))
    before = {str(v["VersionId"]) for v in versions}
    plan = call.plan()
    if len(versions) >= MAX_VERSIONS:
        old = sorted((v for v in versions if not v["IsDefaultVersion"]), key=_age)
        if not old:
            raise EuareError(f"{policy} has {len(versions)} versions and none can be deleted")
        oldest = old[0]["VersionId"]
        if not prune:
            raise EuareError(
                f"{policy} already has {len(versions)} versions, the most IAM allows: delete "
                f"one first (the oldest non-default one is {oldest}), or add --prune to delete "
                f"{oldest} and then create the new version",
                code="LimitExceeded",
            )
        plan.add(
            f"delete version {oldest}",
            "DeletePolicyVersion",
            done_if_gone=True,
            PolicyArn=arn,
            VersionId=oldest,
        )
    plan.add_call(
        "create the new version",
        lambda: _create_version(call, arn, document, set_as_default, before),
    )
    created = plan.execute()[-1]["PolicyVersion"]
    return Result([created], one=True)


api_verb(
    "policysetdefaultversion",
    "SetDefaultPolicyVersion",
    "Make a version of a managed policy the one in force.",
    the_policy(),
    _version_id("the version, e.g. v2", required=True),
)
api_verb(
    "policydelversion",
    "DeletePolicyVersion",
    "Delete a version of a managed policy (not its default one).",
    the_policy(),
    _version_id("the version, e.g. v2", required=True),
)

# --- where a policy is attached ------------------------------------------------------------------


@verb(
    "policylistentities",
    "List the users, groups and roles a managed policy is attached to: the headers users, "
    "groups and roles, each followed by the names, one a line, indented with a tab.",
)
@the_policy()
@option(
    "--entity-filter",
    type=click.Choice(KINDS, case_sensitive=False),
    metavar="[User|Group|Role]",
    help="list only this kind of entity (only its header is printed)",
)
def policylistentities(call: Call, policy: str, entity_filter: str | None) -> Result:
    """One object, as IAM's answer has it: PolicyGroups, PolicyUsers and PolicyRoles, each the
    whole items of every page (empty for a kind --entity-filter leaves out)."""
    kinds = [entity_filter] if entity_filter else list(KINDS)
    found = entities(call, policy, kinds)
    record = {f"Policy{k}s": found.get(k, []) for k in ("Group", "User", "Role")}

    def lines(records: list[Record]) -> Iterable[str]:
        for r in records:
            for kind in kinds:
                yield f"{kind.lower()}s"
                yield from (f"\t{e[f'{kind}Name']}" for e in r[f"Policy{kind}s"])

    return Result([record], lines, one=True)


def attached_policy_verbs(kind: str, entity: Decorator) -> None:
    """Declare ``{kind}attachpolicy``, ``{kind}detachpolicy`` and ``{kind}listattachedpolicies``
    for ``kind`` ("user", "group" or "role"), whose positional is ``entity``.

    The policy is ``-p/--policy-arn``: in euca2ools ``-p`` names the policy in policy commands
    (and is free here), while ``-a`` means --action.
    """
    title = kind.capitalize()
    which = option(
        "-p",
        "--policy-arn",
        "policy",
        api="PolicyArn",
        type=PolicyArn(),
        metavar="POLICY",
        required=True,
        help=GIVEN,
    )
    for action, help in (
        ("Attach", f"Attach a managed policy to a {kind}."),
        ("Detach", f"Detach a managed policy from a {kind}."),
    ):
        api_verb(f"{kind}{action.lower()}policy", f"{action}{title}Policy", help, entity, which)
    list_verb(
        f"{kind}listattachedpolicies",
        f"ListAttached{title}Policies",
        f"List the ARNs of the managed policies attached to a {kind}, one a line.",
        entity,
        o.path_prefix("policies"),
        text=lambda rs: [r["PolicyArn"] for r in rs],
    )


attached_policy_verbs("user", o.user())
attached_policy_verbs("group", o.group())
attached_policy_verbs("role", o.role())
