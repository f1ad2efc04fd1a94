"""Pagination and PathPrefix as IAM's: every operation IAM pages (botocore's paginator model for
IAM names them and their result keys) answers at most MaxItems items (1 to 1000, 100 by
default), with IsTruncated and an opaque Marker for the rest; PathPrefix keeps the items whose
path starts with it, and a MaxItems or PathPrefix outside IAM's constraints is IAM's
ValidationError. moto answers most lists whole and some in pages of its own: the model asks it
for everything at once and cuts its answer into pages.

Pages are cut from one snapshot of the list, taken at the first page: a 10,000-user listing
costs moto one rendering, not a hundred. A snapshot stays current for its request until a
request that may change something (a new generation of the account), so the next listing's
first page costs what any page costs, as on IAM."""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from euare.sandbox.model.context import Context, Rules, Serve
from euare.sandbox.model.wire import Answer, Call, Refusal, answer, q, sub, text

PAGE = 100  # IAM's default MaxItems
ALL = "1000000"  # what the model asks moto for: every item
KEPT = 8  # snapshots kept at once
# Paged by IAM (a Marker and MaxItems) though botocore's paginator model leaves it out.
MORE = {"ListServiceSpecificCredentials": ("ServiceSpecificCredentials",)}
# Filtered by PathPrefix by the model: an item's path is its Path, else its PolicyArn's.
FILTERED = (
    "ListUsers",
    "ListGroups",
    "ListRoles",
    "ListPolicies",
    "ListInstanceProfiles",
    "ListServerCertificates",
    "ListAttachedUserPolicies",
    "ListAttachedGroupPolicies",
    "ListAttachedRolePolicies",
)


@lru_cache(maxsize=1)
def paged() -> dict[str, tuple[str, ...]]:
    """Every operation IAM pages: its result keys, in order."""
    import botocore.session

    config = botocore.session.get_session().get_paginator_model("iam")._paginator_config
    found: dict[str, tuple[str, ...]] = {}
    for operation, paging in config.items():
        keys = paging["result_key"]
        found[operation] = tuple(keys) if isinstance(keys, list) else (keys,)
    return {**found, **MORE}


@lru_cache(maxsize=64)
def constraint(operation: str, member: str) -> dict[str, Any]:
    """IAM's constraints on ``operation``'s ``member`` (min, max, pattern), from its model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("iam").operation_model(operation)
    shape = model.input_shape.members.get(member) if model.input_shape else None
    return dict(shape.metadata) if shape is not None else {}


def invalid(member: str, value: str, rule: str) -> Refusal:
    field = member[0].lower() + member[1:]
    return Refusal(
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
        f"constraint: Member must {rule}",
    )


def page_size(call: Call) -> int:
    given = call.params.get("MaxItems")
    if given is None:
        return PAGE
    limits = constraint(call.action, "MaxItems") or {"min": 1, "max": 1000}
    try:
        size = int(given)
    except ValueError:
        raise invalid("MaxItems", given, "be a number") from None
    if size < limits.get("min", 1):
        raise invalid("MaxItems", given, f"have value greater than or equal to {limits['min']}")
    if size > limits.get("max", 1000):
        raise invalid("MaxItems", given, f"have value less than or equal to {limits['max']}")
    return size


def path_prefix(call: Call) -> str | None:
    """The request's PathPrefix, checked against IAM's constraints (None: not given)."""
    prefix = call.params.get("PathPrefix")
    if prefix is None:
        return None
    limits = constraint(call.action, "PathPrefix")
    if len(prefix) < limits.get("min", 1):
        raise invalid("PathPrefix", prefix, f"have length greater than or equal to {limits['min']}")
    if len(prefix) > limits.get("max", 512):
        raise invalid("PathPrefix", prefix, f"have length less than or equal to {limits['max']}")
    pattern = limits.get("pattern")
    if pattern and not re.fullmatch(pattern, prefix):
        raise invalid("PathPrefix", prefix, f"satisfy regular expression pattern: {pattern}")
    return prefix


def path_of(item: ET.Element) -> str:
    """An item's path: its Path, else its PolicyArn's (``arn:...:policy/a/b/name``: /a/b/)."""
    path = text(item, "Path")
    if path is not None:
        return path
    arn = text(item, "PolicyArn") or text(item, "Arn") or ""
    resource = arn.split(":", 5)[-1]
    return "/" + resource.partition("/")[2].rpartition("/")[0] + "/" if "/" in resource else "/"


@dataclass
class Snapshot:
    """One listing's answer, whole: its Result element and its items, key by key."""

    result: ET.Element
    items: list[tuple[str, ET.Element]]  # (result key, item)


