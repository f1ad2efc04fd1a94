"""MFA devices: enable, deactivate, resynchronise, list; virtual MFA devices: create (the seed
written to private files), list, delete."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli import params as o
from euare.cli.outputs import OutputFile
from euare.cli.params import Decorator, IamChoice, Secret, option, positional
from euare.cli.verb import api_verb, list_verb, verb
from euare.core.errors import EuareError, UsageError
from euare.core.render import Record, Result

if TYPE_CHECKING:
    from euare.core.files import Output

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


# --- virtual MFA devices -------------------------------------------------------------------------

# What only CreateVirtualMFADevice's answer holds: the seed, as Base32 text and as a QR code.
SEED_FIELDS = ("Base32StringSeed", "QRCodePNG")


def _out_file(flag: str, what: str) -> Decorator:
    return option(
        flag,
        type=OutputFile(secret=True, instead="give --show-seed to print the seed"),
        metavar="FILE",
        help=f"write the new device's {what} to FILE, created 0600 (not over an existing file "
        "unless --force; see docs/output.md, Files euare writes)",
    )


def _virtual_created(call: Call, name: str) -> Lookup:
    """A new device named ``name``: one the listing shows now that it did not before sending
    (a device of that name from before is someone else's, never named for deletion). Its seed
    is lost with the answer, so the error names the command that deletes it."""

    def serials() -> set[str]:
        listed = call.pages("ListVirtualMFADevices", "VirtualMFADevices", AssignmentStatus="Any")
        return {str(d["SerialNumber"]) for d in listed if _named(str(d["SerialNumber"]), name)}

    before = serials()

    def look() -> dict[str, Any] | None:
        new = sorted(serials() - before)
        return {"VirtualMFADevice": {"SerialNumber": new[0]}} if new else None

    def leftover(found: dict[str, Any]) -> str:
        serial = found["VirtualMFADevice"]["SerialNumber"]
        return (
            f"virtual MFA device {serial} was created but its seed never reached euare: "
            f"delete it with: euare-mfadel {serial}"
        )

    return Lookup(f"virtual MFA device {name}", look, leftover)


def _named(serial: str, name: str) -> bool:
    """Whether the serial (arn:...:mfa/PATH/NAME) is that of a device named ``name``."""
    return serial.rsplit("/", 1)[-1] == name


def _save(device: dict[str, Any], outs: list[tuple[Output, bytes]]) -> None:
    """Write each file; a failure says whether the seed survives, and how to delete the device."""
    serial = device["SerialNumber"]
    saved: list[str] = []
    for out, data in outs:
        try:
            out.write(data)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            fate = (
                f"its seed is in {', '.join(saved)}"
                if saved
                else f"its seed is lost: delete it with: euare-mfadel {serial}"
            )
            raise EuareError(
                f"virtual MFA device {serial} was created but {out.flag} {out} could not be "
                f"written ({reason}); {fate}"
            ) from None
        saved.append(str(out))


def _shown(device: dict[str, Any], show_seed: bool) -> dict[str, Any]:
    """The device as printed: without its seed, unless asked (then as text, the QR code in
    Base64 as IAM sends it)."""
    record = {k: v for k, v in device.items() if k not in SEED_FIELDS}
    if show_seed:
        seed, png = device.get("Base32StringSeed"), device.get("QRCodePNG")
        if seed is not None:
            record["Base32StringSeed"] = seed.decode("ascii") if isinstance(seed, bytes) else seed
        if isinstance(png, bytes):
            record["QRCodePNG"] = base64.b64encode(png).decode("ascii")
    return record


@verb(
    "mfacreate",
    "Create a virtual MFA device and print its serial number. Its seed, which only this answer "
    "holds, goes to --seed-out (Base32 text) and/or --qr-out (a QR code PNG), or with "
    "--show-seed to standard output after the serial number; one of them is required.",
    examples=("alice-phone --qr-out alice.png", "alice-phone -p /staff/ --seed-out alice.seed"),
    sends="CreateVirtualMFADevice",
)
@positional("NAME", "VirtualMFADeviceName", "name of the new virtual MFA device")
@o.path("path for the new device (default: /)")
@_out_file("--seed-out", "seed (Base32 text, for TOTP tools)")
@_out_file("--qr-out", "QR code (PNG, for phone apps)")
@option("--show-seed", is_flag=True, help="also print the seed (Base32 text) on standard output")
@option("--force", is_flag=True, help="replace existing --seed-out and --qr-out files")
@o.tags()
def mfacreate(
    call: Call,
    *,
    name: str,
    path: str | None,
    seed_out: Output | None,
    qr_out: Output | None,
    show_seed: bool,
    force: bool,
    tags: tuple[dict[str, str], ...],
) -> Result:
    _check_outputs(seed_out, qr_out, show_seed)
    device = _create_device(call, name=name, path=path, tags=tags)
    _save(device, _seed_files(device, seed_out, qr_out))
    return Result([_shown(device, show_seed)], created_lines, one=True)


def _check_outputs(seed_out: Output | None, qr_out: Output | None, show_seed: bool) -> None:
    """Refused before anything is sent: a seed that would go nowhere, or twice to one file."""
    if seed_out is None and qr_out is None and not show_seed:
        raise UsageError(
            "give --seed-out FILE, --qr-out FILE or --show-seed: else the seed is lost"
        )
    if seed_out is not None and qr_out is not None and seed_out.same_file(qr_out):
        raise UsageError("--seed-out and --qr-out name the same file")


def _create_device(
    call: Call, *, name: str, path: str | None, tags: tuple[dict[str, str], ...]
) -> dict[str, Any]:
    """CreateVirtualMFADevice, sent once: the device, its seed and QR code included."""
    params: dict[str, Any] = {"VirtualMFADeviceName": name, "Tags": list(tags)}
    if path is not None:
        params["Path"] = path
    if not params["Tags"]:
        del params["Tags"]
    answer = call.send_once("CreateVirtualMFADevice", params, _virtual_created(call, name))
    device: dict[str, Any] = answer["VirtualMFADevice"]
    return device


def _seed_files(
    device: dict[str, Any], seed_out: Output | None, qr_out: Output | None
) -> list[tuple[Output, bytes]]:
    """What goes to each file given: the seed (Base32, a line) and the QR code (PNG)."""
    seed, png = device.get("Base32StringSeed") or b"", device.get("QRCodePNG") or b""
    seed_bytes = seed if isinstance(seed, bytes) else seed.encode("ascii")
    outs = [(seed_out, seed_bytes + b"\n"), (qr_out, png)]
    return [(out, data) for out, data in outs if out is not None]


def created_lines(records: list[Record]) -> list[str]:
    """mfacreate's text: each device's serial number, then its seed if the record holds it
    (--show-seed)."""
    lines: list[str] = []
    for record in records:
        seed = record.get("Base32StringSeed")
        lines += [str(record["SerialNumber"]), *([str(seed)] if seed else [])]
    return lines


def _assignments(devices: Iterable[Record]) -> Iterator[str]:
    """A line a device: its serial number and, tab-separated, the user it is assigned to."""
    for d in devices:
        user = (d.get("User") or {}).get("UserName")
        yield f"{d['SerialNumber']}\t{user}" if user else str(d["SerialNumber"])


@verb(
    "mfalist",
    "List the account's virtual MFA devices: each one's serial number and the user it is "
    "assigned to, if any.",
    examples=("--assignment-status Unassigned",),
    sends="ListVirtualMFADevices",
)
@option(
    "--assignment-status",
    api="AssignmentStatus",
    type=IamChoice(["Assigned", "Unassigned", "Any"]),
    default="Any",
    show_default=True,
    help="list only the devices assigned to a user, or only those that are not",
)
def mfalist(call: Call, *, assignment_status: str) -> Result:
    listed = call.pages(
        "ListVirtualMFADevices", "VirtualMFADevices", AssignmentStatus=assignment_status
    )
    # IAM lists no seed; an endpoint that did would not have it shown (nor its bytes in JSON)
    devices = ({k: v for k, v in d.items() if k not in SEED_FIELDS} for d in listed)
    return Result(devices, _assignments, stream=True)  # type: ignore[arg-type]  # an iterator


api_verb(
    "mfadel",
    "DeleteVirtualMFADevice",
    "Delete a virtual MFA device (deactivate it first if it is assigned to a user).",
    positional(
        "SERIAL",
        "SerialNumber",
        "serial number (ARN) of the virtual MFA device",
        "-s",
        "--serial-number",
    ),
    examples=("arn:aws:iam::123456789012:mfa/alice-phone",),
)
