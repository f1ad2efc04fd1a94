"""Signing certificates and MFA devices."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.conftest import Home, one_error_line
from tests.support.certs import self_signed
from tests.support.stub import run_stubbed


def test_useraddcert_from_file_and_body(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    pem_file = home.write("cert.pem", self_signed("bob-1")[0])
    from_file = home.run("useraddcert", "bob", "-f", str(pem_file))
    from_body = home.run("useraddcert", "-u", "bob", "-c", self_signed("bob-2")[0])
    listed = {
        c["CertificateId"] for c in iam.list_signing_certificates(UserName="bob")["Certificates"]
    }
    assert {from_file.stdout.strip(), from_body.stdout.strip()} == listed


def test_useraddcert_needs_exactly_one_source(home: Home) -> None:
    result = home.run("useraddcert", "bob")
    assert result.returncode == 2
    assert "one of -c/--certificate-body, -f/--certificate-file is required" in result.stderr


def test_userlistcerts_modcert_delcert(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    body = self_signed()[0]
    cert = iam.upload_signing_certificate(UserName="bob", CertificateBody=body)["Certificate"]
    cid = cert["CertificateId"]
    assert home.run("userlistcerts", "bob").lines == [cid, "Active", "bob"]
    assert home.run("userlistcerts", "bob", "-v").stdout == f"{cid}\n{body}\nActive\nbob\n"
    assert home.run("usermodcert", "-u", "bob", "-c", cid, "-s", "Inactive").returncode == 0
    assert iam.list_signing_certificates(UserName="bob")["Certificates"][0]["Status"] == "Inactive"
    assert home.run("userdelcert", cid, "-u", "bob").returncode == 0
    assert iam.list_signing_certificates(UserName="bob")["Certificates"] == []


def test_usercreatecert_uploads_what_it_writes(home: Home, iam: Any, tmp_path: Path) -> None:
    iam.create_user(UserName="bob")
    out, keyout = tmp_path / "bob.crt", tmp_path / "bob.key"
    result = home.run("usercreatecert", "bob", "--out", str(out), "--keyout", str(keyout))
    assert result.returncode == 0, result.stderr
    uploaded = iam.list_signing_certificates(UserName="bob")["Certificates"]
    assert result.lines == [uploaded[0]["CertificateId"]]
    assert uploaded[0]["CertificateBody"].strip() == out.read_text().strip()
    assert stat.S_IMODE(keyout.stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate(out.read_bytes())
    key = serialization.load_pem_private_key(keyout.read_bytes(), password=None)
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]
    assert "PRIVATE KEY" not in result.stdout + result.stderr


def test_usercreatecert_refuses_to_overwrite_without_force(
    home: Home, iam: Any, tmp_path: Path
) -> None:
    iam.create_user(UserName="bob")
    keyout = tmp_path / "bob.key"
    keyout.write_text("precious")
    line = one_error_line(
        home.run("usercreatecert", "bob", "--keyout", str(keyout)), "usercreatecert"
    )
    assert "use --force" in line
    assert keyout.read_text() == "precious"
    assert iam.list_signing_certificates(UserName="bob")["Certificates"] == []
    forced = home.run("usercreatecert", "bob", "--keyout", str(keyout), "--force")
    assert forced.returncode == 0 and "BEGIN CERTIFICATE" in forced.stdout
    assert "PRIVATE KEY" in keyout.read_text()


def test_usercreatecert_prints_key_and_cert_without_files(home: Home, iam: Any) -> None:
    iam.create_user(UserName="bob")
    result = home.run("usercreatecert", "-u", "bob")
    assert "BEGIN CERTIFICATE" in result.stdout and "BEGIN PRIVATE KEY" in result.stdout


@pytest.fixture
def virtual_mfa(iam: Any) -> str:
    iam.create_user(UserName="bob")
    return str(
        iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"][
            "SerialNumber"
        ]
    )


def test_mfa_enable_list_deactivate(home: Home, iam: Any, virtual_mfa: str) -> None:
    enabled = home.run(
        "userenablemfadevice", "bob", "-s", virtual_mfa, "-c1", "123456", "-c2", "234567"
    )
    assert enabled.returncode == 0, enabled.stderr
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="bob")["MFADevices"]] == [
        virtual_mfa
    ]
    assert home.run("userlistmfadevices", "-u", "bob").lines == [virtual_mfa]
    assert home.run("userdeactivatemfadevice", "bob", "-s", virtual_mfa).returncode == 0
    assert iam.list_mfa_devices(UserName="bob")["MFADevices"] == []


def test_mfa_codes_are_required(home: Home) -> None:
    result = home.run("userenablemfadevice", "bob", "-s", "arn:x", "-c1", "123456")
    assert result.returncode == 2 and "-c2" in result.stderr


def test_userresyncmfadevice_sends_both_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's server has no ResyncMFADevice, so this runs against botocore's Stubber."""
    params = {
        "UserName": "bob",
        "SerialNumber": "GAHT12345678",
        "AuthenticationCode1": "111111",
        "AuthenticationCode2": "222222",
    }
    result = run_stubbed(
        monkeypatch,
        "userresyncmfadevice",
        ["-u", "bob", "-s", "GAHT12345678", "-c1", "111111", "-c2", "222222"],
        [("ResyncMFADevice", {}, params)],
    )
    assert (result.code, result.stdout, result.stderr) == (0, "", "")
