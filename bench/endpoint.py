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
``{"op": "reset"}``, ``{"op": "requests"}``, and here ``{"op": "seed", "recipe": NAME, ...}``
and ``{"op": "organization", "accounts": N, "users": N, "roles": N}``) with one line. Seeding
goes through the model in-process, by each service's own wire protocol, without the latency and
uncounted. End of input stops it.
Run: python -m bench.endpoint (from the repository's top directory).
"""

from __future__ import annotations

import json
import sys
import time
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

from bench import seeds
from euare.sandbox.serve import serve
from euare.sandbox.server import Server

SEED_KEY = "AKIABENCHSEED0000000"  # moto's default account's, as the bench's own key is
VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}


def headers(key: str, service: str, content: str) -> dict[str, str]:
    """What a request of ``key`` to ``service`` carries: the model picks the service and the
    account from the credential scope's key; it checks no signature here."""
    return {
        "Host": f"{service}.amazonaws.com",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/"
        f"{service}/aws4_request, SignedHeaders=host, Signature=0",
        "Content-Type": content,
    }


class Seeder:
    """IAM calls straight into the sandbox's model, in this process: no socket, no latency;
    signed with ``key`` (so served in its account), ``service`` STS's for :meth:`sts`."""

    def __init__(self, server: Server, key: str = SEED_KEY) -> None:
        from werkzeug.test import Client

        self.server = server
        self.key = key
        self.client = Client(server.model.handle)

    def __call__(self, action: str, **params: str) -> ET.Element:
        return self.query("iam", action, params)

    def sts(self, action: str, **params: str) -> ET.Element:
        return self.query("sts", action, params)

    def query(self, service: str, action: str, params: dict[str, str]) -> ET.Element:
        form = urlencode({"Action": action, "Version": VERSIONS[service], **params})
        content = "application/x-www-form-urlencoded"
        answer = self.client.post("/", data=form, headers=headers(self.key, service, content))
        if answer.status_code >= 300:
            raise RuntimeError(f"{action}: HTTP {answer.status_code}: {answer.data[:300]!r}")
        return ET.fromstring(answer.data)

    def organizations(self, action: str, **params: str) -> dict[str, Any]:
        """An Organizations call (its JSON protocol)."""
        sent = headers(self.key, "organizations", "application/x-amz-json-1.1")
        sent["X-Amz-Target"] = f"AWSOrganizationsV20161128.{action}"
        answer = self.client.post("/", data=json.dumps(params), headers=sent)
        if answer.status_code >= 300:
            raise RuntimeError(f"{action}: HTTP {answer.status_code}: {answer.data[:300]!r}")
        found: dict[str, Any] = json.loads(answer.data or b"{}")
        return found

    def signed_with(self, key: str) -> Seeder:
        """The same, signed with ``key`` (served in its account)."""
        return Seeder(self.server, key)


def seed(server: Server, command: dict[str, Any]) -> dict[str, Any]:
    """Seed with a recipe of bench/seeds.py, then take the user listing's snapshot, so that no
    measured listing waits for moto to render it."""
    started = time.perf_counter()
    call = Seeder(server)
    args = {k: v for k, v in command.items() if k not in ("op", "recipe")}
    made = seeds.RECIPES[command["recipe"]](call, **args)
    call("ListUsers")
    return {"ok": True, "made": made, "seconds": time.perf_counter() - started}


def organization(server: Server, command: dict[str, Any]) -> dict[str, Any]:
    """An organization of member accounts made through Organizations, each seeded with users
    and roles (seeds.organization); the accounts and the credentials of each one's access
    role."""
    started = time.perf_counter()
    made = seeds.organization(
        Seeder(server), int(command["accounts"]), int(command["users"]), int(command["roles"])
    )
    return {"ok": True, **made, "seconds": time.perf_counter() - started}


def main() -> int:
    try:
        serve(sys.stdin, sys.stdout, {"seed": seed, "organization": organization})
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
