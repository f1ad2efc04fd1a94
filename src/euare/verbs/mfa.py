"""MFA devices: enable, deactivate, resynchronise, list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from euare import params as o
from euare.cli import api_verb, list_verb
from euare.context import Call
from euare.once import Lookup
from euare.params import Secret, option

SERIAL = option(
    "-s",
    "--serial-number",
    api="SerialNumber",
    metavar="SERIAL",
    required=True,
    help="serial number (an ARN, for a virtual device) of the MFA device",
)


def _enabled(call: Call, params: dict[str, Any]) -> Lookup:
    """EnableMFADevice is sent once (a resend fails with EntityAlreadyExists): after a lost
    answer, the device is looked for among the user's."""
    user, serial = params["UserName"], params["SerialNumber"]

    def look() -> dict[str, Any] | None:
        devices = call.pages("ListMFADevices", "MFADevices", UserName=user)
        return {} if any(d["SerialNumber"] == serial for d in devices) else None

    return Lookup(f"MFA device {serial} enabled for {user}", look)


def _codes_verb(
    name: str,
    operation: str,
    help: str,
    find: Callable[[Call, dict[str, Any]], Lookup] | None = None,
    examples: tuple[str, ...] = (),
) -> None:
    """enable and resync take the same two consecutive codes from the device."""
    api_verb(
        name,
        operation,
        help,
        o.user(),
        SERIAL,
        option(
            "-c1",
            "code1",
            api="AuthenticationCode1",
            type=Secret(),
            metavar="CODE",
            required=True,
            help="a code from the device",
        ),
        option(
            "-c2",
            "code2",
            api="AuthenticationCode2",
            type=Secret(),
            metavar="CODE",
            required=True,
            help="the code that follows it",
        ),
        find=find,
        examples=examples,
    )


_codes_verb(
    "userenablemfadevice",
    "EnableMFADevice",
    "Enable an MFA device for a user.",
    find=_enabled,
    examples=("alice -s arn:aws:iam::123456789012:mfa/alice -c1 123456 -c2 654321",),
)
_codes_verb(
    "userresyncmfadevice",
    "ResyncMFADevice",
    "Resynchronise a user's MFA device with two consecutive codes.",
)

api_verb(
    "userdeactivatemfadevice",
    "DeactivateMFADevice",
    "Deactivate a user's MFA device.",
    o.user(),
    SERIAL,
    examples=("alice -s arn:aws:iam::123456789012:mfa/alice",),
)

list_verb(
    "userlistmfadevices",
    "ListMFADevices",
    "List the serial numbers of a user's MFA devices.",
    o.user(required=False),
    text=lambda devices: (d["SerialNumber"] for d in devices),
)
