"""An HTTP proxy for tests, on 127.0.0.1, between the euare commands and the moto server.

Per test it can rewrite answers and inject faults. ``paginate`` asks the sandbox (which pages
every list as IAM does) for pages of a given size; ``cut_inside`` breaks an answer off in the
middle of a value. ``faults[Action]``
(or ``faults["*"]``) answers some requests with an HTTP error, IAM's Throttling error, a
connection reset before or after forwarding, another page in place of the answer, or too
slowly. Every fault has a count, and every test stops the proxy, so nothing here runs unbounded.

``log`` records every request with the time it arrived and the time its answer was sent, and
``max_in_flight`` the most requests the proxy held at once; ``latency`` delays every answer, as
a distant IAM endpoint would (real IAM answers in about 50-100 ms). ``gather[Action] = N``
holds the requests of that action, before their latency, until N requests are in flight at once
(the first time; for at most GATHER_WAIT seconds): a test that a pool reaches N requests at once
then passes however slowly a loaded machine starts the pool's threads, where a latency alone
must outlast the slowest start (the latency still shows a request beyond the N).
"""

from __future__ import annotations

import http.client
import random
import re
import socket
import struct
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
ET.register_namespace("", IAM_NS)

Rewrite = Callable[[dict[str, str], int, bytes], tuple[int, bytes]]
GATHER_WAIT = 10.0  # seconds a request waits for the ``gather`` others to be in flight


