"""Recursive deletes: what keeps an entity from being deleted (a Blocker per kind), listing it
(``-p``), removing it step by step (``-r``), each step settled after a lost answer. The kinds are
listed, and the items removed, ``--jobs`` at a time (see euare.call.fanout): each item's own steps
in order, the owner's Delete* last.

A family declares each kind it deletes once, as a :class:`Kind` (its noun, parameter, Delete*
operation and blockers), and its verb calls ``delete_recursively(call, kind=USER, name=user,
recursive=..., pretend=..., jobs=...)``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from euare.call.context import Call, Plan, Request
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


Listed = list[tuple[Blocker, list[Item]]]  # each blocker with the items it listed


@dataclass(frozen=True, kw_only=True)
class Kind:
    """A kind of entity that :func:`delete_recursively` deletes, declared once by its family.

    ``noun`` names it in messages ("user": "delete user bob"), ``param`` is the parameter that
    names one (``UserName``), ``delete`` its Delete* operation; the Get* that tells whether one
    still exists is named after it (DeleteUser: GetUser). ``blockers`` are the kinds of thing
    that keep one from being deleted, in the order ``-p`` lists them and ``-r`` removes them;
    ``flag`` is the verb's -r (roledel says -c), named in the hint after a DeleteConflict.
    """

    noun: str
    param: str
    delete: str
    blockers: tuple[Blocker, ...]
    flag: str = "-r"

    @property
    def get(self) -> str:
        return "Get" + self.delete.removeprefix("Delete")


def delete_recursively(
    call: Call, *, kind: Kind, name: str, recursive: bool, pretend: bool, jobs: int = 1
) -> Result | None:
    """Delete the ``kind`` named ``name``; with ``recursive``, first remove everything attached
    to it. Returns ``-p``'s Result, or None.

    Without ``recursive`` (nor ``pretend``), one Delete* call: IAM's DeleteConflict (the owner
    still holds something) is reported with what to do about it: ``-p`` lists what is in the
    way, the kind's ``flag`` removes it.

    With ``pretend``, list what would be removed, grouped by blocker, and change nothing. With
    ``recursive``, remove each item, then delete the owner; a failure (or Ctrl-C, SIGTERM,
    SIGHUP) says what was done and what was not (see euare.call.context.Plan), and running it
    again finishes the job. With ``jobs`` above 1, that many calls at a time: the blockers are
    listed at the same time, and different items removed at the same time; the steps that
    remove one item (deactivate an MFA device, then delete it) run in order, and the owner is
    deleted after all of them.
    """
    deletion = Deletion(call, kind, name, jobs)
    if not (recursive or pretend):
        deletion.delete_alone()
        return None
    found = deletion.listed()
    if pretend:  # JSON: IAM's items under each blocker's header; text: euca2ools' lines
        record: Record = {blocker.header: items for blocker, items in found}
        text = functools.partial(pretend_lines, blockers=kind.blockers)
        return Result([record], text, one=True)
    deletion.plan(found).execute()
    return None


@dataclass(frozen=True)
class Deletion:
    """The steps of deleting one entity: alone, or after listing and removing its blockers."""

    call: Call
    kind: Kind
    name: str
    jobs: int = 1

    def delete_alone(self) -> None:
        """The Delete* call by itself; a DeleteConflict says how to see and remove the rest."""
        try:
            self.call.request(self.kind.delete, **{self.kind.param: self.name})
        except Exception as exc:
            if not in_use(exc):
                raise
            err = describe(exc)
            hint = f"{err.message} (-p lists what is in the way; {self.kind.flag} removes it)"
            raise EuareError(hint, code=err.code) from exc

    def listed(self) -> Listed:
        """Each blocker's items, the blockers listed ``jobs`` at a time."""
        from euare.call.fanout import concurrently

        client = self.call.client() if self.jobs > 1 else None  # built before any thread starts
        param, blockers = self.kind.param, self.kind.blockers
        listings = [functools.partial(b.find, self.call, param, self.name) for b in blockers]
        return list(zip(blockers, concurrently(listings, self.jobs, client), strict=True))

    def plan(self, found: Listed) -> Plan:
        """Every item's removal, each item in a lane of its own, then the owner's Delete*.

        Listing the blockers proved that the owner exists, and each step is sent once (with
        botocore's retries): NoSuchEntity means a lost answer that botocore resent, and any
        other failure is settled by looking again, so that a step that took effect counts as
        done."""
        plan = self.call.plan(self.jobs)
        for number, (blocker, items) in enumerate(found):
            for index, item in enumerate(items):
                for step in self.removal(blocker, item):
                    plan.add_step(step, lane=(number, index))  # one item's steps: in order
        return plan.add(
            f"delete {self.kind.noun} {self.name}",
            self.kind.delete,
            done_if_gone=True,
            settle=self.gone,
            **{self.kind.param: self.name},
        )

    def removal(self, blocker: Blocker, item: Item) -> list[Request]:
        """The steps that remove one ``item`` that ``blocker`` listed, each settled by
        looking whether it took effect."""
        call, param, owner = self.call, self.kind.param, self.name
        return [
            Request(
                call,
                description,
                operation,
                params,
                done_if_gone=True,
                settle=functools.partial(blocker.gone, call, param, owner, item, operation),
            )
            for description, operation, params in blocker.remove(owner, item)
        ]

    def gone(self) -> bool:
        """Whether the owner no longer exists (its Get* answers NoSuchEntity)."""
        get = functools.partial(self.call.request, self.kind.get, **{self.kind.param: self.name})
        return or_none(get) is None


def pretend_lines(records: list[Record], *, blockers: Iterable[Blocker]) -> Iterable[str]:
    """``-p``'s text, as euca2ools printed it: each blocker's header, then the line of each of
    its items (listed under that header in the record), after a tab."""
    for record in records:
        for blocker in blockers:
            yield blocker.header
            for item in record[blocker.header]:
                yield f"\t{blocker.show(item)}"
