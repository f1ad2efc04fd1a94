"""Behaviour that several verb families share: recursive deletes and access-key output."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from euare.cli import Call
from euare.errors import describe
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
            if err.code in UNSUPPORTED_CODES or "parse" in err.message.lower():
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
