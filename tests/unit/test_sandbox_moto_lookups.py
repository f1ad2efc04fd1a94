"""The sandbox's moto works out once what never changes in a process (euare.sandbox.moto.
remember_lookups): a service's table of error codes, and a response class's method names. moto
5 rebuilt the first for every error answer and listed the second for every request; a snapshot
answers a third of its requests NoSuchEntity (GetLoginProfile of a user without a password).
The sandbox's model runs here in-process, in front of moto's own applications."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

import pytest

from euare.sandbox.server import model

NS = "{https://iam.amazonaws.com/doc/2010-05-08/}"
AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLELOOKUPS00/20260101/us-east-1/iam/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


def ask(app: Any, action: str, **params: str) -> tuple[int, ET.Element]:
    from werkzeug.test import Client

    answer = Client(app).post(
        "/",
        data=urlencode({"Action": action, "Version": "2010-05-08", **params}),
        headers={
            "Host": "iam.amazonaws.com",
            "Authorization": AUTH,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    return answer.status_code, ET.fromstring(answer.data)


def test_error_tables_and_method_names_are_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.core import errors, responses

    tables: list[str] = []
    classes: list[type] = []
    build = errors.ErrorLookupFactory._create_error_lut
    listing = responses.method_names_from_class

    def counted_table(service_model: Any) -> Any:
        tables.append(service_model.service_name)
        return build(service_model)

    def counted_names(cls: type) -> list[str]:
        classes.append(cls)
        return listing(cls)

    monkeypatch.setattr(
        errors.ErrorLookupFactory, "_create_error_lut", staticmethod(counted_table)
    )
    monkeypatch.setattr(responses, "method_names_from_class", counted_names)
    monkeypatch.setattr(errors.ErrorLookupFactory, "__init__", errors.ErrorLookupFactory.__init__)
    app = model().handle

    status, created = ask(app, "CreateUser", UserName="lookups-alice")
    assert status == 200, ET.tostring(created)
    for _ in range(3):
        status, refused = ask(app, "GetLoginProfile", UserName="lookups-alice")
        assert status == 404
        assert refused.findtext(f"{NS}Error/{NS}Code") == "NoSuchEntity"
        assert "lookups-alice" in (refused.findtext(f"{NS}Error/{NS}Message") or "")
        status, user = ask(app, "GetUser", UserName="lookups-alice")
        assert status == 200
        assert user.findtext(f".//{NS}UserName") == "lookups-alice"

    # at most once: another test in this process may have filled the table already
    assert len(tables) <= 1, tables
    assert len(classes) == len(set(classes)), classes
    assert classes, "moto no longer asks for its response class's method names"