class Pager:
    """The snapshots of the listings in flight, and the current one of each request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self.current: dict[tuple[Any, ...], tuple[int, str]] = {}
        self.ids = itertools.count(1)

    def snapshot(
        self, key: tuple[Any, ...], generation: int, marker: str
    ) -> tuple[str, Snapshot | None]:
        with self.lock:
            if marker and marker in self.snapshots:
                return marker, self.snapshots[marker]
            held = self.current.get(key)
            if held and held[0] == generation and held[1] in self.snapshots:
                return held[1], self.snapshots[held[1]]
        return "", None

    def keep(self, key: tuple[Any, ...], generation: int, snapshot: Snapshot) -> str:
        with self.lock:
            name = str(next(self.ids))
            self.snapshots[name] = snapshot
            self.current[key] = (generation, name)
            while len(self.snapshots) > KEPT:
                self.snapshots.popitem(last=False)
            return name


def encode(snapshot: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{snapshot}:{offset}".encode()).decode()


def decode(marker: str) -> tuple[str, int]:
    try:
        snapshot, _, offset = base64.urlsafe_b64decode(marker.encode()).decode().partition(":")
        return snapshot, int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Refusal("ValidationError", "Invalid Marker.") from None


def listing(call: Call) -> tuple[Any, ...]:
    """What makes two requests the same listing: their parameters but the page's (Marker,
    MaxItems) and the API version, PathPrefix "/" being no PathPrefix."""
    ignored = ("Marker", "MaxItems", "Version")
    params = {k: v for k, v in call.params.items() if k not in ignored}
    if params.get("PathPrefix") == "/":
        del params["PathPrefix"]
    return (call.action, tuple(sorted(params.items())))


def pager(context: Context) -> Pager:
    found = context.cache.get("pages")
    if not isinstance(found, Pager):
        found = context.cache["pages"] = Pager()
    return found


def whole(context: Context, call: Call, inner: Serve | None) -> Answer:
    """The whole list: ``inner``'s answer (a rule's, for a list moto lacks), else moto's to the
    request without Marker, MaxItems and the PathPrefix the model applies itself."""
    dropped = {"Marker", "MaxItems"} | ({"PathPrefix"} if call.action in FILTERED else set())
    params = {k: v for k, v in call.params.items() if k not in dropped}
    asked = call.with_params(params)
    if inner is not None:
        return inner(context, asked)
    return context.moto(asked, {**params, "MaxItems": ALL})


def serve(context: Context, call: Call, inner: Serve | None) -> Answer:
    """One page of ``call``'s list (see the module's docstring)."""
    size = page_size(call)
    prefix = path_prefix(call) if call.action in FILTERED else None
    marker = call.params.get("Marker", "")
    wanted, offset = decode(marker) if marker else ("", 0)
    key = listing(call)
    keeper = pager(context)
    generation = context.generation
    name, snapshot = keeper.snapshot(key, generation, wanted)
    if snapshot is None:
        full = whole(context, call, inner)
        if not full.ok:
            return full
        result = full.result()
        if result is None:
            return full
        items = []
        for result_key in paged()[call.action]:
            listed = result.find(q(call.ns, result_key))
            for item in list(listed) if listed is not None else ():
                if prefix is None or path_of(item).startswith(prefix):
                    items.append((result_key, item))
        snapshot = Snapshot(result, items)
        name = keeper.keep(key, generation, snapshot)
    return render(call, snapshot, name, offset, size)


def render(call: Call, snapshot: Snapshot, name: str, offset: int, size: int) -> Answer:
    """The page of ``snapshot`` from ``offset``: at most ``size`` items."""
    keys = paged()[call.action]
    root = ET.Element(q(call.ns, f"{call.action}Response"))
    result = sub(root, f"{call.action}Result")
    chosen = snapshot.items[offset : offset + size]
    for node in snapshot.result:
        local = node.tag.rpartition("}")[2]
        if local in keys:
            listed = sub(result, local)
            listed.extend(item for key, item in chosen if key == local)
        elif local not in ("IsTruncated", "Marker"):
            result.append(node)
    for key in keys:  # a list moto left out is IAM's empty list
        if result.find(q(call.ns, key)) is None:
            sub(result, key)
    end = offset + size
    truncated = end < len(snapshot.items)
    sub(result, "IsTruncated", "true" if truncated else "false")
    if truncated:
        sub(result, "Marker", encode(name, end))
    return answer(call, root)


def paginating(inner: Serve | None) -> Callable[[Context, Call], Answer]:
    def serving(context: Context, call: Call) -> Answer:
        return serve(context, call, inner)

    return serving


def register(rules: Rules) -> None:
    """Every paged operation served by the pager, around the rule that serves it, if any (so
    this module registers after the others)."""
    for operation in paged():
        inner = rules.instead.pop(operation, None)
        rules.serve(operation)(paginating(inner))
