"""moto's application, as the model calls it: in this process, by IAM's own wire protocol (no
socket, no latency). :meth:`Upstream.forward` hands a request on as it came (or with other
parameters); :meth:`Upstream.ask` is a sub-request of the model's own (``ListAccessKeys`` before
a ``DeleteUser``, say), answered as XML or raised as the :class:`~wire.Refusal` moto gave.

Sub-requests carry the caller's access key ID in an unsigned credential scope: moto picks the
service from the scope, and checks no signature (moto's own authorization stays off: the model's
gate, :mod:`auth`, decides instead). Every request the model hands moto names the account it
is for (the model decides it: :class:`context.Accounts`) in moto's ``x-moto-account-id``
header, which moto obeys before the key; a request without one (``account=""``) is served
from the account moto itself maps the key to.

IAM's and STS's requests go straight to moto's application for that service: moto's own
dispatcher looks for the service by walking its package on disk for every request whose Host
is not AWS's (two milliseconds a request here), which the model, knowing the service, skips."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from euare.sandbox.model.wire import VERSIONS, Answer, Call, Refusal

BOOTSTRAP_KEY = "AKIASANDBOXMODEL0000"
ACCOUNT_HEADER = "HTTP_X_MOTO_ACCOUNT_ID"  # moto's x-moto-account-id


class Upstream:
    """moto's WSGI application, called in-process."""

    def __init__(self, services: Mapping[str, Any], fallback: Any) -> None:
        self.services = dict(services)
        self.fallback = fallback

    def app(self, service: str) -> Any:
        """moto's application for ``service`` (its dispatcher for any other)."""
        return self.services.get(service, self.fallback)

    def wsgi(self, environ: dict[str, Any], service: str) -> Answer:
        """moto's answer to ``environ`` (a request for ``service``)."""
        got: list[Any] = []

        def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
            got.append((status, headers))

        chunks = self.app(service)(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = got[0]
        return Answer(int(status.split(" ", 1)[0]), body, list(headers))

    def forward(
        self, call: Call, params: Mapping[str, str] | None = None, account: str = ""
    ) -> Answer:
        """moto's answer to ``call`` (with ``params`` instead of its own, if given), in
        ``account``."""
        if params is None:
            body = call.body
            environ = dict(call.environ)
        else:
            body = urlencode(params).encode()
            environ = dict(call.environ, QUERY_STRING="")
        stamp(environ, account)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.wsgi(environ, call.service)

    def ask(
        self, call: Call, action: str, service: str = "iam", account: str = "", **params: str
    ) -> ET.Element:
        """moto's answer to ``action`` (a sub-request made for ``call``, in ``account``), or
        its Refusal."""
        answer = self.request(call, action, service, account, **params)
        if not answer.ok:
            code, message = answer.error()
            raise Refusal(code or "ServiceFailure", message or "moto failed", answer.status)
        return answer.root

    def request(
        self, call: Call, action: str, service: str = "iam", account: str = "", **params: str
    ) -> Answer:
        form = {"Action": action, "Version": VERSIONS.get(service, ""), **params}
        body = urlencode(form).encode()
        key = call.key_id or BOOTSTRAP_KEY
        environ = {
            key: value
            for key, value in call.environ.items()
            if key in ("SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme", "HTTP_HOST", "REMOTE_ADDR")
        }
        environ.update(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/",
                "SCRIPT_NAME": "",
                "QUERY_STRING": "",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_AUTHORIZATION": (
                    f"AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/{service}/aws4_request,"
                    " SignedHeaders=host, Signature=0"
                ),
                "wsgi.input": io.BytesIO(body),
                "wsgi.errors": io.StringIO(),
                "wsgi.version": (1, 0),
                "wsgi.multithread": True,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
            }
        )
        stamp(environ, account)
        environ.setdefault("SERVER_NAME", "127.0.0.1")
        environ.setdefault("SERVER_PORT", "80")
        environ.setdefault("wsgi.url_scheme", "http")
        environ.setdefault("HTTP_HOST", f"{service}.amazonaws.com")
        return self.wsgi(environ, service)


def stamp(environ: dict[str, Any], account: str) -> None:
    """``environ`` for ``account`` in moto's header (none: the account moto maps the key to)."""
    environ.pop(ACCOUNT_HEADER, None)
    if account:
        environ[ACCOUNT_HEADER] = account
