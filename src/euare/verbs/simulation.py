"""The policy simulator: would these actions on these resources be allowed, for a user, group or
role (SimulatePrincipalPolicy) or under given policy documents (SimulateCustomPolicy)?

Decisions are IAM's: ``allowed``, ``explicitDeny`` or ``implicitDeny``. The command succeeds
whatever they are, unless ``--fail-on-deny`` is given (for CI scripts: exit 1, with one error
line, after printing every decision, when any of them is not ``allowed``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import click

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.helpdoc import a
from euare.cli.params import FILE, Document, option
from euare.cli.rules import refuse
from euare.cli.verb import verb
from euare.core.errors import EuareError, UsageError
from euare.core.render import Record, Result

# IAM's ContextKeyType values; a *List type takes comma-separated values.
CONTEXT_TYPES = (
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
    "date",
    "dateList",
)
ALLOWED = "allowed"

# --user/--group/--role: the Get call that gives the principal's ARN, its parameter and its key.
PRINCIPALS = {
    "user": ("GetUser", "UserName", "User"),
    "group": ("GetGroup", "GroupName", "Group"),
    "role": ("GetRole", "RoleName", "Role"),
}


class ContextEntry(click.ParamType[dict[str, Any], Any]):
    """``KEY=TYPE:VALUE`` as one of IAM's ContextEntries, refused (a usage error) before anything
    is sent if TYPE is not a ContextKeyType or a value does not fit it."""

    name = "context"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        key, equals, rest = str(value).partition("=")
        kind, colon, data = rest.partition(":")
        if not (key and equals and colon):
            self.fail(f"{value!r} is not KEY=TYPE:VALUE", param, ctx)
        types = {t.lower(): t for t in CONTEXT_TYPES}
        if kind.lower() not in types:
            self.fail(f"{kind!r} is not one of {', '.join(CONTEXT_TYPES)}", param, ctx)
        kind = types[kind.lower()]
        values = data.split(",") if kind.endswith("List") else [data]
        for item in values:
            problem = _misfit(kind.removesuffix("List"), item)
            if problem:
                self.fail(f"{key}: {item!r} is not {problem}", param, ctx)
        return {"ContextKeyName": key, "ContextKeyValues": values, "ContextKeyType": kind}


def _misfit(kind: str, value: str) -> str:
    """What ``value`` should be, if it is not a value of ``kind`` (a type without List)."""
    if kind == "numeric":
        try:
            float(value)
        except ValueError:
            return "a number"
    elif kind == "boolean" and value.lower() not in ("true", "false"):
        return "true or false"
    elif kind in ("ip", "date", "binary") and not value:
        return a(kind)
    return ""


def principal_arn(call: Call, kind: str, given: str) -> str:
    """The ARN of the user, group or role ``given`` by name (an ARN is taken as it is), each
    judged by IAM's rules for what it is sent as first."""
    if given.startswith("arn:"):
        refuse(f"--{kind}", given, "SimulatePrincipalPolicy", "PolicySourceArn")
        return given
    operation, param, key = PRINCIPALS[kind]
    refuse(f"--{kind}", given, operation, param)
    sent: dict[str, Any] = {param: given}
    if kind == "group":
        sent["MaxItems"] = 1  # its members are not wanted
    return str(call.request(operation, **sent)[key]["Arn"])


def decisions(result: Record) -> Iterator[tuple[str, str, str]]:
    """(action, resource, decision) of one EvaluationResult: a line per resource IAM judged
    separately (ResourceSpecificResults), else the result's own."""
    action = str(result.get("EvalActionName") or "")
    specific = result.get("ResourceSpecificResults") or []
    for each in specific:
        yield (
            action,
            str(each.get("EvalResourceName") or "*"),
            str(each.get("EvalResourceDecision")),
        )
    if not specific:
        yield action, str(result.get("EvalResourceName") or "*"), str(result.get("EvalDecision"))


def _lines(records: Iterable[Record]) -> Iterable[str]:
    return ("\t".join(d) for r in records for d in decisions(r))


class Tally:
    """The decisions seen while the results are printed, and the verdict of --fail-on-deny."""

    def __init__(self) -> None:
        self.seen = 0
        self.denied: list[tuple[str, str, str]] = []

    def watch(self, results: Iterable[Record]) -> Iterator[Record]:
        for result in results:
            for decision in decisions(result):
                self.seen += 1
                if decision[2] != ALLOWED:
                    self.denied.append(decision)
            yield result

    def verdict(self) -> None:
        if self.denied:
            action, resource, decision = self.denied[0]
            raise EuareError(
                f"{len(self.denied)} of {self.seen} decisions are not allowed "
                f"(the first: {action} on {resource}: {decision})"
            )


