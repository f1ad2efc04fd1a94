"""The accounts of ``--org``: which there are (Organizations' ListAccounts, or a file of IDs),
which of them are chosen (``--only``, ``--skip``), and entering one: a :class:`Call` of its own
whose clients sign with the credentials of a role assumed in it (docs/organizations.md).

Entering. The caller's own account is entered as it is, with the caller's credentials. Any
other is entered through STS AssumeRole of ``arn:PARTITION:iam::ID:role/ROLE`` (the STS endpoint
is the caller's, as euare-stsassumerole's: ``TOKEN_URL``), under a session name that says it is
euare. The first AssumeRole is made here, so an account that cannot be entered fails at once
and says why; the credentials are botocore's refreshable ones, asked for again (through the
same AssumeRole) when they near expiry, so an account that takes longer than the role's session
is not cut off. They are held in memory only, and their secret key and token are registered as
secrets (euare.core.sensitive: "assumed") the moment they arrive.
"""

from __future__ import annotations

import fnmatch
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from euare.core.errors import EuareError, UsageError

if TYPE_CHECKING:
    from euare.call.context import Call
    from euare.core.settings import Settings

DEFAULT_ROLE = "OrganizationAccountAccessRole"
SESSION_SECONDS = 3600  # each AssumeRole's; botocore asks again 15 minutes before the end
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")


@dataclass(frozen=True)
class Account:
    """One account of the organization: its ID and its name ("" when a file gave none)."""

    id: str
    name: str = ""

    def says(self) -> str:
        """The account as a message names it: ``111122223333 (prod)``."""
        return f"{self.id} ({self.name})" if self.name else self.id


def listed(call: Call) -> Iterator[Account]:
    """The organization's ACTIVE accounts, as Organizations' ListAccounts gives them, page after
    page (a suspended account, or one being closed, cannot be entered)."""
    for item in call.pages("ListAccounts", "Accounts", service="organizations"):
        state = item.get("State") or item.get("Status")
        if state == "ACTIVE":
            yield Account(str(item["Id"]), str(item.get("Name") or ""))


def parse_list(text: str, origin: str) -> list[Account]:
    """The accounts of an ``--accounts`` file: one ID a line, optionally followed by its name;
    blank lines and ``#`` comments are passed over. Anything else is refused (a usage error)."""
    found: dict[str, Account] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        account, _, name = line.partition(" ")
        account = account.strip()
        if not ACCOUNT_ID.match(account):
            raise UsageError(f"{origin}, line {number}: {account!r} is not a 12-digit account ID")
        found.setdefault(account, Account(account, " ".join(name.split())))
    return list(found.values())


def chosen(accounts: Iterable[Account], only: Iterable[str], skip: Iterable[str]) -> list[Account]:
    """``accounts`` that match one of ``only`` (all, when none is given) and none of ``skip``:
    each an account ID or a glob of IDs or names (``prod-*``)."""
    keep, drop = list(only), list(skip)

    def matches(account: Account, patterns: list[str]) -> bool:
        return any(
            fnmatch.fnmatchcase(account.id, p) or fnmatch.fnmatchcase(account.name, p)
            for p in patterns
        )

    return [a for a in accounts if (not keep or matches(a, keep)) and not matches(a, drop)]


def session_name(prog: str) -> str:
    """The role session's name: it says euare, and which verb (CloudTrail shows it)."""
    name = re.sub(r"[^\w+=,.@-]", "-", prog)
    return name if name.startswith("euare") else f"euare-{name}"[:64]


def enter(parent: Call, account: Account, role: str, own: str) -> Call:
    """A Call of ``account``'s own: the same options, settings and streams as ``parent``, its
    clients signing with ``role`` assumed in it (``own``, the caller's account, as it is). The
    first AssumeRole is made now: a failure is raised here."""
    from dataclasses import replace

    partition = parent.account[0] if parent.account else "aws"
    if account.id == own:  # the caller's own clients (and their cache)
        return replace(
            parent,
            account=(partition, own),
            _settings=dict(parent._settings),
            _lock=threading.RLock(),
        )
    credentials = assumed(parent, f"arn:{partition}:iam::{account.id}:role/{role}")
    clients: dict[tuple[str, int | None], Any] = {}
    lock = threading.Lock()

    def factory(settings: Settings, attempts: int | None) -> Any:
        from euare.call.client import make_client

        key = (settings.service, attempts)
        with lock:
            if key not in clients:
                clients[key] = make_client(settings, attempts, credentials=credentials)
            return clients[key]

    return replace(
        parent,
        account=(partition, account.id),
        client_factory=factory,
        _settings=dict(parent._settings),
        _lock=threading.RLock(),
    )


def assumed(parent: Call, role_arn: str) -> Any:
    """botocore's refreshable credentials of ``role_arn``, assumed through ``parent``'s STS
    (the first time now, then again whenever botocore finds them near their end)."""
    from botocore.credentials import RefreshableCredentials

    def fetch() -> dict[str, str]:
        return role_credentials(parent, role_arn)

    return RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="assume-role"
    )


def role_credentials(parent: Call, role_arn: str) -> dict[str, str]:
    """STS AssumeRole of ``role_arn`` through ``parent``: the credentials, as botocore's
    refreshable credentials take them, their secrets registered first."""
    from euare.core.redact import register_secret
    from euare.core.render import as_text

    answer = parent.request(
        "AssumeRole",
        service="sts",
        RoleArn=role_arn,
        RoleSessionName=session_name(parent.prog),
        DurationSeconds=SESSION_SECONDS,
    )
    got = answer.get("Credentials") or {}
    register_secret("assumed", got.get("SecretAccessKey"), got.get("SessionToken"))
    if not got.get("AccessKeyId") or not got.get("SecretAccessKey"):
        raise EuareError(f"STS gave no credentials for {role_arn}")
    return {
        "access_key": str(got["AccessKeyId"]),
        "secret_key": str(got["SecretAccessKey"]),
        "token": str(got.get("SessionToken") or ""),
        "expiry_time": as_text(got.get("Expiration")) or _an_hour(),
    }


def _an_hour() -> str:
    from datetime import datetime, timedelta, timezone

    from euare.core.render import as_text

    return as_text(datetime.now(timezone.utc) + timedelta(seconds=SESSION_SECONDS))
