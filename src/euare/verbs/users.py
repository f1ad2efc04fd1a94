"""Users: create, delete (with everything attached), list, describe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.params import option
from euare.cli.verb import api_verb, list_verb, verb
from euare.core.errors import EuareError, describe, stderr_line
from euare.core.render import Record, Result, boundary_lines
from euare.ops.access_keys import (
    create_access_key,
    key_ages,
    key_id_lines,
    save_iamrc,
    secret_lines,
)
from euare.ops.deletion import delete_recursively
from euare.ops.finds import existing
from euare.ops.user_removal import USER_BLOCKERS
from euare.verbs.inline import inline_policy_verbs

if TYPE_CHECKING:
    from euare.core.files import Output


@verb(
    "usercreate",
    "Create a new user, optionally adding it to a group and giving it an access key. Run again "
    "after a failure, it finishes the job: a user that exists is taken as its own (and given "
    "the --tag and --boundary asked for), but one that already has an access key gets no "
    "second key unless --another-key is given.",
    exclusive=[(("verbose", "write_config"), False), (("write_config", "iamrc_out"), False)],
    examples=(
        "alice -g admins -k",
        "backup-script -p /service/ -g ebs-backup -w",
        "backup-script -p /service/ --iamrc-out backup.iamrc",
    ),
    sends="CreateUser",
)
@o.user(new=True)
@o.path()
@o.tags()
@option(
    "-g",
    "--group-name",
    "group",
    api="GroupName",
    sent_in="AddUserToGroup",
    metavar="GROUP",
    help="also add the new user to GROUP",
    shell_complete=o.GROUPS,
)
@option("--verify", is_flag=True, help="with -g, check that GROUP exists before creating the user")
@option("-k", "--create-accesskey", is_flag=True, help="also create an access key and print it")
@o.verbose()
@option(
    "-w",
    "--write-config",
    is_flag=True,
    help="also create an access key and print it as a ready .iamrc file",
)
@o.iamrc_out()
@o.FORCE_IAMRC
@option(
    "--another-key",
    is_flag=True,
    help="with -k, -w or --iamrc-out, create the key even if the user exists and already has one",
)
@o.policy_arn(
    "--boundary",
    name="boundary",
    api="PermissionsBoundary",
    help="also give the user this permissions boundary: " + o.POLICY_GIVEN,
)
@option("-d", "--domain", metavar="DOMAIN", help="accepted for euca2ools compatibility; unused")
@option(
    "-l", "--set-default-user", is_flag=True, help="accepted for euca2ools compatibility; unused"
)
def usercreate(
    call: Call,
    user: str,
    path: str | None,
    tags: tuple[dict[str, str], ...],
    group: str | None,
    verify: bool,
    create_accesskey: bool,
    verbose: bool,
    write_config: bool,
    iamrc_out: Output | None,
    another_key: bool,
    boundary: str | None,
    **_: Any,
) -> Result:
    if verify and group:
        call.request("GetGroup", GroupName=group, MaxItems=1)
    want_key = create_accesskey or write_config or iamrc_out is not None
    more = bool(group or want_key)

    def create() -> dict[str, Any]:
        """With more steps to come, an existing user is taken as this command's own earlier,
        interrupted run, so that running it again finishes the job; but a second key is made
        only when asked for."""
        lookup = existing(call, f"user {user}", "GetUser", UserName=user)
        try:
            params = {
                "UserName": user,
                "Path": path,
                "Tags": list(tags) or None,
                "PermissionsBoundary": boundary,
            }
            return call.send_once("CreateUser", params, lookup)
        except Exception as exc:
            if not more or describe(exc).code != "EntityAlreadyExists":
                raise
        if want_key and not another_key:
            keys = [k["AccessKeyId"] for k in key_ages(call, user)]
            if keys:
                raise EuareError(
                    f"user {user} already exists and already has an access key "
                    f"({', '.join(keys)}); add --another-key to create one more (if the key's "
                    f"secret was lost, delete it with: euare-userdelkey -u {user} {keys[-1]})",
                    code="EntityAlreadyExists",
                )
        call.stderr.write(
            stderr_line(
                call.prog, f"warning: user {user} already exists; going on with the remaining steps"
            )
            + "\n"
        )
        # what CreateUser would have set, set on the user found (both calls are idempotent)
        if tags:
            call.request("TagUser", UserName=user, Tags=list(tags))
        if boundary:
            call.request("PutUserPermissionsBoundary", UserName=user, PermissionsBoundary=boundary)
        return call.request("GetUser", UserName=user)

    plan = call.plan().add_call(f"create user {user}", create)
    if group:
        plan.add(f"add {user} to group {group}", "AddUserToGroup", UserName=user, GroupName=group)
    if want_key:
        plan.add_call(f"create an access key for {user}", lambda: create_access_key(call, user))
    results = plan.execute()
    record: Record = {"User": results[0]["User"]}
    if want_key:
        record["AccessKey"] = results[-1]
        if iamrc_out is not None:
            record["AccessKey"] = save_iamrc(iamrc_out, results[-1], user)

    def lines(records: list[Record]) -> list[str]:
        """euca2ools' text: -v the new user's ARN and ID; -k the key's ID and secret; -w a
        ready .iamrc; --iamrc-out the key's ID alone."""
        shown: list[str] = []
        for r in records:
            if verbose:
                shown += [r["User"]["Arn"], r["User"]["UserId"]]
            if "AccessKey" in r and iamrc_out is not None:
                shown += key_id_lines(r["AccessKey"])
            elif "AccessKey" in r:
                shown += secret_lines(r["AccessKey"], as_iamrc=write_config)
        return shown

    return Result([record], lines, one=True)


