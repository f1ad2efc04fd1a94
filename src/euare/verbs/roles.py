"""Roles: create (trust policy from a file or a service), delete (with everything attached),
describe, list, change the trust policy, and their inline policies."""

from __future__ import annotations

import click

from euare.call.arns import arn_of
from euare.call.context import Call
from euare.cli import params as o
from euare.cli.params import Decorator, option
from euare.cli.paramtypes import ModelRange
from euare.cli.rules import refuse
from euare.cli.verb import api_verb, list_verb, nothing, verb
from euare.core.render import PolicyText, Record, Result, boundary_lines
from euare.ops.deletion import Blocker, Kind, delete_recursively
from euare.ops.finds import existing
from euare.policy import documents as policy
from euare.verbs.inline import inline_policy_verbs


def trust_document(
    call: Call, given: str | None, service: str | None, file_flag: str, sent_as: tuple[str, str]
) -> str:
    """``-f FILE`` (``-`` is stdin; read and checked as a trust policy by params.Document), or
    the policy for ``-s SERVICE``, judged against the model of ``sent_as`` (operation, member).

    One of the two is required. That is checked here rather than by the verb's ``exclusive``
    group, so that the message never names rolecreate's hidden ``--service_``.
    """
    ctx = click.get_current_context()
    if service is not None:
        built = policy.dumps(policy.trust_policy(service))
        origin = f"the trust policy for -s {service}"
        refuse(origin, built, *sent_as)
        o.lint_asked(ctx, built, origin, policy.TRUST)
        return built
    if given is None:
        raise click.UsageError(f"one of {file_flag}, -s/--service is required", ctx)
    return given


def trust_options(api: str, *file_flags: str) -> list[Decorator]:
    """-f FILE / -s SERVICE: where a role's trust policy comes from (sent as ``api``);
    --lint/--fail-on."""
    return [
        option(
            *file_flags,
            "trust_policy",
            api=api,
            metavar="FILE",
            type=o.Document(o.FILE, policy.TRUST, "trust policy"),
            help="file holding the trust (assume-role) policy; - reads standard input",
        ),
        option(
            "-s",
            "--service",
            metavar="SERVICE",
            help="let this service (e.g. ec2.amazonaws.com) assume the role",
        ),
        *o.lint_options(),
    ]


def role_lines(roles: list[Record]) -> list[str]:
    """A role as euca2ools printed it: ARN, RoleId and the trust policy exactly as stored."""
    return [
        line
        for r in roles
        for line in (r["Arn"], r["RoleId"], policy.decode(r["AssumeRolePolicyDocument"]))
    ]


@verb(
    "rolecreate",
    "Create a role that a service (-s), or the principals in a trust policy (-f), may assume.",
    exclusive=[(("trust_policy", "service", "service_"), False)],
    examples=("web-server -s ec2.amazonaws.com", "ci-deploy -p /ci/ -f trust.json -v"),
    sends="CreateRole",
)
@o.role(new=True)
@o.path()
@o.tags()
@o.apply_all(trust_options("AssumeRolePolicyDocument", "-f", "--trust-policy"))
@option("--service_", "service_", metavar="SERVICE", hidden=True)  # euca2ools' old typo of -s
@o.verbose("print the new role's ARN, ID and trust policy (as IAM stored it)")
@o.policy_arn(
    "--boundary",
    name="boundary",
    api="PermissionsBoundary",
    help="also give the role this permissions boundary: " + o.POLICY_GIVEN,
)
def rolecreate(
    call: Call,
    *,
    role: str,
    path: str | None,
    tags: tuple[dict[str, str], ...],
    trust_policy: str | None,
    service: str | None,
    service_: str | None,
    verbose: bool,
    boundary: str | None,
) -> Result:
    document = trust_document(
        call,
        trust_policy,
        service if service is not None else service_,
        "-f/--trust-policy",
        ("CreateRole", "AssumeRolePolicyDocument"),
    )
    params = {
        "RoleName": role,
        "Path": path,
        "AssumeRolePolicyDocument": document,
        "Tags": list(tags) or None,
        "PermissionsBoundary": boundary,
    }
    created = call.send_once(
        "CreateRole", params, existing(call, f"role {role}", "GetRole", RoleName=role)
    )
    return Result([created["Role"]], role_lines if verbose else nothing, one=True)


api_verb(
    "rolegetattributes",
    "GetRole",
    "Show a role's ARN, ID and trust policy.",
    o.role(),
    o.verbose("also print its permissions boundary, if it has one"),
    result="Role",
    text=role_lines,
    verbose=lambda rs: [*role_lines(rs), *(line for r in rs for line in boundary_lines(r))],
    examples=("web-server", "web-server -v"),
)


