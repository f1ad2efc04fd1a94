"""The sandbox's HTTP/1.1 server: a WSGI application on 127.0.0.1, one thread per connection,
connections kept open between requests as IAM's endpoints keep them.

werkzeug's development server (what moto's own server mode runs) answers HTTP/1.0 and closes
every connection, so each request costs a connect, an accept, a new thread and a close on both
sides, and its request parsing and unbuffered writes cost as much CPU again as moto's answer
itself. The sandbox is what ``make demo``, the tests and the bench send every request to, so it
serves them here instead (docs/sandbox.md, docs/performance.md): about a third less CPU a
request on the endpoint's side, and less on the caller's.

What it takes: a request line, headers (at most :data:`MOST_HEADERS`, each line at most
:data:`MOST_LINE` bytes), and a body of ``Content-Length`` bytes or chunked
(``Transfer-Encoding: chunked``), at most :data:`MOST_BODY` bytes; ``Expect: 100-continue``
is answered before the body is read. Anything else is refused with 400, 411, 413, 431, 501 or
505 and the connection closed. A connection is closed after ``Connection: close``, after an
HTTP/1.0 request, after :data:`IDLE` seconds without a request, and when the server stops. An
application that raises is answered as IAM answers its own failures (500, InternalFailure).
"""

from __future__ import annotations

import contextlib
import io
import socket
import socketserver
import sys
import threading
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

