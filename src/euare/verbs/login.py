"""Login profiles (console passwords): create, show, change, delete; and the caller's own
password (changepassword).

A password comes from ``-p``, or is asked twice without echo on a terminal, or is read from one
line of standard input when that is not a terminal, so a cron job can keep it out of ``ps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.params import option
from euare.cli.rules import refuse
from euare.cli.verb import api_verb, nothing, verb
from euare.core.errors import EuareError
from euare.core.render import Record, Result, as_text
from euare.ops.finds import existing


def _password_verb(name: str, operation: str, help: str, examples: tuple[str, ...] = ()) -> None:
    @verb(name, help, examples=examples, sends=operation)
    @o.user()
    @option(
        "-p",
        "--password",
        api="Password",
        metavar="PASSWORD",
        help="the new password (default: ask on the terminal, or read a line of stdin)",
    )
    @option(
        "--reset-required/--no-reset-required",
        default=None,
        help="whether the user must choose a new password at next sign-in",
    )
    def body(
        call: Call, *, user: str, password: str | None, reset_required: bool | None
    ) -> Result | None:
        step = PasswordChange(call=call, operation=operation, user=user)
        return step.run(password, reset_required)


@dataclass(frozen=True, kw_only=True)
class PasswordChange:
    """Giving ``user`` a login profile (``operation`` CreateLoginProfile, sent once) or a new
    password (UpdateLoginProfile): refuse a profile that exists already before the password is
    asked for, ask for it if not given, then send."""

    call: Call
    operation: str
    user: str

    @property
    def creating(self) -> bool:
        return self.operation == "CreateLoginProfile"

    def run(self, password: str | None, reset_required: bool | None) -> Result | None:
        call, user = self.call, self.user
        lookup = existing(call, f"{user}'s login profile", "GetLoginProfile", UserName=user)
        # A profile that exists already is refused before the password is asked for, and so
        # after a lost answer a profile found is surely this call's own: the password given is
        # set, and never silently not.
        if self.creating and lookup.look() is not None:
            raise EuareError(
                f"{user} already has a login profile; change its password with "
                f"euare-usermodloginprofile {user}",
                code="EntityAlreadyExists",
            )
        params: dict[str, Any] = {
            "UserName": user,
            "Password": password if password is not None else self.asked(),
            "PasswordResetRequired": reset_required,
        }
        if not self.creating:  # an update may safely be sent again; IAM answers nothing
            call.request(self.operation, **params)
            return None
        answer = call.send_once(self.operation, params, lookup)
        return Result([answer["LoginProfile"]], nothing, one=True)

    def asked(self) -> str:
        """The password, typed at the prompt or read from standard input, and checked."""
        password = self.call.read_secret("New password")
        refuse(self.call.said("the password"), password, self.operation, "Password")
        return password


_password_verb(
    "useraddloginprofile",
    "CreateLoginProfile",
    "Give a user a password for signing in to the console.",
    examples=("alice --reset-required",),
)
_password_verb(
    "usermodloginprofile",
    "UpdateLoginProfile",
    "Change a user's console password.",
    examples=("alice --reset-required",),
)


def _profile_lines(records: list[Record]) -> list[str]:
    return [f"Login Profile Exists for User {r['UserName']}" for r in records]


def _profile_details(records: list[Record]) -> list[str]:
    """euca2ools' --verbose lines: the date, and the reset flag only when it is set (as IAM's
    answer spells it, ``true``); a password that need not change adds no line."""
    lines = []
    for record in records:
        lines.append(f"Login Profile Exists for User {record['UserName']}")
        if record.get("CreateDate") is not None:
            lines.append(f"Creation date: {as_text(record['CreateDate'])}")
        if record.get("PasswordResetRequired"):
            lines.append("Must change password: true")
    return lines


api_verb(
    "usergetloginprofile",
    "GetLoginProfile",
    "Say whether a user has a login profile.",
    o.user(),
    option("--verbose", is_flag=True, help="also show its date and reset flag"),
    result="LoginProfile",
    text=_profile_lines,
    verbose=_profile_details,
    examples=("alice --verbose",),
)

api_verb("userdelloginprofile", "DeleteLoginProfile", "Delete a user's login profile.", o.user())


@verb(
    "changepassword",
    "Change the caller's own console password (the account's password policy must let users "
    "change theirs). On a terminal, asks for the old password, then twice for the new one, "
    "without echo; otherwise reads the old one from the first line of standard input and the "
    "new one from the second.",
    examples=("",),
)
def changepassword(call: Call) -> None:
    """Passwords are never options (``ps`` would show them); both are registered as secrets
    as soon as read (Call.read_secret), so no error or --debug line shows them."""
    old = call.read_secret(
        "Old password", confirm=False, missing="no old password given on standard input"
    )
    new = call.read_secret(
        "New password",
        missing="no new password given: write it on the second line of standard input",
    )
    refuse(call.said("the old password"), old, "ChangePassword", "OldPassword")
    refuse(call.said("the new password"), new, "ChangePassword", "NewPassword")
    call.request("ChangePassword", OldPassword=old, NewPassword=new)
