"""The IAM endpoint the benchmark measures against, run as a child process of bench/run.py.

moto's IAM, served on 127.0.0.1 by werkzeug, behind a small WSGI layer that makes it answer as
IAM does where that matters for timing: every request waits a set latency first (real IAM is
tens of milliseconds away, moto one or two), and ListUsers comes back 100 users a page with
Marker/IsTruncated (moto answers every user at once). Pages are cut from one snapshot of the
list taken at the first page, so a 10,000-user listing costs moto one rendering, not a hundred.
The lists moto lacks (ABSENT) are answered empty, as IAM answers them for the bench's users,
which hold none: moto's own answer, an HTML error page with status 500, is one a client retries
with backoff, a cost that no call to IAM has.

Control, one JSON object a line: the process prints ``{"url": ...}`` once it listens, then
answers each line read on stdin (``{"op": "latency", "ms": 30}``, ``{"op": "reset"}``,
``{"op": "seed", "recipe": NAME, ...}``, ``{"op": "requests"}``) with one line. Seeding goes to
moto in-process, by IAM's own wire protocol, without the latency. End of input stops it.
Run: python -m bench.iam_model (from the repository's top directory).
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, urlencode

from bench import seeds

NS = "https://iam.amazonaws.com/doc/2010-05-08/"
PAGE = 100  # IAM's default MaxItems for ListUsers
HEADERS = {  # moto picks the service from the credential scope; it checks no signature here
    "Host": "iam.amazonaws.com",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIABENCHSEED0000000/20260101/us-east-1/"
    "iam/aws4_request, SignedHeaders=host, Signature=0",
    "Content-Type": "application/x-www-form-urlencoded",
}
StartResponse = Callable[..., Any]
ABSENT = {"ListServiceSpecificCredentials": "ServiceSpecificCredentials"}  # action: its list
ET.register_namespace("", NS)


class Model:
    """WSGI: latency before every request; ListUsers in pages from a snapshot.

    A snapshot stays current for its PathPrefix until a request that may change something
    (any action but List* and Get*, a reset, a seeding): a listing's first page then costs what
    any page costs, as on IAM, not moto's rendering of the whole list."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.latency = 0.0
        self.requests = 0
        self.snapshots: OrderedDict[str, list[ET.Element]] = OrderedDict()
        self.current: dict[str, str] = {}  # PathPrefix -> its current snapshot's id
        self.lock = threading.Lock()
        self.ids = itertools.count(1)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with self.lock:
            self.requests += 1
        if self.latency:
            time.sleep(self.latency)
        if environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        action = form.get("Action", "")
        if action == "ListUsers":
            return self.list_users(environ, form, start_response)
        if action in ABSENT:
            page = render_empty(action, ABSENT[action])
            start_response(
                "200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(page)))]
            )
            return [page]
        if not action.startswith(("List", "Get")):
            self.changed()
        return self.app(environ, start_response)  # type: ignore[no-any-return]

    def changed(self) -> None:
        """Users may have changed: the next listing takes a new snapshot."""
        with self.lock:
            self.current.clear()

    def list_users(
        self, environ: dict[str, Any], form: dict[str, str], start_response: StartResponse
    ) -> Iterable[bytes]:
        snapshot_id, _, offset = form.get("Marker", "").partition(":")
        prefix = form.get("PathPrefix", "")
        with self.lock:
            if snapshot_id not in self.snapshots:  # a first page, or a lost snapshot
                snapshot_id = self.current.get(prefix, "")
            users = self.snapshots.get(snapshot_id)
        if users is None:
            status, answer = self._forward(environ)
            if not status.startswith("200"):
                start_response(status, [("Content-Type", "text/xml")])
                return [answer]
            listed = ET.fromstring(answer).find(f"{{{NS}}}ListUsersResult/{{{NS}}}Users")
            users = [] if listed is None else list(listed)
            snapshot_id = str(next(self.ids))
            with self.lock:
                self.snapshots[snapshot_id] = users
                self.current[prefix] = snapshot_id
                while len(self.snapshots) > 8:
                    self.snapshots.popitem(last=False)
        start = int(offset) if offset.isdigit() else 0
        size = min(max(int(form.get("MaxItems") or PAGE), 1), 1000)
        page = render_page(users[start : start + size], start + size, len(users), snapshot_id)
        start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(page)))])
        return [page]

    def prime(self) -> None:
        """Take the snapshot of every user now, so that no measured listing waits for it."""
        from werkzeug.test import EnvironBuilder

        form = {"Action": "ListUsers", "Version": "2010-05-08"}
        environ = EnvironBuilder(
            method="POST", path="/", data=urlencode(form), headers=list(HEADERS.items())
        ).get_environ()
        b"".join(self.list_users(environ, form, lambda *args: None))

    def _forward(self, environ: dict[str, Any]) -> tuple[str, bytes]:
        got: list[str] = []

        def catch(status: str, headers: Any, exc_info: Any = None) -> None:
            got.append(status)

        answer = b"".join(self.app(environ, catch))
        return got[0], answer


