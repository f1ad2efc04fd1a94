"""What the sandbox's moto (in this process) needs to serve a snapshot loaded with
``euare-sandbox --load`` (docs/snapshot.md): the snapshot read and checked before anything
starts, the environment moto reads (the account, AWS managed policies), the administrator's
credentials, and the one touch of moto's internals (access key IDs). The recreation itself is
:mod:`euare.sandbox.load`.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from euare.core.errors import UsageError
from euare.state.load import read

MOTO_DEFAULT_ACCOUNT = "123456789012"
# With --enforce-auth, moto needs a real user for the administrator's key: it lives here.
ADMIN_PATH = "/euare-sandbox/"


@dataclass
class Plan:
    """A snapshot read and checked before the sandbox starts, and the environment moto's
    process needs to serve it: its account, and AWS managed policies when any is attached."""

    snapshot: dict[str, Any]
    origin: str
    account: str
    environment: dict[str, str]


def prepare(path: str, stdin: IO[str]) -> Plan:
    """The plan for ``--load PATH``; a usage error (nothing started yet) for a bad file."""
    snapshot = read(path, stdin)
    origin = "standard input" if path == "-" else path
    account = snapshot.get("Account")
    if account is None:  # an empty account: moto's own is as good as any
        account = MOTO_DEFAULT_ACCOUNT
    if not (isinstance(account, str) and len(account) == 12 and account.isdigit()):
        raise UsageError(f"{origin}: Account {account!r} is not a 12-digit account ID")
    environment = {"MOTO_ACCOUNT_ID": account}
    if any(":iam::aws:policy/" in arn for arn in _attached(snapshot)):
        environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    return Plan(snapshot, origin, account, environment)


def _attached(snapshot: Mapping[str, Any]) -> Iterator[str]:
    """The ARNs of the managed policies the snapshot's users, groups and roles attach."""
    for kind in ("Users", "Groups", "Roles"):
        for record in snapshot.get(kind) or []:
            for attached in record.get("AttachedManagedPolicies") or []:
                yield str(attached.get("PolicyArn"))


@contextmanager
def serving(plan: Plan) -> Iterator[None]:
    """``plan.environment`` in this process's environment (where moto reads it), restored after."""
    import os

    before = {name: os.environ.get(name) for name in plan.environment}
    os.environ.update(plan.environment)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def random_key() -> tuple[str, str]:
    """An access key ID and secret in AWS's shapes, for a sandbox that checks no credentials."""
    upper = string.ascii_uppercase + "234567"
    key = "AKIA" + "".join(secrets.choice(upper) for _ in range(16))
    return key, secrets.token_urlsafe(30)[:40]


def administrator(
    url: str, plan: Plan, enforce_auth: bool, warn: Callable[[str], None]
) -> tuple[str, str]:
    """The credentials the sandbox hands out for a loaded snapshot.

    Without --enforce-auth moto checks no credentials, so no IAM user is made: the account
    holds the snapshot's users and nobody else. With it, moto accepts only a key of a user of
    the account, so an administrator is made (under ADMIN_PATH, named so as not to clash with
    a loaded user) and the user is told that the account has one user more than the snapshot.
    """
    if not enforce_auth:
        return random_key()
    from euare.sandbox.server import ADMIN, bootstrap

    taken = {str(user.get("UserName")) for user in plan.snapshot.get("Users") or []}
    name, number = ADMIN, 1
    while name in taken:
        number += 1
        name = f"{ADMIN}-{number}"
    credentials = bootstrap(url, name, ADMIN_PATH)
    warn(
        f"--enforce-auth needs an IAM user for the credentials it hands out: {name} "
        f"(path {ADMIN_PATH}) is one user more than {plan.origin} has"
    )
    return credentials


def keep_key_id(account: str, made: str, wanted: str, created: str | None) -> None:
    """Give the access key moto just made (ID ``made``) the snapshot's ID and CreateDate.

    IAM's API cannot make a key with a chosen ID, and accountdiff compares key IDs; but the
    sandbox runs moto in this process, so the key is renamed in moto's in-memory IAM backend:
    the AccessKey's ``access_key_id`` (the user's list holds the same object) and the backend's
    ``access_keys`` dict, keyed by the ID. Its ``create_date`` (naive UTC) is set too, so that
    scripts judging keys by age see production's ages. This is the one place euare touches
    moto's internals; when moto changes them, this raises and the caller keeps moto's ID.
    """
    from moto.iam.models import iam_backends

    backend = iam_backends[account]["aws"]
    if wanted in backend.access_keys:
        raise RuntimeError(f"{wanted} is already taken")
    key = backend.access_keys[made]
    if key.access_key_id != made:
        raise RuntimeError("moto keeps keys differently")
    if created:
        key.create_date = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    key.access_key_id = wanted
    backend.access_keys[wanted] = backend.access_keys.pop(made)
