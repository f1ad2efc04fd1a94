"""Access keys: create, delete, activate or deactivate, list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from euare import params as o
from euare.cli import api_verb, verb
from euare.context import Call
from euare.params import Decorator, option, positional
from euare.render import Record, Result, text
from euare.verbs.access_keys import access_key_records, age_in_days, create_access_key


def key_id() -> Decorator:
    return positional("KEY_ID", "AccessKeyId", "ID of the access key", "-k", "--user-key-id")


@verb("useraddkey", "Create a new access key for a user and print its ID and secret.")
@o.user(required=False)
@option("-w", "--write-config", is_flag=True, help="print the key as a ready .iamrc file")
@option("-d", "--domain", metavar="DOMAIN", help="accepted for euca2ools compatibility; unused")
@option(
    "-l", "--set-default-user", is_flag=True, help="accepted for euca2ools compatibility; unused"
)
def useraddkey(call: Call, user: str | None, write_config: bool, **_: Any) -> Result:
    key = create_access_key(call, user)
    return access_key_records(key, as_iamrc=write_config)


api_verb("userdelkey", "DeleteAccessKey", "Delete an access key.", key_id(), o.owner("key"))

api_verb(
    "usermodkey",
    "UpdateAccessKey",
    "Make an access key active or inactive.",
    key_id(),
    o.owner("key"),
    option(
        "-s", "--status", api="Status", required=True, type=o.STATUS, help="the key's new status"
    ),
)


def _key_lines(records: list[Record]) -> Iterable[str]:
    for record in records:
        yield record["AccessKeyId"]
        yield record["Status"]
        if "CreateDate" in record:
            yield f"Created: {text(record['CreateDate'])}"
        if "LastUsedDate" in record:
            used = record["LastUsedDate"]
            where = ", ".join(
                str(record[k])
                for k in ("LastUsedService", "LastUsedRegion")
                if record.get(k) and record[k] != "N/A"
            )
            yield f"Last used: {text(used)} ({where})" if used else "Last used: never"


@verb("userlistkeys", "List a user's access keys: each key's ID, then its status.", text=_key_lines)
@o.user(required=False)
@o.verbose("also show each key's creation date and when and where it was last used")
@option(
    "--max-age",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="list only keys created more than DAYS days ago (for audit jobs)",
)
def userlistkeys(call: Call, user: str | None, verbose: bool, max_age: int | None) -> list[Record]:
    keys = list(call.pages("ListAccessKeys", "AccessKeyMetadata", UserName=user))
    if max_age is not None:
        keys = [k for k in keys if age_in_days(k.get("CreateDate")) > max_age]
    records: list[Record] = []
    for key in keys:
        record: Record = {"AccessKeyId": key["AccessKeyId"], "Status": key["Status"]}
        if verbose:
            record["CreateDate"] = key.get("CreateDate")
            used = call.call("GetAccessKeyLastUsed", AccessKeyId=key["AccessKeyId"])
            last = used.get("AccessKeyLastUsed") or {}
            record["LastUsedDate"] = last.get("LastUsedDate")
            record["LastUsedService"] = last.get("ServiceName")
            record["LastUsedRegion"] = last.get("Region")
        records.append(record)
    return records
