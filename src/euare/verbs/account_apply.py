"""``euare-accountapply``: make the account match a desired snapshot (docs/apply.md). The plan
is euare.state.planner's, its text euare.state.script's, its running euare.state.apply's."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.documents import lint_options
from euare.cli.infile import InputFile
from euare.cli.org import Org, org_options
from euare.cli.params import option
from euare.cli.verb import verb
from euare.core.errors import (
    EuareError,
    UsageError,
    describe,
    interrupted,
    report,
    stderr_line,
)
from euare.core.render import Record, Result

if TYPE_CHECKING:
    from euare.call.accounts import Account
    from euare.state.plan import Plan
    from euare.state.scope import Pattern


@verb(
    "accountapply",
    "Make the account match DESIRED, a snapshot as euare-accountsnapshot writes it (a file, a "
    "--split tree, or -): create and change users, groups, roles, instance profiles, managed "
    "and inline policies, attachments, boundaries, tags, identity providers, the alias and the "
    "password policy, in an order IAM accepts. --dry-run prints the plan as a shell script of "
    "euare commands and changes nothing. Nothing is deleted without --prune; credentials are "
    "never created; AWS's and CloudFormation's own entities are never touched. Without "
    "--dry-run it asks on a terminal, and needs --yes anywhere else. With --org, DESIRED is a "
    "directory that accountsnapshot --org -o wrote: each account of it is made to match its own "
    "snapshot there (--yes or --dry-run required), its lines starting with its ID.",
    failure=2,
    exits=(
        (
            0,
            "With --dry-run: nothing to do. Otherwise: everything managed now matches DESIRED.",
        ),
        (
            1,
            "With --dry-run: there are changes (the plan is printed). Otherwise: a request "
            "failed, the snapshot's (nothing was changed) or a step's (the error line says which "
            "steps were done and which were not; run it again to finish).",
        ),
        (
            2,
            "Refused before anything was sent (a file that cannot be read or is not a snapshot, "
            "a snapshot of another account, a document IAM would refuse, no --yes without a "
            "terminal); with --dry-run, any failure.",
        ),
    ),
    examples=(
        "--dry-run prod.json",
        "--yes --prune prod.json",
        "--dry-run --ignore-account --ignore 'tag:team=sandbox' staging.json",
        "--org --dry-run /var/lib/iam/org-reviewed/",
    ),
)
@click.argument(
    "desired",
    metavar="DESIRED",
    cls=o.ApiArgument,
    doc="the desired state: a snapshot file, a tree written by accountsnapshot --split, or - "
    "for standard input",
    type=InputFile("snapshot"),
)
@option("--dry-run", is_flag=True, help="print the plan (a shell script) and change nothing")
@option("-y", "--yes", is_flag=True, help="apply without asking (needed without a terminal)")
@option(
    "--prune",
    is_flag=True,
    help="also delete what DESIRED does not have (never a service-linked role, anything under "
    "/aws-service-role/ or /aws-reserved/, anything tagged aws:cloudformation:*, nor what "
    "--ignore names); a user is deleted as userdel -r deletes one",
)
@option(
    "--ignore",
    "ignore",
    multiple=True,
    metavar="PATTERN",
    help="never touch what PATTERN names: a path prefix (/ci/), a name glob (tmp-*) or a tag "
    "(tag:KEY or tag:KEY=VALUE); repeatable; also read from .euare-ignore beside DESIRED",
)
@option(
    "--ignore-account",
    is_flag=True,
    help="apply a snapshot of another account: its account ID is replaced by this one's",
)
@o.apply_all(lint_options(refused=2))
@o.jobs("how many independent steps to run at once (one entity's steps run in order)")
@org_options("apply")
def accountapply(
    call: Call,
    *,
    desired: str,
    dry_run: bool,
    yes: bool,
    prune: bool,
    ignore: tuple[str, ...],
    ignore_account: bool,
    jobs: int,
    org: Org | None,
) -> Result | None:
    from euare.state.load import read

    ask = not (dry_run or yes)
    applying = Applying(
        dry_run=dry_run,
        prune=prune,
        patterns=_patterns(ignore, desired),
        ignore_account=ignore_account,
        jobs=jobs,
        ctx=click.get_current_context(),  # an account's thread (--org) has none of its own
    )
    if org is not None:
        if ask:
            raise UsageError("--org applies to many accounts: give --yes (or --dry-run)")
        _org_apply(call, org, Path(desired), applying)
        return None
    wanted = read(desired, call.stdin)
    if ask and not call.stdin.isatty():
        raise UsageError("not on a terminal: give --yes to apply without asking (or --dry-run)")
    return applying(call, wanted, "standard input" if desired == "-" else desired, ask=ask)


def _org_apply(call: Call, org: Org, folder: Path, applying: Applying) -> None:
    """accountapply --org DIR: each account of DIR (accountsnapshot --org -o) made to match
    its own snapshot there, in that account."""
    from euare.cli.fleet import run
    from euare.state.orgdir import SnapshotDir

    if not folder.is_dir():
        raise UsageError(f"{folder} is not a directory (with --org, DESIRED is one)")
    snapshots = SnapshotDir(folder)

    def one(here: Call, account: Account) -> Result | None:
        wanted = snapshots.read(account.id, here.stdin)
        return applying(here, wanted, str(snapshots.file(account.id)))

    run(call, org, one, accounts=org.pick(call, snapshots.accounts()))


@dataclass(frozen=True, kw_only=True)
class Applying:
    """What the options ask of an apply, for one account or each of --org's; ``ctx``, the
    command's click context (the options --lint reads)."""

    dry_run: bool
    prune: bool
    patterns: list[Pattern]
    ignore_account: bool
    jobs: int
    ctx: click.Context

    def __call__(
        self, call: Call, wanted: dict[str, Any], shown: str, ask: bool = False
    ) -> Result | None:
        """Apply ``wanted`` (or, ``dry_run``, print the plan) in ``call``'s account."""
        try:
            plan = _plan(call, wanted, self.prune, self.patterns, self.ignore_account)
        except Exception as exc:
            if describe(exc).exit_code == 1:  # the snapshot failed: nothing was sent
                _fail(call, exc, 2 if self.dry_run else 1)
            raise
        _check_documents(plan, self.ctx)
        if self.dry_run:
            return _dry_run(call, plan, shown)
        _carry_out(call, plan, shown, ask=ask, jobs=self.jobs)
        return None


