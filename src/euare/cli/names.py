"""Names of the account's users, groups, roles, instance profiles and policies, asked
of the endpoint for shell completion (the parameters' ``shell_complete``): one page, quickly,
or nothing."""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import Callable
from typing import Any

import click

from euare.call.context import Call

# What IAM lists for each kind of name: operation, result key, name field (one page, at most
# MaxItems: a completion must answer at once, and a thousand names is more than anyone reads).
KINDS: dict[str, tuple[str, str, str]] = {
    "user": ("ListUsers", "Users", "UserName"),
    "group": ("ListGroups", "Groups", "GroupName"),
    "role": ("ListRoles", "Roles", "RoleName"),
    "instance profile": ("ListInstanceProfiles", "InstanceProfiles", "InstanceProfileName"),
    "policy": ("ListPolicies", "Policies", "PolicyName"),
}
MAX_ITEMS = 1000
# Of the whole fetch's time (settings, client, request: EUARE_COMPLETION_TIMEOUT, else 2 s,
# euare.core.settings.completion_timeout), what the request may take to connect and to read.
CONNECT_SHARE = 0.5
READ_SHARE = 0.75


def names(ctx: click.Context, kind: str, incomplete: str) -> list[str]:
    """The names of the account's ``kind`` (a key of :data:`KINDS`) that start with
    ``incomplete``, asked of the endpoint the verb would use, with its credentials (the
    completing line's options, the environment, the files); none when that fails or takes
    longer than ``EUARE_COMPLETION_TIMEOUT`` seconds (2 by default). A managed policy is
    completed by name, or by ARN once ``arn:`` is typed, or by /PATH/NAME once ``/`` is typed."""
    from euare.core.terminal import visible

    call = ctx.find_object(Call)
    if call is None:
        call = Call("euare", os.environ, io.StringIO(), io.StringIO(), io.StringIO())
    from euare.core.settings import completion_timeout

    items = _within(completion_timeout(call.env), lambda: _listed(call, kind))
    field = KINDS[kind][2]
    if kind == "policy" and incomplete.startswith("arn:"):
        spelled = [str(item.get("Arn", "")) for item in items]
    elif kind == "policy" and incomplete.startswith("/"):
        spelled = [f"{item.get('Path', '/')}{item.get(field, '')}" for item in items]
    else:
        spelled = [str(item.get(field, "")) for item in items]
    # A name that would show escaped (it could drive the terminal a shell lists candidates on:
    # euare.core.terminal) is left out: escaped, it would complete to a name that does not exist.
    return sorted(
        {n for n in spelled if n and n.startswith(incomplete) and visible(n, one_line=True) == n}
    )


def _listed(call: Call, kind: str) -> list[dict[str, Any]]:
    """One page of ``kind``, asked once (no retries) with short timeouts; only with the
    credentials euare's own loader finds, since boto3's chain may prompt (an MFA code for a
    profile's role) or wait for an instance's metadata."""
    from dataclasses import replace

    from euare.call.client import call as send
    from euare.core.settings import completion_timeout

    settings = call.settings()
    if not settings.has_credentials:
        return []
    deadline = completion_timeout(call.env)
    quick = replace(
        settings,
        connect_timeout=deadline * CONNECT_SHARE,
        read_timeout=deadline * READ_SHARE,
        max_attempts=1,
    )
    operation, key, _ = KINDS[kind]
    params: dict[str, Any] = {"MaxItems": MAX_ITEMS}
    if kind == "policy":
        params["Scope"] = "Local"  # the account's own: AWS's are named by ARN
    answer = send(call.client_factory(quick, 1), operation, **params)
    return [item for item in answer.get(key, []) if isinstance(item, dict)]


def _within(seconds: float, fetch: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """``fetch()``, or nothing if it fails or is not done within ``seconds``; it runs in a
    daemon thread, which the process leaves behind (a TAB must not wait on a hung endpoint)."""
    box: list[list[dict[str, Any]]] = []

    def run() -> None:
        with contextlib.suppress(BaseException):  # a failure is no candidates, never a message
            box.append(fetch())

    thread = threading.Thread(target=run, name="euare-complete", daemon=True)
    thread.start()
    thread.join(seconds)
    return box[0] if box else []
