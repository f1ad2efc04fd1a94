"""Groups: create, delete (with members and policies), list, membership, inline policies."""

from __future__ import annotations

import itertools

from euare.call.arns import arn_of
from euare.call.context import Call
from euare.cli import params as o
from euare.cli.params import option
from euare.cli.verb import api_verb, list_verb, nothing, verb
from euare.core.render import Record, Result
from euare.ops.deletion import Blocker, Kind, delete_recursively
from euare.ops.finds import by_name
from euare.verbs.inline import inline_policy_verbs

api_verb(
    "groupcreate",
    "CreateGroup",
    "Create a new group.",
    o.group(new=True),
    o.path(),
    o.verbose(),
    result="Group",
    text=nothing,
    verbose=lambda rs: [line for r in rs for line in (r["Arn"], r["GroupId"])],
    find=by_name("GetGroup", "GroupName", "group"),
    examples=("admins", "ebs-backup -p /ops/ -v"),
)

list_verb(
    "grouplistbypath",
    "ListGroups",
    "List the ARNs of groups.",
    o.path_prefix("groups"),
    text=lambda rs: itertools.chain(["groups"], (f"   {r['Arn']}" for r in rs)),
    examples=("-p /ops/",),
)


def _members(records: list[Record]) -> list[str]:
    return [
        line
        for r in records
        for line in (r["Group"]["Arn"], "   users", *(f"   {u['Arn']}" for u in r["Users"]))
    ]


@verb(
    "grouplistusers",
    "List a group's ARN and the ARNs of its members.",
    text=_members,
    sends="GetGroup",
)
@o.group()
def grouplistusers(call: Call, *, group: str) -> Result:
    """GetGroup's answer, every page's users in one list: {"Group": {...}, "Users": [...]}."""
    record: Record = {}
    for page in call.responses("GetGroup", GroupName=group):
        record.setdefault("Group", page["Group"])
        record.setdefault("Users", []).extend(page.get("Users", []))
    return Result([record], one=True)


api_verb(
    "groupadduser",
    "AddUserToGroup",
    "Add a user to a group.",
    o.group(),
    option(
        "-u",
        "--user-name",
        api="UserName",
        metavar="USER",
        required=True,
        help="the user to add",
        shell_complete=o.USERS,
    ),
    examples=("admins -u alice",),
)


@verb(
    "groupremoveuser",
    "Remove users from a group.",
    examples=("admins -u alice -u bob",),
    sends="RemoveUserFromGroup",
)
@o.group()
@option(
    "-u",
    "--user-name",
    "users",
    api="UserName",
    metavar="USER",
    multiple=True,
    required=True,
    help="a user to remove (repeatable)",
    shell_complete=o.USERS,
)
def groupremoveuser(call: Call, *, group: str, users: tuple[str, ...]) -> None:
    plan = call.plan()
    for user in users:
        plan.add(
            f"remove {user} from {group}", "RemoveUserFromGroup", GroupName=group, UserName=user
        )
    plan.execute()


GROUP_BLOCKERS = (
    Blocker(
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
    Blocker(
        "policies",
        "ListGroupPolicies",
        "PolicyNames",
        str,
        lambda g, name: [
            (f"delete policy {name}", "DeleteGroupPolicy", {"GroupName": g, "PolicyName": name})
        ],
    ),
    Blocker(
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
GROUP = Kind(noun="group", param="GroupName", delete="DeleteGroup", blockers=GROUP_BLOCKERS)


@verb(
    "groupdel",
    "Delete a group. With -r, first remove its members and its inline and attached policies.",
    examples=("ebs-backup -p", "ebs-backup -r"),
    sends="DeleteGroup",
)
@o.group()
@o.recursive_delete("group")
def groupdel(call: Call, *, group: str, recursive: bool, pretend: bool, jobs: int) -> Result | None:
    return delete_recursively(
        call, kind=GROUP, name=group, recursive=recursive, pretend=pretend, jobs=jobs
    )


inline_policy_verbs(
    "group",
    o.group(),
    examples={
        "addpolicy": (
            "ebs-backup -p snapshots -e Allow -a ec2:CreateSnapshot -a 'ec2:Describe*' -r '*'",
            "interns -p no-iam -e Deny -a 'iam:*' -r '*'",
        ),
        "uploadpolicy": ("admins -p admins-all -f admins-all.json",),
        "listpolicies": ("admins -v",),
    },
)

api_verb(
    "groupmod",
    "UpdateGroup",
    "Rename a group or change its path.",
    o.group(),
    option("-n", "--new-group-name", api="NewGroupName", metavar="GROUP", help="the new name"),
    option("-p", "--new-path", api="NewPath", metavar="PATH", help="the group's new path"),
    examples=("ebs-backup -n snapshot-takers",),
)
