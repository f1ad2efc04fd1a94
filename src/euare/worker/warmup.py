"""What the warm worker (worker.py) does once, before its first fork: import what calls use,
parse the models, and walk every code path a call takes once, so that no child pays for it."""

from __future__ import annotations

import os
from typing import Any


def warm_up() -> None:
    """Import what calls use and parse the models, once, before any fork."""
    import importlib

    import botocore.client
    import botocore.paginate
    import botocore.parsers
    import botocore.session  # noqa: F401

    from euare.cli.table import FAMILIES
    from euare.core import models, redact

    for family in FAMILIES:
        importlib.import_module(f"euare.verbs.{family}")
    for name in ("euare.entry", "euare.core.streams", "encodings.idna", "encodings.utf_8_sig"):
        importlib.import_module(name)
    models.preload(os.environ)
    redact._patterns()
    _rehearse()
    import gc

    gc.collect()
    gc.freeze()  # the collector leaves what calls share alone: fewer pages copied per fork


def _rehearse() -> None:
    """One IAM and one STS call on throwaway clients, answered by a canned page instead of the
    network (botocore's before-send event), so that the first use of every code path a call
    takes (lazy imports, compiled patterns, caches of code) is paid once, here. No euare state
    is touched: euare's clients and its registry of secrets stay empty."""
    from botocore.awsrequest import AWSResponse

    from euare.call.client import new_session, register_hooks

    class Canned:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self, **_: Any) -> Any:
            yield self.body

    answers = {
        "iam": b"<ListUsersResponse><ListUsersResult><Users/><IsTruncated>false</IsTruncated>"
        b"</ListUsersResult></ListUsersResponse>",
        "sts": b"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>000000000000"
        b"</Account><Arn>arn:aws:iam::000000000000:user/x</Arn><UserId>X</UserId>"
        b"</GetCallerIdentityResult></GetCallerIdentityResponse>",
    }
    session = new_session()
    for service, body in answers.items():
        made = session.create_client(
            service,
            region_name="us-east-1",
            endpoint_url="http://127.0.0.1:9/",
            aws_access_key_id="AKIAREHEARSAL0000000",
            aws_secret_access_key="rehearsal",
        )
        register_hooks(made.meta.events, service)
        made.meta.events.register(
            "before-send",
            lambda request, _b=body, **_: AWSResponse(request.url, 200, {}, Canned(_b)),
        )
        if service == "iam":
            list(made.get_paginator("list_users").paginate())
        else:
            made.get_caller_identity()