@verb(
    "userdel",
    "Delete a user. With -r, first remove everything AWS requires removed: access "
    "keys, signing certificates, SSH keys, service-specific credentials, MFA devices, the "
    "login profile, inline and attached policies and group memberships.",
    examples=("bob -p", "bob -r"),
    sends="DeleteUser",
)
@o.user()
@o.recursive_delete("user")
def userdel(call: Call, user: str, recursive: bool, pretend: bool, jobs: int) -> Result | None:
    return delete_recursively(
        call, "user", "UserName", user, USER_BLOCKERS, "DeleteUser", recursive, pretend, jobs
    )


list_verb(
    "userlistbypath",
    "ListUsers",
    "List the ARNs of users.",
    o.path_prefix("users"),
    examples=("-p /engineering/", "--format table"),
)


def _user_lines(records: list[Record]) -> list[str]:
    return [line for r in records for line in (r["Arn"], r["UserId"])]


api_verb(
    "usergetattributes",
    "GetUser",
    "Show a user's ARN and ID.",
    o.user(required=False),
    o.verbose("also print its permissions boundary, if it has one"),
    result="User",
    text=_user_lines,
    verbose=lambda rs: [*_user_lines(rs), *(line for r in rs for line in boundary_lines(r))],
    examples=("", "alice -v", "alice --format json"),
)

inline_policy_verbs(
    "user",
    o.user(),
    listing_trailer=True,
    examples={
        "addpolicy": (
            "backup-script -p s3-backups -e Allow -a s3:PutObject -r 'arn:aws:s3:::backups/*' -o",
        ),
        "uploadpolicy": ("alice -p s3-backups -f s3-backups.json", "alice -p s3-backups -f -"),
        "getpolicy": ("alice -p s3-backups --pretty-print",),
        "listpolicies": ("alice -v --pretty-print",),
    },
)

api_verb(
    "usermod",
    "UpdateUser",
    "Rename a user or change its path.",
    o.user(),
    option("-n", "--new-user-name", api="NewUserName", metavar="USER", help="the user's new name"),
    option("-p", "--new-path", api="NewPath", metavar="PATH", help="the user's new path"),
    examples=("alice -n alice.smith", "alice -p /engineering/"),
)

list_verb(
    "userlistgroups",
    "ListGroupsForUser",
    "List the ARNs of the groups a user belongs to.",
    o.user(),
    examples=("alice",),
)
