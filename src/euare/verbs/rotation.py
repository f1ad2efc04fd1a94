"""euare-userrotatekey: replace the access key in a credential file, safely enough for cron.

The order is what makes it safe: make the new key, write it to the file (atomically, the old
file kept as FILE.previous), prove the new key works, and only then retire the old one. If
anything fails before the old key is retired, the old file is put back and the new key deleted,
so at every moment either the file or the old key works.
"""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path
from typing import Any

import click

from euare.cli import Call, option, verb
from euare.errors import EuareError, describe
from euare.files import write_private
from euare.redact import remember
from euare.render import Record, Result
from euare.settings import parse_iamrc, read_text
from euare.verbs.common import Item, age_in_days, create_access_key, key_ages

# Answers that mean "this key is not (yet) valid"; any other answer proves the key works.
NOT_VALID = {
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "AuthFailure",
    "UnrecognizedClientException",
    "AccessDeniedException-InvalidKey",
}


def replace_key(text: str, key_id: str, secret: str) -> str:
    """``text`` with the first AWSAccessKeyId and AWSSecretKey values replaced, all else kept."""
    done: set[str] = set()
    out = []
    for line in text.splitlines(keepends=True):
        match = re.match(
            r"^(\s*(?:export\s+)?(AWSAccessKeyId|AWSSecretKey)\s*=\s*)([^\s#]*)(.*)$", line, re.S
        )
        if match and match.group(2) not in done:
            name = match.group(2)
            done.add(name)
            value = key_id if name == "AWSAccessKeyId" else secret
            line = match.group(1) + value + match.group(4)
        out.append(line)
    return "".join(out)


def client_as(
    call: Call, service: str, key_id: str, secret: str, attempts: int | None = None
) -> Any:
    """A client like the call's own for ``service``, but signing with another key."""
    from euare.client import make_client

    settings = dataclasses.replace(
        call.settings(service), access_key_id=key_id, secret_key=secret, token=None
    )
    return make_client(settings, attempts=attempts)


def verify(call: Call, key_id: str, secret: str, user: str, wait: int) -> None:
    """Call the service with the new key until it answers as a valid key, or ``wait`` runs out."""
    from euare.client import call as api_call

    use_sts = bool(call.settings("sts").endpoint) or call.settings("iam").endpoint is None
    service = "sts" if use_sts else "iam"
    client = client_as(call, service, key_id, secret, attempts=1)
    deadline = time.monotonic() + wait
    delay = 0.5
    while True:
        try:
            if use_sts:
                api_call(client, "GetCallerIdentity")
            else:
                api_call(client, "GetUser", UserName=user)
            return
        except Exception as exc:
            err = describe(exc)
            if err.code and err.code not in NOT_VALID and not err.code.isdigit():
                return  # e.g. AccessDenied: the key was accepted, it just may not do that
            if time.monotonic() + delay > deadline:
                raise EuareError(
                    f"the new key did not work within {wait} s: {err.message}", code=err.code
                ) from exc
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def _check_slots(keys: list[Item], mine: Item, user: str, delete_inactive: bool) -> Item | None:
    """The inactive key to delete first, or None; refuses when no slot can be had."""
    others = [k for k in keys if k["AccessKeyId"] != mine["AccessKeyId"]]
    if len(keys) < 2:
        return None
    inactive = [k for k in others if k["Status"] == "Inactive"]
    if inactive and delete_inactive:
        return inactive[0]
    listed = ", ".join(f"{k['AccessKeyId']} ({k['Status']})" for k in others)
    hint = (
        f"rerun with --delete-inactive to delete {inactive[0]['AccessKeyId']}"
        if inactive
        else f"deactivate it first: euare-usermodkey -u {user} -s Inactive "
        f"{others[0]['AccessKeyId']}"
    )
    raise EuareError(
        f"{user} already has {len(keys)} access keys; besides the one in use, {listed}; {hint}"
    )


