"""Inline policies, declared once for users, groups and roles.

``inline_policy_verbs("group", ...)`` declares euare-groupaddpolicy, -groupuploadpolicy,
-groupgetpolicy, -groupdelpolicy and -grouplistpolicies, each as euca2ools had it.

Their records are IAM's own: Get{Kind}Policy's answer (the owner's name, ``PolicyName``,
``PolicyDocument`` exactly as stored), or the bare names List{Kind}Policies gives.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import click

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.helpdoc import a
from euare.cli.params import Decorator, option
from euare.cli.rules import refuse
from euare.cli.verb import api_verb, nothing, verb
from euare.core.render import PolicyText, Record, Result
from euare.policy import documents as policy

PRETTY = option("--pretty-print", is_flag=True, help="indent the policy document")


def _shown(record: Record, pretty_print: bool) -> str:
    """A record's document as stored (``pretty_print``, --pretty-print: re-indented)."""
    document = policy.decode(record["PolicyDocument"])
    if pretty_print:
        return policy.pretty(document, str(record["PolicyName"]))
    return document


def document_lines(records: list[Record], *, pretty_print: bool = False) -> list[str]:
    """getpolicy's text: each policy's document as stored (``pretty_print``: re-indented)."""
    return [_shown(r, pretty_print) for r in records]


def listing_lines(
    records: list[Any], *, trailer: bool = False, names: bool = True, pretty_print: bool = False
) -> list[str]:
    """euca2ools' listpolicies text: each name (a record that is a bare name), or each name
    and its document (``names`` False: the document alone; ``pretty_print``: re-indented);
    ``trailer`` adds its final ``IsTruncated: false`` line. Built in full before anything is
    printed, so a document that cannot be pretty-printed prints nothing."""
    out: list[str] = []
    for record in records:
        if isinstance(record, str):
            out.append(record)
            continue
        if names:
            out.append(str(record["PolicyName"]))
        out.append(_shown(record, pretty_print))
    return [*out, "IsTruncated: false"] if trailer else out


def added_lines(records: list[Record]) -> list[str]:
    """addpolicy's text with -o: the document built, as sent."""
    return [str(r["PolicyDocument"]) for r in records]


def inline_policy_verbs(
    kind: str,
    entity: Decorator,
    resource_flags: tuple[str, ...] = ("-r", "--resource"),
    listing_trailer: bool = False,
    examples: Mapping[str, tuple[str, ...]] | None = None,
) -> None:
    """Declare the five inline-policy verbs of ``kind`` ("user", "group" or "role").

    ``entity`` is the kind's positional; ``listing_trailer`` keeps euca2ools' final
    ``IsTruncated: false`` line (userlistpolicies and rolelistpolicies printed it); ``examples``
    gives each verb's (by the name after ``kind``: "addpolicy", ...).
    """
    title = kind.capitalize()
    shown = examples or {}
    _add_verb(kind, entity, resource_flags, shown.get("addpolicy", ()))
    api_verb(
        f"{kind}uploadpolicy",
        f"Put{title}Policy",
        f"Give {a(kind)} an inline policy from a JSON document.",
        entity,
        *o.policy_document(),
        exclusive=[o.DOCUMENT_CHOICE],
        examples=shown.get("uploadpolicy", ()),
    )
    api_verb(
        f"{kind}getpolicy",
        f"Get{title}Policy",
        f"Print one of {a(kind)}'s inline policies.",
        entity,
        o.policy_name(),
        PRETTY,
        result="*",
        text=document_lines,
        text_options=("pretty_print",),
        examples=shown.get("getpolicy", ()),
    )
    api_verb(
        f"{kind}delpolicy",
        f"Delete{title}Policy",
        f"Delete one of {a(kind)}'s inline policies.",
        entity,
        o.policy_name(),
    )
    _listing_verb(kind, entity, listing_trailer, shown.get("listpolicies", ()))


def _owner(kind: str, values: Mapping[str, Any]) -> dict[str, str]:
    """The owner's name as the calls take it (``UserName``: alice), from the verb's values."""
    return {f"{kind.capitalize()}Name": str(values[kind])}


def _add_verb(
    kind: str, entity: Decorator, resource_flags: tuple[str, ...], examples: tuple[str, ...]
) -> None:
    """``{kind}addpolicy``: a policy built from -e, -a and ``resource_flags``."""
    operation = f"Put{kind.capitalize()}Policy"

    @verb(
        f"{kind}addpolicy",
        f"Give {a(kind)} an inline policy built from an effect, actions and resources.",
        examples=examples,
        sends=operation,
    )
    @entity
    @o.apply_all(o.policy_builder(resource_flags))
    def add(
        call: Call,
        *,
        policy_name: str,
        effect: str,
        actions: tuple[str, ...],
        resources: tuple[str, ...],
        output: bool,
        **values: Any,
    ) -> Result:
        document = policy.dumps(policy.build(effect, list(actions), list(resources)))
        built = f"the policy document built from -e/-a/{resource_flags[0]}"
        refuse(built, document, operation, "PolicyDocument")
        o.lint_asked(click.get_current_context(), document, built, policy.IDENTITY)
        sent = {**_owner(kind, values), "PolicyName": policy_name, "PolicyDocument": document}
        call.request(operation, **sent)
        # What Get{Kind}Policy would answer now; text shows the document only with -o.
        record = {**sent, "PolicyDocument": PolicyText(document)}
        return Result([record], added_lines if output else nothing, one=True)


def _listing_verb(kind: str, entity: Decorator, trailer: bool, examples: tuple[str, ...]) -> None:
    """``{kind}listpolicies``: the names, or (-v) the policies, of an owner's inline policies;
    ``trailer``: euca2ools' final ``IsTruncated: false`` line."""
    title = kind.capitalize()

    @verb(
        f"{kind}listpolicies",
        f"List {a(kind)}'s inline policies (-v: with their documents).",
        examples=examples,
        sends=f"List{title}Policies",
    )
    @entity
    @o.policy_name(required=False, help="show only this policy", sent_in=f"Get{title}Policy")
    @o.verbose("also print each policy's document (with -p: only the document)")
    @PRETTY
    def listing(
        call: Call, *, policy_name: str | None, verbose: bool, pretty_print: bool, **values: Any
    ) -> Result:
        owner = _owner(kind, values)
        names = [
            str(n)
            for n in call.pages(f"List{title}Policies", "PolicyNames", **owner)
            if policy_name is None or n == policy_name
        ]
        text = functools.partial(
            listing_lines,
            trailer=trailer,
            names=not (verbose and policy_name),
            pretty_print=pretty_print,
        )
        if not verbose:
            return Result(list[Any](names), text)
        return Result(
            [call.request(f"Get{title}Policy", **owner, PolicyName=n) for n in names], text
        )
