"""Signing certificates: upload, create (locally), activate or deactivate, delete, list.

AWS cannot make a signing certificate for you, so ``usercreatecert`` makes the key pair and a
self-signed X.509 certificate here, with the ``cryptography`` package, and uploads the
certificate. The private key never leaves this machine except through ``--keyout`` or stdout.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import click

from euare import options as o
from euare.cli import Call, Decorator, api_verb, option, positional, verb
from euare.errors import EuareError
from euare.files import write_private
from euare.redact import remember
from euare.render import Record
from euare.settings import read_text


def cert_id() -> Decorator:
    return positional(
        "CERT", "CertificateId", "ID of the signing certificate", "-c", "--certificate-id"
    )


@verb(
    "useraddcert",
    "Upload a signing certificate for a user and print its ID.",
    exclusive=[(("certificate_body", "certificate_file"), True)],
)
@o.user(required=False)
@option("-c", "--certificate-body", metavar="PEM", help="the certificate itself")
@option("-f", "--certificate-file", metavar="FILE", help="file holding the certificate")
def useraddcert(
    call: Call, user: str | None, certificate_body: str | None, certificate_file: str | None
) -> list[Record]:
    body = certificate_body or read_text(Path(str(certificate_file)), "certificate file")
    found = call.call("UploadSigningCertificate", UserName=user, CertificateBody=body)
    return [{"CertificateId": found["Certificate"]["CertificateId"]}]


def make_certificate(common_name: str, days: int) -> tuple[str, str]:
    """A new RSA key and a self-signed certificate for it: (certificate PEM, key PEM)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "euare")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem


def _writable(path: Path | None, force: bool) -> None:
    if path is not None and (path.exists() or path.is_symlink()) and not force:
        raise EuareError(f"{path} exists; use --force to overwrite it")


def _cert_lines(records: list[Record]) -> Iterable[str]:
    for record in records:
        yield record["CertificateId"]
        for key in ("CertificateBody", "PrivateKey"):
            if key in record:
                yield record[key]


@verb(
    "usercreatecert",
    "Make a key pair and a self-signed signing certificate, upload the "
    "certificate for a user, and print its ID (then the certificate and the private key, "
    "unless --out and --keyout name files for them).",
    text=_cert_lines,
)
@o.user(required=False)
@option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="write the certificate to FILE instead of printing it",
)
@option(
    "--keyout",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="write the private key to FILE (created 0600) instead of printing it",
)
@option(
    "--days",
    type=click.IntRange(1, 36500),
    default=365,
    show_default=True,
    help="how long the certificate is valid",
)
@option("--force", is_flag=True, help="overwrite --out and --keyout files that exist")
def usercreatecert(
    call: Call, user: str | None, out: Path | None, keyout: Path | None, days: int, force: bool
) -> list[Record]:
    _writable(out, force)
    _writable(keyout, force)
    cert_pem, key_pem = make_certificate(user or "euare", days)
    remember(key_pem)
    found = call.call("UploadSigningCertificate", UserName=user, CertificateBody=cert_pem)
    cert_id_ = found["Certificate"]["CertificateId"]
    record: Record = {"CertificateId": cert_id_}
    try:
        if keyout is not None:
            write_private(keyout, key_pem)
        else:
            record["PrivateKey"] = key_pem
        if out is not None:
            write_private(out, cert_pem)
            os.chmod(out, 0o644)
        else:
            record["CertificateBody"] = cert_pem
    except OSError as exc:
        raise EuareError(
            f"certificate {cert_id_} was uploaded, but writing its files failed: "
            f"{exc.strerror}: {exc.filename}; delete it with: euare-userdelcert "
            f"{'-u ' + user + ' ' if user else ''}{cert_id_}"
        ) from exc
    return [record]


api_verb(
    "userdelcert",
    "DeleteSigningCertificate",
    "Delete a signing certificate.",
    cert_id(),
    o.owner("certificate"),
)

api_verb(
    "usermodcert",
    "UpdateSigningCertificate",
    "Make a signing certificate active or inactive.",
    cert_id(),
    o.owner("certificate"),
    option(
        "-s",
        "--status",
        api="Status",
        required=True,
        type=o.STATUS,
        help="the certificate's new status",
    ),
)


def _listed(records: list[Record]) -> Iterable[str]:
    for record in records:
        yield record["CertificateId"]
        if "CertificateBody" in record:
            yield record["CertificateBody"]
        yield record["Status"]
        yield record.get("UserName") or ""


@verb(
    "userlistcerts",
    "List a user's signing certificates: ID, status and owner of each.",
    text=_listed,
)
@o.user(required=False)
@o.verbose("also print each certificate's body")
def userlistcerts(call: Call, user: str | None, verbose: bool) -> list[Record]:
    records: list[Record] = []
    for cert in call.pages("ListSigningCertificates", "Certificates", UserName=user):
        record: Record = {"CertificateId": cert["CertificateId"]}
        if verbose:
            record["CertificateBody"] = cert["CertificateBody"]
        record.update(Status=cert["Status"], UserName=cert.get("UserName"))
        records.append(record)
    return records
