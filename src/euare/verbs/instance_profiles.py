"""Instance profiles: create (with a role), delete (removing its roles), describe, list, and
add or remove a role."""

from __future__ import annotations

from typing import Any

from euare.call.arns import arn_of
from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli import params as o
from euare.cli.params import Decorator, option
from euare.cli.rules import refuse
from euare.cli.verb import api_verb, list_verb, nothing, verb
from euare.core.render import Record, Result
from euare.ops.deletion import Blocker, Item, Kind, delete_recursively
from euare.ops.finds import existing
from euare.policy import documents as policy

EC2 = "ec2.amazonaws.com"
ROLE_NAME = ("CreateRole", "RoleName")  # --create-role sends the profile's name as this too


def role_option(help: str) -> Decorator:
    return option(
        "-r",
        "--role-name",
        api="RoleName",
        metavar="ROLE",
        required=True,
        help=help,
        shell_complete=o.ROLES,
    )


@verb(
    "instanceprofilecreate",
    "Create an instance profile, optionally with a role in it.",
    exclusive=[(("add_role", "create_role"), False)],
    examples=("web-server -r web-server", "batch-worker --create-role -v"),
    sends="CreateInstanceProfile",
)
@o.profile(new=True)
@o.path()
@o.tags(help="tag the new instance profile with KEY=VALUE (repeatable; the value may be empty)")
@option(
    "-r",
    "--add-role",
    api="RoleName",
    sent_in="AddRoleToInstanceProfile",
    metavar="ROLE",
    help="also add this existing role to the profile",
    shell_complete=o.ROLES,
)
@option(
    "--create-role",
    is_flag=True,
    help="also create a role of the same name and path that EC2 may assume, and add it",
)
@o.verbose("print the new instance profile's ARN and ID")
def instanceprofilecreate(
    call: Call,
    *,
    iprofile: str,
    path: str | None,
    tags: tuple[dict[str, str], ...],
    add_role: str | None,
    create_role: bool,
    verbose: bool,
) -> Result:
    plan = call.plan().add_once(
        f"create instance profile {iprofile}",
        "CreateInstanceProfile",
        {"InstanceProfileName": iprofile, "Path": path, "Tags": list(tags) or None},
        existing(
            call, f"instance profile {iprofile}", "GetInstanceProfile", InstanceProfileName=iprofile
        ),
    )
    if create_role:
        refuse("IPROFILE (with --create-role, the role's name too)", iprofile, *ROLE_NAME)
        plan.add_once(
            f"create role {iprofile}",
            "CreateRole",
            {"RoleName": iprofile, "Path": path, "AssumeRolePolicyDocument": ec2_trust()},
            existing(call, f"role {iprofile}", "GetRole", RoleName=iprofile),
        )
    role = iprofile if create_role else add_role
    if role:
        held = {"InstanceProfileName": iprofile, "RoleName": role}
        plan.add_once(
            f"add role {role} to {iprofile}",
            "AddRoleToInstanceProfile",
            held,
            role_in_profile(call, held),
        )
    created = plan.execute()[0]["InstanceProfile"]
    return Result([created], profile_lines if verbose else nothing, one=True)


def ec2_trust() -> str:
    """The trust policy of a role --create-role makes: EC2 may assume it."""
    return policy.dumps(policy.trust_policy(EC2))


def profile_lines(profiles: list[Record]) -> list[str]:
    """An instance profile as euca2ools printed it: its ARN and ID."""
    return [line for p in profiles for line in (p["Arn"], p["InstanceProfileId"])]


def profile_and_role_lines(profiles: list[Record]) -> list[str]:
    """Its ARN and ID, then the ARN of each of its roles."""
    return [*profile_lines(profiles), *(r["Arn"] for p in profiles for r in p.get("Roles") or [])]


def role_in_profile(call: Call, params: dict[str, Any]) -> Lookup:
    """AddRoleToInstanceProfile took effect if the profile holds the role (a profile holds one
    role at most, so a resend would fail with LimitExceeded)."""
    name, role = params["InstanceProfileName"], params["RoleName"]

    def look() -> dict[str, Any] | None:
        found = call.request("GetInstanceProfile", InstanceProfileName=name)["InstanceProfile"]
        roles = [r["RoleName"] for r in found.get("Roles") or []]
        return {"InstanceProfile": found} if role in roles else None

    return Lookup(f"role {role} in instance profile {name}", look)


def _roles(call: Call, owner_param: str, owner: str) -> list[Item]:
    found = call.request("GetInstanceProfile", **{owner_param: owner})["InstanceProfile"]
    return list(found.get("Roles") or [])


PROFILE_BLOCKERS = (
    Blocker(
        "roles",
        "GetInstanceProfile",
        "Roles",
        arn_of,
        lambda p, r: [
            (
                f"remove role {r['RoleName']}",
                "RemoveRoleFromInstanceProfile",
                {"InstanceProfileName": p, "RoleName": r["RoleName"]},
            )
        ],
        items=_roles,
    ),
)
PROFILE = Kind(
    noun="instance profile",
    param="InstanceProfileName",
    delete="DeleteInstanceProfile",
    blockers=PROFILE_BLOCKERS,
)


@verb(
    "instanceprofiledel",
    "Delete an instance profile. With -r, first remove its roles from it. The roles "
    "themselves are kept (euca2ools' -r deleted them too): delete them with euare-roledel.",
    examples=("web-server -r",),
    sends="DeleteInstanceProfile",
)
@o.profile()
@o.recursive_delete(
    "instance profile",
    removes="first remove the profile's roles from it (the roles are not deleted)",
    lists="list the roles -r would remove, and change nothing",
)
def instanceprofiledel(
    call: Call, *, iprofile: str, recursive: bool, pretend: bool, jobs: int
) -> Result | None:
    return delete_recursively(
        call, kind=PROFILE, name=iprofile, recursive=recursive, pretend=pretend, jobs=jobs
    )


api_verb(
    "instanceprofilegetattributes",
    "GetInstanceProfile",
    "Show an instance profile's ARN and ID (-r: and its roles' ARNs).",
    o.profile(),
    # -r is this verb's --verbose: only the text differs (JSON always has the roles)
    option("-r", "verbose", is_flag=True, help="also list the ARNs of the profile's roles"),
    result="InstanceProfile",
    text=profile_lines,
    verbose=profile_and_role_lines,
    examples=("web-server -r",),
)


list_verb(
    "instanceprofilelistbypath",
    "ListInstanceProfiles",
    "List the ARNs of instance profiles.",
    o.path_prefix("instance profiles"),
)

list_verb(
    "instanceprofilelistforrole",
    "ListInstanceProfilesForRole",
    "List the ARNs of the instance profiles a role is in.",
    o.role(),
)

api_verb(
    "instanceprofileaddrole",
    "AddRoleToInstanceProfile",
    "Add a role to an instance profile.",
    o.profile(),
    role_option("the role to add"),
    find=role_in_profile,
    examples=("web-server -r web-server",),
)

api_verb(
    "instanceprofileremoverole",
    "RemoveRoleFromInstanceProfile",
    "Remove a role from an instance profile.",
    o.profile(),
    role_option("the role to remove"),
)
