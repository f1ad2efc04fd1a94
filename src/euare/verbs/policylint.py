"""euare-policylint: policy documents checked against AWS's catalogue of actions, resources and
condition keys (euare.policy.lint), with no request sent. The verbs that send a document do the same
with --lint (params.lint_options)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.infile import InputFile
from euare.cli.org import Org, org_options
from euare.cli.verb import verb
from euare.core.errors import EuareError, UsageError
from euare.core.render import Record, Result

if TYPE_CHECKING:
    from euare.call.accounts import Account

COLUMNS = ("File", "Level", "Code", "Path", "Message")


def _lines(records: list[Record]) -> Iterable[str]:
    """A finding a line: ``FILE: LEVEL CODE PATH: message``."""
    for r in records:
        yield f"{r['File']}: {r['Level']} {r['Code']} {r['Path']}: {r['Message']}"


def _document(call: Call, name: str) -> object:
    """The parsed document in file ``name`` (``-``: standard input). A file that cannot be read
    or is not JSON is a usage error (exit 2): exit 1 means findings."""
    from euare.core.inputs import read_named
    from euare.policy.documents import parse

    try:
        text, origin = read_named(name, "policy document", call.stdin)
    except EuareError as exc:
        raise UsageError(exc.message) from None
    if not text.strip():
        raise UsageError(f"{origin} is empty")
    return parse(text, origin)


@verb(
    "policylint",
    "Check policy documents against AWS's catalogue of actions, resources and condition keys, "
    "and print a line per finding: FILE: LEVEL CODE PATH: message (PATH is the JSONPath of the "
    "element at fault). Sends no request. Exit 0 if no finding is at or above --fail-on, 1 if "
    "one is, 2 if a file cannot be read or is not JSON. docs/policylint.md lists the checks. "
    "With --org, every customer managed and inline policy of each account (of a snapshot taken "
    "now, or of DIR that accountsnapshot --org -o wrote), FILE naming the policy, each line "
    "starting with its account ID.",
    service=None,
    text=_lines,
    exits=(
        (0, "No finding at or above --fail-on (findings below it are printed)."),
        (1, "A finding at or above --fail-on; every finding is printed."),
        (2, "Usage error: a file that cannot be read or is not JSON."),
    ),
    examples=(
        "s3-backups.json",
        "--fail-on warning policies/*.json",
        "--trust trust.json",
        "--format json - < policy.json",
        "--org --fail-on warning /var/lib/iam/org/",
    ),
)
@click.argument(
    "files",
    nargs=-1,
    required=False,
    metavar="FILE...",
    cls=o.ApiArgument,
    doc="the policy documents (- reads standard input)",
    type=InputFile("policy document"),
)
@o.option("--trust", is_flag=True, help="the documents are trust (assume-role) policies")
@o.fail_on("exit 1 if a finding is at or above LEVEL: info, warning or error")
@org_options("check every customer managed and inline policy")
def policylint(
    call: Call, *, files: tuple[str, ...], trust: bool, fail_on: str, org: Org | None
) -> Result | None:
    from euare.policy.documents import IDENTITY, TRUST

    if org is not None:
        _org_lint(call, org, files, trust, fail_on)
        return None
    if not files:
        ctx = click.get_current_context()  # as click says it of a required argument
        raise click.UsageError("Missing argument 'FILE...'. (Or --org.)", ctx)
    documents = [(name, _document(call, name)) for name in files]  # a usage error prints nothing
    return _linted(documents, TRUST if trust else IDENTITY, fail_on)


def _org_lint(call: Call, org: Org, given: tuple[str, ...], trust: bool, fail_on: str) -> None:
    """policylint --org: the policies of each account's snapshot, taken now, or read from the
    directory accountsnapshot --org -o wrote (one DIR given)."""
    from pathlib import Path

    from euare.cli.fleet import run
    from euare.policy.documents import IDENTITY
    from euare.state.orgdir import SnapshotDir
    from euare.state.snapshot import policies_in

    if trust:
        raise UsageError("--trust is for FILE...: --org checks identity policies")
    if len(given) > 1 or (given and not Path(given[0]).is_dir()):
        raise UsageError(
            "with --org, give one directory that accountsnapshot --org -o wrote, or none"
        )
    folder = SnapshotDir(Path(given[0])) if given else None

    def one(here: Call, account: Account) -> Result:
        if folder is not None:
            snapshot = folder.read(account.id, here.stdin)
        else:
            from euare.cli.params import READ_JOBS
            from euare.state.take import take

            snapshot = take(here, READ_JOBS)
        return _linted(list(policies_in(snapshot)), IDENTITY, fail_on)

    if folder is None:
        run(call, org, one)
    else:
        run(call, org, one, accounts=org.pick(call, folder.accounts()), enter=False)


def _linted(documents: list[tuple[str, object]], kind: str, fail_on: str) -> Result:
    """The findings in ``documents`` (each with what names it), and the verdict of ``fail_on``."""
    from euare.policy.lint import at_or_above, lint

    found = [(name, f) for name, doc in documents for f in lint(doc, kind)]
    records: list[Record] = [
        {
            "File": name,
            "Level": f.level,
            "Code": f.code,
            "Path": f.path,
            "Message": f.message,
            "Value": f.value,
        }
        for name, f in found
    ]

    def verdict() -> None:
        failing = at_or_above([f for _, f in found], fail_on)
        if failing:
            many = "s" if len(failing) > 1 else ""
            raise EuareError(f"{len(failing)} finding{many} at or above {fail_on}")

    return Result(records, _lines, columns=COLUMNS, verdict=verdict)
