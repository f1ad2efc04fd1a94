"""The sandbox's HTTP/1.1 server (euare.sandbox.listener) over real sockets on 127.0.0.1, with a
small WSGI application that echoes what it was given: connections kept open, bodies by length
and chunked, 100-continue, refusals, an application's failure, and stopping."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from euare.sandbox import listener
from euare.sandbox.listener import Listener


def echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("the application failed")
    body = environ["wsgi.input"].read()
    seen = {
        "method": environ["REQUEST_METHOD"],
        "path": environ["PATH_INFO"],
        "query": environ["QUERY_STRING"],
        "body": body.decode("latin-1"),
        "length": environ["CONTENT_LENGTH"],
        "type": environ["CONTENT_TYPE"],
        "agent": environ.get("HTTP_USER_AGENT"),
        "peer": environ["REMOTE_ADDR"],
    }
    start_response("200 OK", [("Content-Type", "application/json"), ("Connection", "nonsense")])
    return [json.dumps(seen).encode()]


@pytest.fixture
def server() -> Iterator[Listener]:
    served = Listener(("127.0.0.1", 0), echo)
    thread = threading.Thread(target=served.serve, daemon=True)
    thread.start()
    yield served
    served.stop()
    thread.join(timeout=10)


def connect(server: Listener) -> socket.socket:
    return socket.create_connection(server.server_address[:2], timeout=10)


class Reader:
    """Answers read off one connection, one at a time."""

    def __init__(self, sock: socket.socket) -> None:
        self.file = sock.makefile("rb")

    def answer(self) -> tuple[int, dict[str, str], bytes]:
        status = self.file.readline()
        assert status.startswith(b"HTTP/1.1 "), status
        headers: dict[str, str] = {}
        while (line := self.file.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self.file.read(int(headers["content-length"]))
        return int(status.split()[1]), headers, body

    def closed(self) -> bool:
        return self.file.read(1) == b""


def post(body: bytes, path: str = "/", extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode()
        + body
    )


def test_one_connection_carries_request_after_request(server: Listener) -> None:
    with connect(server) as sock:
        reader = Reader(sock)
        for n in range(3):
            sock.sendall(post(f"Action=N{n}".encode(), extra="User-Agent: a\r\nUser-Agent: b\r\n"))
            status, headers, body = reader.answer()
            seen = json.loads(body)
            assert (status, seen["body"], seen["length"]) == (200, f"Action=N{n}", "9")
            assert seen["agent"] == "a, b" and seen["peer"] == "127.0.0.1"
            assert "connection" not in headers and "date" in headers  # hop-by-hop ones dropped
    assert len(server.open) <= 1


def test_connection_close_and_http_1_0_end_the_connection(server: Listener) -> None:
    for request in (
        post(b"x", extra="Connection: close\r\n"),
        b"GET /a HTTP/1.0\r\nHost: x\r\n\r\n",
    ):
        with connect(server) as sock:
            sock.sendall(request)
            reader = Reader(sock)
            status, headers, _ = reader.answer()
            assert status == 200 and headers["connection"] == "close"
            assert reader.closed()


def test_a_chunked_body_and_a_wait_for_100_continue(server: Listener) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /p%20q?a=1&b=%20 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: text/plain\r\n\r\n"
            b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: t\r\n\r\n"
        )
        reader = Reader(sock)
        seen = json.loads(reader.answer()[2])
        assert seen["body"] == "Wikipedia" and seen["type"] == "text/plain"
        assert (seen["path"], seen["query"]) == ("/p q", "a=1&b=%20")
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"
        )
        assert reader.file.readline() == b"HTTP/1.1 100 Continue\r\n"
        assert reader.file.readline() == b"\r\n"
        sock.sendall(b"ok")
        assert json.loads(reader.answer()[2])["body"] == "ok"


def test_head_gives_the_length_without_the_body(server: Listener) -> None:
    with connect(server) as sock:
        sock.sendall(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(sock)
        status = reader.file.readline()
        headers = {}
        while (line := reader.file.readline()) != b"\r\n":
            name, _, value = line.decode().partition(":")
            headers[name.lower()] = value.strip()
        assert status.startswith(b"HTTP/1.1 200") and int(headers["content-length"]) > 0
        assert json.loads(reader.answer()[2])["method"] == "GET"  # the next answer follows


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\n\r\n", 505),
        (b"POST / HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413),
        (b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * (listener.MOST_HEADERS + 1) + b"\r\n", 431),
        (b"GET /" + b"a" * (listener.MOST_LINE + 1) + b" HTTP/1.1\r\n\r\n", 431),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (b"GET http://[::1 HTTP/1.1\r\n\r\n", 400),
    ],
    ids=[
        "request-line",
        "version",
        "no-length",
        "coding",
        "too-large",
        "two-lengths",
        "negative-length",
        "folded",
        "no-colon",
        "many-headers",
        "long-line",
        "bad-chunk",
        "bad-target",
    ],
)
def test_a_request_it_does_not_take_is_refused_and_the_connection_closed(
    server: Listener, request_bytes: bytes, status: int
) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes)
        reader = Reader(sock)
        got, headers, _ = reader.answer()
        assert (got, headers["connection"]) == (status, "close")
        assert reader.closed()


def test_an_application_that_fails_is_answered_as_iam_answers_its_own_failure(
    server: Listener,
) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(sock)
        status, headers, body = reader.answer()
        assert status == 500 and b"<Code>InternalFailure</Code>" in body
        assert headers["connection"] == "close" and reader.closed()
    with connect(server) as sock:  # and the server goes on
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert Reader(sock).answer()[0] == 200


def test_many_connections_at_once(server: Listener) -> None:
    failures: list[BaseException] = []

    def client(n: int) -> None:
        try:
            with connect(server) as sock:
                reader = Reader(sock)
                for k in range(5):
                    sock.sendall(post(f"{n}-{k}".encode()))
                    assert json.loads(reader.answer()[2])["body"] == f"{n}-{k}"
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures


def test_stopping_closes_connections_waiting_for_their_next_request() -> None:
    served = Listener(("127.0.0.1", 0), echo)
    thread = threading.Thread(target=served.serve, daemon=True)
    thread.start()
    sock = connect(served)
    reader = Reader(sock)
    sock.sendall(post(b"x"))
    assert reader.answer()[0] == 200
    address = served.server_address[:2]
    started = time.monotonic()
    served.stop()
    thread.join(timeout=10)
    assert reader.closed() and time.monotonic() - started < 5
    sock.close()
    with pytest.raises(OSError):
        socket.create_connection(address, timeout=2).close()


def test_what_escapes_a_connection_prints_nothing(
    server: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    """socketserver prints a traceback for an exception a handler lets out; the sandbox's
    terminal must never show one."""
    try:
        raise RuntimeError("escaped")
    except RuntimeError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert capsys.readouterr() == ("", "")
