"""Access keys: creating one safely (send once, name an orphan), their ages, their output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from euare.call.context import Call
from euare.call.once import Found, Lookup
from euare.core.errors import EuareError
from euare.core.outcome import at_limit
from euare.ops.deletion import Item
from euare.ops.finds import new_items

if TYPE_CHECKING:
    from euare.core.files import Output


def age_in_days(created: Any) -> int:
    """Whole days since ``created`` (a datetime from boto3); -1 when unknown."""
    from datetime import datetime, timezone

    if not isinstance(created, datetime):
        return -1
    moment: datetime = created
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (datetime.now(timezone.utc) - moment).days


def _age(created: Any) -> str:
    days = age_in_days(created)
    if days < 0:
        return "age unknown"
    return f"{days} day{'s' if days != 1 else ''} old"


def key_ages(call: Call, user: str | None) -> list[Item]:
    """The user's access keys, oldest first."""
    keys = list(call.pages("ListAccessKeys", "AccessKeyMetadata", UserName=user))
    return sorted(keys, key=lambda k: str(k.get("CreateDate")))


def create_access_key(call: Call, user: str | None) -> dict[str, Any]:
    """CreateAccessKey, made safe for cron jobs.

    It is sent once (Call.send_once). If its answer is lost, or Ctrl-C ends the wait, the keys
    that exist now are compared with those before: a new one was created without its secret
    reaching us, and the error names it with the command that deletes it. When the user already
    has the most keys IAM allows, the error lists them with their age and status and names the
    command that frees a slot.
    """
    before = {str(k["AccessKeyId"]) for k in key_ages(call, user)}
    try:
        answer = call.send_once("CreateAccessKey", {"UserName": user}, _new_key(call, user, before))
    except Exception as exc:
        if not at_limit(exc):
            raise
        raise _no_slot(call, user) from exc
    key: dict[str, Any] = answer["AccessKey"]
    return key


def _who(user: str | None) -> str:
    return f"-u {user} " if user else ""


def _new_key(call: Call, user: str | None, before: set[str]) -> Lookup:
    """After a lost answer: a key that was not among ``before`` was made, its secret lost."""

    def leftover(found: Found) -> str:
        ids = [str(k["AccessKeyId"]) for k in found["AccessKeyMetadata"]]
        fixes = "; ".join(f"euare-userdelkey {_who(user)}{i}" for i in ids)
        return (
            f"access key {', '.join(ids)} was created but its secret never reached euare: "
            f"delete it with: {fixes}"
        )

    def look() -> Found | None:
        new = new_items(
            call, "ListAccessKeys", "AccessKeyMetadata", "AccessKeyId", before, UserName=user
        )
        return {"AccessKeyMetadata": new} if new else None

    return Lookup(f"a new access key for {user or 'the caller'}", look, leftover)


def _no_slot(call: Call, user: str | None) -> EuareError:
    """The user has the most keys IAM allows: each with its age and status, and the command
    that frees a slot."""
    keys = key_ages(call, user)
    listed = ", ".join(
        f"{k['AccessKeyId']} ({k['Status']}, {_age(k.get('CreateDate'))})" for k in keys
    )
    oldest = keys[0]["AccessKeyId"] if keys else "KEY_ID"
    return EuareError(
        f"{user or 'the caller'} already has {len(keys)} access keys: {listed}; "
        f"free a slot with: euare-userdelkey {_who(user)}{oldest}",
        code="LimitExceeded",
    )


def save_iamrc(out: Output, key: dict[str, Any], user: str | None) -> dict[str, Any]:
    """Write the new key to ``--iamrc-out`` as a ready .iamrc; the key as printed then (without
    its secret). If the file cannot be written the secret is lost: the error says so, with the
    command that deletes the key."""
    text = "\n".join(secret_lines(key, as_iamrc=True)) + "\n"
    try:
        out.write(text)
    except OSError as exc:
        owner = key.get("UserName") or user
        who = f"-u {owner} " if owner else ""
        raise EuareError(
            f"access key {key['AccessKeyId']} was created but {out.flag} {out} could not be "
            f"written ({exc.strerror or exc}); its secret is lost: delete it with: "
            f"euare-userdelkey {who}{key['AccessKeyId']}"
        ) from None
    return {k: v for k, v in key.items() if k != "SecretAccessKey"}


def new_key_lines(
    records: list[dict[str, Any]], *, as_iamrc: bool = False, to_file: bool = False
) -> list[str]:
    """New access keys as euca2ools printed them: each one's ID and secret (``as_iamrc``, -w:
    as a ready .iamrc); a key whose secret went ``to_file`` (--iamrc-out), its ID alone."""
    lines: list[str] = []
    for key in records:
        lines += key_id_lines(key) if to_file else secret_lines(key, as_iamrc=as_iamrc)
    return lines


def key_id_lines(key: dict[str, Any]) -> list[str]:
    """A new key whose secret went to a file: its ID alone."""
    return [str(key["AccessKeyId"])]


def secret_lines(key: dict[str, Any], as_iamrc: bool) -> list[str]:
    """A new access key as euca2ools printed it: its ID and secret on two lines, or (``-w``) a
    ready ``.iamrc``."""
    if as_iamrc:
        return [f"AWSAccessKeyId={key['AccessKeyId']}", f"AWSSecretKey={key['SecretAccessKey']}"]
    return [str(key["AccessKeyId"]), str(key["SecretAccessKey"])]
