"""The account's IAM state as a whole: a snapshot of it (see euare.snapshot, docs/snapshot.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from euare import params as o
from euare.cli import verb
from euare.context import Call
from euare.params import option
from euare.render import Result


def take(call: Call, jobs: int) -> dict[str, Any]:
    """The account's snapshot, asking about its entities ``jobs`` at a time."""
    from euare.fanout import concurrently
    from euare.snapshot_take import Taker

    client = call.client()  # made before any thread starts

    def fan(asks: Sequence[Callable[[], Any]]) -> list[Any]:
        return concurrently(asks, jobs, client)

    def warn(line: str) -> None:
        call.stderr.write(f"{call.prog}: warning: {line}\n")

    return Taker(call.request, call.pages, call.responses, fan, warn).take()


@verb(
    "accountsnapshot",
    "Print (or write with -o) one JSON document of the account's IAM state: users, groups, "
    "roles, instance profiles, managed and inline policies, attachments, boundaries, tags, "
    "access key IDs, MFA devices, identity providers, server certificates, aliases and the "
    "password policy. Never a secret. Lists and keys are sorted, so two snapshots compare "
    "cleanly (euare-accountdiff).",
    examples=("-o /var/lib/iam/today.json", "--format json --query 'Users[].UserName'"),
)
@option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write the snapshot to FILE (0600, atomically: a reader never sees half of it)",
)
@o.jobs("how many calls to make at once", default=o.READ_JOBS)
def accountsnapshot(call: Call, output: Path | None, jobs: int) -> Result | None:
    from euare.snapshot import dumps

    snapshot = take(call, jobs)
    if output is not None:
        from euare.files import write_private

        try:
            write_private(output, dumps(snapshot))
        except OSError as exc:
            from euare.errors import EuareError

            raise EuareError(f"cannot write {output}: {exc.strerror}") from None
        return None
    return Result([snapshot], lambda records: [dumps(records[0]).rstrip("\n")], one=True)
