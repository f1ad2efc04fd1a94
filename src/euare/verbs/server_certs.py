"""Server certificates: upload, describe, list, rename or move, delete."""

from __future__ import annotations

from typing import Any

from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli import params as o
from euare.cli.params import option
from euare.cli.verb import api_verb, list_verb, nothing
from euare.core.errors import EuareError
from euare.core.inputs import MAX_LARGE_BYTES
from euare.core.outcome import or_none


def _pem(what: str, limit: int | None = None) -> o.Given:
    """A PEM in a file (``-`` is a file of that name here), read with the loader's checks."""
    return o.Given(what, o.FILE, stdin=False, limit=limit)


api_verb(
    "servercertupload",
    "UploadServerCertificate",
    "Upload a server certificate with its private key (and chain).",
    o.server_cert(),
    option(
        "-c",
        "--certificate-body",
        api="CertificateBody",
        metavar="PEM",
        help="the certificate itself",
    ),
    option(
        "--certificate-file",
        api="CertificateBody",
        metavar="FILE",
        type=_pem("certificate file"),
        help="file holding the certificate",
    ),
    option("--private-key", api="PrivateKey", metavar="PEM", help="the private key itself"),
    option(
        "--private-key-file",
        api="PrivateKey",
        metavar="FILE",
        type=_pem("private key file"),
        help="file holding the private key",
    ),
    option(
        "--certificate-chain",
        api="CertificateChain",
        metavar="PEM",
        help="the chain of intermediate certificates",
    ),
    option(
        "--certificate-chain-file",
        api="CertificateChain",
        metavar="FILE",
        type=_pem("chain file", MAX_LARGE_BYTES),  # IAM takes up to 2,097,152 characters
        help="file holding the chain",
    ),
    o.path(),
    o.tags(),
    result="ServerCertificateMetadata",
    text=nothing,
    exclusive=[
        (("certificate_body", "certificate_file"), True),
        (("private_key", "private_key_file"), True),
        (("certificate_chain", "certificate_chain_file"), False),
    ],
    find=lambda call, params: _uploaded(
        call, params["ServerCertificateName"], str(params["CertificateBody"])
    ),
    examples=(
        "www-example-com --certificate-file cert.pem --private-key-file key.pem",
        "www --certificate-file www.crt --private-key-file www.key --certificate-chain-file ca.crt",
    ),
)


def _uploaded(call: Call, name: str, body: str) -> Lookup:
    """The server certificate ``name``, if it holds ``body``: ours (another body is not)."""

    def look() -> dict[str, Any] | None:
        found = or_none(lambda: call.request("GetServerCertificate", ServerCertificateName=name))
        if found is None:
            return None
        held = found["ServerCertificate"]
        if "".join(str(held.get("CertificateBody")).split()) != "".join(body.split()):
            raise EuareError(f"a server certificate named {name} holds another certificate")
        return {"ServerCertificateMetadata": held["ServerCertificateMetadata"]}

    return Lookup(f"server certificate {name}", look)


api_verb(
    "servercertdel", "DeleteServerCertificate", "Delete a server certificate.", o.server_cert()
)

api_verb(
    "servercertgetattributes",
    "GetServerCertificate",
    "Show a server certificate's ARN and ID.",
    o.server_cert(),
    result="ServerCertificate",
    text=lambda rs: [
        line
        for r in rs
        for line in (
            r["ServerCertificateMetadata"]["Arn"],
            r["ServerCertificateMetadata"]["ServerCertificateId"],
        )
    ],
)

list_verb(
    "servercertlistbypath",
    "ListServerCertificates",
    "List the ARNs of server certificates.",
    o.path_prefix("server certificates"),
)

api_verb(
    "servercertmod",
    "UpdateServerCertificate",
    "Rename a server certificate or change its path.",
    o.server_cert(),
    option(
        "-n",
        "--new-server-certificate-name",
        api="NewServerCertificateName",
        metavar="CERT",
        help="the certificate's new name",
    ),
    option("-p", "--new-path", api="NewPath", metavar="PATH", help="its new path"),
)
