"""Applying a plan (euare.state.plan): its phases one after another, each phase's lanes ``jobs``
at a time (euare.call.fanout's pool, under its Throttling gate), every step said on stderr once
done.

Each step is sent as its command would send it: a create once (Call.send_once, a lost answer
settled by looking), a removal as done when the thing is gone, a user deleted as ``userdel -r``
deletes one, a policy as ``policydel -r``, a new policy version as ``policycreateversion
--prune --set-as-default``. Every other call is one IAM takes twice with the same result, so a
run stopped anywhere (a failure, Ctrl-C, kill -9) leaves nothing half made that the next run,
which plans afresh from the account as it then is, cannot finish.

A failure, or Ctrl-C (SIGTERM, SIGHUP) after the steps in flight, ends the run with one error
naming the steps done and not done, in the plan's order, across all phases.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from euare.call.context import Call
from euare.call.once import Lookup
from euare.core.errors import EuareError, PartialFailure
from euare.core.outcome import Outcome, gone, outcome
from euare.ops.finds import existing, listed_arn
from euare.state.plan import (
    CREATE,
    POLICYDEL,
    REMOVE,
    USERDEL,
    VERSION,
    Plan,
    Step,
)
from euare.state.settle import default_is, removed

Answer = dict[str, Any]


def apply(call: Call, plan: Plan, jobs: int, say: Callable[[str], None]) -> None:
    """Run ``plan``'s steps; ``say`` gets a line for each step done."""
    lock = threading.Lock()
    phases = [steps for steps in plan.phases() if steps]
    done: list[str] = []
    for number, steps in enumerate(phases):
        run = call.plan(jobs)
        for step in steps:
            run.add_call(step.says, _runner(call, step, say, lock), lane=step.lane)
        try:
            run.execute()
        except EuareError as exc:
            later = [s.says for p in phases[number + 1 :] for s in p]
            if isinstance(exc, PartialFailure):
                raise PartialFailure(exc.cause, done + exc.done, exc.not_done + later) from exc
            # nothing of this phase was done: still say so, and what was before it
            raise PartialFailure(exc, done, [s.says for s in steps] + later) from exc
        done += [s.says for s in steps]


def _runner(
    call: Call, step: Step, say: Callable[[str], None], lock: threading.Lock
) -> Callable[[], Answer]:
    def run() -> Answer:
        answer = send(call, step)
        with lock:
            say(f"done: {step.says}")
        return answer

    return run


def send(call: Call, step: Step) -> Answer:
    """Make the calls of ``step`` (see the module). After a failure that says nothing of its
    effect, a step whose target is in the wanted state counts as done (euare.state.settle); a
    create or a new version found not made is sent again, at most :data:`SENDS` times."""
    params = dict(step.params)
    if step.how == CREATE:
        return _create(call, step, params)
    if step.how == VERSION:
        return _version(call, step, params)
    if step.how in (USERDEL, POLICYDEL):
        return _delete(call, step)
    try:
        return call.request(step.operation, **params)
    except Exception as exc:
        if step.how == REMOVE and (gone(exc) or removed(call, step.operation, params)):
            return {}  # already gone: sent twice, or removed by hand since the snapshot
        raise


SENDS = 3  # a create found not made after a failure is sent again, this many times in all
UNKNOWN = (Outcome.TRANSIENT, Outcome.FOREIGN, Outcome.THROTTLED)  # done or not: look


def _create(call: Call, step: Step, params: dict[str, Any]) -> Answer:
    find = lookup(call, step)
    for attempt in range(1, SENDS + 1):
        try:
            return call.send_once(step.operation, params, find)
        except Exception as exc:
            meaning = outcome(exc)
            if meaning not in (*UNKNOWN, Outcome.CONFLICT):
                raise
            found = _look(find)
            if found is not None:
                return found  # made after all (by this run's earlier sending, or since)
            if meaning is Outcome.CONFLICT or attempt == SENDS:
                raise
    raise AssertionError("unreachable")


