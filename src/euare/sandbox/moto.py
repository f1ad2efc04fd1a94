"""What the sandbox's moto (in this process) needs to serve a snapshot loaded with
``euare-sandbox --load`` (docs/snapshot.md): the snapshot read and checked before anything
starts, the environment moto reads (the account, AWS managed policies); and every touch of
moto's internals (access key IDs, an AWS managed policy in one account, the members of
organizations that a reset left, two lookups moto redid for every request). The recreation
itself is :mod:`euare.sandbox.load`; the administrator's credentials are
:mod:`euare.sandbox.server`'s.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
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


def keep_key_id(account: str, made: str, wanted: str, created: str | None) -> None:
    """Give the access key moto just made (ID ``made``) the snapshot's ID and CreateDate.

    IAM's API cannot make a key with a chosen ID, and accountdiff compares key IDs; but the
    sandbox runs moto in this process, so the key is renamed in moto's in-memory IAM backend:
    the AccessKey's ``access_key_id`` (the user's list holds the same object) and the backend's
    ``access_keys`` dict, keyed by the ID. Its ``create_date`` (naive UTC) is set too, so that
    scripts judging keys by age see production's ages. moto's internals are touched in this
    module only; when moto changes them, this raises and the caller keeps moto's ID.
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


@lru_cache(maxsize=1)
def _aws_policies() -> dict[str, Any]:
    """moto's copy of AWS's managed policies, by name (read once: a third of a second)."""
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return dict(json.loads(aws_managed_policies_data))


def provide_aws_policy(account: str, arn: str) -> bool:
    """AWS managed policy ``arn`` in ``account``'s IAM in moto, as in every AWS account; False
    when moto does not know the policy.

    moto holds AWS's managed policies in an account only when MOTO_IAM_LOAD_MANAGED_POLICIES
    was set as the account's IAM was made (all 1,600 of them: the sandbox sets it only for a
    snapshot that attaches one), so an account the model makes a role in with one attached
    (Organizations' CreateAccount, euare.sandbox.model.organizations) is given that one policy
    from moto's own copy: an ``AWSManagedPolicy`` in the backend's ``managed_policies`` (keyed
    by its ARN) and ``aws_managed_policies``, as moto's loading makes it. When moto changes
    these, this raises.
    """
    from moto.iam.models import AWSManagedPolicy, iam_backends

    backend = iam_backends[account]["aws"]
    if arn in backend.managed_policies:
        return True
    name = arn.rsplit("/", 1)[-1]
    data = _aws_policies().get(name)
    if data is None:
        return False
    policy = AWSManagedPolicy.from_data(name, account, backend.region_name, data)
    if policy.arn != arn:
        return False
    backend.aws_managed_policies.append(policy)  # what moto tells from customers' policies
    backend.managed_policies[policy.arn] = policy
    return True


def remember_lookups() -> None:
    """Two answers moto works out again for every request, kept after the first: the names of
    a response class's methods (``inspect.getmembers`` of the class, to find the action's
    handler) and a service's table of error codes (every error shape of the service's model,
    built anew for each error answer, since moto caches it in a factory it makes per error).
    Both depend only on the class and the service's model, which never change in a process.
    A fifth of the sandbox's CPU a request went to these two when a third of the requests
    were answered NoSuchEntity (a snapshot's GetLoginProfile of a user without a password).
    Where moto no longer has them as this expects, it is left as it is."""
    import functools

    from moto.core import errors, responses

    names = getattr(responses, "method_names_from_class", None)
    if callable(names) and not hasattr(names, "cache_info"):
        responses.method_names_from_class = functools.cache(names)  # type: ignore[attr-defined]
    factory = getattr(errors, "ErrorLookupFactory", None)
    made = getattr(factory, "__init__", None)
    if factory is None or made is None or getattr(made, "shared", None) is not None:
        return
    shared: dict[str, Any] = {}

    def init(self: Any) -> None:
        made(self)
        if isinstance(getattr(self, "_error_lut_cache", None), dict):
            self._error_lut_cache = shared

    init.shared = shared  # type: ignore[attr-defined]
    factory.__init__ = init


def forget_member_accounts() -> None:
    """moto's reset empties every account but leaves its table of which organization each
    member account was created in (``organizations_backends.master_accounts``): a member's
    account ID would still name an organization that is gone. The sandbox's reset empties it
    too."""
    from moto.organizations.models import organizations_backends

    organizations_backends.master_accounts.clear()
