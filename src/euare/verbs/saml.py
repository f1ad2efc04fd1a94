"""SAML providers: create, list, describe, replace the metadata document, delete.

A provider is given by ARN, or by name: the caller's account's provider of that name
(``arn:PARTITION:iam::ACCOUNT:saml-provider/NAME``, the account asked of STS once).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from euare.call.context import Call
from euare.call.once import Lookup
from euare.cli import params as o
from euare.cli.params import FILE, Decorator, Given, option, positional
from euare.cli.paramtypes import refuse_private_key
from euare.cli.verb import api_verb, list_verb, verb
from euare.core.errors import UsageError
from euare.core.render import Record, Result, as_text
from euare.ops.finds import listed_arn


class Metadata(Given):
    """A SAML metadata document (``-f FILE``, ``-`` for standard input), refused before it is
    sent if it is empty, is not XML, or holds a private key (the IdP's key stays with it)."""

    name = "metadata"

    def __init__(self) -> None:
        from euare.core.inputs import MAX_LARGE_BYTES  # IAM takes up to 10,000,000 characters

        super().__init__(
            "SAML metadata document", FILE, file_what="metadata file", limit=MAX_LARGE_BYTES
        )

    def check(self, text: str, origin: str) -> str:
        refuse_private_key(text, origin, "the metadata")
        if not text.strip():
            raise UsageError(f"{origin} is empty")
        if not text.lstrip("\ufeff \t\r\n").startswith("<"):
            raise UsageError(f"{origin} is not XML (SAML metadata begins with '<')")
        return text


def metadata() -> Decorator:
    return option(
        "-f",
        "--metadata-file",
        api="SAMLMetadataDocument",
        metavar="FILE",
        type=Metadata(),
        required=True,
        help="file holding the provider's SAML metadata document (- reads standard input)",
    )


def _created(call: Call, params: dict[str, Any]) -> Lookup:
    """CreateSAMLProvider is sent once: after a lost answer, the provider is looked for by
    name among ListSAMLProviders' ARNs (``...:saml-provider/NAME``)."""
    name = str(params["Name"])
    return listed_arn(
        call,
        f"SAML provider {name}",
        operation="ListSAMLProviders",
        key="SAMLProviderList",
        answer_key="SAMLProviderArn",
        suffix=f":saml-provider/{name}",
    )


api_verb(
    "samlprovidercreate",
    "CreateSAMLProvider",
    "Register a SAML identity provider from its metadata document and print its ARN.",
    positional("NAME", "Name", "name of the new provider"),
    metadata(),
    o.tags(),
    result="*",
    text=lambda rs: [str(r["SAMLProviderArn"]) for r in rs],
    find=_created,
    examples=("okta -f okta-metadata.xml",),
)

api_verb(
    "samlproviderdel",
    "DeleteSAMLProvider",
    "Delete a SAML provider.",
    o.saml_provider(),
    examples=("okta",),
)

list_verb(
    "samlproviderlist",
    "ListSAMLProviders",
    "List the ARNs of the account's SAML providers.",
    key="SAMLProviderList",  # not paginated: one answer holds them all
)


def attribute_lines(records: list[Record], *, verbose: bool = False) -> Iterator[str]:
    """samlprovidergetattributes' text: the provider's ARN, creation date and the date its
    metadata is valid until; with ``verbose`` (-v), the metadata document as stored."""
    for record in records:
        yield str(record["SAMLProviderArn"])
        yield as_text(record.get("CreateDate"))
        yield as_text(record.get("ValidUntil"))
        if verbose:
            yield str(record.get("SAMLMetadataDocument") or "")


@verb(
    "samlprovidergetattributes",
    "Show a SAML provider: its ARN, creation date and the date its metadata is valid until "
    "(-v: and the metadata document).",
    examples=("okta", "arn:aws:iam::123456789012:saml-provider/okta -v"),
    sends="GetSAMLProvider",
)
@o.saml_provider()
@option("-v", "--verbose", is_flag=True, help="also print the metadata document, as stored")
def samlprovidergetattributes(call: Call, *, saml: str, verbose: bool) -> Result:
    answer = call.request("GetSAMLProvider", SAMLProviderArn=saml)
    text = functools.partial(attribute_lines, verbose=verbose)
    return Result([{"SAMLProviderArn": saml, **answer}], text, one=True)


api_verb(
    "samlprovidermod",
    "UpdateSAMLProvider",
    "Replace a SAML provider's metadata document.",
    o.saml_provider(),
    metadata(),
    examples=("okta -f okta-metadata.xml",),
)
