"""Server certificates (§6.9) and OpenID Connect providers (§6.10).

Neither moto 5.2 nor the sandbox's model of IAM has UpdateServerCertificate: servercertmod runs
in-process against botocore's Stubber (tests/support/stub.py). The OIDC client-ID calls are the
model's (moto has neither), and so are the pages and PathPrefix of ListServerCertificates (moto
answers in one page): a proxy asks for small pages and checks that the prefix is sent. The
thumbprint probe is tested against a TLS server on 127.0.0.1 with a self-signed certificate
(tests/support/tls.py): no internet needed.
"""

from __future__ import annotations

import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from euare.core.errors import EuareError
from euare.verbs.oidc import thumbprint
from tests.conftest import Home, free_port, one_error_line
from tests.support.certs import self_signed
from tests.support.proxy import IAM_NS, paginate
from tests.support.stub import run_stubbed
from tests.support.tls import TlsServer

PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com"


@pytest.fixture
def tls() -> Iterator[TlsServer]:
    """A TLS server on 127.0.0.1 presenting a fresh self-signed certificate."""
    server = TlsServer()
    yield server
    server.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections but never answers the TLS handshake."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener.getsockname()[1]
    listener.close()


# --- the thumbprint probe ------------------------------------------------------------------------


def test_thumbprint_probe_gives_the_sha1_of_the_served_certificate(tls: TlsServer) -> None:
    assert thumbprint("127.0.0.1", tls.port) == tls.sha1


def test_thumbprint_probe_that_cannot_connect_is_one_clear_error() -> None:
    port = free_port()
    with pytest.raises(EuareError) as failed:
        thumbprint("127.0.0.1", port, timeout=5)
    message = failed.value.message
    assert f"127.0.0.1:{port}" in message and "-t/--thumbprint" in message
    assert "\n" not in message


def test_thumbprint_probe_gives_up_after_its_timeout(silent_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(EuareError, match="timed out"):
        thumbprint("127.0.0.1", silent_port, timeout=0.5)
    assert time.monotonic() - started < 5


# --- server certificates -------------------------------------------------------------------------


@pytest.fixture
def pem(tmp_path: Path) -> dict[str, Path]:
    """A certificate, its key and a (second, self-signed) chain certificate, in files."""
    cert, key = self_signed("www.example.com")
    chain, _ = self_signed("Example CA")
    paths = {}
    for name, text in {"cert": cert, "key": key, "chain": chain}.items():
        paths[name] = tmp_path / f"{name}.pem"
        paths[name].write_text(text)
    return paths


def upload(iam: Any, name: str, pem: dict[str, Path], path: str = "/") -> dict[str, Any]:
    meta: dict[str, Any] = iam.upload_server_certificate(
        ServerCertificateName=name,
        CertificateBody=pem["cert"].read_text(),
        PrivateKey=pem["key"].read_text(),
        Path=path,
    )["ServerCertificateMetadata"]
    return meta


def test_servercertupload_from_files_stores_body_chain_and_path(
    home: Home, iam: Any, pem: dict[str, Path]
) -> None:
    result = home.run(
        "servercertupload",
        "web",
        "--certificate-file",
        str(pem["cert"]),
        "--private-key-file",
        str(pem["key"]),
        "--certificate-chain-file",
        str(pem["chain"]),
        "-p",
        "/web/",
    )
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    stored = iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]
    assert stored["CertificateBody"].strip() == pem["cert"].read_text().strip()
    assert stored["CertificateChain"].strip() == pem["chain"].read_text().strip()
    assert stored["ServerCertificateMetadata"]["Path"] == "/web/"


def test_servercertupload_takes_inline_pem_after_the_dummy_flag(
    home: Home, iam: Any, pem: dict[str, Path]
) -> None:
    result = home.run(
        "servercertupload",
        "-s",
        "inline",
        "-c",
        pem["cert"].read_text(),
        "--private-key",
        pem["key"].read_text(),
    )
    assert result.returncode == 0, result.stderr
    stored = iam.get_server_certificate(ServerCertificateName="inline")["ServerCertificate"]
    assert stored["CertificateBody"].strip() == pem["cert"].read_text().strip()
    assert "CertificateChain" not in stored


def test_servercertupload_never_prints_the_private_key(
    home: Home, iam: Any, pem: dict[str, Path]
) -> None:
    result = home.run(
        "servercertupload",
        "web",
        "--certificate-file",
        str(pem["cert"]),
        "--private-key-file",
        str(pem["key"]),
        "--debug",
    )
    assert result.returncode == 0, result.stderr
    assert "PrivateKey" in result.stderr  # the debug log did show the request
    shown = "".join((result.stdout + result.stderr).split())
    chunks = private_chunks(pem["key"].read_text())
    assert len(chunks) > 20
    for chunk in chunks:
        assert chunk not in shown