def _carry_out(call: Call, plan: Plan, shown: str, *, ask: bool, jobs: int) -> None:
    """Apply ``plan`` (after asking, with ``ask``), each step said on stderr as it is done."""
    for note in [*plan.kept, *plan.held]:
        _say(call, note.line())
    if plan.empty:
        _say(call, f"nothing to do: account {plan.account} matches {shown}")
        return
    if ask:
        _confirm(call, plan, shown)
    from euare.state.apply import apply

    try:
        apply(call, plan, jobs, lambda line: _say(call, line))
    except Exception as exc:
        if interrupted(describe(exc)):
            raise
        _fail(call, exc, 1)
    count = len(plan.steps)
    _say(
        call,
        f"applied {count} step{'s' if count != 1 else ''}: account {plan.account} matches {shown}",
    )


def _patterns(given: Iterable[str], desired: str) -> list[Pattern]:
    """--ignore's patterns, and those of the ignore file beside DESIRED."""
    from euare.core.inputs import LoaderError, read_text
    from euare.state.scope import IGNORE_FILE, pattern, patterns_in

    found = [pattern(text) for text in given]
    if desired == "-":
        return found
    beside = Path(desired).parent / IGNORE_FILE
    if beside.exists():
        try:
            found += patterns_in(read_text(beside, "ignore file"), str(beside))
        except LoaderError as exc:
            raise UsageError(exc.message) from None
    return found


def _plan(
    call: Call, wanted: dict[str, Any], prune: bool, patterns: list[Pattern], other: bool
) -> Plan:
    """The plan, from one snapshot of the account."""
    from euare.call.arns import caller_account
    from euare.state.planner import build
    from euare.state.snapshot import account_of
    from euare.state.take import take

    live = take(call, o.READ_JOBS)
    account = live.get("Account") or account_of(live)
    if account:
        arn = next(iter(_arns(live)), "arn:aws")
        call.account = (arn.split(":")[1], str(account))
    partition, account = caller_account(call)  # asked of STS only for an empty account
    plan = build(
        live,
        wanted,
        account=account,
        partition=partition,
        prune=prune,
        ignored=patterns,
        ignore_account=other,
    )
    return plan


def _arns(snapshot: dict[str, Any]) -> Iterable[str]:
    for value in snapshot.values():
        for record in value if isinstance(value, list) else ():
            if isinstance(record, dict) and str(record.get("Arn", "")).startswith("arn:"):
                yield str(record["Arn"])


def _check_documents(plan: Plan, ctx: click.Context) -> None:
    """Every document a step sends, as IAM would take it (and, with --lint, linted)."""
    from euare.cli.paramtypes import lint_asked
    from euare.policy.documents import IDENTITY, TRUST, check

    for step in plan.steps:
        for field, kind in (
            ("PolicyDocument", TRUST if step.operation == "UpdateAssumeRolePolicy" else IDENTITY),
            ("AssumeRolePolicyDocument", TRUST),
        ):
            text = step.params.get(field)
            if not isinstance(text, str):
                continue
            origin = f"the document of step '{step.says}'"
            check(text, origin, kind)
            try:
                lint_asked(ctx, text, origin, kind)
            except EuareError as exc:
                raise UsageError(exc.message) from None  # refused before anything was sent


def _dry_run(call: Call, plan: Plan, shown: str) -> Result:
    from euare.state.script import records

    def verdict() -> None:
        if not plan.empty:
            raise click.exceptions.Exit(1)  # as accountdiff: 1 says there is something to do

    if call.fmt == "table" and call.options.get("query") is None:
        columns = ("Step", "Kind", "Name", "Description")
        return Result(plan.rows(), columns=columns, verdict=verdict)
    if call.fmt != "text":
        for note in [*plan.kept, *plan.held]:
            _say(call, note.line())
    text = functools.partial(plan_lines, plan=plan, shown=shown)
    return Result(records(plan), text, verdict=verdict)


def plan_lines(records: list[Record], *, plan: Plan, shown: str) -> list[str]:
    """accountapply --dry-run's text: the plan as a shell script of euare commands."""
    from euare.state.script import lines

    return list(lines(plan, shown))


def _confirm(call: Call, plan: Plan, shown: str) -> None:
    """On a terminal: the plan on stderr, and one question."""
    from euare.state.script import lines

    for line in lines(plan, shown):
        call.stderr.write(line + "\n")
    count = len(plan.steps)
    question = f"Apply these {count} step{'s' if count != 1 else ''} to account {plan.account}?"
    if not click.confirm(question, default=False, err=True):
        raise EuareError("nothing was applied (answered no)")


def _say(call: Call, line: str) -> None:
    from euare.core.terminal import visible

    call.stderr.write(stderr_line(call.prog, visible(line, one_line=True)) + "\n")
    call.stderr.flush()


def _fail(call: Call, exc: BaseException, status: int) -> None:
    """End with ``exc``'s one line and ``status`` (the verb's statuses differ between a dry
    run and an apply: see its exits)."""
    report(call.prog, exc, call.stderr, debug=call.debug)
    raise click.exceptions.Exit(status)
