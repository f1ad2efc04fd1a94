"""Lookups that settle a create whose answer was lost (see euare.call.once): by name with the
entity's Get call, or by comparing a listing with the one taken before sending."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from euare.call.context import Call
from euare.call.once import Lookup
from euare.core.outcome import or_none
from euare.ops.deletion import Item


def existing(call: Call, what: str, operation: str, **params: Any) -> Lookup:
    """The Lookup of a create whose Get call answers in the create's own shape (GetUser for
    CreateUser): found, the Get answer; absent (NoSuchEntity), None."""
    return Lookup(what, lambda: or_none(lambda: call.request(operation, **params)))


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


def listed_arn(
    call: Call,
    what: str,
    *,
    operation: str,
    key: str,
    answer_key: str,
    suffix: str,
    ignore_case: bool = False,
) -> Lookup:
    """The Lookup of an identity provider after a lost create answer: the first ARN that
    ``operation`` lists under ``key`` ending with ``suffix`` (``ignore_case``: in any case),
    answered as ``{answer_key: ARN}`` as the create would have."""

    def fold(text: str) -> str:
        return text.lower() if ignore_case else text

    def look() -> dict[str, Any] | None:
        listed = call.request(operation).get(key) or []
        arns = [str(p["Arn"]) for p in listed if fold(str(p["Arn"])).endswith(fold(suffix))]
        return {answer_key: arns[0]} if arns else None

    return Lookup(what, look)
