"""Signing certificates and MFA devices: flags and positional forms, output, effect on IAM.

moto differs from AWS here in two ways that matter, and the sandbox's model of IAM answers in
its place: without UserName, moto fails UploadSigningCertificate, ListSigningCertificates and
ListMFADevices (``user with name None``) where AWS (and the model) acts on the caller; and moto
has no ResyncMFADevice at all.
"""

from __future__ import annotations

import datetime
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.conftest import Home, one_error_line
from tests.support.certs import self_signed
from tests.support.proxy import Fault, paginate

KEY_BLOCK = re.compile(r"-----BEGIN PRIVATE KEY-----\n.*?-----END PRIVATE KEY-----\n", re.S)


def cert_ids(iam: Any, user: str = "bob") -> list[str]:
    return [
        c["CertificateId"] for c in iam.list_signing_certificates(UserName=user)["Certificates"]
    ]


def key_fits(cert_pem: str, key_pem: str) -> bool:
    """Whether the private key is the one whose public half the certificate carries."""
    der, spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    return bool(
        cert.public_key().public_bytes(der, spki) == key.public_key().public_bytes(der, spki)
    )


@pytest.fixture
def bob(iam: Any) -> str:
    iam.create_user(UserName="bob")
    return "bob"


@pytest.fixture
def bobs_cert(iam: Any, bob: str) -> dict[str, Any]:
    body = self_signed("bob")[0]
    cert: dict[str, Any] = iam.upload_signing_certificate(UserName=bob, CertificateBody=body)[
        "Certificate"
    ]
    return cert


# --- useraddcert ---------------------------------------------------------------------------------


def test_useraddcert_uploads_a_file_and_prints_its_id(home: Home, iam: Any, bob: str) -> None:
    body = self_signed("bob")[0]
    pem_file = home.write("cert.pem", body)
    result = home.run("useraddcert", "bob", "-f", str(pem_file))
    assert result.returncode == 0, result.stderr
    uploaded = iam.list_signing_certificates(UserName="bob")["Certificates"]
    assert result.lines == [uploaded[0]["CertificateId"]]
    assert uploaded[0]["CertificateBody"].strip() == body.strip()


def test_useraddcert_takes_the_body_with_c_after_dummy_u(home: Home, iam: Any, bob: str) -> None:
    result = home.run("useraddcert", "-u", "bob", "--certificate-body", self_signed("bob")[0])
    assert result.lines == cert_ids(iam)


def test_useraddcert_f_dash_reads_standard_input(home: Home, iam: Any, bob: str) -> None:
    body = self_signed("bob")[0]
    result = home.run("useraddcert", "bob", "-f", "-", input=body)
    assert result.lines == cert_ids(iam)
    assert (
        iam.list_signing_certificates(UserName="bob")["Certificates"][0]["CertificateBody"].strip()
        == body.strip()
    )


def test_useraddcert_needs_a_source(home: Home) -> None:
    result = home.run("useraddcert", "bob")
    assert result.returncode == 2
    assert "one of -c/--certificate-body, -f/--certificate-file is required" in result.stderr


def test_useraddcert_takes_only_one_source(home: Home, iam: Any, bob: str) -> None:
    pem_file = home.write("cert.pem", self_signed()[0])
    result = home.run("useraddcert", "bob", "-f", str(pem_file), "-c", self_signed()[0])
    assert result.returncode == 2 and "cannot be used together" in result.stderr
    assert cert_ids(iam) == []


def test_useraddcert_never_sends_a_private_key(home: Home, iam: Any, bob: str) -> None:
    cert, key = self_signed("bob")
    both = home.write("both.pem", cert + key)
    result = home.run("useraddcert", "bob", "-f", str(both))
    assert result.returncode == 2
    assert "holds a private key" in result.stderr
    assert key.splitlines()[1] not in result.stdout + result.stderr
    assert cert_ids(iam) == []


def as_bob(home: Home, iam: Any) -> None:
    """Make ``home``'s credentials bob's own (an access key of his)."""
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    home.write_iamrc(key["AccessKeyId"], key["SecretAccessKey"])


def test_useraddcert_without_user_uploads_for_the_caller(home: Home, iam: Any, bob: str) -> None:
    """IAM (and the sandbox's model, where moto refuses) act on the caller when no user is
    named."""
    as_bob(home, iam)
    body = self_signed()[0]
    result = home.run("useraddcert", "-c", body)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.lines == cert_ids(iam)
    listed = home.run("userlistcerts")
    assert listed.lines[0::3] == cert_ids(iam), listed.stderr


# --- userlistcerts, usermodcert, userdelcert -----------------------------------------------------


