"""Inline policies, declared once for users, groups and roles.

``inline_policy_verbs("group", ...)`` declares euare-groupaddpolicy, -groupuploadpolicy,
-groupgetpolicy, -groupdelpolicy and -grouplistpolicies, each as euca2ools had it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from euare import params as o
from euare import policy
from euare.cli import verb
from euare.context import Call
from euare.params import Decorator, option
from euare.render import Record, Result


def _documents(records: list[Record]) -> Iterable[str]:
    return [r["PolicyDocument"] for r in records]


def _listing(trailer: bool) -> Any:
    def lines(records: list[Record]) -> Iterable[str]:
        for record in records:
            if "PolicyName" in record:
                yield record["PolicyName"]
            if "PolicyDocument" in record:
                yield record["PolicyDocument"]
        if trailer:
            yield "IsTruncated: false"

    return lines


def _shown(document: str, name: str, pretty_print: bool) -> str:
    decoded = policy.decode(document)
    return policy.pretty(decoded, name) if pretty_print else decoded


def inline_policy_verbs(
    kind: str,
    entity: Decorator,
    resource_flags: tuple[str, ...] = ("-r", "--resource"),
    listing_trailer: bool = False,
) -> None:
    """Declare the five inline-policy verbs of ``kind`` ("user", "group" or "role").

    ``entity`` is the kind's positional; ``listing_trailer`` keeps euca2ools' final
    ``IsTruncated: false`` line (userlistpolicies and rolelistpolicies printed it).
    """
    title = kind.capitalize()
    param = f"{title}Name"

    def name_of(values: dict[str, Any]) -> str:
        return str(values[kind])

    @verb(
        f"{kind}addpolicy",
        f"Give a {kind} an inline policy built from an effect, actions and resources.",
        text=_documents,
    )
    @entity
    @o.apply_all(o.policy_builder(resource_flags))
    def add(
        call: Call,
        policy_name: str,
        effect: str,
        actions: tuple[str, ...],
        resources: tuple[str, ...],
        output: bool,
        **values: Any,
    ) -> list[Record]:
        document = policy.dumps(policy.build(effect.capitalize(), list(actions), list(resources)))
        call.call(
            f"Put{title}Policy",
            **{param: name_of(values)},
            PolicyName=policy_name,
            PolicyDocument=document,
        )
        return [{"PolicyName": policy_name, "PolicyDocument": document}] if output else []

    @verb(
        f"{kind}uploadpolicy",
        f"Give a {kind} an inline policy from a JSON document.",
        exclusive=[o.DOCUMENT_CHOICE],
    )
    @entity
    @o.apply_all(o.policy_document())
    def upload(
        call: Call,
        policy_name: str,
        policy_content: str | None,
        policy_document: str | None,
        **values: Any,
    ) -> None:
        document = policy_content or policy_document  # read and checked: params.Document
        call.call(
            f"Put{title}Policy",
            **{param: name_of(values)},
            PolicyName=policy_name,
            PolicyDocument=document,
        )

    pretty = option("--pretty-print", is_flag=True, help="indent the policy document")

    @verb(f"{kind}getpolicy", f"Print one of a {kind}'s inline policies.", text=_documents)
    @entity
    @o.policy_name()
    @pretty
    def get(call: Call, policy_name: str, pretty_print: bool, **values: Any) -> list[Record]:
        found = call.call(f"Get{title}Policy", **{param: name_of(values)}, PolicyName=policy_name)
        return [
            {
                "PolicyName": policy_name,
                "PolicyDocument": _shown(found["PolicyDocument"], policy_name, pretty_print),
            }
        ]

    @verb(f"{kind}delpolicy", f"Delete one of a {kind}'s inline policies.")
    @entity
    @o.policy_name()
    def delete(call: Call, policy_name: str, **values: Any) -> None:
        call.call(f"Delete{title}Policy", **{param: name_of(values)}, PolicyName=policy_name)

    @verb(
        f"{kind}listpolicies",
        f"List a {kind}'s inline policies (-v: with their documents).",
        text=_listing(listing_trailer),
    )
    @entity
    @o.policy_name(required=False, help="show only this policy")
    @o.verbose("also print each policy's document (with -p: only the document)")
    @pretty
    def listing(
        call: Call, policy_name: str | None, verbose: bool, pretty_print: bool, **values: Any
    ) -> Result:
        owner = {param: name_of(values)}
        names = [
            n
            for n in call.pages(f"List{title}Policies", "PolicyNames", **owner)
            if policy_name is None or n == policy_name
        ]
        records: list[Record] = []
        for name in names:
            record: Record = {} if (verbose and policy_name) else {"PolicyName": name}
            if verbose:
                found = call.call(f"Get{title}Policy", **owner, PolicyName=name)
                record["PolicyDocument"] = _shown(found["PolicyDocument"], name, pretty_print)
            records.append(record)
        return Result(records)

    del add, upload, get, delete, listing
