"""Groups: create, delete (with members and policies), list, membership, inline policies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from euare import options as o
from euare import policy
from euare.cli import Call, api_verb, list_verb, option, verb
from euare.render import Record, Result
from euare.verbs.common import Attachment, arn_of, delete_recursively

api_verb(
    "groupcreate",
    "CreateGroup",
    "Create a new group.",
    o.group(),
    o.path(),
    o.verbose(),
    records=lambda r, opts: (
        [{"Arn": r["Group"]["Arn"], "GroupId": r["Group"]["GroupId"]}] if opts["verbose"] else []
    ),
)

list_verb(
    "grouplistbypath",
    "ListGroups",
    "Groups",
    "List the ARNs of groups.",
    o.path_prefix("groups"),
    text=lambda rs: ["groups", *(f"   {r['Arn']}" for r in rs)],
)


@verb(
    "grouplistusers",
    "List a group's ARN and the ARNs of its members.",
    text=lambda rs: [rs[0]["Arn"], "   users", *(f"   {r['Arn']}" for r in rs[1:])],
)
@o.group()
def grouplistusers(call: Call, group: str) -> list[Record]:
    records: list[Record] = []
    for page in call.responses("GetGroup", GroupName=group):
        if not records:
            records.append({"Arn": page["Group"]["Arn"]})
        records.extend({"Arn": u["Arn"]} for u in page.get("Users", []))
    return records


api_verb(
    "groupadduser",
    "AddUserToGroup",
    "Add a user to a group.",
    o.group(),
    option(
        "-u", "--user-name", api="UserName", metavar="USER", required=True, help="the user to add"
    ),
)


@verb("groupremoveuser", "Remove users from a group.")
@o.group()
@option(
    "-u",
    "--user-name",
    "users",
    metavar="USER",
    multiple=True,
    required=True,
    help="a user to remove (repeatable)",
)
def groupremoveuser(call: Call, group: str, users: tuple[str, ...]) -> None:
    plan = call.plan()
    for user in users:
        plan.add(
            f"remove {user} from {group}", "RemoveUserFromGroup", GroupName=group, UserName=user
        )
    plan.execute()


GROUP_ATTACHMENTS = (
    Attachment(
        "users",
        "GetGroup",
        "Users",
        arn_of,
        lambda g, i: [
            (
                f"remove {i['UserName']} from {g}",
                "RemoveUserFromGroup",
                {"GroupName": g, "UserName": i["UserName"]},
            )
        ],
    ),
    Attachment(
        "policies",
        "ListGroupPolicies",
        "PolicyNames",
        str,
        lambda g, name: [
            (f"delete policy {name}", "DeleteGroupPolicy", {"GroupName": g, "PolicyName": name})
        ],
    ),
    Attachment(
        "attachedpolicies",
        "ListAttachedGroupPolicies",
        "AttachedPolicies",
        lambda i: i["PolicyArn"],
        lambda g, i: [
            (
                f"detach policy {i['PolicyArn']}",
                "DetachGroupPolicy",
                {"GroupName": g, "PolicyArn": i["PolicyArn"]},
            )
        ],
    ),
)


@verb(
    "groupdel",
    "Delete a group. With -r, first remove its members and its inline and attached policies.",
)
@o.group()
@o.recursive_delete("group")
def groupdel(call: Call, group: str, recursive: bool, pretend: bool) -> Result | None:
    return delete_recursively(
        call, "group", "GroupName", group, GROUP_ATTACHMENTS, "DeleteGroup", recursive, pretend
    )


def _printed_policy(records: list[Record]) -> Iterable[str]:
    return [r["PolicyDocument"] for r in records]


@verb(
    "groupaddpolicy",
    "Give a group an inline policy built from an effect, actions and resources.",
    text=_printed_policy,
)
@o.group()
@o.apply_all(o.policy_builder())
def groupaddpolicy(
    call: Call,
    group: str,
    policy_name: str,
    effect: str,
    actions: tuple[str, ...],
    resources: tuple[str, ...],
    output: bool,
) -> list[Record]:
    document = policy.dumps(policy.build(effect, list(actions), list(resources)))
    call.call("PutGroupPolicy", GroupName=group, PolicyName=policy_name, PolicyDocument=document)
    return [{"PolicyName": policy_name, "PolicyDocument": document}] if output else []


@verb(
    "groupuploadpolicy",
    "Give a group an inline policy from a JSON document.",
    exclusive=[o.DOCUMENT_CHOICE],
)
@o.group()
@o.apply_all(o.policy_document())
def groupuploadpolicy(
    call: Call,
    group: str,
    policy_name: str,
    policy_content: str | None,
    policy_document: str | None,
    **_: Any,
) -> None:
    document = policy.read_document(policy_content, policy_document, call.stdin)
    call.call("PutGroupPolicy", GroupName=group, PolicyName=policy_name, PolicyDocument=document)