def _simulated(
    call: Call, params: dict[str, Any], given: tuple[tuple[str, str | None], ...]
) -> str:
    """The operation that simulates: SimulatePrincipalPolicy for the first principal named in
    ``given`` (its ARN added to ``params``), else SimulateCustomPolicy for the documents."""
    named = [(kind, name) for kind, name in given if name is not None]
    if named:
        kind, name = named[0]
        params["PolicySourceArn"] = principal_arn(call, kind, name)
        return "SimulatePrincipalPolicy"
    if "PolicyInputList" in params:
        return "SimulateCustomPolicy"
    raise UsageError("one of --user, --group, --role or -f is required")


@verb(
    "policysimulate",
    "Simulate IAM's decision on actions: for a user, group or role (its own policies, and a "
    "user's groups' policies, plus any given with -f), or for the policy documents given with "
    "-f alone. Prints a line per action (and per resource IAM judged separately), "
    "tab-separated: action, resource, decision (allowed, explicitDeny or implicitDeny). Exit "
    "status 0 whatever the decisions, unless --fail-on-deny is given.",
    text=_lines,
    exclusive=[(("user", "group", "role"), False)],
    exits=((1, "The request failed, or with --fail-on-deny a decision is not allowed."),),
    examples=(
        "--user alice -a s3:GetObject -r arn:aws:s3:::backups/*",
        "-f policy.json -a iam:CreateUser -a iam:DeleteUser --fail-on-deny",
        "--role app -a s3:PutObject -c aws:SourceIp=ip:10.0.0.1 -c s3:prefix=stringList:a/,b/",
    ),
    sends="SimulateCustomPolicy",  # its members are SimulatePrincipalPolicy's too
)
@option(
    "--user", metavar="USER", help="simulate for this user (name or ARN)", shell_complete=o.USERS
)
@option(
    "--group",
    metavar="GROUP",
    help="simulate for this group (name or ARN)",
    shell_complete=o.GROUPS,
)
@option(
    "--role", metavar="ROLE", help="simulate for this role (name or ARN)", shell_complete=o.ROLES
)
@option(
    "-f",
    "--policy-document",
    "documents",
    api="PolicyInputList",
    multiple=True,
    metavar="FILE",
    type=Document(FILE),
    help="file holding a policy document to simulate (repeatable; - reads standard input); "
    "with --user/--group/--role, added to the principal's own policies",
)
@o.apply_all(o.lint_options())
@o.actions("action to simulate, e.g. s3:GetObject (repeatable)", api="ActionNames")
@option(
    "-r",
    "--resource",
    "resources",
    api="ResourceArns",
    multiple=True,
    metavar="ARN",
    help="resource to simulate the actions on (repeatable; default: *)",
)
@option(
    "-c",
    "--context",
    "contexts",
    api="ContextEntries",
    multiple=True,
    metavar="KEY=TYPE:VALUE",
    type=ContextEntry(),
    help="a condition context key's value, TYPE one of IAM's: string, numeric, boolean, ip, "
    "binary, date, or the same with List (comma-separated values), e.g. "
    "aws:SourceIp=ip:10.0.0.1 (repeatable)",
)
@option(
    "--fail-on-deny",
    is_flag=True,
    help="exit 1, with an error line after the output, if any decision is not allowed",
)
def policysimulate(
    call: Call,
    *,
    user: str | None,
    group: str | None,
    role: str | None,
    documents: tuple[str, ...],
    actions: tuple[str, ...],
    resources: tuple[str, ...],
    contexts: tuple[dict[str, Any], ...],
    fail_on_deny: bool,
) -> Result:
    params: dict[str, Any] = {"ActionNames": list(actions)}
    if resources:
        params["ResourceArns"] = list(resources)
    if contexts:
        params["ContextEntries"] = list(contexts)
    if documents:
        params["PolicyInputList"] = list(documents)
    operation = _simulated(call, params, (("user", user), ("group", group), ("role", role)))
    tally = Tally()
    results = tally.watch(call.pages(operation, "EvaluationResults", **params))
    return Result(
        results,  # type: ignore[arg-type]  # an iterator, printed page by page
        _lines,
        stream=True,
        verdict=tally.verdict if fail_on_deny else None,
    )