def private_chunks(key_pem: str, size: int = 40) -> list[str]:
    """Pieces of a PEM private key's text that spell its private parts only: the private
    exponent, the primes and the CRT values, which follow the public modulus and exponent in
    the key. The certificate, which the debug log shows, holds the modulus too, so a piece of
    that would be found there by chance (about once in 400 keys); a piece of these, never."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(key_pem.encode(), None)
    assert isinstance(key, RSAPrivateKey)
    d = key.private_numbers().d
    body = "".join(key_pem.strip().splitlines()[1:-1])
    der = base64.b64decode(body)
    start = der.index(d.to_bytes((d.bit_length() + 7) // 8, "big"))
    private = body[-(-start // 3) * 4 :]  # from the first 4 characters that spell only d on
    return [private[i : i + size] for i in range(0, len(private) - size + 1, size)]


@pytest.mark.parametrize(
    "args",
    [
        ["-c", "CERT", "--certificate-file", "cert.pem", "--private-key", "KEY"],
        ["--private-key", "KEY"],
        ["-c", "CERT"],
        ["-c", "CERT", "--private-key", "KEY", "--private-key-file", "key.pem"],
        [
            "-c",
            "CERT",
            "--private-key",
            "KEY",
            "--certificate-chain",
            "CHAIN",
            "--certificate-chain-file",
            "chain.pem",
        ],
    ],
    ids=["two-bodies", "no-body", "no-key", "two-keys", "two-chains"],
)
def test_servercertupload_needs_one_body_one_key_at_most_one_chain(
    home: Home, iam: Any, args: list[str]
) -> None:
    result = home.run("servercertupload", "web", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == []


@pytest.mark.parametrize("problem", ["missing", "directory"])
def test_servercertupload_with_a_bad_key_file_fails_in_one_line(
    home: Home, iam: Any, pem: dict[str, Path], tmp_path: Path, problem: str
) -> None:
    bad = tmp_path / "no-such-key.pem" if problem == "missing" else tmp_path
    result = home.run(
        "servercertupload",
        "web",
        "--certificate-file",
        str(pem["cert"]),
        "--private-key-file",
        str(bad),
    )
    assert str(bad) in one_error_line(result, "servercertupload")
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == []


def test_servercertgetattributes_prints_arn_then_id(
    home: Home, iam: Any, pem: dict[str, Path]
) -> None:
    upload(iam, "web", pem, path="/web/")
    meta = iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"][
        "ServerCertificateMetadata"
    ]
    for form in (["web"], ["-s", "web"], ["--server-certificate-name", "web"]):
        result = home.run("servercertgetattributes", *form)
        assert result.lines == [meta["Arn"], meta["ServerCertificateId"]]


def test_servercertlistbypath_prints_every_arn(home: Home, iam: Any, pem: dict[str, Path]) -> None:
    arns = {upload(iam, name, pem, path=f"/{name}/")["Arn"] for name in ("a", "b", "c")}
    result = home.run("servercertlistbypath")
    assert result.returncode == 0, result.stderr
    assert sorted(result.lines) == sorted(arns)


def test_servercertlistbypath_sends_the_path_prefix(
    proxied_home: Home, proxy: Any, iam: Any, pem: dict[str, Path]
) -> None:
    """moto ignores PathPrefix (AWS filters on it), so check that it is sent."""
    upload(iam, "a", pem, path="/web/")
    sent: list[str | None] = []

    def record(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        sent.append(form.get("PathPrefix"))
        return status, body

    proxy.rewrites["ListServerCertificates"] = record
    result = proxied_home.run("servercertlistbypath", "-p", "/web/")
    assert result.returncode == 0, result.stderr
    assert sent == ["/web/"]


def test_servercertlistbypath_reads_every_page(
    proxied_home: Home, proxy: Any, iam: Any, pem: dict[str, Path]
) -> None:
    arns = {upload(iam, f"cert{i}", pem)["Arn"] for i in range(5)}
    proxy.rewrites["ListServerCertificates"] = paginate("ServerCertificateMetadataList", 2)
    result = proxied_home.run("servercertlistbypath")
    assert sorted(result.lines) == sorted(arns)
    assert proxy.actions.count("ListServerCertificates") == 3


def test_servercertdel_deletes_it(home: Home, iam: Any, pem: dict[str, Path]) -> None:
    upload(iam, "gone", pem)
    upload(iam, "kept", pem)
    result = home.run("servercertdel", "-s", "gone")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    names = [
        m["ServerCertificateName"]
        for m in iam.list_server_certificates()["ServerCertificateMetadataList"]
    ]
    assert names == ["kept"]


def test_servercertdel_of_a_missing_certificate_is_one_line(home: Home) -> None:
    assert "(NoSuchEntity)" in one_error_line(home.run("servercertdel", "nope"), "servercertdel")


def test_servercertmod_sends_new_name_and_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stubbed: moto's server has no UpdateServerCertificate."""
    done = run_stubbed(
        "servercertmod",
        ["-s", "old", "-n", "new", "-p", "/moved/"],
        [
            (
                "UpdateServerCertificate",
                {},
                {
                    "ServerCertificateName": "old",
                    "NewServerCertificateName": "new",
                    "NewPath": "/moved/",
                },
            )
        ],
    )
    assert (done.code, done.stdout, done.stderr) == (0, "", "")


