"""Behaviour that several verb families share: recursive deletes, the lookups that settle a
create's lost answer, and creating access keys."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from euare.cli import Call
from euare.errors import EuareError, describe
from euare.once import Found, Lookup
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
    ``optional`` marks an API some IAM-compatible clouds lack: asked like any other (with
    retries), but an answer saying the API does not exist there means there are none.
    ``removed(call, owner, item, operation)`` says whether one of the removal calls has taken
    effect; by default, whether the item is no longer listed.
    """

    header: str
    list_op: str
    key: str
    show: Callable[[Item], str]
    remove: Callable[[str, Item], list[Removal]]
    items: Callable[[Call, str, str], list[Item]] | None = None
    optional: bool = False
    removed: Callable[[Call, str, Item, str], bool] | None = None

    def gone(self, call: Call, owner_param: str, owner: str, item: Item, operation: str) -> bool:
        """Whether ``operation``, one of the calls that remove ``item``, has taken effect."""
        if self.removed is not None:
            return self.removed(call, owner, item, operation)
        shown = self.show(item)
        return all(self.show(i) != shown for i in self.find(call, owner_param, owner))

    def find(self, call: Call, owner_param: str, owner: str) -> list[Item]:
        if self.items is not None:
            return self.items(call, owner_param, owner)
        try:
            return list(call.pages(self.list_op, self.key, **{owner_param: owner}))
        except Exception as exc:
            if self.optional and unsupported(exc):
                return []
            raise


def unsupported(exc: BaseException) -> bool:
    """Whether ``exc`` says the endpoint has no such API: an IAM-compatible cloud's 501 or
    InvalidAction, or a page that is not IAM's at all (moto's HTML 500 for an action it lacks,
    which errors.non_iam_answer marks ``foreign``)."""
    from botocore.parsers import ResponseParserError

    if isinstance(exc, ResponseParserError):
        return True
    err = describe(exc)
    return err.foreign or err.code in UNSUPPORTED_CODES


def _or_none(fetch: Callable[[], Found]) -> Found | None:
    """``fetch()``, or None when it answers NoSuchEntity."""
    try:
        return fetch()
    except Exception as exc:
        if describe(exc).code == "NoSuchEntity":
            return None
        raise


def get_or_none(operation: str, key: str) -> Callable[[Call, str, str], list[Item]]:
    """An ``items`` function for a single thing fetched with a Get call (absent: NoSuchEntity)."""

    def items(call: Call, owner_param: str, owner: str) -> list[Item]:
        found = _or_none(lambda: call.call(operation, **{owner_param: owner}))
        return [found[key]] if found is not None else []

    return items


def existing(call: Call, what: str, operation: str, **params: Any) -> Lookup:
    """The Lookup of a create whose Get call answers in the create's own shape (GetUser for
    CreateUser): found, the Get answer; absent (NoSuchEntity), None."""
    return Lookup(what, lambda: _or_none(lambda: call.call(operation, **params)))


def by_name(get: str, param: str, noun: str) -> Callable[[Call, dict[str, Any]], Lookup]:
    """An api_verb ``find``: the create's ``param`` names the entity that ``get`` fetches."""
    return lambda call, params: existing(
        call, f"{noun} {params[param]}", get, **{param: params[param]}
    )


def new_items(
    call: Call, list_op: str, key: str, id_key: str, before: set[str], **params: Any
) -> list[Item]:
    """The items ``list_op`` lists now that were not there ``before`` (their ``id_key``s)."""
    return [i for i in call.pages(list_op, key, **params) if str(i[id_key]) not in before]


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
    # Listing the attachments proved that the owner exists, and each step is sent once (with
    # botocore's retries): NoSuchEntity means a lost answer that botocore resent, and any other
    # failure is settled by looking again, so that a step that took effect counts as done.
    plan = call.plan()
    for attachment, items in found:
        for item in items:
            for description, operation, params in attachment.remove(owner, item):
                gone = functools.partial(attachment.gone, call, owner_param, owner, item, operation)
                plan.add(description, operation, done_if_gone=True, settle=gone, **params)
    get = "Get" + delete_op.removeprefix("Delete")  # DeleteUser: GetUser, and so on

    def owner_gone() -> bool:
        return _or_none(lambda: call.call(get, **{owner_param: owner})) is None

    plan.add(
        f"delete {what} {owner}",
        delete_op,
        done_if_gone=True,
        settle=owner_gone,
        **{owner_param: owner},
    )
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

    It is sent once (Call.send_once). If its answer is lost, or Ctrl-C ends the wait, the keys
    that exist now are compared with those before: a new one was created without its secret
    reaching us, and the error names it with the command that deletes it. When the user already
    has the most keys IAM allows, the error lists them with their age and status and names the
    command that frees a slot.
    """
    before = {str(k["AccessKeyId"]) for k in key_ages(call, user)}
    who = f"-u {user} " if user else ""

    def leftover(found: Found) -> str:
        ids = [str(k["AccessKeyId"]) for k in found["AccessKeyMetadata"]]
        fixes = "; ".join(f"euare-userdelkey {who}{i}" for i in ids)
        return (
            f"access key {', '.join(ids)} was created but its secret never reached euare: "
            f"delete it with: {fixes}"
        )

    def look() -> Found | None:
        new = new_items(
            call, "ListAccessKeys", "AccessKeyMetadata", "AccessKeyId", before, UserName=user
        )
        return {"AccessKeyMetadata": new} if new else None

    lookup = Lookup(f"a new access key for {user or 'the caller'}", look, leftover)
    try:
        answer = call.send_once("CreateAccessKey", {"UserName": user}, lookup)
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
    key: dict[str, Any] = answer["AccessKey"]
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
