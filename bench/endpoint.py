"""The IAM endpoint the benchmark measures against, run as a child process of bench/run.py: the
sandbox's own server (moto behind euare's model of IAM, euare.sandbox.model), the one the test
suite runs against, so the bench measures the IAM the tests hold.

The model makes it answer as IAM does where that matters for timing: lists come back 100 items a
page with Marker/IsTruncated, cut from one snapshot of the list (a 10,000-user listing costs moto
one rendering, not a hundred), and the calls moto lacks (ListServiceSpecificCredentials) are
answered as IAM's, not with moto's HTML 500 page that a client retries with backoff. Its latency
setting delays every request first, as a real IAM tens of milliseconds away would.

Control, one JSON object a line (euare.sandbox.serve): the process prints ``{"url": ...}`` once
it listens, then answers each line read on stdin (``{"op": "latency", "ms": 30}``,
``{"op": "reset"}``, ``{"op": "requests"}``, and here ``{"op": "seed", "recipe": NAME, ...}``)
with one line. Seeding goes through the model in-process, by IAM's own wire protocol, without
the latency and uncounted. End of input stops it.
Run: python -m bench.endpoint (from the repository's top directory).
"""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

from bench import seeds
from euare.sandbox.serve import serve
from euare.sandbox.server import Server

HEADERS = {  # the model picks the service from the credential scope; it checks no signature here
    "Host": "iam.amazonaws.com",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIABENCHSEED0000000/20260101/us-east-1/"
    "iam/aws4_request, SignedHeaders=host, Signature=0",
    "Content-Type": "application/x-www-form-urlencoded",
}


class Seeder:
    """IAM calls straight into the sandbox's model, in this process: no socket, no latency."""

    def __init__(self, server: Server) -> None:
        from werkzeug.test import Client

        self.client = Client(server.model.handle)

    def __call__(self, action: str, **params: str) -> ET.Element:
        form = urlencode({"Action": action, "Version": "2010-05-08", **params})
        answer = self.client.post("/", data=form, headers=HEADERS)
        if answer.status_code >= 300:
            raise RuntimeError(f"{action}: HTTP {answer.status_code}: {answer.data[:300]!r}")
        return ET.fromstring(answer.data)


def seed(server: Server, command: dict[str, Any]) -> dict[str, Any]:
    """Seed with a recipe of bench/seeds.py, then take the user listing's snapshot, so that no
    measured listing waits for moto to render it."""
    started = time.perf_counter()
    call = Seeder(server)
    args = {k: v for k, v in command.items() if k not in ("op", "recipe")}
    made = seeds.RECIPES[command["recipe"]](call, **args)
    call("ListUsers")
    return {"ok": True, "made": made, "seconds": time.perf_counter() - started}


def main() -> int:
    try:
        serve(sys.stdin, sys.stdout, {"seed": seed})
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