def test_userlistcerts_prints_id_status_and_user(
    home: Home, iam: Any, bobs_cert: dict[str, Any]
) -> None:
    assert home.run("userlistcerts", "bob").lines == [bobs_cert["CertificateId"], "Active", "bob"]


def test_userlistcerts_v_prints_the_body_too(
    home: Home, iam: Any, bobs_cert: dict[str, Any]
) -> None:
    stored = iam.list_signing_certificates(UserName="bob")["Certificates"][0]
    result = home.run("userlistcerts", "-u", "bob", "-v")
    assert result.stdout == f"{stored['CertificateId']}\n{stored['CertificateBody']}\nActive\nbob\n"


def test_userlistcerts_reads_every_page(
    proxied_home: Home, proxy: Any, iam: Any, bobs_cert: dict[str, Any]
) -> None:
    """euca2ools read only the first page (it misspelt IsTruncated); euare reads them all."""
    second = iam.upload_signing_certificate(UserName="bob", CertificateBody=self_signed()[0])
    proxy.rewrites["ListSigningCertificates"] = paginate("Certificates", page_size=1)
    result = proxied_home.run("userlistcerts", "bob")
    ids = [bobs_cert["CertificateId"], second["Certificate"]["CertificateId"]]
    assert sorted(result.lines[0::3]) == sorted(ids)
    assert proxy.actions.count("ListSigningCertificates") == 2


@pytest.mark.parametrize("form", [["CERT"], ["-c", "CERT"], ["--certificate-id", "CERT"]])
def test_usermodcert_sets_the_status(
    home: Home, iam: Any, bobs_cert: dict[str, Any], form: list[str]
) -> None:
    args = [bobs_cert["CertificateId"] if a == "CERT" else a for a in form]
    result = home.run("usermodcert", *args, "-u", "bob", "-s", "Inactive")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert iam.list_signing_certificates(UserName="bob")["Certificates"][0]["Status"] == "Inactive"


def test_usermodcert_needs_a_status(home: Home, iam: Any, bobs_cert: dict[str, Any]) -> None:
    result = home.run("usermodcert", bobs_cert["CertificateId"], "-u", "bob")
    assert result.returncode == 2 and "--status" in result.stderr


def test_userdelcert_deletes_the_certificate(
    home: Home, iam: Any, bobs_cert: dict[str, Any]
) -> None:
    result = home.run("userdelcert", "-c", bobs_cert["CertificateId"], "--user-name", "bob")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert cert_ids(iam) == []


# --- usercreatecert ------------------------------------------------------------------------------


def test_usercreatecert_uploads_the_certificate_it_writes(
    home: Home, iam: Any, bob: str, tmp_path: Path
) -> None:
    out, keyout = tmp_path / "bob.crt", tmp_path / "bob.key"
    result = home.run("usercreatecert", "bob", "--out", str(out), "--keyout", str(keyout))
    assert result.returncode == 0, result.stderr
    uploaded = iam.list_signing_certificates(UserName="bob")["Certificates"]
    assert result.lines == [uploaded[0]["CertificateId"]]
    assert uploaded[0]["CertificateBody"].strip() == out.read_text().strip()


