"""IAM's and STS's wire format, as the model reads and writes it: a form-encoded request
(``Action=...&Name.member.1=...``) read into a :class:`Call`, and an XML answer (a result, or an
``ErrorResponse``) as an :class:`Answer`. Every element the model writes is namespaced, so that
moto's answers (namespaced too) can be edited in place and written back, the namespace the
default one as IAM writes it."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
NAMESPACES = {"iam": IAM_NS, "sts": STS_NS}
VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}
ORGANIZATIONS_TARGET = "AWSOrganizationsV20161128."
# What a JSON-protocol service (Organizations) calls the gate's refusals of IAM's names.
JSON_CODES = {
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "AccessDenied": "AccessDeniedException",
    "MissingAuthenticationToken": "MissingAuthenticationTokenException",
}

REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    501: "Not Implemented",
}


@dataclass
class Call:
    """One request: which service (from the signature's credential scope), its Action, its
    parameters as sent (flat: ``Tags.member.1.Key``), and the WSGI environ and body it came in."""

    service: str
    action: str
    params: dict[str, str]
    environ: dict[str, Any]
    body: bytes

    @property
    def ns(self) -> str:
        return NAMESPACES.get(self.service, IAM_NS)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)

    def members(self, name: str) -> list[str]:
        """A list parameter (``Name.member.1``, ``Name.member.2``...), in order."""
        found = []
        for index in range(1, 100_000):
            value = self.params.get(f"{name}.member.{index}")
            if value is None:
                break
            found.append(value)
        return found

    def structures(self, name: str) -> list[dict[str, str]]:
        """A list of structures (``Tags.member.1.Key``...): each member's fields, flat."""
        found: list[dict[str, str]] = []
        for index in range(1, 100_000):
            head = f"{name}.member.{index}."
            fields = {k[len(head) :]: v for k, v in self.params.items() if k.startswith(head)}
            if not fields:
                break
            found.append(fields)
        return found

    def tags(self) -> list[tuple[str, str]]:
        """The request's ``Tags`` as (key, value) pairs."""
        return [(t.get("Key", ""), t.get("Value", "")) for t in self.structures("Tags")]

    def with_params(self, params: Mapping[str, str]) -> Call:
        """The same request with other parameters (Action and Version kept)."""
        kept = {"Action": self.action, "Version": self.params.get("Version", "")}
        return Call(self.service, self.action, {**kept, **params}, self.environ, self.body)

    @property
    def operation(self) -> str:
        """The name the model's rules know the request by: its Action for IAM and STS (whose
        names they do not share), ``service:Action`` for another service's (Organizations'
        CreatePolicy is not IAM's)."""
        return self.action if self.service in ("iam", "sts") else f"{self.service}:{self.action}"

    @property
    def key_id(self) -> str:
        """The access key ID the request is signed with ('' when unsigned)."""
        scope = str(self.environ.get("HTTP_AUTHORIZATION", "")).partition("Credential=")[2]
        return scope.partition("/")[0]


def service_of(environ: Mapping[str, Any]) -> str:
    """The service a request is for: its signature's credential scope, else its Host."""
    scope = str(environ.get("HTTP_AUTHORIZATION", "")).partition("Credential=")[2]
    parts = scope.partition(",")[0].split("/")
    if len(parts) >= 4:
        return parts[3]
    host = str(environ.get("HTTP_HOST", ""))
    return "sts" if host.startswith("sts.") else "iam"


def read(environ: dict[str, Any]) -> Call | None:
    """The request in ``environ`` (its body read and put back): IAM's or STS's, another
    query-protocol service's, or Organizations' (JSON: its target names the action, its
    body's top-level strings are its parameters); None for anything else (moto-api, a GET
    without an Action...)."""
    import io

    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    text = body.decode("utf-8", "replace")
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target.startswith(ORGANIZATIONS_TARGET):
        try:
            given = json.loads(text or "{}")
        except ValueError:
            given = {}
        params = (
            {k: v for k, v in given.items() if isinstance(v, str)}
            if isinstance(given, dict)
            else {}
        )
        return Call("organizations", target.partition(".")[2], params, environ, body)
    query = str(environ.get("QUERY_STRING", ""))
    params = dict(parse_qsl(query, keep_blank_values=True))
    params.update(parse_qsl(text, keep_blank_values=True))
    action = params.get("Action")
    if not action:
        return None
    return Call(service_of(environ), action, params, environ, body)


def serialize(root: ET.Element) -> bytes:
    """``root`` as IAM writes it: its namespace the default one, no prefixes."""
    ns = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else None
    return ET.tostring(root, default_namespace=ns)


def q(ns: str, name: str) -> str:
    """``name`` in namespace ``ns`` (an element's tag)."""
    return f"{{{ns}}}{name}"


def sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    """A child ``name`` of ``parent`` in the parent's namespace, holding ``text``."""
    ns = parent.tag[1:].partition("}")[0] if parent.tag.startswith("{") else IAM_NS
    child = ET.SubElement(parent, q(ns, name))
    if text is not None:
        child.text = text
    return child


def members(parent: ET.Element, name: str, values: Iterable[str]) -> ET.Element:
    """A list ``name`` of ``parent`` holding ``values`` as ``<member>`` elements."""
    listed = sub(parent, name)
    for value in values:
        sub(listed, "member", value)
    return listed


def tag_list(parent: ET.Element, name: str, tags: Iterable[tuple[str, str]]) -> ET.Element:
    """IAM's list of tags (``<member><Key/><Value/></member>``) under ``name``."""
    listed = sub(parent, name)
    for key, value in tags:
        member = sub(listed, "member")
        sub(member, "Key", key)
        sub(member, "Value", value)
    return listed


def child(parent: ET.Element | None, *path: str) -> ET.Element | None:
    """The descendant of ``parent`` along ``path`` (names in the parent's namespace)."""
    node = parent
    for name in path:
        if node is None:
            return None
        ns = node.tag[1:].partition("}")[0] if node.tag.startswith("{") else ""
        node = node.find(q(ns, name) if ns else name)
    return node


def text(parent: ET.Element | None, *path: str) -> str | None:
    node = child(parent, *path)
    return None if node is None else (node.text or "")


def each(parent: ET.Element | None, *path: str) -> Iterator[ET.Element]:
    """The ``<member>`` elements of the list along ``path``."""
    listed = child(parent, *path)
    if listed is not None:
        yield from list(listed)


@dataclass
class Answer:
    """An HTTP answer: status, headers, body; its XML parsed on demand."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    _root: ET.Element | None = None

    @property
    def ok(self) -> bool:
        return self.status < 300

    @property
    def root(self) -> ET.Element:
        if self._root is None:
            self._root = ET.fromstring(self.body)
        return self._root

    def result(self) -> ET.Element | None:
        """The answer's ``<ActionResult>`` element."""
        root = self.root
        return next((node for node in root if node.tag.endswith("Result")), None)

    def error(self) -> tuple[str, str]:
        """(Code, Message) of an error answer ('' where it has none: not IAM's XML)."""
        try:
            root = self.root
        except ET.ParseError:
            return "", ""
        code = next((n.text or "" for n in root.iter() if n.tag.endswith("}Code")), "")
        message = next((n.text or "" for n in root.iter() if n.tag.endswith("}Message")), "")
        if not code:  # un-namespaced ErrorResponse
            code = root.findtext(".//Code") or ""
            message = root.findtext(".//Message") or ""
        return code, message

    def rewritten(self) -> Answer:
        """This answer with its (edited) XML written back."""
        body = serialize(self.root)
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        return Answer(self.status, body, headers, self._root)

    def send(self, start_response: Any) -> list[bytes]:
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        if not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", "text/xml"))
        headers.append(("Content-Length", str(len(self.body))))
        start_response(f"{self.status} {REASONS.get(self.status, 'Unknown')}", headers)
        return [self.body]


def response(call: Call) -> tuple[ET.Element, ET.Element]:
    """An empty ``<ActionResponse>`` for ``call`` and its ``<ActionResult>``, to fill."""
    root = ET.Element(q(call.ns, f"{call.action}Response"))
    result = sub(root, f"{call.action}Result")
    return root, result


def answer(call: Call, root: ET.Element | None = None) -> Answer:
    """IAM's answer to ``call``: ``root`` (from :func:`response`), or one with no result."""
    if root is None:
        root = ET.Element(q(call.ns, f"{call.action}Response"))
    metadata = sub(root, "ResponseMetadata")
    sub(metadata, "RequestId", str(uuid.uuid4()))
    return Answer(200, serialize(root), [("Content-Type", "text/xml")], root)


def error(service: str, code: str, message: str, status: int = 400) -> Answer:
    """IAM's (or STS's) error answer; Organizations' in its JSON protocol."""
    if service == "organizations":
        body = json.dumps({"__type": JSON_CODES.get(code, code), "message": message}).encode()
        return Answer(status, body, [("Content-Type", "application/x-amz-json-1.1")])
    ns = NAMESPACES.get(service, IAM_NS)
    root = ET.Element(q(ns, "ErrorResponse"))
    failed = sub(root, "Error")
    sub(failed, "Type", "Receiver" if status >= 500 else "Sender")
    sub(failed, "Code", code)
    sub(failed, "Message", message)
    sub(root, "RequestId", str(uuid.uuid4()))
    return Answer(status, serialize(root), [("Content-Type", "text/xml")], root)


class Refusal(Exception):
    """An IAM error the model answers with: raised anywhere in a rule, sent as it is."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    def answer(self, service: str) -> Answer:
        return error(service, self.code, self.message, self.status)


def no_such_entity(message: str) -> Refusal:
    return Refusal("NoSuchEntity", message, 404)


def conflict(message: str) -> Refusal:
    return Refusal("DeleteConflict", message, 409)
