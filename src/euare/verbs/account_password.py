"""The account's password policy: show it, change it (keeping what is not given), delete it.

``accountsetpasswordpolicy`` changes only the fields given: UpdateAccountPasswordPolicy sets
every field it is sent and resets the others to IAM's defaults, so the verb reads the policy
first (GetAccountPasswordPolicy), merges the options given into it, and sends the whole set.
With no policy yet, the fields not given get IAM's defaults (those of :data:`DEFAULTS`). Two
changes made at the same moment by two people may still lose one of them: IAM has no way to
make the read and the write one step.
"""

from __future__ import annotations

from typing import Any

import click

from euare.call.context import Call
from euare.cli.params import Decorator, api_params, apply_all, option
from euare.cli.paramtypes import ModelRange
from euare.cli.verb import api_verb, verb
from euare.core.errors import EuareError
from euare.core.outcome import or_none
from euare.core.render import Record, Result

UPDATE = "UpdateAccountPasswordPolicy"

# What IAM uses for a field UpdateAccountPasswordPolicy is not sent; None: the field is left out
# (MaxPasswordAge: passwords never expire; PasswordReusePrevention: any old one may be reused).
DEFAULTS: dict[str, Any] = {
    "MinimumPasswordLength": 6,
    "RequireSymbols": False,
    "RequireNumbers": False,
    "RequireUppercaseCharacters": False,
    "RequireLowercaseCharacters": False,
    "AllowUsersToChangePassword": False,
    "MaxPasswordAge": None,
    "PasswordReusePrevention": None,
    "HardExpiry": False,
}

NO_POLICY = "the account has no password policy (IAM's defaults apply)"


def _flag(name: str, api: str, what: str) -> Decorator:
    return option(f"--{name}/--no-{name}", api=api, default=None, help=what)


def _number(name: str, api: str, metavar: str, what: str, zero: str | None = None) -> Decorator:
    kind = ModelRange(UPDATE, api, zero=zero is not None)
    return option(f"--{name}", api=api, metavar=metavar, type=kind, help=what + (zero or ""))


OPTIONS = [
    _number("min-length", "MinimumPasswordLength", "N", "the shortest password allowed (6-128)"),
    _flag("require-symbols", "RequireSymbols", "whether a password needs a symbol"),
    _flag("require-numbers", "RequireNumbers", "whether a password needs a digit"),
    _flag(
        "require-uppercase", "RequireUppercaseCharacters", "whether it needs an upper-case letter"
    ),
    _flag(
        "require-lowercase", "RequireLowercaseCharacters", "whether it needs a lower-case letter"
    ),
    _flag(
        "allow-users-to-change",
        "AllowUsersToChangePassword",
        "whether users may change their own password (euare-changepassword)",
    ),
    _number(
        "max-age",
        "MaxPasswordAge",
        "DAYS",
        "how many days a password is valid (1-1095",
        "; 0: passwords never expire)",
    ),
    _number(
        "reuse-prevention",
        "PasswordReusePrevention",
        "N",
        "how many of a user's previous passwords cannot be used again (1-24",
        "; 0: none)",
    ),
    _flag(
        "hard-expiry",
        "HardExpiry",
        "whether an expired password can only be reset by an administrator",
    ),
]


def current_policy(call: Call) -> dict[str, Any] | None:
    """The account's password policy, or None when it has none (NoSuchEntity)."""
    found = or_none(lambda: call.request("GetAccountPasswordPolicy"))
    return None if found is None else dict(found["PasswordPolicy"])


def merged(current: dict[str, Any] | None, given: dict[str, Any]) -> dict[str, Any]:
    """The whole set of fields to send: ``given`` over the ``current`` policy (or IAM's
    defaults), a number 0 meaning the field is left out (and so turned off)."""
    fields = dict(DEFAULTS)
    for name in fields:
        if current is not None and name in current:
            fields[name] = current[name]
    fields.update(given)
    return {name: None if _zero(value) else value for name, value in fields.items()}


def _zero(value: Any) -> bool:
    return type(value) is int and value == 0  # a number, not False


def _policy_lines(records: list[Record]) -> list[str]:
    return [f"{name}: {value}" for r in records for name, value in r.items()]


@verb(
    "accountgetpasswordpolicy",
    "Show the account's password policy, one `Field: value` line each.",
    text=_policy_lines,
    examples=("", "--format json"),
)
def accountgetpasswordpolicy(call: Call) -> Result:
    found = current_policy(call)
    if found is None:
        raise EuareError(NO_POLICY, code="NoSuchEntity")
    return Result([found], one=True)


@verb(
    "accountsetpasswordpolicy",
    "Change the account's password policy: the fields given change, the others are kept (with "
    "no policy yet, they get IAM's defaults).",
    examples=(
        "--min-length 14 --require-symbols --require-numbers",
        "--max-age 90 --reuse-prevention 5 --no-hard-expiry",
    ),
    sends=UPDATE,
)
@apply_all(OPTIONS)
def accountsetpasswordpolicy(call: Call, **values: Any) -> None:
    given = api_params(values)
    if not given:
        raise click.UsageError("give at least one field to change", click.get_current_context())
    call.request(UPDATE, **merged(current_policy(call), given))


api_verb(
    "accountdelpasswordpolicy",
    "DeleteAccountPasswordPolicy",
    "Delete the account's password policy (IAM's defaults apply again).",
)
