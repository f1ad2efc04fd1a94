"""Just the sandbox's server (moto behind the model of IAM) on 127.0.0.1, for the tests and the
bench: ``python -m euare.sandbox.serve [--port N] [--latency MS] [--control]``.

It prints one JSON line, ``{"url": ...}``, once it listens. Without ``--control`` it serves
until SIGTERM or SIGINT. With it, it answers each JSON line read on standard input with one
line: ``{"op": "latency", "ms": 30}``, ``{"op": "reset"}``, ``{"op": "requests"}`` (how many
since last asked), and whatever ``ops`` a caller of :func:`serve` adds (the bench's seeding);
the end of input stops it. ``moto-api/reset`` and ``moto-api/reset-auth`` work over HTTP too.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from euare.sandbox.server import Server

Op = Callable[[Server, dict[str, Any]], dict[str, Any]]


def latency(server: Server, command: dict[str, Any]) -> dict[str, Any]:
    server.model.latency = float(command["ms"]) / 1000
    return {"ok": True}


def requests(server: Server, command: dict[str, Any]) -> dict[str, Any]:
    model = server.model
    with model.lock:
        count, model.requests = model.requests, 0
    return {"requests": count}


def reset(server: Server, command: dict[str, Any]) -> dict[str, Any]:
    from werkzeug.test import Client

    # in this process: a failure of moto's reset raises here, through the test client
    Client(server.model.handle).post("/moto-api/reset").close()
    return {"ok": True}


OPS: dict[str, Op] = {"latency": latency, "requests": requests, "reset": reset}


def serve(
    commands: Iterable[str],
    out: IO[str],
    ops: Mapping[str, Op] | None = None,
    port: int = 0,
    delay: float = 0.0,
) -> None:
    """Listen, print the URL, then obey ``commands`` (JSON lines) until they end."""
    server = Server(port, delay)
    every = {**OPS, **(ops or {})}

    def say(reply: dict[str, Any]) -> None:
        out.write(json.dumps(reply) + "\n")
        out.flush()

    say({"url": server.url})
    try:
        for line in commands:
            try:
                command = json.loads(line)
                op = every.get(command.get("op"))
                if op is None:
                    raise ValueError(f"unknown op {command.get('op')!r}")
                say(op(server, command))
            except Exception as exc:
                say({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        server.stop()


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m euare.sandbox.serve", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--latency", type=float, default=0.0, help="ms before each answer")
    parser.add_argument("--control", action="store_true", help="obey JSON lines on stdin")
    options = parser.parse_args(argv)
    if options.control:
        serve(sys.stdin, sys.stdout, port=options.port, delay=options.latency / 1000)
        return 0
    server = Server(options.port, options.latency / 1000)
    print(json.dumps({"url": server.url}), flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