MOST_LINE = 65536
MOST_HEADERS = 200
MOST_BODY = 32 * 1024 * 1024
IDLE = 120.0
HOP_BY_HOP = frozenset(
    ("connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "te")
)
INTERNAL = (
    b"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
    b"<Message>the sandbox failed to answer this request</Message></Error>"
    b"<RequestId>sandbox</RequestId></ErrorResponse>"
)
REASONS = {
    100: "Continue",
    400: "Bad Request",
    411: "Length Required",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    505: "HTTP Version Not Supported",
}

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Refused(Exception):
    """A request this server does not take: answered with ``status``, then the connection
    closes."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Request:
    """One request as read off a connection."""

    def __init__(self, method: str, target: str, version: str, headers: dict[str, str]) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = b""

    @property
    def keep_open(self) -> bool:
        said = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in said
        return "close" not in said


def _line(rfile: Any) -> bytes:
    line: bytes = rfile.readline(MOST_LINE + 1)
    if len(line) > MOST_LINE:
        raise Refused(431)
    return line


def read_head(rfile: Any) -> Request | None:
    """The request line and headers, or None at the end of the connection."""
    line = _line(rfile)
    while line in (b"\r\n", b"\n"):  # a stray empty line between requests is allowed
        line = _line(rfile)
    if not line:
        return None
    parts = line.decode("latin-1").split()
    if len(parts) != 3:
        raise Refused(400)
    method, target, version = parts
    if not version.startswith("HTTP/1."):
        raise Refused(505)
    headers: dict[str, str] = {}
    for _ in range(MOST_HEADERS + 1):
        raw = _line(rfile)
        if raw in (b"\r\n", b"\n"):
            return Request(method, target, version, headers)
        if not raw or raw[:1] in (b" ", b"\t"):  # cut short, or an obsolete folded line
            raise Refused(400)
        name, colon, value = raw.decode("latin-1").partition(":")
        name = name.strip().lower()
        if not colon or not name or " " in name:
            raise Refused(400)
        value = value.strip()
        if name in headers:
            if name == "content-length" and headers[name] != value:
                raise Refused(400)
            value = headers[name] if name == "content-length" else f"{headers[name]}, {value}"
        headers[name] = value
    raise Refused(431)


def read_body(request: Request, rfile: Any) -> bytes:
    coding = request.headers.get("transfer-encoding", "").lower()
    if coding:
        if coding != "chunked":
            raise Refused(501)
        return _chunked(rfile)
    length = request.headers.get("content-length")
    if length is None:
        if request.method in ("POST", "PUT", "PATCH"):
            raise Refused(411)
        return b""
    if not length.isdigit():
        raise Refused(400)
    size = int(length)
    if size > MOST_BODY:
        raise Refused(413)
    body: bytes = rfile.read(size)
    if len(body) != size:
        raise Refused(400)
    return body


def _chunked(rfile: Any) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_field = _line(rfile).split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            raise Refused(400) from None
        if size == 0:
            break
        total += size
        if total > MOST_BODY:
            raise Refused(413)
        chunk = rfile.read(size)
        if len(chunk) != size or _line(rfile) not in (b"\r\n", b"\n"):
            raise Refused(400)
        parts.append(chunk)
    for _ in range(MOST_HEADERS + 1):  # trailers, which nothing here needs
        if _line(rfile) in (b"\r\n", b"\n", b""):
            return b"".join(parts)
    raise Refused(431)


def environ(request: Request, server: tuple[Any, ...], client: tuple[Any, ...]) -> dict[str, Any]:
    """The WSGI environment of ``request`` (PEP 3333)."""
    target = request.target
    if "://" in target:  # the absolute form, as sent to a proxy
        split = urlsplit(target)
        target = split.path + ("?" + split.query if split.query else "")
    path, _, query = target.partition("?")
    env: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "REQUEST_URI": request.target,
        "RAW_URI": request.target,
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": request.version,
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "CONTENT_TYPE": request.headers.get("content-type", ""),
        "CONTENT_LENGTH": str(len(request.body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(request.body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.items():
        if name not in ("content-type", "content-length"):
            env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def run_app(app: App, env: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """The application's status, headers and whole body (an answer is one IAM document: small)."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if started and exc_info is None:
            raise AssertionError("start_response called twice without exc_info")
        started[:] = [status, headers]
        return written.append

    answer = app(env, start_response)
    try:
        written.extend(answer)
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()
    if not started:
        raise AssertionError("the application did not start a response")
    return started[0], started[1], b"".join(written)


def head(status: str, headers: Iterable[tuple[str, str]], length: int, keep: bool) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    lines.extend(f"{k}: {v}" for k, v in headers if k.lower() not in HOP_BY_HOP)
    lines.append(f"Content-Length: {length}")
    lines.append(f"Date: {formatdate(usegmt=True)}")
    if not keep:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Handler(socketserver.BaseRequestHandler):
    """One connection: requests answered in turn until it closes."""

    server: Listener

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(IDLE)
        rfile = sock.makefile("rb", buffering=65536)
        try:
            while not self.server.stopping and self.answer(sock, rfile):
                pass
        except Refused as refused:
            self.refuse(sock, refused.status)
        except OSError:  # reset, timed out idle, or closed by stop()
            pass
        finally:
            rfile.close()

    def answer(self, sock: socket.socket, rfile: Any) -> bool:
        """Answer one request; whether the connection stays open for another."""
        request = read_head(rfile)
        if request is None:
            return False
        if request.headers.get("expect", "").lower() == "100-continue":
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.body = read_body(request, rfile)
        keep = request.keep_open and not self.server.stopping
        try:
            env = environ(request, self.server.server_address, self.client_address)
        except ValueError:  # a target urlsplit cannot take ("http://[::1")
            raise Refused(400) from None
        try:
            status, headers, body = run_app(self.server.app, env)
        except Exception:  # the answer IAM gives for its own failure, never a hang
            status, headers = "500 Internal Server Error", [("Content-Type", "text/xml")]
            body, keep = INTERNAL, False
        length = len(body)
        sent = body if request.method != "HEAD" else b""
        sock.sendall(head(status, headers, length, keep) + sent)
        return keep

    def refuse(self, sock: socket.socket, status: int) -> None:
        with contextlib.suppress(OSError):
            sock.sendall(head(f"{status} {REASONS[status]}", [], 0, keep=False))


class Listener(socketserver.ThreadingTCPServer):
    """``app`` served on ``address``; :meth:`stop` ends it and every open connection."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True  # a sandbox started again on its port at once (TIME_WAIT)
    request_queue_size = 128  # socketserver's 5 drops connects beyond it: a second's wait each

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        self.stopping = False
        self.open: set[socket.socket] = set()
        self.guard = threading.Lock()
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Nothing: socketserver would print a traceback on the sandbox's terminal. Every
        request is answered or refused in :class:`Handler`; what still escapes it (a socket
        torn down by stop()) ends that connection only."""

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.guard:
            self.open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.guard:
            self.open.discard(request)
        super().shutdown_request(request)

    def serve(self) -> None:
        """Serve until :meth:`stop` (which then waits at most a twentieth of a second)."""
        self.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        """Stop accepting, then close every open connection once its request in flight (if
        any) is answered: reading ends, so a connection waiting for its next request ends now."""
        self.stopping = True
        self.shutdown()
        with self.guard:
            still = list(self.open)
        for sock in still:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RD)
        self.server_close()
