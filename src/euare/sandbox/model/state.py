"""What the model keeps that moto does not: users' permission boundaries, tags on the kinds moto
drops them for, service-specific credentials, login passwords (for ChangePassword), OpenID
Connect client IDs added and removed, and the credentials the gate checks signatures with.
One account's worth: each account the sandbox serves has its own Store (its
:class:`~context.Context`'s); all of them go with ``moto-api/reset``, and an entity's part goes
with the entity (each rule module forgets what it keeps)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Credential:
    """An access key the gate knows: a user's own, or a role session's (from AssumeRole), kept
    in the Store of the key's account (a role session's: the role's account)."""

    key_id: str
    secret: str
    user: str = ""  # the IAM user whose key (or session) this is
    role_arn: str = ""  # a role session's role
    session: str = ""  # a role session's name
    token: str = ""  # a session's token
    active: bool = True


@dataclass
class ServiceCredential:
    """A service-specific credential (CreateServiceSpecificCredential)."""

    id: str
    user: str
    service: str
    service_user: str
    password: str
    created: str
    status: str = "Active"


@dataclass
class Store:
    """The model's own state, guarded by ``lock``."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    boundaries: dict[str, str] = field(default_factory=dict)  # user name -> policy ARN
    # (kind, id) -> {key in lower case: (key, value)}: IAM tag keys differ in more than case
    tags: dict[tuple[str, str], dict[str, tuple[str, str]]] = field(default_factory=dict)
    service_credentials: dict[str, ServiceCredential] = field(default_factory=dict)  # by ID
    passwords: dict[str, str] = field(default_factory=dict)  # user name -> password
    client_ids: dict[str, list[str]] = field(default_factory=dict)  # OIDC provider ARN -> IDs
    credentials: dict[str, Credential] = field(default_factory=dict)  # by access key ID

    def reset(self) -> None:
        with self.lock:
            self.boundaries.clear()
            self.tags.clear()
            self.service_credentials.clear()
            self.passwords.clear()
            self.client_ids.clear()
            self.credentials.clear()

    def forget_user(self, name: str) -> None:
        """A deleted user's part of the state."""
        with self.lock:
            self.boundaries.pop(name, None)
            self.passwords.pop(name, None)
            for key, cred in list(self.service_credentials.items()):
                if cred.user == name:
                    del self.service_credentials[key]
            for key_id, credential in list(self.credentials.items()):
                if credential.user == name:
                    del self.credentials[key_id]

    def rename_user(self, old: str, new: str) -> None:
        """UpdateUser's NewUserName: what was the old name's is the new name's."""
        with self.lock:
            for table in (self.boundaries, self.passwords):
                if old in table:
                    table[new] = table.pop(old)
            for cred in self.service_credentials.values():
                if cred.user == old:
                    cred.user = new
            for credential in self.credentials.values():
                if credential.user == old:
                    credential.user = new
