"""OpenID Connect providers: create (the thumbprint fetched if not given), delete, describe,
list, add or remove client IDs, change thumbprints."""

from __future__ import annotations

import hashlib
import socket
import ssl
from collections.abc import Iterable
from urllib.parse import urlsplit

import click

from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli import params as o
from euare.cli.params import ApiArgument, Decorator, option
from euare.cli.verb import api_verb, list_verb, verb
from euare.core.errors import EuareError, UsageError
from euare.core.render import Record, Result
from euare.ops.finds import listed_arn

PROBE_TIMEOUT = 10


def thumbprints() -> Decorator:
    return option(
        "-t",
        "--thumbprint",
        "thumbprints",
        api="ThumbprintList",
        metavar="HEX",
        multiple=True,
        help="SHA-1 fingerprint of the provider's TLS certificate (repeatable; default: "
        "fetched from the provider)",
    )


def thumbprint(host: str, port: int = 443, timeout: float = PROBE_TIMEOUT) -> str:
    """The SHA-1 of the DER certificate that ``host:port`` presents, as lowercase hex.

    The chain is not verified (the point is to record what the provider presents, even a
    self-signed certificate), but the protocol is modern TLS (1.2 or later), not euca2ools'
    forced TLSv1 (spec §8.12). ``timeout`` bounds the connection and the handshake alike.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "reason", None) or exc.strerror or str(exc) or type(exc).__name__
        raise EuareError(
            f"cannot fetch the TLS certificate of {host}:{port} ({reason}); "
            "give the thumbprint with -t/--thumbprint"
        ) from None
    if not der:
        raise EuareError(f"{host}:{port} presented no TLS certificate")
    return hashlib.sha1(der).hexdigest()


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    try:
        port = parts.port or 443
    except ValueError:
        raise UsageError(f"URL has a bad port: {url}") from None
    return parts.hostname or "", port


def url_thumbprint(url: str) -> str:
    host, port = _host_port(url)
    return thumbprint(host, port)


@verb(
    "oidcprovidercreate",
    "Register an OpenID Connect provider and print its ARN.",
    text=lambda rs: [str(r["OpenIDConnectProviderArn"]) for r in rs],
    examples=("https://token.actions.githubusercontent.com -c sts.amazonaws.com",),
    sends="CreateOpenIDConnectProvider",
)
@click.argument(
    "provider_url",  # not "url": that name belongs to the global -U/--url option
    metavar="URL",
    cls=ApiArgument,
    api="Url",
    doc="the provider's URL (https://HOST[:PORT][/PATH])",
)
@option(
    "-c",
    "--client-id",
    "client_ids",
    api="ClientIDList",
    metavar="CLIENT",
    multiple=True,
    help="a client ID (audience) to allow (repeatable)",
)
@thumbprints()
@o.tags()
def oidcprovidercreate(
    call: Call,
    *,
    provider_url: str,
    client_ids: tuple[str, ...],
    thumbprints: tuple[str, ...],
    tags: tuple[dict[str, str], ...],
) -> Result:
    if not provider_url.lower().startswith("https://"):
        raise UsageError('URL must begin with "https://"')
    if not _host_port(provider_url)[0]:
        raise UsageError("URL must name a host to connect to")
    prints = list(thumbprints) or [url_thumbprint(provider_url)]
    params = {
        "Url": provider_url,
        "ClientIDList": list(client_ids),
        "ThumbprintList": prints,
        "Tags": list(tags) or None,
    }
    created = call.send_once("CreateOpenIDConnectProvider", params, _registered(call, provider_url))
    return Result([created], one=True)


def _registered(call: Call, url: str) -> Lookup:
    """The provider for ``url``: IAM names it ``...:oidc-provider/HOST/PATH`` (no scheme)."""
    suffix = ":oidc-provider/" + url.split("://", 1)[1].rstrip("/")
    return listed_arn(
        call,
        f"an OpenID Connect provider for {url}",
        operation="ListOpenIDConnectProviders",
        key="OpenIDConnectProviderList",
        answer_key="OpenIDConnectProviderArn",
        suffix=suffix,
        ignore_case=True,
    )


api_verb(
    "oidcproviderdel",
    "DeleteOpenIDConnectProvider",
    "Delete an OpenID Connect provider.",
    o.oidc_provider(),
)


def _attribute_lines(records: list[Record]) -> Iterable[str]:
    for record in records:
        yield f"url {record.get('Url', '')}"
        yield from (f"thumbprint {t}" for t in record.get("ThumbprintList", []))
        yield from (f"client-id {c}" for c in record.get("ClientIDList", []))


api_verb(
    "oidcprovidergetattributes",
    "GetOpenIDConnectProvider",
    "Show an OpenID Connect provider's URL, thumbprints and client IDs.",
    o.oidc_provider(),
    result="*",
    text=_attribute_lines,
)

list_verb(
    "oidcproviderlist",
    "ListOpenIDConnectProviders",
    "List the ARNs of the account's OpenID Connect providers.",
    key="OpenIDConnectProviderList",  # not paginated: one answer holds them all
)


def _client_id(help: str) -> Decorator:
    return option("-c", "--client-id", api="ClientID", metavar="CLIENT", required=True, help=help)


api_verb(
    "oidcprovideraddclientid",
    "AddClientIDToOpenIDConnectProvider",
    "Allow one more client ID for an OpenID Connect provider.",
    o.oidc_provider(),
    _client_id("the client ID to add"),
)

api_verb(
    "oidcproviderdelclientid",
    "RemoveClientIDFromOpenIDConnectProvider",
    "Stop allowing a client ID for an OpenID Connect provider.",
    o.oidc_provider(),
    _client_id("the client ID to remove"),
)


@verb(
    "oidcproviderchangethumbprint",
    "Replace an OpenID Connect provider's thumbprints (by "
    "default with the one its server presents now).",
    sends="UpdateOpenIDConnectProviderThumbprint",
)
@o.oidc_provider()
@thumbprints()
def oidcproviderchangethumbprint(call: Call, *, oidc: str, thumbprints: tuple[str, ...]) -> None:
    prints = list(thumbprints)
    if not prints:
        url = call.request("GetOpenIDConnectProvider", OpenIDConnectProviderArn=oidc).get("Url")
        if not url:
            raise EuareError(
                "unable to determine the provider's URL automatically; please "
                "specify a thumbprint with -t/--thumbprint"
            )
        prints = [url_thumbprint(url if "://" in url else f"https://{url}")]
    call.request(
        "UpdateOpenIDConnectProviderThumbprint",
        OpenIDConnectProviderArn=oidc,
        ThumbprintList=prints,
    )