def test_usercreatecert_key_file_is_private_and_fits_the_certificate(
    home: Home, iam: Any, bob: str, tmp_path: Path
) -> None:
    keyout = tmp_path / "bob.key"
    result = home.run(
        "usercreatecert", "bob", "--out", str(tmp_path / "c"), "--keyout", str(keyout)
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(keyout.stat().st_mode) == 0o600
    uploaded = iam.list_signing_certificates(UserName="bob")["Certificates"][0]["CertificateBody"]
    assert key_fits(uploaded, keyout.read_text())
    assert "PRIVATE KEY" not in result.stdout + result.stderr


def test_usercreatecert_without_files_prints_id_certificate_then_key(
    home: Home, iam: Any, bob: str
) -> None:
    result = home.run("usercreatecert", "-u", "bob")
    assert result.returncode == 0, result.stderr
    uploaded = iam.list_signing_certificates(UserName="bob")["Certificates"][0]
    keys = KEY_BLOCK.findall(result.stdout)
    assert len(keys) == 1
    assert (
        result.stdout == f"{uploaded['CertificateId']}\n{uploaded['CertificateBody']}\n{keys[0]}\n"
    )
    assert key_fits(uploaded["CertificateBody"], keys[0])


def test_usercreatecert_names_the_user_and_lasts_days(
    home: Home, iam: Any, bob: str, tmp_path: Path
) -> None:
    out = tmp_path / "bob.crt"
    assert home.run("usercreatecert", "bob", "--days", "10", "--out", str(out)).returncode == 0
    cert = x509.load_pem_x509_certificate(out.read_bytes())
    assert cert.subject.rfc4514_string() == "CN=bob"
    left = cert.not_valid_after_utc - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(days=9, hours=23) < left <= datetime.timedelta(days=10)


def test_usercreatecert_refuses_to_overwrite_without_force(
    home: Home, iam: Any, bob: str, tmp_path: Path
) -> None:
    keyout = tmp_path / "bob.key"
    keyout.write_text("precious")
    result = home.run("usercreatecert", "bob", "--keyout", str(keyout))
    assert "give --force" in one_error_line(result, "usercreatecert", status=2)
    assert keyout.read_text() == "precious"
    assert cert_ids(iam) == []


def test_usercreatecert_force_overwrites(home: Home, iam: Any, bob: str, tmp_path: Path) -> None:
    keyout = tmp_path / "bob.key"
    keyout.write_text("old")
    keyout.chmod(0o644)
    result = home.run("usercreatecert", "bob", "--keyout", str(keyout), "--force")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(keyout.stat().st_mode) == 0o600
    uploaded = iam.list_signing_certificates(UserName="bob")["Certificates"][0]["CertificateBody"]
    assert key_fits(uploaded, keyout.read_text())


def test_usercreatecert_refuses_one_file_for_both(home: Home, iam: Any, bob: str) -> None:
    same = str(home.path / "both.pem")
    result = home.run("usercreatecert", "bob", "--out", same, "--keyout", same)
    assert result.returncode == 2 and "same file" in result.stderr
    assert cert_ids(iam) == []


def test_usercreatecert_failed_upload_leaves_no_files(home: Home, iam: Any, tmp_path: Path) -> None:
    where = tmp_path / "certs"
    where.mkdir()
    result = home.run(
        "usercreatecert", "nobody", "--out", str(where / "c.pem"), "--keyout", str(where / "k.pem")
    )
    assert "(NoSuchEntity)" in one_error_line(result, "usercreatecert")
    assert list(where.iterdir()) == []


def test_usercreatecert_lost_answer_still_finishes(
    proxied_home: Home, proxy: Any, iam: Any, bob: str, tmp_path: Path
) -> None:
    """The upload is sent once; its lost answer is made good by finding the certificate."""
    proxy.faults["UploadSigningCertificate"] = Fault("reset-after", count=None)
    keyout, out = tmp_path / "bob.key", tmp_path / "bob.crt"
    result = proxied_home.run("usercreatecert", "bob", "--keyout", str(keyout), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("UploadSigningCertificate") == 1
    assert result.lines == cert_ids(iam)
    assert "was lost" in result.stderr
    assert key_fits(out.read_text(), keyout.read_text())


def test_usercreatecert_lost_request_says_rerun_is_safe(
    proxied_home: Home, proxy: Any, iam: Any, bob: str, tmp_path: Path
) -> None:
    proxy.faults["UploadSigningCertificate"] = Fault("status", count=None, status=500)
    where = tmp_path / "certs"
    where.mkdir()
    result = proxied_home.run("usercreatecert", "bob", "--keyout", str(where / "bob.key"))
    assert "running the command again is safe" in one_error_line(result, "usercreatecert")
    assert list(where.iterdir()) == []
    assert cert_ids(iam) == []


def test_usercreatecert_file_made_during_upload_is_kept_and_upload_undone(
    proxied_home: Home, proxy: Any, iam: Any, bob: str, tmp_path: Path
) -> None:
    where = tmp_path / "certs"
    where.mkdir()
    keyout = where / "bob.key"

    def someone_writes_keyout(form: Any, status: int, body: bytes) -> tuple[int, bytes]:
        keyout.write_text("theirs")
        return status, body

    proxy.rewrites["UploadSigningCertificate"] = someone_writes_keyout
    result = proxied_home.run("usercreatecert", "bob", "--keyout", str(keyout))
    line = one_error_line(result, "usercreatecert")
    assert "it exists now" in line and "deleted again" in line
    assert keyout.read_text() == "theirs"
    assert cert_ids(iam) == []
    assert [p.name for p in where.iterdir()] == ["bob.key"]


def test_usercreatecert_without_user_names_the_caller(home: Home, iam: Any, bob: str) -> None:
    """The certificate is made out to the caller GetUser names, and uploaded for the caller."""
    as_bob(home, iam)
    result = home.run("usercreatecert")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n", 1)
    assert [lines[0]] == cert_ids(iam)
    cert = x509.load_pem_x509_certificate(lines[1].encode())
    assert cert.subject.rfc4514_string() == "CN=bob"


# --- MFA -----------------------------------------------------------------------------------------


@pytest.fixture
def virtual_mfa(iam: Any, bob: str) -> str:
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]
    return str(device["SerialNumber"])


@pytest.fixture
def enabled_mfa(iam: Any, virtual_mfa: str) -> str:
    iam.enable_mfa_device(
        UserName="bob",
        SerialNumber=virtual_mfa,
        AuthenticationCode1="123456",
        AuthenticationCode2="234567",
    )
    return virtual_mfa


def test_userenablemfadevice_enables_the_device(home: Home, iam: Any, virtual_mfa: str) -> None:
    result = home.run(
        "userenablemfadevice", "bob", "-s", virtual_mfa, "-c1", "123456", "-c2", "234567"
    )
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    devices = iam.list_mfa_devices(UserName="bob")["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [virtual_mfa]


def test_userenablemfadevice_lost_answer_is_settled_not_resent(
    proxied_home: Home, proxy: Any, iam: Any, virtual_mfa: str
) -> None:
    """A resent EnableMFADevice would fail (EntityAlreadyExists) although the first took
    effect: it is sent once, and the lost answer settled by listing the user's devices."""
    proxy.faults["EnableMFADevice"] = Fault("reset-after", count=None)
    result = proxied_home.run(
        "userenablemfadevice", "bob", "-s", virtual_mfa, "-c1", "123456", "-c2", "234567"
    )
    assert result.returncode == 0, result.stderr
    assert proxy.actions.count("EnableMFADevice") == 1
    assert "exists now" in result.stderr
    devices = iam.list_mfa_devices(UserName="bob")["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [virtual_mfa]


@pytest.mark.parametrize(
    "codes",
    [
        ["-c1", "918273", "-c2", "827364"],
        ["-c2", "827364", "-c1", "918273"],
        ["-c1=918273", "-c2=827364"],
    ],
)
def test_c1_and_c2_are_sent_as_the_first_and_second_code(
    proxied_home: Home, proxy: Any, virtual_mfa: str, codes: list[str]
) -> None:
    result = proxied_home.run(
        "userenablemfadevice", "-u", "bob", "--serial-number", virtual_mfa, *codes
    )
    assert result.returncode == 0, result.stderr
    form = proxy.forms[proxy.actions.index("EnableMFADevice")]
    assert (form["AuthenticationCode1"], form["AuthenticationCode2"]) == ("918273", "827364")


def test_mfa_codes_stay_out_of_the_debug_log(home: Home, virtual_mfa: str) -> None:
    result = home.run(
        "userenablemfadevice", "bob", "-s", virtual_mfa, "-c1", "918273", "-c2", "827364", "--debug"
    )
    assert result.returncode == 0, result.stderr
    assert "EnableMFADevice" in result.stderr
    assert "918273" not in result.stderr and "827364" not in result.stderr


def test_userenablemfadevice_needs_both_codes(home: Home) -> None:
    serial = "arn:aws:iam::123456789012:mfa/bob"
    result = home.run("userenablemfadevice", "bob", "-s", serial, "-c1", "123456")
    assert result.returncode == 2 and "-c2" in result.stderr


def test_userlistmfadevices_prints_one_serial_a_line(
    home: Home, iam: Any, enabled_mfa: str
) -> None:
    assert home.run("userlistmfadevices", "-u", "bob").lines == [enabled_mfa]


def test_userlistmfadevices_reads_every_page(
    proxied_home: Home, proxy: Any, iam: Any, enabled_mfa: str
) -> None:
    second = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob2")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName="bob",
        SerialNumber=second["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="234567",
    )
    proxy.rewrites["ListMFADevices"] = paginate("MFADevices", page_size=1)
    result = proxied_home.run("userlistmfadevices", "bob")
    assert sorted(result.lines) == sorted([enabled_mfa, second["SerialNumber"]])
    assert proxy.actions.count("ListMFADevices") == 2


def test_userdeactivatemfadevice_deactivates(home: Home, iam: Any, enabled_mfa: str) -> None:
    result = home.run("userdeactivatemfadevice", "bob", "-s", enabled_mfa)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert iam.list_mfa_devices(UserName="bob")["MFADevices"] == []


def test_userresyncmfadevice_resyncs_the_users_device(
    home: Home, iam: Any, enabled_mfa: str
) -> None:
    """ResyncMFADevice is the sandbox's model's (moto has none): the device must be the
    user's."""
    codes = ("-c1", "111111", "-c2", "222222")
    result = home.run("userresyncmfadevice", "-u", "bob", "-s", enabled_mfa, *codes)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    iam.create_user(UserName="eve")
    other = home.run("userresyncmfadevice", "-u", "eve", "-s", enabled_mfa, *codes)
    assert "(NoSuchEntity)" in one_error_line(other, "userresyncmfadevice")
