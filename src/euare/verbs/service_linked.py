"""Service-linked roles: the roles an AWS service creates and uses for itself, named by IAM
(``AWSServiceRoleForAutoScaling``), under the path ``/aws-service-role/SERVICE/``.

The create is sent once (Call.send_once): its role's name is IAM's to choose, so a lost answer
is settled by listing the service's path and taking the role that was not there before. The
delete is a task IAM runs on its own (it refuses while the service still uses the role):
``roledelservicelinked`` starts it and waits, a bounded time, for it to succeed or fail.
"""

from __future__ import annotations

from typing import Any

import click

from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli.params import option, positional, role
from euare.cli.verb import nothing, verb
from euare.core.errors import EuareError, stderr_line
from euare.core.render import Record, Result
from euare.core.retry import poll
from euare.ops.finds import new_items

POLL_SECONDS = 2.0  # between two looks at a deletion task (tests make it 0)
DONE = ("SUCCEEDED", "FAILED")


def _new_role(call: Call, service: str, suffix: str | None, before: set[str]) -> Lookup:
    """The role that appeared under the service's path since ``before`` (ARNs) was taken."""
    prefix = f"/aws-service-role/{service}/"

    def look() -> dict[str, Any] | None:
        found = new_items(call, "ListRoles", "Roles", "Arn", before, PathPrefix=prefix)
        if suffix is not None:
            found = [r for r in found if str(r["RoleName"]).endswith(f"_{suffix}")]
        return {"Role": found[0]} if len(found) == 1 else None

    return Lookup(f"a service-linked role for {service}", look)


@verb(
    "rolecreateservicelinked",
    "Create the service-linked role of an AWS service, and print its name (IAM chooses it).",
    text=lambda rs: [str(r["RoleName"]) for r in rs],
    examples=("autoscaling.amazonaws.com", "autoscaling.amazonaws.com --custom-suffix web"),
    sends="CreateServiceLinkedRole",
)
@positional(
    "SERVICE", "AWSServiceName", "the service, e.g. autoscaling.amazonaws.com", "--aws-service-name"
)
@option("--description", api="Description", metavar="TEXT", help="what the role is for")
@option(
    "--custom-suffix",
    api="CustomSuffix",
    metavar="SUFFIX",
    help="added to the role's name (ROLE_SUFFIX), for a service that allows several roles",
)
def rolecreateservicelinked(
    call: Call, *, service: str, description: str | None, custom_suffix: str | None
) -> Result:
    prefix = f"/aws-service-role/{service}/"
    before = {str(r["Arn"]) for r in call.pages("ListRoles", "Roles", PathPrefix=prefix)}
    params = {"AWSServiceName": service, "Description": description, "CustomSuffix": custom_suffix}
    created = call.send_once(
        "CreateServiceLinkedRole", params, _new_role(call, service, custom_suffix, before)
    )
    return Result([created["Role"]], one=True)


def _failure(role_name: str, status: Record) -> str:
    reason = status.get("Reason") or {}
    parts = [str(reason.get("Reason") or "IAM gave no reason")]
    for usage in reason.get("RoleUsageList") or []:
        resources = ", ".join(str(r) for r in usage.get("Resources") or [])
        parts.append(f"used in {usage.get('Region', '?')} by {resources or '?'}")
    return f"the deletion of role {role_name} failed: " + "; ".join(parts)


@verb(
    "roledelservicelinked",
    "Delete a service-linked role: start IAM's deletion task and wait until it succeeds or "
    "fails (exit 1, with IAM's reason: the service still uses the role, say).",
    examples=("AWSServiceRoleForAutoScaling", "AWSServiceRoleForAutoScaling_web --wait 300"),
    sends="DeleteServiceLinkedRole",
)
@role()
@option(
    "--wait",
    metavar="SECONDS",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    help="how long to wait for the deletion to finish (0: look once); still running then, "
    "exit 1 with the task's ID (IAM goes on with it)",
)
def roledelservicelinked(call: Call, *, role: str, wait: int) -> Result:
    """JSON prints the task's ID and its last status (GetServiceLinkedRoleDeletionStatus's
    answer); text prints nothing. A progress line goes to stderr only when it is a terminal."""
    task = str(call.request("DeleteServiceLinkedRole", RoleName=role)["DeletionTaskId"])
    terminal, shown = call.stderr.isatty(), False

    def look() -> dict[str, Any]:
        return call.request("GetServiceLinkedRoleDeletionStatus", DeletionTaskId=task)

    def progress(status: dict[str, Any], pause: float) -> None:
        nonlocal shown
        if terminal:
            line = stderr_line(call.prog, f"deleting role {role}: {status['Status']}...")
            call.stderr.write(f"\r{line}")
            call.stderr.flush()
            shown = True

    try:
        status = poll(
            look,
            done=lambda status: str(status["Status"]) in DONE,
            budget=wait,
            first=POLL_SECONDS,
            most=POLL_SECONDS,
            on_wait=progress,
        )
    finally:
        if shown:
            call.stderr.write("\r\033[K")  # the progress line is erased, whatever happens
            call.stderr.flush()
    state = str(status["Status"])
    if state == "FAILED":
        raise EuareError(_failure(role, status))
    if state != "SUCCEEDED":
        raise EuareError(
            f"the deletion of role {role} is still {state} after {wait} seconds; IAM goes on "
            f"with it (deletion task {task})"
        )
    record = {"DeletionTaskId": task, **status}
    return Result([record], nothing, one=True)
