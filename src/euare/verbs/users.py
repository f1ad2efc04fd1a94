"""Users: create, delete (with everything attached), list, describe."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.params import option
from euare.cli.verb import api_verb, list_verb, verb
from euare.core.errors import EuareError, stderr_line
from euare.core.outcome import already_exists
from euare.core.render import Record, Result, boundary_lines
from euare.ops.access_keys import create_access_key, key_ages, new_key_lines, save_iamrc
from euare.ops.deletion import delete_recursively
from euare.ops.finds import existing
from euare.ops.user_removal import USER
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
    *,
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
    first = NewUser(
        call=call,
        user=user,
        params={"Path": path, "Tags": list(tags) or None, "PermissionsBoundary": boundary},
        more=bool(group or want_key),
        one_key=want_key and not another_key,
    )
    plan = call.plan().add_step(first)
    if group:
        plan.add(f"add {user} to group {group}", "AddUserToGroup", UserName=user, GroupName=group)
    if want_key:
        make_key = functools.partial(create_access_key, call, user)
        plan.add_call(f"create an access key for {user}", make_key)
    results = plan.execute()
    record: Record = {"User": results[0]["User"]}
    if want_key:
        key = results[-1]
        record["AccessKey"] = key if iamrc_out is None else save_iamrc(iamrc_out, key, user)
    text = functools.partial(
        new_user_lines, verbose=verbose, as_iamrc=write_config, to_file=iamrc_out is not None
    )
    return Result([record], text, one=True)


@dataclass(frozen=True, kw_only=True)
class NewUser:
    """usercreate's first step: CreateUser (``params``: its Path, Tags, PermissionsBoundary),
    sent once.

    With ``more`` steps to come, a user that exists already is taken as this command's own
    earlier, interrupted run, so that running it again finishes the job: the user found is
    given what CreateUser would have set. But with ``one_key`` (a key is asked for, without
    --another-key), a user found with an access key already is refused: a second key is made
    only when asked for.
    """

    call: Call
    user: str
    params: dict[str, Any]
    more: bool
    one_key: bool

    @property
    def description(self) -> str:
        return f"create user {self.user}"

    def __call__(self) -> dict[str, Any]:
        lookup = existing(self.call, f"user {self.user}", "GetUser", UserName=self.user)
        try:
            return self.call.send_once("CreateUser", {"UserName": self.user, **self.params}, lookup)
        except Exception as exc:
            if not self.more or not already_exists(exc):
                raise
        return self.take_found()

    def take_found(self) -> dict[str, Any]:
        """The user found, given the tags and boundary asked for (both calls are idempotent)."""
        call, user = self.call, self.user
        self.refuse_second_key()
        warning = f"warning: user {user} already exists; going on with the remaining steps"
        call.stderr.write(stderr_line(call.prog, warning) + "\n")
        if self.params["Tags"]:
            call.request("TagUser", UserName=user, Tags=self.params["Tags"])
        if self.params["PermissionsBoundary"]:
            boundary = self.params["PermissionsBoundary"]
            call.request("PutUserPermissionsBoundary", UserName=user, PermissionsBoundary=boundary)
        return call.request("GetUser", UserName=user)

    def refuse_second_key(self) -> None:
        if not self.one_key:
            return
        keys = [k["AccessKeyId"] for k in key_ages(self.call, self.user)]
        if keys:
            raise EuareError(
                f"user {self.user} already exists and already has an access key "
                f"({', '.join(keys)}); add --another-key to create one more (if the key's "
                f"secret was lost, delete it with: euare-userdelkey -u {self.user} {keys[-1]})",
                code="EntityAlreadyExists",
            )


def new_user_lines(
    records: list[Record], *, verbose: bool = False, as_iamrc: bool = False, to_file: bool = False
) -> list[str]:
    """usercreate's text, as euca2ools printed it: with ``verbose`` (-v) the new user's ARN and
    ID; then its access key's ID and secret (-k), as a ready .iamrc with ``as_iamrc`` (-w), or
    its ID alone when the key went ``to_file`` (--iamrc-out)."""
    shown: list[str] = []
    for r in records:
        if verbose:
            shown += [r["User"]["Arn"], r["User"]["UserId"]]
        if "AccessKey" in r:
            shown += new_key_lines([r["AccessKey"]], as_iamrc=as_iamrc, to_file=to_file)
    return shown


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
def userdel(call: Call, *, user: str, recursive: bool, pretend: bool, jobs: int) -> Result | None:
    return delete_recursively(
        call, kind=USER, name=user, recursive=recursive, pretend=pretend, jobs=jobs
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
