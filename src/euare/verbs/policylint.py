"""euare-policylint: policy documents checked against AWS's catalogue of actions, resources and
condition keys (euare.policy.lint), with no request sent. The verbs that send a document do the same
with --lint (params.lint_options)."""

from __future__ import annotations

from collections.abc import Iterable

import click

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.infile import InputFile
from euare.cli.verb import verb
from euare.core.errors import EuareError, UsageError
from euare.core.render import Record, Result

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
    "one is, 2 if a file cannot be read or is not JSON. docs/policylint.md lists the checks.",
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
    ),
)
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar="FILE...",
    cls=o.ApiArgument,
    doc="the policy documents (- reads standard input)",
    type=InputFile("policy document"),
)
@o.option("--trust", is_flag=True, help="the documents are trust (assume-role) policies")
@o.fail_on("exit 1 if a finding is at or above LEVEL: info, warning or error")
def policylint(call: Call, *, files: tuple[str, ...], trust: bool, fail_on: str) -> Result:
    from euare.policy.documents import IDENTITY, TRUST
    from euare.policy.lint import at_or_above, lint

    documents = [(name, _document(call, name)) for name in files]  # a usage error prints nothing
    found = [(name, f) for name, doc in documents for f in lint(doc, TRUST if trust else IDENTITY)]
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