@verb(
    "userrotatekey",
    "Replace the access key in a credential file with a new one: create "
    "it, write it (atomically, 0600), prove it works, then deactivate the old key.",
    exclusive=[(("delete", "keep"), False)],
)
@option(
    "-u",
    "--user-name",
    "user",
    metavar="USER",
    help="user whose key to rotate (default: the caller)",
)
@option(
    "--credential-file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="file to rotate (default: the one euare reads: $AWS_CREDENTIAL_FILE or ~/.iamrc)",
)
@option(
    "--max-age",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="do nothing unless the current key is more than DAYS days old",
)
@option(
    "--wait",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="how long to keep trying the new key before giving up",
)
@option("--delete", is_flag=True, help="delete the old key instead of deactivating it")
@option("--keep", is_flag=True, help="leave the old key active")
@option(
    "--delete-inactive",
    is_flag=True,
    help="if the user's other key slot holds an inactive key, delete it to make room",
)
@option("--no-backup", is_flag=True, help="do not keep the old file as FILE.previous")
@option("--show-secret", is_flag=True, help="also print the new secret key")
@option("-v", "--verbose", is_flag=True, help="say what is done, and why nothing is")
def userrotatekey(
    call: Call,
    user: str | None,
    credential_file: Path | None,
    max_age: int | None,
    wait: int,
    delete: bool,
    keep: bool,
    delete_inactive: bool,
    no_backup: bool,
    show_secret: bool,
    verbose: bool,
) -> Result:
    def say(message: str) -> None:
        if verbose:
            call.stdout.write(f"{message}\n")

    path = credential_file or call.settings().credential_file
    if path is None:
        raise EuareError("no credential file to rotate: name one with --credential-file")
    old_text = read_text(path, "credential file")
    values = parse_iamrc(old_text)
    old_id, old_secret = values.get("AWSAccessKeyId"), values.get("AWSSecretKey")
    if not old_id or not old_secret:
        raise EuareError(f"{path} has no AWSAccessKeyId and AWSSecretKey lines to rotate")
    remember(old_secret)
    if user is None:
        user = str(call.call("GetUser")["User"]["UserName"])
    keys = key_ages(call, user)
    mine = next((k for k in keys if k["AccessKeyId"] == old_id), None)
    if mine is None:
        raise EuareError(f"the key in {path} ({old_id}) is not one of {user}'s access keys")
    days = age_in_days(mine.get("CreateDate"))
    if max_age is not None and days <= max_age:
        say(f"{old_id} is {days} days old, not more than {max_age}: nothing to do")
        return Result()
    stale = _check_slots(keys, mine, user, delete_inactive)
    if stale is not None:
        call.call("DeleteAccessKey", UserName=user, AccessKeyId=stale["AccessKeyId"])
        say(f"deleted inactive key {stale['AccessKeyId']}")

    new = create_access_key(call, user)
    new_id, new_secret = new["AccessKeyId"], new["SecretAccessKey"]
    say(f"created {new_id}")
    backup = path.with_name(path.name + ".previous")
    try:
        if not no_backup:
            write_private(backup, old_text)
        write_private(path, replace_key(old_text, new_id, new_secret))
        say(f"wrote {new_id} to {path}" + ("" if no_backup else f" (old file kept as {backup})"))
        verify(call, new_id, new_secret, user, wait)
        say(f"{new_id} works")
    except BaseException as exc:
        raise _roll_back(call, exc, path, old_text, user, new_id) from exc

    retire = _retirer(call, old_id, new_id, new_secret)
    try:
        if delete:
            retire("DeleteAccessKey", UserName=user, AccessKeyId=old_id)
            say(f"deleted {old_id}")
        elif not keep:
            retire("UpdateAccessKey", UserName=user, AccessKeyId=old_id, Status="Inactive")
            say(f"deactivated {old_id}")
    except Exception as exc:
        err = describe(exc)
        raise EuareError(
            f"{new_id} is in {path} and works, but the old key {old_id} is still "
            f"active: {err.message}; run: euare-usermodkey -u {user} -s Inactive "
            f"{old_id}",
            code=err.code,
        ) from exc
    record: Record = {"AccessKeyId": new_id}
    if show_secret:
        record["SecretAccessKey"] = new_secret
    return Result([record])


def _retirer(call: Call, old_id: str, new_id: str, new_secret: str) -> Any:
    """Calls that retire the old key: made with the new key when the caller used the old one."""
    from euare.client import call as api_call

    if call.settings().access_key_id != old_id:
        return call.call
    client = client_as(call, "iam", new_id, new_secret)
    return lambda operation, **params: api_call(client, operation, **params)


def _roll_back(
    call: Call, exc: BaseException, path: Path, old_text: str, user: str, new_id: str
) -> EuareError:
    """Put the old file back and delete the new key; say what could and could not be undone."""
    cause = describe(exc)
    undone = []
    try:
        write_private(path, old_text)
        undone.append(f"put the old {path} back")
    except OSError as err:
        undone.append(
            f"could NOT put the old {path} back ({err.strerror}); it is in {path.name}.previous"
        )
    try:
        call.call("DeleteAccessKey", UserName=user, AccessKeyId=new_id)
        undone.append(f"deleted the new key {new_id}")
    except Exception as err:
        undone.append(
            f"could NOT delete the new key {new_id} ({describe(err).message}): "
            f"delete it with: euare-userdelkey -u {user} {new_id}"
        )
    return EuareError(
        f"rotation failed: {cause.message}; the old key is still active; " + "; ".join(undone),
        code=cause.code,
    )