def _version(call: Call, step: Step, params: dict[str, Any]) -> Answer:
    from euare.ops.policy_versions import create_version

    arn, document = params["PolicyArn"], params["PolicyDocument"]
    for attempt in range(1, SENDS + 1):
        try:
            made = create_version(call, arn, document, default=True, prune=True, shown=step.name)
            return {"PolicyVersion": made}
        except Exception as exc:
            if outcome(exc) not in UNKNOWN:
                raise
            if default_is(call, arn, document):
                return {}
            if attempt == SENDS:
                raise
    raise AssertionError("unreachable")


def _look(find: Lookup) -> Answer | None:
    try:
        return find.look()
    except Exception:
        return None


def _delete(call: Call, step: Step) -> Answer:
    """A user deleted as ``userdel -r`` deletes one (its credentials too); a managed policy as
    ``policydel -r`` (its other versions first)."""
    from euare.ops.deletion import Kind, delete_recursively

    if step.how == USERDEL:
        from euare.ops.user_removal import USER

        kind, param = USER, "UserName"
    else:
        from euare.ops.policy_versions import VERSIONS

        param = "PolicyArn"
        kind = Kind(noun="policy", param=param, delete=step.operation, blockers=(VERSIONS,))
    try:
        delete_recursively(
            call, kind=kind, name=str(step.params[param]), recursive=True, pretend=False, jobs=1
        )
    except Exception as exc:
        if isinstance(exc, PartialFailure) or not gone(exc):
            raise
    return {}  # gone before its first step: deleted since the snapshot


def lookup(call: Call, step: Step) -> Lookup:
    """How to tell whether a create of ``step`` whose answer was lost took effect."""
    p, what = step.params, f"{step.kind} {step.name}"
    named = {
        "CreateUser": ("GetUser", "UserName"),
        "CreateGroup": ("GetGroup", "GroupName"),
        "CreateRole": ("GetRole", "RoleName"),
        "CreateInstanceProfile": ("GetInstanceProfile", "InstanceProfileName"),
    }
    if step.operation in named:
        get, param = named[step.operation]
        return existing(call, what, get, **{param: p[param]})
    if step.operation == "CreatePolicy":
        arn = f"{_prefix(call, step)}policy{p.get('Path') or '/'}{p['PolicyName']}"
        return existing(call, what, "GetPolicy", PolicyArn=arn)
    if step.operation == "CreateOpenIDConnectProvider":
        url = str(p["Url"]).split("://", 1)[-1]
        return listed_arn(
            call,
            what,
            operation="ListOpenIDConnectProviders",
            key="OpenIDConnectProviderList",
            answer_key="OpenIDConnectProviderArn",
            suffix=f":oidc-provider/{url}",
            ignore_case=True,
        )
    if step.operation == "CreateSAMLProvider":
        return listed_arn(
            call,
            what,
            operation="ListSAMLProviders",
            key="SAMLProviderList",
            answer_key="SAMLProviderArn",
            suffix=f":saml-provider/{p['Name']}",
        )
    if step.operation == "AddRoleToInstanceProfile":

        def holds() -> Answer | None:
            profile = call.request(
                "GetInstanceProfile", InstanceProfileName=p["InstanceProfileName"]
            )
            roles = {r["RoleName"] for r in profile["InstanceProfile"].get("Roles") or []}
            return {} if p["RoleName"] in roles else None

        return Lookup(f"role {p['RoleName']} in instance profile {step.name}", holds)
    if step.operation == "CreateAccountAlias":

        def aliased() -> Answer | None:
            aliases = call.request("ListAccountAliases").get("AccountAliases") or []
            return {} if p["AccountAlias"] in aliases else None

        return Lookup(f"account alias {p['AccountAlias']}", aliased)
    raise AssertionError(f"no lookup for {step.operation}")


def _prefix(call: Call, step: Step) -> str:
    """``arn:PARTITION:iam::ACCOUNT:`` of the plan's account."""
    from euare.call.arns import caller_account

    partition, account = caller_account(call)  # the plan's: the verb sets it
    return f"arn:{partition}:iam::{account}:"
