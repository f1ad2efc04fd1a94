"""Access keys: create, delete, activate or deactivate, list."""

from __future__ import annotations

from typing import Any

from euare import options as o
from euare.cli import Call, Decorator, api_verb, list_verb, option, positional, verb
from euare.render import Result
from euare.verbs.common import access_key_records


def key_id() -> Decorator:
    return positional("KEY_ID", "AccessKeyId", "ID of the access key", "-k", "--user-key-id")


def owner() -> Decorator:
    return option(
        "-u",
        "--user-name",
        api="UserName",
        metavar="USER",
        help="user the key belongs to (default: the caller)",
    )


@verb("useraddkey", "Create a new access key for a user and print its ID and secret.")
@o.user(required=False)
@option("-w", "--write-config", is_flag=True, help="print the key as a ready .iamrc file")
@option("-d", "--domain", metavar="DOMAIN", help="accepted for euca2ools compatibility; unused")
@option(
    "-l", "--set-default-user", is_flag=True, help="accepted for euca2ools compatibility; unused"
)
def useraddkey(call: Call, user: str | None, write_config: bool, **_: Any) -> Result:
    key = call.call("CreateAccessKey", UserName=user)["AccessKey"]
    return access_key_records(key, as_iamrc=write_config)


api_verb("userdelkey", "DeleteAccessKey", "Delete an access key.", key_id(), owner())

api_verb(
    "usermodkey",
    "UpdateAccessKey",
    "Make an access key active or inactive.",
    key_id(),
    owner(),
    option(
        "-s", "--status", api="Status", required=True, type=o.STATUS, help="the key's new status"
    ),
)

list_verb(
    "userlistkeys",
    "ListAccessKeys",
    "AccessKeyMetadata",
    "List a user's access keys: each key's ID, then its status.",
    o.user(required=False),
    record=lambda k: {"AccessKeyId": k["AccessKeyId"], "Status": k["Status"]},
)
