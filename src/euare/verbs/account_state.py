"""The account's IAM state as a whole: a snapshot of it (see euare.state.snapshot,
docs/snapshot.md)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.infile import InputFile
from euare.cli.org import Org, org_options
from euare.cli.outputs import OutputFile
from euare.cli.params import option
from euare.cli.verb import verb
from euare.core.errors import stderr_line
from euare.core.render import Record, Result
from euare.state.take import take

if TYPE_CHECKING:
    from euare.call.accounts import Account
    from euare.core.files import Output
    from euare.state.diff import Diff


@verb(
    "accountsnapshot",
    "Print (or write with -o) one JSON document of the account's IAM state: users, groups, "
    "roles, instance profiles, managed and inline policies, attachments, boundaries, tags, "
    "access key IDs, MFA devices, identity providers, server certificates, aliases and the "
    "password policy. Never a secret. Lists and keys are sorted, so two snapshots compare "
    "cleanly (euare-accountdiff). --split DIR writes the same as a tree of small files, one per "
    "entity and one per policy document, for code review; --from converts a snapshot or a tree "
    "already taken.",
    exclusive=[(("output", "split"), False)],
    examples=(
        "-o /var/lib/iam/today.json",
        "--format json --query 'Users[].UserName'",
        "--split iam/",
        "--from iam/ -o prod.json",
        "--org -o /var/lib/iam/org/",
        "--org -o /var/lib/iam/org/ --resume --max-age 12h",
    ),
)
@option(
    "-o",
    "--output",
    metavar="FILE",
    type=OutputFile(
        secret=False,
        always=True,
        instead="leave -o out to print the snapshot",
        directory_with="org",
    ),
    help="write the snapshot to FILE (0600, atomically: a reader never sees half of it; see "
    "docs/output.md, Files euare writes); with --org, FILE is a directory: FILE/ACCOUNT_ID.json "
    "per account and FILE/index.json",
)
@option(
    "--split",
    metavar="DIR",
    help="write the snapshot as a tree in DIR: one file per entity, each policy document its "
    "own indented JSON file (files that did not change are left as they are; see "
    "docs/snapshot.md)",
)
@option(
    "--from",
    "source",
    metavar="SNAPSHOT",
    type=InputFile("snapshot"),
    help="take nothing from IAM: read SNAPSHOT (a file, a tree, or - for standard input) and "
    "write it in the form asked for",
)
@o.jobs("how many calls to make at once", default=o.READ_JOBS)
@option(
    "--resume",
    is_flag=True,
    help="with --org -o DIR: take only the accounts whose file in DIR is older than --max-age "
    "(a run stopped halfway goes on where it stopped)",
)
@option(
    "--max-age",
    metavar="AGE",
    help="with --resume: how old an account's file may be and still be kept: 90s, 30m, 12h, 2d "
    "(default 24h)",
)
@org_options("take a snapshot")
def accountsnapshot(
    call: Call,
    *,
    output: Output | Path | None,
    split: str | None,
    source: str | None,
    jobs: int,
    resume: bool,
    max_age: str | None,
    org: Org | None,
) -> Result | None:
    from euare.core.errors import EuareError, UsageError
    from euare.state.snapshot import dumps

    if org is not None:
        if split is not None or source is not None:
            raise UsageError("--split and --from take one account: leave them out with --org")
        directory = output if isinstance(output, Path) else None
        _org_snapshots(call, org, directory, jobs, resume, max_age)
        return None
    if resume or max_age is not None:
        raise UsageError("--resume and --max-age are for --org -o DIR")
    assert not isinstance(output, Path)

    if split is not None:
        _check_split(split)
    if source is not None:
        from euare.state.load import read

        snapshot = read(source, call.stdin)
    else:
        snapshot = take(call, jobs)
    if output is not None or split is not None:
        try:
            if split is not None:
                from euare.state.tree import write

                write(Path(split), snapshot)
            elif output is not None:
                output.write(dumps(snapshot))
        except OSError as exc:
            raise EuareError(f"cannot write {output or split}: {exc.strerror or exc}") from None
        return None
    if _table(call):
        from euare.state.snapshot import summary

        return Result(summary(snapshot), columns=("Kind", "Count", "Names"))
    return Result([snapshot], snapshot_lines, one=True)


def _org_snapshots(
    call: Call, org: Org, directory: Path | None, jobs: int, resume: bool, max_age: str | None
) -> None:
    """accountsnapshot --org: each account's snapshot, written to DIR/ACCOUNT_ID.json (and
    the index) as it is taken, or printed with the account it is of."""
    from euare.cli.fleet import run
    from euare.core.errors import UsageError
    from euare.state.orgdir import DEFAULT_MAX_AGE, SnapshotDir
    from euare.state.orgdir import max_age as duration

    if (resume or max_age is not None) and directory is None:
        raise UsageError("--resume and --max-age are for --org -o DIR")
    if max_age is not None and not resume:
        raise UsageError("--max-age says which files --resume keeps: give --resume too")
    age = duration(max_age) if max_age is not None else DEFAULT_MAX_AGE
    if directory is None:
        run(call, org, functools.partial(_snapshot_of, jobs=jobs, table=_table(call)))
        return
    folder = SnapshotDir(directory)
    folder.make()
    accounts = org.accounts(call)
    if org.whole:  # the organization's whole list: what the index has beyond it has left
        folder.departed({a.id for a in accounts})
    if resume:
        for account in [a for a in accounts if folder.fresh(a.id, age)]:
            folder.record(account, None, kept=True)
        accounts = [a for a in accounts if not folder.fresh(a.id, age)]
        if not accounts:
            return
    run(
        call,
        org,
        functools.partial(_snapshot_for, jobs=jobs),
        accounts=accounts,
        deliver=lambda account, snapshot: folder.write(account.id, snapshot),
        finished=folder.record,
    )


def _snapshot_of(call: Call, account: Account, *, jobs: int, table: bool) -> Result:
    snapshot = _account_snapshot(call, account, jobs)
    if table:
        from euare.state.snapshot import summary

        return Result(summary(snapshot), columns=("Kind", "Count", "Names"))
    return Result([snapshot], snapshot_lines, one=True)


def _snapshot_for(call: Call, account: Account, *, jobs: int) -> dict[str, Any]:
    return _account_snapshot(call, account, jobs)  # written by the run's thread (its deliver)


def _account_snapshot(call: Call, account: Account, jobs: int) -> dict[str, Any]:
    """One account's snapshot under --org: its Account is the account entered, also when it
    holds no entity whose ARN would say so (alone, such a snapshot's Account is null)."""
    snapshot = take(call, jobs)
    if snapshot.get("Account") is None:
        snapshot["Account"] = account.id
    return snapshot


def snapshot_lines(records: list[Record]) -> list[str]:
    """accountsnapshot's text: the snapshot as JSON, exactly as -o writes it."""
    from euare.state.snapshot import dumps

    return [dumps(records[0]).rstrip("\n")]


def _check_split(split: str) -> None:
    """Refuse, before anything is asked, a --split DIR that cannot be one."""
    import os

    from euare.core.errors import UsageError

    if split == "-":
        raise UsageError("--split -: standard output is not a directory; use -o or leave both out")
    if os.path.lexists(split) and (os.path.islink(split) or not os.path.isdir(split)):
        raise UsageError(f"--split {split} is not a directory")
    parent = os.path.dirname(os.path.abspath(split))
    if not os.path.isdir(parent):
        raise UsageError(f"--split {split} cannot be made: no directory {parent}")


def _table(call: Call) -> bool:
    """Whether the result prints as a table (not picked from with --query): a summary then,
    since a whole snapshot or diff is no table."""
    return call.fmt == "table" and call.options.get("query") is None


@verb(
    "accountdiff",
    "Compare two account snapshots (made by euare-accountsnapshot), or one with the account as "
    "it is now (--live): what was added, removed and changed, grouped by kind, a line each, with "
    "a unified diff of each changed policy document. The IDs, dates and counts IAM assigns are "
    "not compared unless --strict. Exit status 0 when they are the same, 1 when they differ, 2 "
    "on any error (as diff). With --org, OLD and NEW are directories that accountsnapshot --org "
    "-o wrote (with --live, OLD's accounts are compared with each account now): each account on "
    "its own, its lines starting with its ID (an account on one side only joined the "
    "organization or left it: all it holds shows as added or removed); 1 when any differs or "
    "any failed.",
    failure=2,
    exits=(
        (0, "The two are the same (in what is compared)."),
        (1, "They differ; the differences are printed."),
        (
            2,
            "Usage error, or any failure (one line on standard error says why): a file that "
            "cannot be read or is not a snapshot, an error from the service with --live, output "
            "that could not be written.",
        ),
    ),
    examples=(
        "yesterday.json today.json",
        "--live /var/lib/iam/last.json",
        "--format json old.json new.json",
        "--org /var/lib/iam/org.yesterday/ /var/lib/iam/org/",
    ),
)
@click.argument(
    "old",
    metavar="OLD",
    cls=o.ApiArgument,
    doc="the earlier snapshot: a file, or - for standard input",
    type=InputFile("snapshot"),
)
@click.argument(
    "new",
    metavar="NEW",
    required=False,
    cls=o.ApiArgument,
    doc="the later snapshot: a file, or - (not with --live)",
    type=InputFile("snapshot"),
)
@option(
    "--live",
    is_flag=True,
    help="compare OLD with the account now (a snapshot taken as euare-accountsnapshot takes one)",
)
@o.jobs("with --live, how many calls to make at once", default=o.READ_JOBS)
@option(
    "--strict",
    is_flag=True,
    help="compare what IAM assigns too (unique IDs, creation dates, default version IDs, "
    "attachment counts): an entity deleted and made again under its name then shows",
)
@option(
    "--ignore-account",
    is_flag=True,
    help="compare snapshots of two accounts: each side's account ID is replaced in every "
    "value (ARNs, documents) by <account>",
)
@o.verbose("also list what an added or removed entity holds (its documents as diffs)")
@org_options("compare")
def accountdiff(
    call: Call,
    *,
    old: str,
    new: str | None,
    live: bool,
    jobs: int,
    strict: bool,
    ignore_account: bool,
    verbose: bool,
    org: Org | None,
) -> Result | None:
    from euare.core.errors import UsageError
    from euare.state.load import read

    if live and new is not None:
        raise UsageError("--live compares OLD with the account now: give one snapshot, not two")
    if not live and new is None:
        raise UsageError("give two snapshots, OLD and NEW (or one with --live)")
    if old == new == "-":
        raise UsageError("only one of OLD and NEW can be - (standard input)")
    compare = functools.partial(
        _compare, strict=strict, ignore_account=ignore_account, verbose=verbose
    )
    if org is not None:
        from euare.verbs.orgdiff import org_diff

        now = functools.partial(_account_snapshot, jobs=jobs)
        org_diff(call, org, old, new, compare, now)
        return None
    before = read(old, call.stdin)
    after = take(call, jobs) if new is None else read(new, call.stdin)
    return compare(call, before, after)


def _compare(
    call: Call,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    strict: bool,
    ignore_account: bool,
    verbose: bool,
) -> Result:
    from euare.state.diff import compare

    diff = compare(before, after, strict=strict, ignore_account=ignore_account)
    for warning in diff.warnings:
        call.stderr.write(stderr_line(call.prog, f"warning: {warning}") + "\n")

    verdict = functools.partial(_verdict, diff)
    if _table(call):
        return Result(diff.rows(), columns=("Change", "Kind", "Name", "Fields"), verdict=verdict)
    text = functools.partial(diff_lines, diff=diff, verbose=verbose)
    return Result([diff.as_json()], text, one=True, verdict=verdict)


def _verdict(diff: Diff) -> None:
    if not diff.equal:
        raise click.exceptions.Exit(1)  # as diff: 1 says they differ; no error line


def diff_lines(records: list[Record], *, diff: Diff, verbose: bool = False) -> Iterator[str]:
    """accountdiff's text: ``diff`` (whose JSON is the record) as euare.state.difftext writes
    it; ``verbose`` (-v): an added or removed entity's fields too."""
    from euare.state.difftext import lines

    return lines(diff, verbose)
