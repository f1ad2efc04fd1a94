"""Access keys: create, delete, activate or deactivate, list."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.org import Org, org_options
from euare.cli.params import Decorator, option, positional
from euare.cli.verb import api_verb, verb
from euare.core.outcome import gone
from euare.core.render import Record, Result, as_text
from euare.ops.access_keys import age_in_days, create_access_key, new_key_lines, save_iamrc

if TYPE_CHECKING:
    from euare.core.files import Output


def key_id() -> Decorator:
    return positional("KEY_ID", "AccessKeyId", "ID of the access key", "-k", "--user-key-id")


@verb(
    "useraddkey",
    "Create a new access key for a user and print its ID and secret.",
    exclusive=[(("write_config", "iamrc_out"), False)],
    examples=("alice", "backup-script -w", "backup-script --iamrc-out backup.iamrc"),
    sends="CreateAccessKey",
)
@o.user(required=False)
@option("-w", "--write-config", is_flag=True, help="print the key as a ready .iamrc file")
@o.iamrc_out()
@o.FORCE_IAMRC
@option("-d", "--domain", metavar="DOMAIN", help="accepted for euca2ools compatibility; unused")
@option(
    "-l", "--set-default-user", is_flag=True, help="accepted for euca2ools compatibility; unused"
)
def useraddkey(
    call: Call, *, user: str | None, write_config: bool, iamrc_out: Output | None, **_: Any
) -> Result:
    key = create_access_key(call, user)
    if iamrc_out is not None:
        saved = save_iamrc(iamrc_out, key, user)
        return Result([saved], functools.partial(new_key_lines, to_file=True), one=True)
    return Result([key], functools.partial(new_key_lines, as_iamrc=write_config), one=True)


api_verb(
    "userdelkey",
    "DeleteAccessKey",
    "Delete an access key.",
    key_id(),
    o.owner("key"),
    examples=("AKIAIOSFODNN7EXAMPLE -u alice",),
)

api_verb(
    "usermodkey",
    "UpdateAccessKey",
    "Make an access key active or inactive.",
    key_id(),
    o.owner("key"),
    o.status("key"),
    examples=(
        "AKIAIOSFODNN7EXAMPLE -u alice -s Inactive",
        "AKIAIOSFODNN7EXAMPLE -u alice -s Active",
    ),
)


def _key_ids(records: list[Record]) -> list[str]:
    return [line for r in records for line in (r["AccessKeyId"], r["Status"])]


def _key_details(records: list[Record]) -> Iterable[str]:
    for record in records:
        yield record["AccessKeyId"]
        yield record["Status"]
        yield f"Created: {as_text(record.get('CreateDate'))}"
        last = record.get("AccessKeyLastUsed") or {}
        used = last.get("LastUsedDate")
        where = ", ".join(
            str(last[k]) for k in ("ServiceName", "Region") if last.get(k) and last[k] != "N/A"
        )
        yield f"Last used: {as_text(used)} ({where})" if used else "Last used: never"


MAX_AGE = option(
    "--max-age",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="list only keys created more than DAYS days ago (for audit jobs)",
)


UNUSED_FOR = option(
    "--unused-for",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="list only keys last used more than DAYS days ago (never used: created more than DAYS "
    "days ago)",
)


def idle_days(key: Record) -> int:
    """Whole days since the key was last used, or (never used) since it was created."""
    used = (key.get("AccessKeyLastUsed") or {}).get("LastUsedDate")
    return age_in_days(used if used is not None else key.get("CreateDate"))


def keys_of(
    call: Call, user: str | None, *, max_age: int | None, last_used: bool, unused_for: int | None
) -> list[Record]:
    """The user's access keys, only those older than ``max_age`` days if given; with
    ``last_used`` (or ``unused_for``), each gets GetAccessKeyLastUsed's answer under IAM's own
    name, and with ``unused_for`` only those idle more than that many days are kept."""
    keys = list(call.pages("ListAccessKeys", "AccessKeyMetadata", UserName=user))
    keys = [k for k in keys if max_age is None or age_in_days(k.get("CreateDate")) > max_age]
    for key in keys if last_used or unused_for is not None else ():
        used = call.request("GetAccessKeyLastUsed", AccessKeyId=key["AccessKeyId"])
        key["AccessKeyLastUsed"] = used.get("AccessKeyLastUsed") or {}
    return [k for k in keys if unused_for is None or idle_days(k) > unused_for]


@verb(
    "userlistkeys",
    "List a user's access keys: each key's ID, then its status.",
    examples=("alice -v", "alice --max-age 90", "alice --unused-for 30"),
    sends="ListAccessKeys",
)
@o.user(required=False)
@o.verbose("also show each key's creation date and when and where it was last used")
@MAX_AGE
@UNUSED_FOR
def userlistkeys(
    call: Call, *, user: str | None, verbose: bool, max_age: int | None, unused_for: int | None
) -> Result:
    keys = keys_of(call, user, max_age=max_age, last_used=verbose, unused_for=unused_for)
    return Result(keys, _key_details if verbose else _key_ids)


def audit_lines(records: Iterable[Record], *, verbose: bool = False) -> Iterator[str]:
    """accountauditkeys' text, a line a key, tab-separated: user, key, status, creation date,
    and with ``verbose`` (-v) when and by which service it was last used."""
    for r in records:
        fields = [r["UserName"], r["AccessKeyId"], r["Status"], as_text(r.get("CreateDate"))]
        if verbose:
            last = r.get("AccessKeyLastUsed") or {}
            used = last.get("LastUsedDate")
            fields += [as_text(used) if used else "never", str(last.get("ServiceName") or "")]
        yield "\t".join(fields)


@verb(
    "accountauditkeys",
    "Audit every user's access keys in one run: a line a key with its user, status and age "
    "(-v: and its last use). Users are asked about a few at a time (--jobs); a Throttling "
    "answer holds every request back for a moment. With --org, every account's keys, each line "
    "starting with its account ID; the exit status is then 1 when any key is listed or any "
    "account failed (a cron job mails only what needs attention).",
    examples=(
        "-v --max-age 90",
        "-v --unused-for 90",
        "-p /service/ --format json",
        "--org --max-age 90",
    ),
    sends="ListUsers",
)
@o.verbose("also show when, and by which service, each key was last used")
@MAX_AGE
@UNUSED_FOR
@o.path_prefix("users")
@o.jobs("how many users to ask about at once", default=o.READ_JOBS)
@org_options("audit the keys")
def accountauditkeys(
    call: Call,
    *,
    verbose: bool,
    max_age: int | None,
    unused_for: int | None,
    path_prefix: str | None,
    jobs: int,
    org: Org | None,
) -> Result | None:
    audit = functools.partial(
        _audit,
        verbose=verbose,
        max_age=max_age,
        unused_for=unused_for,
        path_prefix=path_prefix,
        jobs=jobs,
    )
    if org is None:
        return audit(call)
    from euare.cli.fleet import run

    run(call, org, lambda here, _: _flagged(audit(here)))
    return None


def _flagged(found: Result) -> Result:
    """An account's audit under --org: a key listed is a finding (exit 1), as a cron job
    asking which keys need attention wants."""

    def verdict() -> None:
        if found.records:
            raise click.exceptions.Exit(1)

    found.verdict = verdict
    return found


def _audit(
    call: Call,
    *,
    verbose: bool,
    max_age: int | None,
    unused_for: int | None,
    path_prefix: str | None,
    jobs: int,
) -> Result:
    from euare.call.fanout import concurrently

    users = list(call.pages("ListUsers", "Users", PathPrefix=path_prefix))
    audit = KeyAudit(call=call, max_age=max_age, last_used=verbose, unused_for=unused_for)
    asks = [functools.partial(audit, user) for user in users]
    found = concurrently(asks, jobs, call.client())  # in the users' order, whatever ends first
    text = functools.partial(audit_lines, verbose=verbose)
    return Result([key for keys in found for key in keys], text)


@dataclass(frozen=True, kw_only=True)
class KeyAudit:
    """accountauditkeys' step for one user: its keys as :func:`keys_of` finds them (the same
    ``max_age``, ``last_used`` and ``unused_for``), each with the user's name."""

    call: Call
    max_age: int | None
    last_used: bool
    unused_for: int | None

    def __call__(self, user: Record) -> list[Record]:
        name = user["UserName"]
        try:
            keys = keys_of(
                self.call,
                name,
                max_age=self.max_age,
                last_used=self.last_used,
                unused_for=self.unused_for,
            )
        except Exception as exc:
            if gone(exc):  # deleted since the listing
                return []
            raise
        return [{"UserName": name, **key} for key in keys]
