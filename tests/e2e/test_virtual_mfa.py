"""Virtual MFA devices: mfacreate writes the seed to private files and never shows it unasked,
mfalist and mfadel, a device enabled with real TOTP codes, and userdel -r removing it.

moto differs from AWS in two ways that matter here: its QRCodePNG is random bytes, not a PNG
(the proxy puts a real one in the answer where the file's content is checked), and it lists
each device's seed in ListVirtualMFADevices, which AWS never does (mfalist must not show it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import stat
import struct
import time
import zlib
from pathlib import Path
from typing import Any

from tests.conftest import Home, one_error_line
from tests.support.proxy import Fault

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def tiny_png() -> bytes:
    """A real 1x1 grey PNG, made with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        PNG_MAGIC
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def real_qr_code(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
    """moto's QR code is random bytes: answer a real PNG instead."""
    png = base64.b64encode(tiny_png())
    return status, re.sub(
        rb"<QRCodePNG>[^<]*</QRCodePNG>", b"<QRCodePNG>" + png + b"</QRCodePNG>", body
    )


def totp(seed: str, at: float, step: int = 30) -> str:
    """RFC 6238's code (HMAC-SHA1, 6 digits) for the Base32 ``seed`` at time ``at``."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def devices(iam: Any, status: str = "Any") -> dict[str, Any]:
    listed = iam.list_virtual_mfa_devices(AssignmentStatus=status)["VirtualMFADevices"]
    return {d["SerialNumber"]: d for d in listed}


def seed_of(iam: Any, serial: str) -> str:
    """The seed as IAM holds it (moto lists it; AWS would not)."""
    return str(devices(iam)[serial]["Base32StringSeed"].decode("ascii"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_seed_hidden(seed: str, *texts: str) -> None:
    for text in texts:
        assert seed not in text
        assert base64.b64encode(seed.encode()).decode() not in text


# --- mfacreate -----------------------------------------------------------------------------------


def test_mfacreate_writes_private_files_and_prints_only_the_serial(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    proxy.rewrites["CreateVirtualMFADevice"] = real_qr_code
    seed_file, qr_file = proxied_home.path / "phone.seed", proxied_home.path / "phone.png"
    done = proxied_home.run(
        "mfacreate",
        "phone",
        "-p",
        "/staff/",
        "--seed-out",
        str(seed_file),
        "--qr-out",
        str(qr_file),
    )
    assert done.returncode == 0, done.stderr
    [serial] = devices(iam)
    assert serial.endswith(":mfa/staff/phone")
    assert (done.lines, done.stderr) == ([serial], "")
    seed = seed_of(iam, serial)
    assert seed_file.read_text() == seed + "\n"
    assert qr_file.read_bytes() == tiny_png() and qr_file.read_bytes().startswith(PNG_MAGIC)
    assert (mode(seed_file), mode(qr_file)) == (0o600, 0o600)
    assert sorted(p.name for p in proxied_home.path.iterdir() if "phone" in p.name) == [
        "phone.png",
        "phone.seed",
    ]  # no temporary file left beside them
    assert_seed_hidden(seed, done.stdout, done.stderr)


def test_mfacreate_debug_masks_the_seed(home: Home, iam: Any) -> None:
    seed_file = home.path / "seed"
    done = home.run("mfacreate", "phone", "--seed-out", str(seed_file), "--debug")
    assert done.returncode == 0, done.stderr
    assert "CreateVirtualMFADevice" in done.stderr  # the log is there, the seed is not
    seed = seed_file.read_text().strip()
    assert seed == seed_of(iam, done.lines[0])
    assert_seed_hidden(seed, done.stdout, done.stderr)
    json_done = home.run(
        "mfacreate", "tablet", "--seed-out", str(home.path / "s2"), "--format", "json"
    )
    assert json_done.returncode == 0, json_done.stderr
    assert "Base32StringSeed" not in json_done.stdout and "QRCodePNG" not in json_done.stdout
    assert_seed_hidden((home.path / "s2").read_text().strip(), json_done.stdout)


def test_mfacreate_show_seed_prints_it_after_the_serial(home: Home, iam: Any) -> None:
    done = home.run("mfacreate", "phone", "--show-seed")
    assert done.returncode == 0, done.stderr
    [serial] = devices(iam)
    assert done.lines == [serial, seed_of(iam, serial)]
    as_json = home.run("mfacreate", "tablet", "--show-seed", "--format", "json")
    record = __import__("json").loads(as_json.stdout)
    assert record["Base32StringSeed"] == seed_of(iam, record["SerialNumber"])
    assert base64.b64decode(record["QRCodePNG"])


def test_mfacreate_refuses_an_existing_seed_file_before_sending(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    kept = proxied_home.write("phone.seed", "someone else's seed\n", mode=0o644)
    done = proxied_home.run("mfacreate", "phone", "--seed-out", str(kept))
    line = one_error_line(done, "mfacreate", status=2)
    assert "exists" in line and "--force" in line
    assert (kept.read_text(), mode(kept)) == ("someone else's seed\n", 0o644)
    assert "CreateVirtualMFADevice" not in proxy.actions
    assert devices(iam) == {}
    forced = proxied_home.run("mfacreate", "phone", "--seed-out", str(kept), "--force")
    assert forced.returncode == 0, forced.stderr
    assert kept.read_text() == seed_of(iam, forced.lines[0]) + "\n"
    assert mode(kept) == 0o600


def test_mfacreate_refuses_nowhere_to_put_the_seed(home: Home, iam: Any) -> None:
    nowhere = str(home.path / "no-such-directory" / "seed")
    for args in (
        [],
        ["--seed-out", "-"],
        ["--qr-out", "-"],
        ["--seed-out", str(home.path), "--force"],
        ["--seed-out", nowhere],
        ["--seed-out", str(home.path / "same"), "--qr-out", str(home.path / "same")],
    ):
        done = home.run("mfacreate", "phone", *args)
        one_error_line(done, "mfacreate", status=2)
    assert devices(iam) == {}


def test_mfacreate_lost_answer_names_the_device_to_delete(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """The seed is lost with the answer: the device is useless, and the error says so."""
    proxy.faults["CreateVirtualMFADevice"] = Fault("reset-after", count=None)
    seed_file = proxied_home.path / "phone.seed"
    done = proxied_home.run("mfacreate", "phone", "--seed-out", str(seed_file))
    [serial] = devices(iam)
    line = one_error_line(done, "mfacreate")
    assert "the answer to CreateVirtualMFADevice was lost" in line
    assert f"delete it with: euare-mfadel {serial}" in line
    assert proxy.actions.count("CreateVirtualMFADevice") == 1
    assert not seed_file.exists() and done.stdout == ""


# --- mfalist, mfadel, enable, userdel -r ---------------------------------------------------------


def test_mfalist_by_assignment(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    mine = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]
    spare = iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")["VirtualMFADevice"]
    mine_s, spare_s = mine["SerialNumber"], spare["SerialNumber"]
    iam.enable_mfa_device(
        UserName="bob",
        SerialNumber=mine_s,
        AuthenticationCode1="123456",
        AuthenticationCode2="234567",
    )
    assigned = home.run("mfalist", "--assignment-status", "Assigned")
    assert (assigned.returncode, assigned.lines) == (0, [f"{mine_s}\tbob"])
    assert home.run("mfalist", "--assignment-status", "Unassigned").lines == [spare_s]
    every = home.run("mfalist")
    assert sorted(every.lines) == sorted([f"{mine_s}\tbob", spare_s])
    as_json = home.run("mfalist", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert "Base32StringSeed" not in as_json.stdout and "QRCodePNG" not in as_json.stdout
    for seed in (mine["Base32StringSeed"], spare["Base32StringSeed"]):
        assert_seed_hidden(seed.decode(), every.stdout, as_json.stdout)


def test_mfadel_deletes_the_device(home: Home, iam: Any) -> None:
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="old")["VirtualMFADevice"][
        "SerialNumber"
    ]
    done = home.run("mfadel", serial)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert devices(iam) == {}


def test_enable_with_codes_from_the_seed_file_then_userdel_r_removes_both(
    home: Home, iam: Any
) -> None:
    iam.create_user(UserName="bob")
    seed_file = home.path / "bob.seed"
    made = home.run("mfacreate", "bob", "--seed-out", str(seed_file))
    assert made.returncode == 0, made.stderr
    serial = made.lines[0]
    seed = seed_file.read_text().strip()
    now = time.time()
    code1, code2 = totp(seed, now - 30), totp(seed, now)
    enabled = home.run("userenablemfadevice", "bob", "-s", serial, "-c1", code1, "-c2", code2)
    assert enabled.returncode == 0, enabled.stderr
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="bob")["MFADevices"]] == [
        serial
    ]
    assert devices(iam, "Assigned")[serial]["User"]["UserName"] == "bob"
    gone = home.run("userdel", "bob", "-r")
    assert gone.returncode == 0, gone.stderr
    assert [u["UserName"] for u in iam.list_users()["Users"]] == []
    assert devices(iam) == {}


def test_totp_matches_rfc_6238() -> None:
    """The test's own TOTP, held to RFC 6238's SHA-1 vector (time 59: 94287082, 8 digits)."""
    seed = base64.b32encode(b"12345678901234567890").decode()
    assert totp(seed, 59) == "287082"