@verb(
    "rolemod",
    "Change a role's description or maximum session duration (what is not given is kept: "
    "it is read first and sent again).",
    examples=(
        "web-server --description 'serves the site'",
        "ci-deploy --max-session-duration 7200",
    ),
    sends="UpdateRole",
)
@o.role()
@option("--description", api="Description", metavar="TEXT", help="the role's new description")
@option(
    "--max-session-duration",
    api="MaxSessionDuration",
    metavar="SECONDS",
    type=ModelRange("UpdateRole", "MaxSessionDuration"),
    help="how long a session of the role may last at most, 3600 (an hour) to 43200 (12 hours)",
)
def rolemod(
    call: Call, *, role: str, description: str | None, max_session_duration: int | None
) -> None:
    if description is None and max_session_duration is None:
        raise click.UsageError(
            "give --description or --max-session-duration (or both)", click.get_current_context()
        )
    # UpdateRole sets an hour when MaxSessionDuration is not sent, so what is not given is
    # sent as the role has it now (read just before; a change made meanwhile may be lost).
    current = call.request("GetRole", RoleName=role)["Role"]
    call.request(
        "UpdateRole",
        RoleName=role,
        Description=current.get("Description") if description is None else description,
        MaxSessionDuration=max_session_duration or current.get("MaxSessionDuration"),
    )


list_verb("rolelistbypath", "ListRoles", "List the ARNs of roles.", o.path_prefix("roles"))


@verb(
    "roleupdateassumepolicy",
    "Replace a role's trust (assume-role) policy.",
    exclusive=[(("trust_policy", "service"), False)],
    text=lambda rs: [str(r["PolicyDocument"]) for r in rs],  # as sent, as get*policy prints
    examples=("web-server -s lambda.amazonaws.com -o", "ci-deploy -f trust.json"),
    sends="UpdateAssumeRolePolicy",
)
@o.role()
@o.apply_all(trust_options("PolicyDocument", "-f"))
@option("-o", "output", is_flag=True, help="also print the policy that is sent")
def roleupdateassumepolicy(
    call: Call, *, role: str, trust_policy: str | None, service: str | None, output: bool
) -> Result | None:
    """-o stays local: euca2ools also sent it to IAM as a stray ``verbose`` parameter. IAM
    answers nothing; with -o the record is what was sent, under IAM's parameter names."""
    sent = {
        "RoleName": role,
        "PolicyDocument": PolicyText(
            trust_document(
                call, trust_policy, service, "-f", ("UpdateAssumeRolePolicy", "PolicyDocument")
            )
        ),
    }
    call.request("UpdateAssumeRolePolicy", **sent)
    return Result([sent], one=True) if output else None


ROLE_BLOCKERS = (
    Blocker(
        "instance profiles",
        "ListInstanceProfilesForRole",
        "InstanceProfiles",
        arn_of,
        lambda r, i: [
            (
                f"remove from instance profile {i['InstanceProfileName']}",
                "RemoveRoleFromInstanceProfile",
                {"RoleName": r, "InstanceProfileName": i["InstanceProfileName"]},
            )
        ],
    ),
    Blocker(
        "policies",
        "ListRolePolicies",
        "PolicyNames",
        str,
        lambda r, name: [
            (f"delete policy {name}", "DeleteRolePolicy", {"RoleName": r, "PolicyName": name})
        ],
    ),
    Blocker(
        "attachedpolicies",
        "ListAttachedRolePolicies",
        "AttachedPolicies",
        lambda i: i["PolicyArn"],
        lambda r, i: [
            (
                f"detach policy {i['PolicyArn']}",
                "DetachRolePolicy",
                {"RoleName": r, "PolicyArn": i["PolicyArn"]},
            )
        ],
    ),
)
ROLE = Kind(noun="role", param="RoleName", delete="DeleteRole", blockers=ROLE_BLOCKERS, flag="-c")


@verb(
    "roledel",
    "Delete a role. With -c, first remove it from its instance profiles, delete "
    "its inline policies and detach its managed policies.",
    examples=("web-server -p", "web-server -c"),
    sends="DeleteRole",
)
@o.role()
@o.recursive_delete("role", flag="-c")
def roledel(call: Call, *, role: str, recursive: bool, pretend: bool, jobs: int) -> Result | None:
    return delete_recursively(
        call, kind=ROLE, name=role, recursive=recursive, pretend=pretend, jobs=jobs
    )


inline_policy_verbs(
    "role",
    o.role(),
    resource_flags=("-c", "--resource"),
    listing_trailer=True,
    examples={
        "addpolicy": (
            "web-server -p write-logs -e Allow -a logs:PutLogEvents -c 'arn:aws:logs:*:*:*'",
        ),
        "uploadpolicy": ("web-server -p s3-assets -f s3-assets.json",),
    },
)
