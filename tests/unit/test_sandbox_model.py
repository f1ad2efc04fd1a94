"""The sandbox's model of IAM (euare.sandbox.model) in-process, in front of a stand-in for moto:
its paging (one rendering of a list serves every page), the lists of what it does not model
held against botocore's models and moto, and its wire format. No server is started here."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

import botocore.session
import pytest
from botocore import xform_name

from euare.sandbox.model.app import Model, rules
from euare.sandbox.model.unsupported import NOT_MODELLED
from euare.sandbox.model.upstream import Upstream

NS = "https://iam.amazonaws.com/doc/2010-05-08/"
AUTH = "AWS4-HMAC-SHA256 Credential=AKIATEST/20260101/us-east-1/iam/aws4_request, Signature=0"


def moto_like(users: int, calls: list[dict[str, str]]) -> Callable[..., Iterable[bytes]]:
    """A WSGI app answering every request as moto answers ListUsers: every user at once. The
    model's question of a key's account (GetCallerIdentity, once a key) is not in ``calls``."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        call = dict(item.split("=", 1) for item in body.decode().split("&") if item)
        if call.get("Action") != "GetCallerIdentity":
            calls.append(call)
        members = "".join(
            f"<member><Path>/{'ops/' if i % 2 else ''}</Path><UserName>u{i}</UserName>"
            f"<Arn>arn:aws:iam::1:user/u{i}</Arn></member>"
            for i in range(users)
        )
        answer = (
            f'<ListUsersResponse xmlns="{NS}"><ListUsersResult><Users>{members}</Users>'
            "<IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>"
        )
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [answer.encode()]

    return app


def model_of(users: int, calls: list[dict[str, str]]) -> Model:
    app = moto_like(users, calls)
    return Model(Upstream({"iam": app, "sts": app}, app))


def send(model: Model, action: str, **params: str) -> tuple[str, ET.Element]:
    body = urlencode({"Action": action, "Version": "2010-05-08", **params}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": AUTH,
        "wsgi.input": io.BytesIO(body),
    }
    statuses: list[str] = []
    answer = b"".join(model(environ, lambda status, headers: statuses.append(status)))
    return statuses[0], ET.fromstring(answer)


def walk(model: Model, **params: str) -> tuple[list[str], int]:
    """Every user name ListUsers pages through, and how many pages it took."""
    names: list[str] = []
    marker, pages = None, 0
    while pages < 20:  # a bounded walk: a paging bug fails, not hangs
        _, page = send(model, "ListUsers", **params, **({"Marker": marker} if marker else {}))
        pages += 1
        names += [e.text or "" for e in page.iter(f"{{{NS}}}UserName")]
        if page.findtext(f".//{{{NS}}}IsTruncated") != "true":
            break
        marker = page.findtext(f".//{{{NS}}}Marker")
    return names, pages


def test_250_users_come_back_in_three_pages_from_one_rendering() -> None:
    calls: list[dict[str, str]] = []
    model = model_of(250, calls)
    names, pages = walk(model)
    assert pages == 3 and names == [f"u{i}" for i in range(250)]
    assert len(calls) == 1  # moto rendered the list once
    assert calls[0]["MaxItems"] == "1000000" and "Marker" not in calls[0]
    assert model.requests == 3


def test_max_items_sets_the_page_size() -> None:
    names, pages = walk(model_of(25, []), MaxItems="10")
    assert (len(names), pages) == (25, 3)


def test_path_prefix_keeps_the_paths_that_start_with_it() -> None:
    names, _ = walk(model_of(6, []), PathPrefix="/op")
    assert names == ["u1", "u3", "u5"]


def test_a_snapshot_is_reused_until_something_changes() -> None:
    calls: list[dict[str, str]] = []
    model = model_of(5, calls)
    send(model, "ListUsers")
    send(model, "ListUsers")
    send(model, "GetUser", UserName="u1")
    send(model, "ListUsers")
    assert len(calls) == 2  # one listing rendered by moto, and the GetUser
    send(model, "TagUser", UserName="u1", **{"Tags.member.1.Key": "k"})
    send(model, "ListUsers")
    assert len(calls) == 4  # the change, and a new snapshot


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"MaxItems": "0"}, "Member must have value greater than or equal to 1"),
        ({"MaxItems": "1001"}, "Member must have value less than or equal to 1000"),
        ({"PathPrefix": "ops"}, "Member must satisfy regular expression pattern"),
        ({"Marker": "not a marker"}, "Invalid Marker."),
    ],
)
def test_what_iam_refuses_in_a_listing_is_a_validation_error(
    params: dict[str, str], says: str
) -> None:
    calls: list[dict[str, str]] = []
    status, error = send(model_of(5, calls), "ListUsers", **params)
    assert status.startswith("400")
    assert error.findtext(f".//{{{NS}}}Code") == "ValidationError"
    assert says in (error.findtext(f".//{{{NS}}}Message") or "")
    assert calls == []