def test_servercertmod_sends_only_what_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stubbed: moto's server has no UpdateServerCertificate."""
    done = run_stubbed(
        "servercertmod",
        ["old", "--new-path", "/moved/"],
        [("UpdateServerCertificate", {}, {"ServerCertificateName": "old", "NewPath": "/moved/"})],
    )
    assert (done.code, done.stdout, done.stderr) == (0, "", "")


def test_servercertmod_against_the_sandbox_is_invalid_action_as_from_iam(
    home: Home, iam: Any, pem: dict[str, Path]
) -> None:
    """UpdateServerCertificate is not modelled: the sandbox answers as IAM answers an action it
    does not have, the same to euare and to boto3, and changes nothing."""
    from botocore.exceptions import ClientError

    upload(iam, "old", pem)
    line = one_error_line(home.run("servercertmod", "old", "-n", "new"), "servercertmod")
    with pytest.raises(ClientError) as caught:
        iam.update_server_certificate(ServerCertificateName="old", NewServerCertificateName="new")
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidAction",
        "Could not find operation UpdateServerCertificate for version 2010-05-08",
    )
    assert line.startswith(f"euare-servercertmod: error (InvalidAction): {error['Message']}")
    listed = iam.list_server_certificates()["ServerCertificateMetadataList"]
    assert [c["ServerCertificateName"] for c in listed] == ["old"]


# --- OpenID Connect providers --------------------------------------------------------------------


def provider(iam: Any, url: str, prints: list[str], clients: list[str] | None = None) -> str:
    arn: str = iam.create_open_id_connect_provider(
        Url=url, ThumbprintList=prints, ClientIDList=clients or []
    )["OpenIDConnectProviderArn"]
    return arn


def test_oidcprovidercreate_without_t_sends_the_servers_thumbprint(
    home: Home, iam: Any, tls: TlsServer
) -> None:
    result = home.run(
        "oidcprovidercreate", f"https://127.0.0.1:{tls.port}/auth", "-c", "app1", "-c", "app2"
    )
    assert result.returncode == 0, result.stderr
    arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert result.lines == arns
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arns[0])
    assert stored["ThumbprintList"] == [tls.sha1]
    assert sorted(stored["ClientIDList"]) == ["app1", "app2"]


def test_oidcprovidercreate_with_t_sends_them_without_connecting(home: Home, iam: Any) -> None:
    prints = ["a" * 40, "b" * 40]
    result = home.run(
        "oidcprovidercreate",
        "https://oidc.invalid/auth",
        "--thumbprint",
        prints[0],
        "-t",
        prints[1],
        "--client-id",
        "app",
    )
    assert result.returncode == 0, result.stderr
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=result.stdout.strip())
    assert stored["ThumbprintList"] == prints
    assert stored["ClientIDList"] == ["app"]
    assert stored["Url"] == "oidc.invalid/auth"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://oidc.example.com", 'URL must begin with "https://"'),
        ("oidc.example.com", 'URL must begin with "https://"'),
        ("https://", "URL must name a host to connect to"),
        ("https:///path", "URL must name a host to connect to"),
    ],
)
def test_oidcprovidercreate_refuses_a_bad_url_before_any_request(
    proxied_home: Home, proxy: Any, url: str, message: str
) -> None:
    result = proxied_home.run("oidcprovidercreate", url, "-t", "a" * 40)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"euare-oidcprovidercreate: error: {message}"
    assert proxy.actions == []


def test_oidcprovidercreate_whose_host_cannot_be_reached_fails_in_one_line(
    proxied_home: Home, proxy: Any
) -> None:
    port = free_port()
    line = one_error_line(
        proxied_home.run("oidcprovidercreate", f"https://127.0.0.1:{port}/"), "oidcprovidercreate"
    )
    assert f"127.0.0.1:{port}" in line and "-t/--thumbprint" in line
    assert proxy.actions == []