class paginate:  # a class used as the function it was: rewrites[Action] = paginate(...)
    """Pages of ``page_size`` items: the sandbox pages every list as IAM does (100 a page by
    default), so the proxy asks it for pages of ``page_size`` (MaxItems, unless the request
    gives one) and passes its answers on; ``member_key`` names the list, checked present."""

    def __init__(self, member_key: str, page_size: int = 100) -> None:
        self.member_key = member_key
        self.page_size = page_size

    def request(self, form: dict[str, str]) -> dict[str, str]:
        return {"MaxItems": str(self.page_size), **form}

    def __call__(self, form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        if status == 200:
            result = next(iter(ET.fromstring(body)))
            found = result.find(f"{{{IAM_NS}}}{self.member_key}")
            assert found is not None, f"no {self.member_key} in the response"
        return status, body


def cut_inside(tag: str, keep: int, whole: list[str]) -> Rewrite:
    """Cut the answer off ``keep`` characters into the text of its first ``<tag>``, as an
    answer broken off mid-value (with a Content-Length that matches what is sent). The
    element's whole text is appended to ``whole``, for the test to look for."""

    def rewrite(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        start = body.index(f"<{tag}>".encode()) + len(tag) + 2
        end = body.index(f"</{tag}>".encode(), start)
        whole.append(body[start:end].decode())
        return status, body[: start + keep]

    return rewrite


def iam_error(code: str, message: str) -> bytes:
    """IAM's error answer (a Sender error) with ``code`` and ``message``."""
    return (
        f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>proxy</RequestId></ErrorResponse>"
    ).encode()


THROTTLING = iam_error("Throttling", "Rate exceeded")


@dataclass
class Fault:
    """What to do instead of (or after) forwarding, ``count`` times (None: every time).

    kind: "status" (answer ``status`` with ``body``), "throttle", "reset-before" (close the
    connection without forwarding), "reset-after" (forward, then close without answering),
    "replace-after" (forward, then answer ``status`` with ``body`` instead of IAM's answer: a
    portal's page in place of one that was sent), "slow" (forward, then wait ``delay`` seconds
    before answering; ``held`` is set once the request has reached the server and the wait
    begins, so a test can interrupt the command at that moment); "status" and "throttle" also
    wait ``delay`` seconds before answering, so that a failing call can outlast its peers. With
    ``first_only``, only the
    first sending of each distinct request is hit, so every retry gets through: "throttle half
    of the requests", deterministically. ``after`` lets that many requests through first;
    ``probability`` hits each request only with that chance (from a seeded generator, so a
    test run can be repeated). ``signed_by`` hits only the requests whose signing access key ID
    it accepts: one account's, among an organization's (each account's assumed-role key).
    """

    kind: str
    count: int | None = 1
    status: int = 500
    body: bytes = b"<html>Internal Server Error</html>"
    delay: float = 0.0
    first_only: bool = False
    after: int = 0
    probability: float = 1.0
    hits: int = 0
    seen: set[str] = field(default_factory=set)
    held: threading.Event = field(default_factory=threading.Event)
    passed: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(8))
    signed_by: Callable[[str], bool] | None = None

    def take(self, body: bytes, key: str = "") -> bool:
        if self.count is not None and self.hits >= self.count:
            return False
        if self.signed_by is not None and not self.signed_by(key):
            return False
        if self.passed < self.after:
            self.passed += 1
            return False
        if self.probability < 1.0 and self.rng.random() >= self.probability:
            return False
        if self.first_only:
            key = body.decode("utf-8", "replace")
            if key in self.seen:
                return False
            self.seen.add(key)
        self.hits += 1
        return True


def signer(headers: Any) -> str:
    """The access key ID that signed a request (SigV4's ``Credential=KEY/...``), or ""."""
    found = re.search(r"Credential=([^/,\s]+)/", headers.get("Authorization") or "")
    return found.group(1) if found else ""


@dataclass
class Request:
    """One request as the proxy saw it: its action, its form, when it arrived and when its
    answer began to go out (time.monotonic(); None while unanswered or when the connection was
    dropped), and the fault it met, if any."""

    action: str
    form: dict[str, str]
    arrived: float
    answered: float | None = None
    fault: str | None = None


class Proxy:
    """Forwards every request to ``upstream``; ``rewrites[Action]`` may change the answer."""

    def __init__(self, upstream: str, tls: tuple[str, str] | None = None) -> None:
        """``tls`` (certificate file, key file) makes the proxy speak HTTPS."""
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rewrites: dict[str, Rewrite] = {}
        self.faults: dict[str, Fault] = {}
        self.actions: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.log: list[Request] = []
        self.latency = 0.0
        self.gather: dict[str, int] = {}
        self.gathered_once: set[str] = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.gathered = threading.Condition(self.lock)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            request_seen: Request
            held = False

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
                action = form.get("Action", "")
                with proxy.lock:
                    proxy.actions.append(action)
                    proxy.forms.append(form)
                    fault = proxy.faults.get(action) or proxy.faults.get("*")
                    if fault is not None and not fault.take(body, signer(self.headers)):
                        fault = None
                    self.request_seen = Request(
                        action, form, time.monotonic(), fault=fault.kind if fault else None
                    )
                    proxy.log.append(self.request_seen)
                    proxy.in_flight += 1
                    proxy.max_in_flight = max(proxy.max_in_flight, proxy.in_flight)
                    proxy.gathered.notify_all()
                    wanted = proxy.gather.get(action, 0)
                    if wanted and action not in proxy.gathered_once:
                        proxy.gathered.wait_for(
                            lambda: action in proxy.gathered_once or proxy.in_flight >= wanted,
                            timeout=GATHER_WAIT,
                        )
                        proxy.gathered_once.add(action)
                self.held = True
                try:
                    self._handle(fault, action, form, body)
                finally:
                    self._release()

            def _release(self) -> None:
                """No longer held: counted out before the answer goes, so that a client that
                sends its next request on receiving it is never seen holding two."""
                with proxy.lock:
                    if self.held:
                        proxy.in_flight -= 1
                        self.held = False

            def _handle(
                self, fault: Fault | None, action: str, form: dict[str, str], body: bytes
            ) -> None:
                if proxy.latency:
                    time.sleep(proxy.latency)
                if fault is not None and fault.kind == "reset-before":
                    self._reset()
                    return
                if fault is not None and fault.kind in ("status", "throttle"):
                    time.sleep(fault.delay)
                    throttled = fault.kind == "throttle"
                    self._answer(
                        400 if throttled else fault.status,
                        "text/xml",
                        THROTTLING if throttled else fault.body,
                    )
                    return
                connection = http.client.HTTPConnection(*proxy.upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                asking = getattr(proxy.rewrites.get(action), "request", None)
                if asking is not None:  # the request itself rewritten (not signed again)
                    body = urlencode(asking(form)).encode()
                    headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
                    headers["Content-Length"] = str(len(body))
                connection.request("POST", self.path, body=body, headers=headers)
                answer = connection.getresponse()
                status, payload = answer.status, answer.read()
                content_type = answer.getheader("Content-Type", "text/xml")
                connection.close()
                if fault is not None and fault.kind == "reset-after":
                    self._reset()
                    return
                if fault is not None and fault.kind == "replace-after":
                    self._answer(fault.status, "text/html", fault.body)
                    return
                if fault is not None and fault.kind == "slow":
                    fault.held.set()
                    time.sleep(fault.delay)
                if action in proxy.rewrites:
                    status, payload = proxy.rewrites[action](form, status, payload)
                self._answer(status, content_type, payload)

            def _answer(self, status: int, content_type: str, payload: bytes) -> None:
                self._release()
                self.request_seen.answered = time.monotonic()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _reset(self) -> None:
                """Drop the connection with a TCP reset, as a failing network would."""
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        scheme = "http"
        if tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(
                self.server.socket, server_side=True, do_handshake_on_connect=False
            )
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}/"
        # serve_forever looks for shutdown() every poll_interval: its default, 0.5 s, was half a
        # second of every test that uses a proxy, spent in its teardown
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def settle(self) -> None:
        """Back to plain forwarding, for the next test of a proxy shared by a module: no fault,
        no rewrite, no latency, the most in flight counted afresh."""
        self.faults.clear()
        self.rewrites.clear()
        self.latency = 0.0
        self.gather.clear()
        self.gathered_once.clear()
        self.max_in_flight = 0

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
