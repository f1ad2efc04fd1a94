"""The account: its alias."""

from __future__ import annotations

from typing import Any

from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli.params import Decorator, positional
from euare.cli.verb import api_verb, list_verb


def alias() -> Decorator:
    return positional("ALIAS", "AccountAlias", "the account alias", "-a", "--account-alias")


def _alias_lookup(call: Call, params: dict[str, Any]) -> Lookup:
    alias = params["AccountAlias"]

    def look() -> dict[str, Any] | None:
        listed = call.request("ListAccountAliases").get("AccountAliases") or []
        return {"AccountAliases": listed} if alias in listed else None

    return Lookup(f"the account alias {alias}", look)


api_verb(
    "accountaliascreate",
    "CreateAccountAlias",
    "Give the account an alias.",
    alias(),
    find=_alias_lookup,
    examples=("example-corp",),
)
api_verb("accountaliasdelete", "DeleteAccountAlias", "Delete the account's alias.", alias())
list_verb(
    "accountaliaslist",
    "ListAccountAliases",
    "List the account's aliases.",
    text=lambda aliases: (f"Alias: {a}" for a in aliases),
)

api_verb(
    "accountgetsummary",
    "GetAccountSummary",
    "Show the account's IAM usage and quotas, one `name: value` line each.",
    result="SummaryMap",
    text=lambda rs: [f"{name}: {value}" for r in rs for name, value in sorted(r.items())],
    examples=("", "--format json"),
)
