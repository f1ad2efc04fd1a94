"""The account: its alias."""

from __future__ import annotations

from typing import Any

from euare.cli import api_verb
from euare.context import Call
from euare.once import Lookup
from euare.params import Decorator, positional


def alias() -> Decorator:
    return positional("ALIAS", "AccountAlias", "the account alias", "-a", "--account-alias")


def _alias_lookup(call: Call, params: dict[str, Any]) -> Lookup:
    alias = params["AccountAlias"]

    def look() -> dict[str, Any] | None:
        listed = call.call("ListAccountAliases").get("AccountAliases") or []
        return {"AccountAliases": listed} if alias in listed else None

    return Lookup(f"the account alias {alias}", look)


api_verb(
    "accountaliascreate",
    "CreateAccountAlias",
    "Give the account an alias.",
    alias(),
    find=_alias_lookup,
)
api_verb("accountaliasdelete", "DeleteAccountAlias", "Delete the account's alias.", alias())
api_verb(
    "accountaliaslist",
    "ListAccountAliases",
    "List the account's aliases.",
    records=lambda r, _: [{"Alias": a} for a in r.get("AccountAliases", [])],
    text=lambda rs: [f"Alias: {r['Alias']}" for r in rs],
)

api_verb(
    "accountgetsummary",
    "GetAccountSummary",
    "Show the account's IAM usage and quotas, one `name: value` line each.",
    records=lambda r, _: [{"Name": k, "Value": v} for k, v in sorted(r["SummaryMap"].items())],
    text=lambda rs: [f"{r['Name']}: {r['Value']}" for r in rs],
)
