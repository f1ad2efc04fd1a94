"""The model as a WSGI application in front of moto: each IAM, STS or Organizations request is
served in its access key's account (:class:`context.Accounts`), passes the gate (signatures
and policies, once ``--enforce-auth`` turns it on), then the rules of its Action (checks before
moto, an answer in moto's place, edits of moto's answer); another service's request goes to
moto in its key's account; anything else to moto as it came. ``moto-api/reset`` empties every
account's model state with moto's; ``moto-api/reset-auth`` sets the model's gate (moto's own
authorization stays off).

A latency setting (seconds) delays every request before it is served, as a real IAM tens of
milliseconds away would: the bench measures against it (bench/endpoint.py)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from typing import Any

from euare.sandbox.model import (
    auth,
    boundaries,
    conflicts,
    extras,
    moves,
    organizations,
    pages,
    passwords,
    servicecreds,
    sessions,
    simulate,
    tags,
    unsupported,
)
from euare.sandbox.model.context import Accounts, Context, Rules
from euare.sandbox.model.upstream import Upstream, stamp
from euare.sandbox.model.wire import Answer, Call, Refusal, read
from euare.sandbox.moto import forget_member_accounts

RULE_MODULES = (
    conflicts,
    boundaries,
    moves,
    tags,
    servicecreds,
    passwords,
    extras,
    simulate,
    auth,
    sessions,
    organizations,
    unsupported,
    pages,  # last: it pages what the others serve
)
MODELLED = ("iam", "sts", "organizations")  # the services the model serves
# Requests that change nothing a later request reads: no cached page or policy survives others.
READS = ("List", "Get", "Simulate", "Generate", "Describe")


def rules() -> Rules:
    """Every rule of the model, registered."""
    registry = Rules()
    for module in RULE_MODULES:
        module.register(registry)
    return registry


class Model:
    """WSGI: the gate, then the rules, in front of moto's applications (``upstream``)."""

    def __init__(self, upstream: Upstream, latency: float = 0.0) -> None:
        self.upstream = upstream
        self.accounts = Accounts(upstream, rules())
        self.gate = auth.Gate()
        self.latency = latency
        self.requests = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self.lock:
            self.requests += 1
        if self.latency:
            time.sleep(self.latency)
        return self.handle(environ, start_response)

    def handle(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Serve one request now (no latency, not counted): the bench seeds through this."""
        path = str(environ.get("PATH_INFO") or "/")
        if path.startswith("/moto-api/"):
            return self.moto_api(path, environ, start_response)
        call = read(environ)
        if call is None:
            return self.upstream.fallback(environ, start_response)  # type: ignore[no-any-return]
        try:
            context = self.accounts.of(call)
            if call.service not in MODELLED:
                stamp(environ, context.account)
                return self.upstream.fallback(environ, start_response)  # type: ignore[no-any-return]
            answer = self.serve(context, call)
        except Refusal as refusal:
            answer = refusal.answer(call.service)
        return answer.send(start_response)

    def serve(self, context: Context, call: Call) -> Answer:
        with context.turns.turn(call.operation in context.rules.alone):
            return self.served(context, call)

    def served(self, context: Context, call: Call) -> Answer:
        writes = not call.action.startswith(READS)
        self.gate.check(context, call)
        if writes:
            context.changed()
        for check in context.rules.before.get(call.operation, ()):
            check(context, call)
        server = context.rules.instead.get(call.operation)
        answer = server(context, call) if server else context.moto(call)
        if writes:
            context.changed()
        return answer

    def moto_api(self, path: str, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """moto's control API, with the model's state and gate kept in step with it."""
        upstream = self.upstream
        if path.rstrip("/") == "/moto-api/reset-auth":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            given = environ["wsgi.input"].read(length).decode("utf-8", "replace").strip()
            previous = self.gate.set(given)
            body = json.dumps({"PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT": previous}).encode()
            return Answer(200, body, [("Content-Type", "application/json")]).send(start_response)
        answer = upstream.fallback(environ, start_response)
        if path.rstrip("/") == "/moto-api/reset":
            self.reset()
        return answer  # type: ignore[no-any-return]

    def reset(self) -> None:
        """Every account's model state emptied, as moto's are by moto-api/reset (and the
        organizations' members moto's reset forgets to forget)."""
        self.accounts.reset()
        forget_member_accounts()
