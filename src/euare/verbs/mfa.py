"""MFA devices: enable, deactivate, resynchronise, list."""

from __future__ import annotations

from euare import params as o
from euare.cli import api_verb, list_verb
from euare.params import Secret, option

SERIAL = option(
    "-s",
    "--serial-number",
    api="SerialNumber",
    metavar="SERIAL",
    required=True,
    help="serial number (an ARN, for a virtual device) of the MFA device",
)


def _codes_verb(name: str, operation: str, help: str) -> None:
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
    )


_codes_verb("userenablemfadevice", "EnableMFADevice", "Enable an MFA device for a user.")
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
)

list_verb(
    "userlistmfadevices",
    "ListMFADevices",
    "List the serial numbers of a user's MFA devices.",
    o.user(required=False),
    text=lambda devices: (d["SerialNumber"] for d in devices),
)
