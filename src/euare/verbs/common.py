"""Behaviour that several verb families share: recursive deletes and access-key output."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from euare.cli import Call
from euare.errors import EuareError, describe
from euare.redact import remember
from euare.render import Record, Result

Item = dict[str, Any]
Removal = tuple[str, str, dict[str, Any]]  # (description, operation, parameters)

# Answers that mean "this endpoint has no such API", not "you may not": an IAM-compatible cloud
# without (say) service-specific credentials cannot hold any, so there is nothing to remove.
UNSUPPORTED_CODES = {"InvalidAction", "NotImplemented", "UnsupportedOperation", "501", "404"}


@dataclass(frozen=True)
class Attachment:
    """One kind of thing that keeps an entity from being deleted, and how to remove each one.

    ``header`` names the kind in ``-p`` output, ``show`` gives each item's line there,
    ``remove`` gives the calls that take one item away. ``items`` lists them, by default by
    walking ``list_op``'s pages under ``key`` with the owner's name as ``owner_param``.
    ``optional`` marks an API some IAM-compatible clouds lack: asked once, without retries.
    """

    header: str
    list_op: str
    key: str
    show: Callable[[Item], str]
    remove: Callable[[str, Item], list[Removal]]
    items: Callable[[Call, str, str], list[Item]] | None = None
    optional: bool = False

    def find(self, call: Call, owner_param: str, owner: str) -> list[Item]:
        if self.items is not None:
            return self.items(call, owner_param, owner)
        if not self.optional:
            return list(call.pages(self.list_op, self.key, **{owner_param: owner}))
        from euare.client import pages

        try:
            return list(
                pages(call.client(attempts=1), self.list_op, self.key, **{owner_param: owner})
            )
        except Exception as exc:
            err = describe(exc)
            if err.code in UNSUPPORTED_CODES or err.foreign or "parse" in err.message.lower():
                return []
            raise


def get_or_none(operation: str, key: str) -> Callable[[Call, str, str], list[Item]]:
    """An ``items`` function for a single thing fetched with a Get call (absent: NoSuchEntity)."""

    def items(call: Call, owner_param: str, owner: str) -> list[Item]:
        try:
            return [call.call(operation, **{owner_param: owner})[key]]
        except Exception as exc:
            if describe(exc).code == "NoSuchEntity":
                return []
            raise

    return items


def delete_recursively(
    call: Call,
    what: str,
    owner_param: str,
    owner: str,
    attachments: Iterable[Attachment],
    delete_op: str,
    recursive: bool,
    pretend: bool,
) -> Result | None:
    """Delete ``owner``; with ``recursive``, first remove everything attached to it.

    With ``pretend``, list what would be removed, grouped by kind, and change nothing.
    """
    if not (recursive or pretend):
        call.call(delete_op, **{owner_param: owner})
        return None
    found = [(a, a.find(call, owner_param, owner)) for a in attachments]
    if pretend:
        record: Record = {a.header: [a.show(item) for item in items] for a, items in found}
        return Result([record], text=_pretend_lines)
    plan = call.plan()
    for attachment, items in found:
        for item in items:
            for description, operation, params in attachment.remove(owner, item):
                plan.add(description, operation, **params)
    plan.add(f"delete {what} {owner}", delete_op, **{owner_param: owner})
    plan.execute()
    return None


def _pretend_lines(records: list[Record]) -> Iterable[str]:
    for record in records:
        for header, shown in record.items():
            yield header
            for line in shown:
                yield f"\t{line}"


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

    It is never sent twice blindly: if its answer is lost, the keys that exist now are compared
    with those before, and a key created without its secret reaching us is named, with the
    command that deletes it. When the user already has the most keys IAM allows, the error lists
    them with their age and status and names the command that frees a slot.
    """
    from euare.errors import LostResponse

    before = {
        k["AccessKeyId"] for k in call.pages("ListAccessKeys", "AccessKeyMetadata", UserName=user)
    }
    who = f"-u {user} " if user else ""
    try:
        key: dict[str, Any] = call.create("CreateAccessKey", UserName=user)["AccessKey"]
    except LostResponse as lost:
        new = [k for k in key_ages(call, user) if k["AccessKeyId"] not in before]
        if not new:
            raise EuareError(
                f"{lost.message}; no new key exists, so running the command again is safe",
                code=lost.code,
            ) from lost
        names = ", ".join(k["AccessKeyId"] for k in new)
        fixes = "; ".join(f"euare-userdelkey {who}{k['AccessKeyId']}" for k in new)
        raise EuareError(
            f"{lost.message}; access key {names} was created but its secret never "
            f"reached euare: delete it with: {fixes}",
            code=lost.code,
        ) from lost
    except Exception as exc:
        err = describe(exc)
        if err.code != "LimitExceeded":
            raise
        keys = key_ages(call, user)
        listed = ", ".join(
            f"{k['AccessKeyId']} ({k['Status']}, {_age(k.get('CreateDate'))})" for k in keys
        )
        oldest = keys[0]["AccessKeyId"] if keys else "KEY_ID"
        raise EuareError(
            f"{user or 'the caller'} already has {len(keys)} access keys: {listed}; "
            f"free a slot with: euare-userdelkey {who}{oldest}",
            code="LimitExceeded",
        ) from exc
    remember(key.get("SecretAccessKey"))
    return key


def access_key_records(key: dict[str, Any], as_iamrc: bool) -> Result:
    """A new access key: its id and secret on two lines, or (``-w``) a ready ``.iamrc``."""
    record = {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}
    if not as_iamrc:
        return Result([record])
    return Result(
        [record],
        text=lambda rs: [
            line
            for r in rs
            for line in (
                f"AWSAccessKeyId={r['AccessKeyId']}",
                f"AWSSecretKey={r['SecretAccessKey']}",
            )
        ],
    )


def arn_of(item: Item) -> str:
    return str(item["Arn"])


def caller_account(call: Call) -> tuple[str, str]:
    """The caller's (partition, account id), asked for once per call.

    STS GetCallerIdentity needs no permission, so it is asked first. With ``-U`` the STS request
    goes to that (IAM) URL too, which a real IAM endpoint refuses; IAM GetUser (no name: the
    caller) then gives the account from the caller's ARN, which works for users and the root.
    """
    if call.account is not None:
        return call.account
    try:
        caller = call.call("GetCallerIdentity", service="sts")
        arn, account = str(caller["Arn"]), str(caller["Account"])
    except Exception as exc:
        first = describe(exc)
        try:
            arn = str(call.call("GetUser")["User"]["Arn"])
            account = arn.split(":")[4]
        except Exception:
            raise EuareError(
                f"cannot find the caller's account: STS GetCallerIdentity failed "
                f"({first.message}); give an ARN instead",
                code=first.code,
            ) from exc
    found = (arn.split(":")[1] if arn.startswith("arn:") else "aws", account)
    call.account = found
    return found
