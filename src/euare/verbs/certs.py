"""Signing certificates: upload, create (locally), activate or deactivate, delete, list.

AWS cannot make a signing certificate for you, so ``usercreatecert`` makes the key pair and a
self-signed X.509 certificate here, with the ``cryptography`` package, and uploads the
certificate. The private key never leaves this machine except through ``--keyout`` or stdout.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from euare.call.context import Call
from euare.call.once import Interrupted, Lookup
from euare.cli import params as o
from euare.cli.outputs import OutputFile
from euare.cli.params import Decorator, option, positional
from euare.cli.verb import api_verb, list_verb, verb
from euare.core import interrupts
from euare.core.errors import EuareError, UsageError, describe
from euare.core.render import Record, Result

if TYPE_CHECKING:
    from euare.core.files import Output, Staged


def cert_id() -> Decorator:
    return positional(
        "CERT", "CertificateId", "ID of the signing certificate", "-c", "--certificate-id"
    )


def _same_body(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def uploaded(call: Call, params: dict[str, Any]) -> Lookup:
    """UploadSigningCertificate is sent once (a resend would be a duplicate): after a lost
    answer the user's certificates are listed, and ours is known by its body."""
    user, body = params.get("UserName"), str(params["CertificateBody"])

    def look() -> dict[str, Any] | None:
        for cert in call.pages("ListSigningCertificates", "Certificates", UserName=user):
            if _same_body(str(cert.get("CertificateBody") or ""), body):
                return {"Certificate": cert}
        return None

    return Lookup("the certificate", look)


def _ids(records: list[Record]) -> list[str]:
    return [str(r["CertificateId"]) for r in records]


api_verb(
    "useraddcert",
    "UploadSigningCertificate",
    "Upload a signing certificate for a user and print its ID.",
    o.user(required=False),
    option(
        "-c",
        "--certificate-body",
        api="CertificateBody",
        type=o.Certificate(o.TEXT),
        metavar="PEM",
        help="the certificate itself",
    ),
    option(
        "-f",
        "--certificate-file",
        api="CertificateBody",
        type=o.Certificate(o.FILE),
        metavar="FILE",
        help="file holding the certificate (- reads standard input)",
    ),
    result="Certificate",
    text=_ids,
    exclusive=[(("certificate_body", "certificate_file"), True)],
    find=uploaded,
    examples=("alice -f alice-cert.pem",),
)


# --- usercreatecert ------------------------------------------------------------------------------


def make_certificate(common_name: str, days: int) -> tuple[str, str]:
    """A new 2048-bit RSA key and a self-signed certificate for it: (certificate PEM, key PEM).
    The key is registered as a secret as it is made (euare.core.sensitive: "made key")."""
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
    from euare.core.redact import register_secret

    register_secret("made key", key_pem)
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem


def _caller_name(call: Call) -> str:
    """The caller's user name, for the certificate's subject (``euare`` if it cannot be told)."""
    try:
        return str(call.request("GetUser")["User"].get("UserName") or "euare")
    except Exception:
        return "euare"


def _upload(call: Call, user: str | None, cert_pem: str) -> dict[str, Any]:
    params = {"UserName": user, "CertificateBody": cert_pem}
    answer = call.send_once("UploadSigningCertificate", params, uploaded(call, params))
    found: dict[str, Any] = answer["Certificate"]
    return found


def _place_all(call: Call, staged: list[tuple[Output, Staged]], user: str | None, cid: str) -> None:
    """Put the files in place; if one cannot be, undo them all and delete the certificate
    again, so that no key file is left for a certificate that is not there (or the reverse)."""
    for out, one in staged:
        try:
            one.place(out.replace)
        except OSError as exc:
            reason = "it exists now" if isinstance(exc, FileExistsError) else exc.strerror
            for _, done in staged:
                done.undo()
            try:
                call.request("DeleteSigningCertificate", UserName=user, CertificateId=cid)
            except Exception as failed:
                who = f"-u {user} " if user else ""
                raise EuareError(
                    f"cannot write {out} ({reason}); certificate {cid} was uploaded but "
                    f"could not be deleted again ({describe(failed).message}): delete it with: "
                    f"euare-userdelcert {who}{cid}"
                ) from exc
            raise EuareError(
                f"cannot write {out} ({reason}); the certificate was deleted again, so "
                "nothing changed"
            ) from exc


def _interrupted(user: str | None, cid: str | None) -> Interrupted:
    """Ctrl-C (SIGTERM, SIGHUP) in usercreatecert: its files are gone, so an uploaded
    certificate is of no use."""
    stopped = interrupts.word()
    if cid is None:
        return Interrupted(f"{stopped}; nothing was uploaded and no file was written")
    who = f"-u {user} " if user else ""
    return Interrupted(
        f"{stopped}; certificate {cid} was uploaded, but its key was not kept: delete it "
        f"with: euare-userdelcert {who}{cid}"
    )


