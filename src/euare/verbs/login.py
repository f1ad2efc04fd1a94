"""Login profiles (console passwords): create, show, change, delete.

A password comes from ``-p``, or is asked twice without echo on a terminal, or is read from one
line of standard input when that is not a terminal, so a cron job can keep it out of ``ps``.
"""

from __future__ import annotations

from typing import Any

from euare import options as o
from euare.cli import Call, api_verb, option, verb
from euare.errors import EuareError, LostResponse
from euare.redact import remember
from euare.render import Record, text


def _password_verb(name: str, operation: str, help: str) -> None:
    @verb(name, help)
    @o.user()
    @option(
        "-p",
        "--password",
        metavar="PASSWORD",
        help="the new password (default: ask on the terminal, or read a line of stdin)",
    )
    @option(
        "--reset-required/--no-reset-required",
        default=None,
        help="whether the user must choose a new password at next sign-in",
    )
    def body(call: Call, user: str, password: str | None, reset_required: bool | None) -> None:
        if password is None:
            password = call.read_secret("New password")
        remember(password)
        params: dict[str, Any] = {
            "UserName": user,
            "Password": password,
            "PasswordResetRequired": reset_required,
        }
        if operation != "CreateLoginProfile":  # an update may safely be sent again
            call.call(operation, **params)
            return
        try:
            call.create(operation, **params)
        except LostResponse as lost:
            # Sent once only: a resent create would fail with EntityAlreadyExists after a lost
            # answer. If the profile exists now, it is the one just asked for.
            try:
                call.call("GetLoginProfile", UserName=user)
            except Exception:
                raise EuareError(
                    f"{lost.message}; {user} has no login profile, so running the "
                    "command again is safe",
                    code=lost.code,
                ) from lost
            call.stderr.write(
                f"{call.prog}: warning: {lost.message}, but {user}'s login profile exists now\n"
            )


_password_verb(
    "useraddloginprofile",
    "CreateLoginProfile",
    "Give a user a password for signing in to the console.",
)
_password_verb("usermodloginprofile", "UpdateLoginProfile", "Change a user's console password.")


def _profile(response: dict[str, object], options: dict[str, object]) -> list[Record]:
    profile = response["LoginProfile"]
    assert isinstance(profile, dict)
    record: Record = {"UserName": profile["UserName"]}
    if options["verbose"]:
        for key in ("CreateDate", "PasswordResetRequired"):
            if profile.get(key) is not None:
                record[key] = profile[key]
    return [record]


def _profile_lines(records: list[Record]) -> list[str]:
    lines = []
    for record in records:
        lines.append(f"Login Profile Exists for User {record['UserName']}")
        if "CreateDate" in record:
            lines.append(f"Creation date: {text(record['CreateDate'])}")
        if "PasswordResetRequired" in record:
            lines.append(f"Must change password: {record['PasswordResetRequired']}")
    return lines


api_verb(
    "usergetloginprofile",
    "GetLoginProfile",
    "Say whether a user has a login profile.",
    o.user(),
    option("--verbose", is_flag=True, help="also show its date and reset flag"),
    records=_profile,
    text=_profile_lines,
)

api_verb("userdelloginprofile", "DeleteLoginProfile", "Delete a user's login profile.", o.user())