def test_oidcprovidercreate_keeps_the_endpoint_option_apart_from_the_url(
    home: Home, iam: Any
) -> None:
    """The URL positional and the global -U/--url are different values, in either order."""
    first = home.run("oidcprovidercreate", "-U", home.url, "https://one.invalid/", "-t", "c" * 40)
    assert first.returncode == 0, first.stderr
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=first.stdout.strip())
    assert stored["Url"] == "one.invalid/"
    second = home.run(
        "oidcprovidercreate", "https://two.invalid/", "-t", "c" * 40, "--url", home.url
    )
    assert second.returncode == 0, second.stderr
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=second.stdout.strip())
    assert stored["Url"] == "two.invalid/"


def test_oidcprovidergetattributes_prints_url_thumbprints_and_client_ids(
    home: Home, iam: Any
) -> None:
    arn = provider(iam, "https://oidc.example.com/id", ["1" * 40, "2" * 40], ["app1", "app2"])
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    result = home.run("oidcprovidergetattributes", arn)
    assert result.lines == [
        f"url {stored['Url']}",
        *(f"thumbprint {t}" for t in stored["ThumbprintList"]),
        *(f"client-id {c}" for c in stored["ClientIDList"]),
    ]
    assert len(result.lines) == 5


def test_oidcproviderlist_prints_every_arn(home: Home, iam: Any) -> None:
    arns = {provider(iam, f"https://{name}.example.com", ["1" * 40]) for name in ("a", "b")}
    result = home.run("oidcproviderlist")
    assert result.returncode == 0, result.stderr
    assert sorted(result.lines) == sorted(arns)


def test_oidcproviderdel_deletes_it(home: Home, iam: Any) -> None:
    gone = provider(iam, "https://gone.example.com", ["1" * 40])
    kept = provider(iam, "https://kept.example.com", ["1" * 40])
    result = home.run("oidcproviderdel", gone)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    listed = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert listed == [kept]


@pytest.mark.parametrize("flag", ["-c", "--client-id"])
def test_client_id_verbs_add_and_remove_one_client_id(home: Home, iam: Any, flag: str) -> None:
    """Both are idempotent, as IAM's are: adding one there already, or removing one that is
    not, changes nothing and succeeds."""
    arn = provider(iam, "https://oidc.example.com", ["1" * 40], ["app1"])
    for _ in range(2):
        done = home.run("oidcprovideraddclientid", arn, flag, "app3")
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"]
    assert got == ["app1", "app3"]
    for _ in range(2):
        done = home.run("oidcproviderdelclientid", arn, flag, "app1")
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"]
    assert got == ["app3"]


def test_client_id_of_no_provider_is_no_such_entity(home: Home) -> None:
    done = home.run("oidcprovideraddclientid", PROVIDER_ARN, "-c", "app3")
    assert "(NoSuchEntity)" in one_error_line(done, "oidcprovideraddclientid")


@pytest.mark.parametrize("verb", ["oidcprovideraddclientid", "oidcproviderdelclientid"])
def test_client_id_verbs_require_c(home: Home, verb: str) -> None:
    result = home.run(verb, PROVIDER_ARN)
    assert result.returncode == 2
    assert "--client-id" in result.stderr


def test_oidcproviderchangethumbprint_with_t_replaces_them(home: Home, iam: Any) -> None:
    arn = provider(iam, "https://oidc.example.com", ["1" * 40, "2" * 40])
    result = home.run("oidcproviderchangethumbprint", arn, "-t", "3" * 40, "-t", "4" * 40)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert stored["ThumbprintList"] == ["3" * 40, "4" * 40]


def test_oidcproviderchangethumbprint_without_t_fetches_it_from_the_providers_host(
    home: Home, iam: Any, tls: TlsServer
) -> None:
    """IAM gives the Url back without its scheme; https:// is put back before connecting."""
    arn = provider(iam, f"https://127.0.0.1:{tls.port}", ["1" * 40])
    assert "://" not in iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["Url"]
    result = home.run("oidcproviderchangethumbprint", arn)
    assert result.returncode == 0, result.stderr
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert stored["ThumbprintList"] == [tls.sha1]


def test_oidcproviderchangethumbprint_without_a_url_asks_for_t(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """moto always answers with a Url; the proxy takes it out."""
    arn = provider(iam, "https://oidc.example.com", ["1" * 40])

    def drop_url(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        root = ET.fromstring(body)
        result = next(iter(root))
        for url in result.findall(f"{{{IAM_NS}}}Url"):
            result.remove(url)
        return status, ET.tostring(root, xml_declaration=True, encoding="utf-8")

    proxy.rewrites["GetOpenIDConnectProvider"] = drop_url
    line = one_error_line(
        proxied_home.run("oidcproviderchangethumbprint", arn), "oidcproviderchangethumbprint"
    )
    assert line.endswith(
        "unable to determine the provider's URL automatically; "
        "please specify a thumbprint with -t/--thumbprint"
    )
    assert "UpdateOpenIDConnectProviderThumbprint" not in proxy.actions
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert stored["ThumbprintList"] == ["1" * 40]
