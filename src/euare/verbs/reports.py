"""The account's credential report: IAM's CSV of every user's password, MFA, access keys and
signing certificates, generated on request (euca2ools had no such verb).

IAM builds the report in the background: GenerateCredentialReport starts it (or says it is
under way, or done), and is asked again until the report is COMPLETE, within ``--wait``
seconds; GetCredentialReport then gives the CSV. A record is one CSV row, under the CSV's own
column names.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import click

from euare.call.context import Call
from euare.cli.org import Org, org_options
from euare.cli.params import option
from euare.cli.verb import verb
from euare.core.errors import EuareError, UsageError
from euare.core.render import Record, Result
from euare.core.retry import poll

DEFAULT_WAIT = 120  # seconds; IAM takes seconds for a small account, minutes for a large one
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 4.0  # between two asks, doubling from the first to the longest

# The columns --format text and table show, in this order (the CSV has 22; JSON gives them all).
COLUMNS = (
    "user",
    "password_enabled",
    "password_last_used",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_used_date",
)


def wait_until_generated(
    call: Call,
    wait: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Ask IAM to generate the report until it says COMPLETE; an error once ``wait`` seconds
    have gone by. A progress line shows on stderr while waiting, only when it is a terminal."""
    start = clock()
    shown = ""

    def ask() -> str:
        return str(call.request("GenerateCredentialReport").get("State") or "")

    def progress(state: str, pause: float) -> None:
        nonlocal shown
        if call.stderr.isatty():
            line = f"{call.prog}: generating the credential report ({int(clock() - start)}s)"
            call.stderr.write("\r" + line.ljust(len(shown)))
            call.stderr.flush()
            shown = line

    try:
        state = poll(
            ask,
            done=lambda state: state == "COMPLETE",
            budget=wait,
            first=FIRST_PAUSE,
            most=LONGEST_PAUSE,
            on_wait=progress,
            sleep=sleep,
            clock=clock,
        )
        if state != "COMPLETE":
            raise EuareError(
                f"the credential report is still being generated ({state or 'no state'}) "
                f"after {wait:g} seconds; run the command again later, or give a longer --wait"
            )
    finally:
        if shown:  # the next line (the report, or an error) starts on a clean line
            call.stderr.write("\r" + " " * len(shown) + "\r")
            call.stderr.flush()


def rows(csv_text: str) -> list[Record]:
    """The report's rows, each under the CSV's own column names."""
    import csv
    import io

    return [dict(row) for row in csv.DictReader(io.StringIO(csv_text))]


def _lines(records: list[Record]) -> Iterable[str]:
    return ("\t".join(str(r.get(c) or "") for c in COLUMNS) for r in records)


@verb(
    "accountcredentialreport",
    "Show the account's credential report: a line a user, tab-separated: user, "
    "password_enabled, password_last_used, mfa_active, access_key_1_active, "
    "access_key_1_last_used_date, access_key_2_active, access_key_2_last_used_date, as IAM "
    "writes them (true, false, N/A, no_information). JSON gives every column of the CSV under "
    "its own name; --raw prints the CSV exactly as IAM sent it. The report is generated first "
    "if need be; a report still being generated after --wait seconds is an error.",
    text=_lines,
    examples=("", "--format json", "--raw", "--wait 600", "--org --format jsonl"),
)
@option(
    "--wait",
    type=click.IntRange(min=0),
    default=DEFAULT_WAIT,
    show_default=True,
    metavar="SECONDS",
    help="how long to wait for IAM to generate the report",
)
@option("--raw", is_flag=True, help="print the CSV exactly as IAM sent it (whatever --format says)")
@org_options("show the credential report")
def accountcredentialreport(call: Call, *, wait: int, raw: bool, org: Org | None) -> Result | None:
    if org is not None:
        if raw:
            raise UsageError("--raw prints one account's CSV: leave it out with --org")
        from euare.cli.fleet import run

        run(call, org, lambda here, _: _report(here, wait))
        return None
    return _report(call, wait, raw)


def _report(call: Call, wait: int, raw: bool = False) -> Result | None:
    wait_until_generated(call, wait)
    content = call.request("GetCredentialReport").get("Content") or b""
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    if raw:  # as IAM sent it, but for what could drive a terminal (euare.core.terminal)
        from euare.core.terminal import visible

        call.stdout.write(visible(text))
        call.stdout.flush()
        return None
    return Result(rows(text), _lines, columns=COLUMNS)
