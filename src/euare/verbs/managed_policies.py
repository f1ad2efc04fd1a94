"""Managed policies, which euca2ools predates, in the same style: create, delete (detaching it
everywhere), describe, list, versions, the entities they are attached to, and attaching them to
users, groups and roles.

A policy is given by ARN, or by name: a name means the account's own policy of that name
(``/team/NAME`` for one with a path), and its ARN is built from the caller's account.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from euare import options as o
from euare import policy as documents
from euare.cli import Call, Decorator, list_verb, option, positional, verb
from euare.errors import EuareError
from euare.render import Record, Result
from euare.verbs.common import Attachment, Item, delete_recursively

MAX_VERSIONS = 5


def policy_arn(call: Call, given: str) -> str:
    """An ARN as is; a name (optionally with a path) as the caller's account's policy."""
    if given.startswith("arn:"):
        return given
    if "account" not in call.options:
        caller = call.call("GetCallerIdentity", service="sts")
        call.options["account"] = (str(caller["Arn"]).split(":")[1], caller["Account"])
    partition, account = call.options["account"]
    return f"arn:{partition}:iam::{account}:policy/{given.lstrip('/')}"


def the_policy() -> Decorator:
    return positional("POLICY", None, "the policy's name (/PATH/NAME with a path) or ARN")


def document_options() -> list[Decorator]:
    return [
        option(
            "-f",
            "--policy-document",
            metavar="FILE",
            help="file holding the policy document (- reads standard input)",
        ),
        option("-o", "--policy-content", metavar="JSON", help="the policy document itself"),
    ]


@verb(
    "policycreate",
    "Create a managed policy (-v: print its ARN and ID).",
    exclusive=[o.DOCUMENT_CHOICE],
)
@the_policy()
@o.apply_all(document_options())
@o.path()
@option("--description", metavar="TEXT", help="what the policy is for")
@o.verbose("print the new policy's ARN and ID")
def policycreate(
    call: Call,
    policy: str,
    policy_document: str | None,
    policy_content: str | None,
    path: str | None,
    description: str | None,
    verbose: bool,
) -> list[Record]:
    document = _read(call, policy_content, policy_document)
    created = call.call(
        "CreatePolicy",
        PolicyName=policy,
        PolicyDocument=document,
        Path=path,
        Description=description,
    )["Policy"]
    return [{"Arn": created["Arn"], "PolicyId": created["PolicyId"]}] if verbose else []


def _read(call: Call, content: str | None, path: str | None) -> str:
    return documents.read_document(content, path, call.stdin)


def _entities(kind: str) -> Any:
    def items(call: Call, owner_param: str, arn: str) -> list[Item]:
        return list(
            call.pages("ListEntitiesForPolicy", f"Policy{kind}s", PolicyArn=arn, EntityFilter=kind)
        )

    return items


def _old_versions(call: Call, owner_param: str, arn: str) -> list[Item]:
    return [
        v
        for v in call.pages("ListPolicyVersions", "Versions", PolicyArn=arn)
        if not v["IsDefaultVersion"]
    ]


def _entity_attachment(kind: str) -> Attachment:
    """Detaching the policy from every ``kind`` (User, Group, Role) it is attached to."""
    field = f"{kind}Name"

    def remove(arn: str, item: Item) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            (
                f"detach from {kind.lower()} {item[field]}",
                f"Detach{kind}Policy",
                {field: item[field], "PolicyArn": arn},
            )
        ]

    return Attachment(
        f"{kind.lower()}s",
        "ListEntitiesForPolicy",
        f"Policy{kind}s",
        lambda item: str(item[field]),
        remove,
        items=_entities(kind),
    )


POLICY_ATTACHMENTS = (
    *(_entity_attachment(kind) for kind in ("User", "Group", "Role")),
    Attachment(
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
        items=_old_versions,
    ),
)


@verb(
    "policydel",
    "Delete a managed policy. With -r, first detach it from every user, group "
    "and role, and delete its other versions.",
)
@the_policy()
@o.recursive_delete("policy")
def policydel(call: Call, policy: str, recursive: bool, pretend: bool) -> Result | None:
    return delete_recursively(
        call,
        "policy",
        "PolicyArn",
        policy_arn(call, policy),
        POLICY_ATTACHMENTS,
        "DeletePolicy",
        recursive,
        pretend,
    )


@verb(
    "policygetattributes", "Show a managed policy's ARN, ID, default version and attachment count."
)
@the_policy()
def policygetattributes(call: Call, policy: str) -> list[Record]:
    found = call.call("GetPolicy", PolicyArn=policy_arn(call, policy))["Policy"]
    return [{k: found.get(k) for k in ("Arn", "PolicyId", "DefaultVersionId", "AttachmentCount")}]


list_verb(
    "policylistbypath",
    "ListPolicies",
    "Policies",
    "List the ARNs of managed policies.",
    o.path_prefix("policies"),
    option(
        "--scope",
        api="Scope",
        type=click.Choice(["All", "AWS", "Local"]),
        default="Local",
        show_default=True,
        help="whose policies: the account's own (Local), AWS's, or both",
    ),
    option(
        "--only-attached",
        api="OnlyAttached",
        is_flag=True,
        default=None,
        help="only policies attached to some user, group or role",
    ),
)


def _version_id(help: str, required: bool) -> Decorator:
    return option("--version-id", metavar="VERSION", required=required, help=help)


@verb(
    "policygetversion",
    "Print a version of a managed policy's document (default: the version in force).",
    text=lambda rs: [r["Document"] for r in rs],
)
@the_policy()
@_version_id("the version to print, e.g. v2", required=False)
@option("--pretty-print", is_flag=True, help="indent the policy document")
def policygetversion(
    call: Call, policy: str, version_id: str | None, pretty_print: bool
) -> list[Record]:
    arn = policy_arn(call, policy)
    version_id = version_id or call.call("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"]
    found = call.call("GetPolicyVersion", PolicyArn=arn, VersionId=version_id)["PolicyVersion"]
    document = documents.decode(found["Document"])
    if pretty_print:
        document = documents.pretty(document, policy)
    return [{"VersionId": version_id, "Document": document}]


def _version_lines(records: list[Record]) -> Iterable[str]:
    from euare.render import text

    for r in records:
        yield "\t".join(
            (r["VersionId"], "default" if r["IsDefaultVersion"] else "-", text(r["CreateDate"]))
        )


@verb(
    "policylistversions",
    "List a managed policy's versions: ID, whether it is the default, and its date.",
    text=_version_lines,
)
@the_policy()
def policylistversions(call: Call, policy: str) -> list[Record]:
    versions = call.pages("ListPolicyVersions", "Versions", PolicyArn=policy_arn(call, policy))
    return [
        {k: v.get(k) for k in ("VersionId", "IsDefaultVersion", "CreateDate")} for v in versions
    ]


@verb(
    "policycreateversion",
    "Give a managed policy a new version of its document and print the new version's ID.",
    exclusive=[o.DOCUMENT_CHOICE],
)
@the_policy()
@o.apply_all(document_options())
@option("--set-as-default", is_flag=True, help="make the new version the one in force")
@option(
    "--prune",
    is_flag=True,
    help=f"if the policy has {MAX_VERSIONS} versions, delete the oldest non-default one",
)
def policycreateversion(
    call: Call,
    policy: str,
    policy_document: str | None,
    policy_content: str | None,
    set_as_default: bool,
    prune: bool,
) -> list[Record]:
    document = _read(call, policy_content, policy_document)
    arn = policy_arn(call, policy)
    versions = list(call.pages("ListPolicyVersions", "Versions", PolicyArn=arn))
    if len(versions) >= MAX_VERSIONS:
        old = sorted(
            (v for v in versions if not v["IsDefaultVersion"]),
            key=lambda v: str(v.get("CreateDate")),
        )
        if not old:
            raise EuareError(f"{arn} has {len(versions)} versions and none can be deleted")
        if not prune:
            raise EuareError(
                f"{arn} already has {len(versions)} versions, the most IAM allows; "
                f"delete one (the oldest is {old[0]['VersionId']}) or use --prune",
                code="LimitExceeded",
            )
        call.call("DeletePolicyVersion", PolicyArn=arn, VersionId=old[0]["VersionId"])
    created = call.call(
        "CreatePolicyVersion", PolicyArn=arn, PolicyDocument=document, SetAsDefault=set_as_default
    )
    return [{"VersionId": created["PolicyVersion"]["VersionId"]}]


def _version_verb(name: str, operation: str, help: str) -> None:
    @verb(name, help)
    @the_policy()
    @_version_id("the version, e.g. v2", required=True)
    def body(call: Call, policy: str, version_id: str) -> None:
        call.call(operation, PolicyArn=policy_arn(call, policy), VersionId=version_id)


_version_verb(
    "policysetdefaultversion",
    "SetDefaultPolicyVersion",
    "Make a version of a managed policy the one in force.",
)
_version_verb(
    "policydelversion", "DeletePolicyVersion", "Delete a (non-default) version of a managed policy."
)


@verb(
    "policylistentities",
    "List the users, groups and roles a managed policy is attached to.",
    text=lambda rs: [
        line for r in rs for h, names in r.items() for line in (h, *(f"\t{n}" for n in names))
    ],
)
@the_policy()
@option(
    "--entity-filter",
    type=click.Choice(["User", "Group", "Role"]),
    help="list only this kind of entity",
)
def policylistentities(call: Call, policy: str, entity_filter: str | None) -> list[Record]:
    arn = policy_arn(call, policy)
    kinds = [entity_filter] if entity_filter else ["User", "Group", "Role"]
    return [
        {
            f"{k.lower()}s": [e[f"{k}Name"] for e in _entities(k)(call, "PolicyArn", arn)]
            for k in kinds
        }
    ]


def attachment_verbs(kind: str, entity: Decorator) -> None:
    """Declare ``{kind}attachpolicy``, ``{kind}detachpolicy`` and ``{kind}listattachedpolicies``."""
    title = kind.capitalize()
    which = option(
        "-p",
        "--policy-arn",
        "policy",
        metavar="POLICY",
        required=True,
        help="the policy's ARN, or the name of one of the account's own policies",
    )

    for action in ("Attach", "Detach"):

        def body(
            call: Call, policy: str, _op: str = f"{action}{title}Policy", **values: Any
        ) -> None:
            call.call(_op, **{f"{title}Name": values[kind]}, PolicyArn=policy_arn(call, policy))

        body.__name__ = f"{kind}{action.lower()}policy"
        verb(
            body.__name__,
            f"{action} a managed policy {'to' if action == 'Attach' else 'from'} a {kind}.",
        )(o.apply_all([entity, which])(body))

    list_verb(
        f"{kind}listattachedpolicies",
        f"ListAttached{title}Policies",
        "AttachedPolicies",
        f"List the ARNs of the managed policies attached to a {kind}.",
        entity,
        option(
            "--path-prefix",
            api="PathPrefix",
            metavar="PREFIX",
            help="list only policies whose path starts with PREFIX",
        ),
        record=lambda p: {"PolicyArn": p["PolicyArn"]},
    )


attachment_verbs("user", o.user())
attachment_verbs("group", o.group())
attachment_verbs("role", o.role())