def _created_lines(records: list[Record]) -> Iterable[str]:
    for record in records:
        yield record["Certificate"]["CertificateId"]
        for key in ("CertificateBody", "PrivateKey"):
            if key in record:
                yield record[key]


@verb(
    "usercreatecert",
    "Make a 2048-bit RSA key and a self-signed signing certificate, upload the certificate "
    "for a user, and print its ID, then the certificate and the private key unless --out and "
    "--keyout name files for them. Files are written only once the upload has succeeded.",
    text=_created_lines,
    examples=("alice --out alice-cert.pem --keyout alice-key.pem",),
    sends="UploadSigningCertificate",
)
@o.user(required=False)
@option(
    "--out",
    type=OutputFile(secret=False, mode=0o644, instead="leave --out out to print the certificate"),
    metavar="FILE",
    help="write the certificate to FILE (0644) instead of printing it",
)
@option(
    "--keyout",
    type=OutputFile(secret=True, instead="leave --keyout out to print the key"),
    metavar="FILE",
    help="write the private key to FILE (0600) instead of printing it (see docs/output.md, "
    "Files euare writes)",
)
@option(
    "--days",
    type=click.IntRange(1, 36500),
    default=365,
    show_default=True,
    help="how many days the certificate is valid",
)
@option("--force", is_flag=True, help="overwrite --out and --keyout files that exist")
def usercreatecert(
    call: Call,
    *,
    user: str | None,
    out: Output | None,
    keyout: Output | None,
    days: int,
    force: bool,
) -> Result:
    if out is not None and keyout is not None and out.same_file(keyout):
        raise UsageError("--out and --keyout name the same file")
    cert_pem, key_pem = make_certificate(user or _caller_name(call), days)
    files = ((keyout, key_pem), (out, cert_pem))
    cert = CertificateUpload(call=call, user=user, body=cert_pem, files=files).run()
    # IAM's item whole; beside it, what was not written to a file, as made here.
    record: Record = {"Certificate": cert}
    if out is None:
        record["CertificateBody"] = cert_pem
    if keyout is None:
        record["PrivateKey"] = key_pem
    return Result([record], one=True)


@dataclass(kw_only=True)
class CertificateUpload:
    """usercreatecert's steps: stage the files given (``files``: --keyout's, then --out's),
    upload the certificate ``body`` (sent once), then put the files in place. Interrupted (Ctrl-C,
    SIGTERM, SIGHUP), no key file is left behind, staged or placed, and the error names the
    certificate uploaded, if one was."""

    call: Call
    user: str | None
    body: str
    files: tuple[tuple[Output | None, str], ...]
    staged: list[tuple[Output, Staged]] = field(default_factory=list)
    cid: str | None = None

    def run(self) -> dict[str, Any]:
        """The certificate, as IAM answered."""
        try:
            self.stage()
            cert = _upload(self.call, self.user, self.body)
            self.cid = str(cert["CertificateId"])
            _place_all(self.call, self.staged, self.user, self.cid)
        except (Interrupted, KeyboardInterrupt) as exc:
            for _, one in self.staged:  # no key file is left behind, staged or placed
                one.undo()
            cid = self.cid
            if cid is None and isinstance(exc, Interrupted):
                cid = ((exc.found or {}).get("Certificate") or {}).get("CertificateId")
                if cid is None:
                    raise
            raise _interrupted(self.user, cid) from None
        finally:
            for _, one in self.staged:
                one.discard()
        return cert

    def stage(self) -> None:
        """Each file written beside its place, not yet in it."""
        for given, text in self.files:
            if given is not None:
                try:
                    self.staged.append((given, given.stage(text)))
                except OSError as exc:
                    raise EuareError(f"cannot write {given}: {exc.strerror or exc}") from None


# --- delete, modify, list ------------------------------------------------------------------------

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
    o.status("certificate"),
)


def listed_lines(records: Iterable[Record], *, verbose: bool = False) -> Iterator[str]:
    """userlistcerts' text: each certificate's ID, its body with ``verbose`` (-v), its status
    and its owner."""
    for record in records:
        yield record["CertificateId"]
        if verbose:
            yield record["CertificateBody"]
        yield record["Status"]
        yield record.get("UserName") or ""


list_verb(
    "userlistcerts",
    "ListSigningCertificates",
    "List a user's signing certificates: ID, status and owner of each (every page).",
    o.user(required=False),
    o.verbose("also print each certificate's body"),
    text=listed_lines,
    text_options=("verbose",),
)
