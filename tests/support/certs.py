"""Self-signed certificates for tests (the cryptography package comes with moto).

A 2048-bit RSA key takes some 50-100 ms of CPU to make, and the suite asked for hundreds: each
test process makes KEYS of them, the first time they are asked for, and hands them out in turn.
Consecutive certificates and SSH keys still differ (each certificate has its own serial number
and dates too), and IAM's limits (five SSH keys a user, two signing certificates) stay well
below KEYS, so no test meets a key twice where IAM would call it a duplicate."""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

KEYS = 8
_made: list[rsa.RSAPrivateKey] = []
_turn = [0]


def _key() -> rsa.RSAPrivateKey:
    """The next of this process's KEYS keys (made on first use)."""
    turn = _turn[0] % KEYS
    _turn[0] += 1
    if turn == len(_made):
        _made.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _made[turn]


def self_signed(common_name: str = "euare-test", ip: str | None = None) -> tuple[str, str]:
    """Return (certificate PEM, private key PEM); ``ip`` also names that address (for TLS)."""
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
    )
    if ip is not None:
        import ipaddress

        san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))])
        builder = builder.add_extension(san, critical=False)
    cert = builder.sign(key, hashes.SHA256())
    return (
        cert.public_bytes(serialization.Encoding.PEM).decode(),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    )


def ssh_public_key() -> str:
    key = _key()
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )


def saml_metadata() -> str:
    """A small valid SAML 2.0 IdP metadata document (over the 1000 characters IAM requires)."""
    from pathlib import Path

    return (Path(__file__).parent / "saml-metadata.xml").read_text(encoding="utf-8")
