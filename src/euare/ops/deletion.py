"""Recursive deletes: what keeps an entity from being deleted (a Blocker per kind), listing it
(``-p``), removing it step by step (``-r``), each step settled after a lost answer. The kinds are
listed, and the items removed, ``--jobs`` at a time (see euare.call.fanout): each item's own steps
in
order, the owner's Delete* last."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from euare.call.context import Call
from euare.core.errors import EuareError, describe
from euare.core.outcome import in_use, or_none, unsupported
from euare.core.render import Record, Result

Item = dict[str, Any]
Removal = tuple[str, str, dict[str, Any]]  # (description, operation, parameters)


@dataclass(frozen=True)
class Blocker:
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
            # no such API there (an IAM-compatible cloud without, say, service-specific
            # credentials cannot hold any): nothing to remove
            if self.optional and unsupported(exc):
                return []
            raise


def fetch_single(operation: str, key: str) -> Callable[[Call, str, str], list[Item]]:
    """An ``items`` function for a single thing fetched with a Get call (absent: NoSuchEntity)."""

    def items(call: Call, owner_param: str, owner: str) -> list[Item]:
        found = or_none(lambda: call.request(operation, **{owner_param: owner}))
        return [found[key]] if found is not None else []

    return items


def delete_recursively(
    call: Call,
    what: str,
    owner_param: str,
    owner: str,
    attachments: Iterable[Blocker],
    delete_op: str,
    recursive: bool,
    pretend: bool,
    jobs: int = 1,
    flag: str = "-r",
) -> Result | None:
    """Delete ``owner``; with ``recursive``, first remove everything attached to it.

    Without it, IAM's DeleteConflict (the owner still holds something) is reported with what
    to do about it: ``-p`` lists what is in the way, ``flag`` (the verb's -r) removes it.

    With ``pretend``, list what would be removed, grouped by kind, and change nothing. With
    ``jobs`` above 1, that many calls at a time: the kinds are listed at the same time, and
    different items removed at the same time; the steps that remove one item (deactivate an
    MFA device, then delete it) run in order, and the owner is deleted after all of them.
    """
    if not (recursive or pretend):
        try:
            call.request(delete_op, **{owner_param: owner})
        except Exception as exc:
            if not in_use(exc):
                raise
            err = describe(exc)
            hint = f"{err.message} (-p lists what is in the way; {flag} removes it)"
            raise EuareError(hint, code=err.code) from exc
        return None
    from euare.call.fanout import concurrently

    blockers = list(attachments)
    client = call.client() if jobs > 1 else None  # built before any thread starts
    listings = [functools.partial(a.find, call, owner_param, owner) for a in blockers]
    found = list(zip(blockers, concurrently(listings, jobs, client), strict=True))
    if pretend:  # JSON: IAM's items under each kind; text: euca2ools' lines
        record: Record = {a.header: items for a, items in found}
        return Result([record], text=lambda _: _pretend_lines(found), one=True)
    # Listing the attachments proved that the owner exists, and each step is sent once (with
    # botocore's retries): NoSuchEntity means a lost answer that botocore resent, and any other
    # failure is settled by looking again, so that a step that took effect counts as done.
    plan = call.plan(jobs)
    for kind, (attachment, items) in enumerate(found):
        for number, item in enumerate(items):
            for description, operation, params in attachment.remove(owner, item):
                gone = functools.partial(attachment.gone, call, owner_param, owner, item, operation)
                plan.add(
                    description,
                    operation,
                    lane=(kind, number),  # one item's steps: in order
                    done_if_gone=True,
                    settle=gone,
                    **params,
                )
    get = "Get" + delete_op.removeprefix("Delete")  # DeleteUser: GetUser, and so on

    def owner_gone() -> bool:
        return or_none(lambda: call.request(get, **{owner_param: owner})) is None

    plan.add(
        f"delete {what} {owner}",
        delete_op,
        done_if_gone=True,
        settle=owner_gone,
        **{owner_param: owner},
    )
    plan.execute()
    return None


def _pretend_lines(found: list[tuple[Blocker, list[Item]]]) -> Iterable[str]:
    for blocker, items in found:
        yield blocker.header
        for item in items:
            yield f"\t{blocker.show(item)}"
