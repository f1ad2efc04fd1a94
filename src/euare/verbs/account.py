"""The account: its alias."""

from __future__ import annotations

from euare.cli import Decorator, api_verb, positional


def alias() -> Decorator:
    return positional("ALIAS", "AccountAlias", "the account alias", "-a", "--account-alias")


api_verb("accountaliascreate", "CreateAccountAlias", "Give the account an alias.", alias())
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
