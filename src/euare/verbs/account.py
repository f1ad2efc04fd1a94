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