def test_an_operation_not_modelled_is_invalid_action_as_from_iam() -> None:
    calls: list[dict[str, str]] = []
    status, error = send(model_of(1, calls), "GetAccountProperties")
    assert status.startswith("400") and calls == []
    assert error.findtext(f".//{{{NS}}}Code") == "InvalidAction"
    assert error.findtext(f".//{{{NS}}}Message") == (
        "Could not find operation GetAccountProperties for version 2010-05-08"
    )


def test_the_operations_not_modelled_are_those_neither_moto_nor_the_model_serves() -> None:
    """A new moto or botocore that changes the list fails here: update
    euare.sandbox.model.unsupported, docs/sandbox.md and --help with it."""
    from moto.iam.responses import IamResponse
    from moto.sts.responses import TokenResponse

    registry = rules()
    session = botocore.session.get_session()
    not_served = {}
    for service, moto in (("iam", IamResponse), ("sts", TokenResponse)):
        operations = session.get_service_model(service).operation_names
        unsupported = set(NOT_MODELLED[service])
        served = [o for o in operations if o in registry.instead and o not in unsupported]
        not_served[service] = sorted(
            o for o in operations if not hasattr(moto, xform_name(o)) and o not in served
        )
    assert not_served == {service: sorted(ops) for service, ops in NOT_MODELLED.items()}


def test_docs_and_help_name_what_is_not_modelled() -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from euare.sandbox.command import sandbox
    from euare.sandbox.model.unsupported import FAMILIES

    docs = (Path(__file__).resolve().parents[2] / "docs" / "sandbox.md").read_text()
    missing = [o for ops in NOT_MODELLED.values() for o in ops if f"`{o}`" not in docs]
    assert missing == []
    shown = " ".join(CliRunner().invoke(sandbox, ["--help"]).output.split())
    assert all(family in shown for family in FAMILIES), shown


def test_a_keys_account_is_asked_of_moto_once_and_named_to_moto_on_every_request() -> None:
    """euare.sandbox.model.context: a key the model did not see made is asked about once
    (GetCallerIdentity), and every request then names the account in moto's header."""
    seen: list[tuple[str, str]] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        action = dict(item.split("=", 1) for item in body.split("&") if item)["Action"]
        seen.append((action, environ.get("HTTP_X_MOTO_ACCOUNT_ID", "")))
        start_response("200 OK", [("Content-Type", "text/xml")])
        if action == "GetCallerIdentity":
            return [
                b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                b"<GetCallerIdentityResult><Account>210987654321</Account>"
                b"</GetCallerIdentityResult></GetCallerIdentityResponse>"
            ]
        return [f'<{action}Response xmlns="{NS}"><{action}Result/></{action}Response>'.encode()]

    model = Model(Upstream({"iam": app, "sts": app}, app))
    for _ in range(3):
        send(model, "GetAccountSummary")
    assert seen == [("GetCallerIdentity", "")] + [("GetAccountSummary", "210987654321")] * 3
    assert list(model.accounts.contexts) == ["210987654321"]


def test_an_organizations_request_is_not_served_by_iams_rule_of_the_same_name() -> None:
    """Organizations' ListPolicies (JSON, its target naming the action) goes to moto as it is,
    not to IAM's pager."""
    from euare.sandbox.model.wire import read

    body = b'{"Filter": "SERVICE_CONTROL_POLICY"}'
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_AMZ_TARGET": "AWSOrganizationsV20161128.ListPolicies",
        "HTTP_AUTHORIZATION": AUTH.replace("/iam/", "/organizations/"),
        "wsgi.input": io.BytesIO(body),
    }
    call = read(environ)
    assert call is not None
    assert (call.service, call.operation) == ("organizations", "organizations:ListPolicies")
    assert call.params == {"Filter": "SERVICE_CONTROL_POLICY"}
    assert call.operation not in rules().instead