def render_page(users: list[ET.Element], end: int, total: int, snapshot_id: str) -> bytes:
    """One ListUsers answer holding ``users``; truncated (with a Marker) when ``end < total``."""
    root = ET.Element(f"{{{NS}}}ListUsersResponse")
    result = ET.SubElement(root, f"{{{NS}}}ListUsersResult")
    ET.SubElement(result, f"{{{NS}}}Users").extend(users)
    truncated = end < total
    ET.SubElement(result, f"{{{NS}}}IsTruncated").text = "true" if truncated else "false"
    if truncated:
        ET.SubElement(result, f"{{{NS}}}Marker").text = f"{snapshot_id}:{end}"
    metadata = ET.SubElement(root, f"{{{NS}}}ResponseMetadata")
    ET.SubElement(metadata, f"{{{NS}}}RequestId").text = "bench"
    return ET.tostring(root)


def render_empty(action: str, member: str) -> bytes:
    """IAM's answer to ``action`` when the list it returns under ``member`` is empty."""
    root = ET.Element(f"{{{NS}}}{action}Response")
    result = ET.SubElement(root, f"{{{NS}}}{action}Result")
    ET.SubElement(result, f"{{{NS}}}{member}")
    metadata = ET.SubElement(root, f"{{{NS}}}ResponseMetadata")
    ET.SubElement(metadata, f"{{{NS}}}RequestId").text = "bench"
    return ET.tostring(root)


class Seeder:
    """IAM calls straight into moto's application, in this process: no socket, no latency."""

    def __init__(self, app: Any) -> None:
        from werkzeug.test import Client

        self.client = Client(app)

    def __call__(self, action: str, **params: str) -> ET.Element:
        form = urlencode({"Action": action, "Version": "2010-05-08", **params})
        answer = self.client.post("/", data=form, headers=HEADERS)
        if answer.status_code >= 300:
            raise RuntimeError(f"{action}: HTTP {answer.status_code}: {answer.data[:300]!r}")
        return ET.fromstring(answer.data)

    def reset(self) -> None:
        answer = self.client.post("/moto-api/reset", headers={"Host": "iam.amazonaws.com"})
        if answer.status_code >= 300:
            raise RuntimeError(f"reset: HTTP {answer.status_code}")


def serve(commands: Iterable[str], out: io.TextIOBase | Any) -> None:
    """Listen on 127.0.0.1, print the URL, then obey ``commands`` until they end."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    app = DomainDispatcherApplication(create_backend_app)
    model = Model(app)
    seeder = Seeder(app)
    server = make_server("127.0.0.1", 0, model, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def answer(reply: dict[str, Any]) -> None:
        out.write(json.dumps(reply) + "\n")
        out.flush()

    answer({"url": f"http://127.0.0.1:{server.server_port}/"})
    try:
        for line in commands:
            try:
                answer(obey(json.loads(line), model, seeder))
            except Exception as exc:
                answer({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        server.shutdown()


def obey(command: dict[str, Any], model: Model, seeder: Seeder) -> dict[str, Any]:
    op = command.get("op")
    if op == "latency":
        model.latency = float(command["ms"]) / 1000
        return {"ok": True}
    if op == "requests":
        with model.lock:
            count, model.requests = model.requests, 0
        return {"requests": count}
    if op == "reset":
        seeder.reset()
        model.changed()
        return {"ok": True}
    if op == "seed":
        started = time.perf_counter()
        args = {k: v for k, v in command.items() if k not in ("op", "recipe")}
        made = seeds.RECIPES[command["recipe"]](seeder, **args)
        model.changed()
        model.prime()
        return {"ok": True, "made": made, "seconds": time.perf_counter() - started}
    raise ValueError(f"unknown op {op!r}")


def main() -> int:
    try:
        serve(sys.stdin, sys.stdout)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
