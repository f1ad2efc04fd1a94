"""What every rule of the model is given: the account a request is served in (a
:class:`Context`: moto in that account, the model's state of the account, its generation), and
the registry of rules (:class:`Rules`), so that a rule answering in moto's place (the pager,
say) still has moto's answer edited by the rules that edit it (GetAccountAuthorizationDetails
with users' permission boundaries).

The sandbox serves many accounts (an AWS Organization's: Organizations' CreateAccount makes
them), and everything the model keeps is one account's: :class:`Accounts` holds a Context an
account. A request is served in its access key's account, as AWS serves it:

- a key made by IAM's CreateAccessKey is the account's it was made in (its user's);
  STS's AssumeRole makes one of the role's account; GetSessionToken one of the caller's. The
  model records each from the answer that made it (:mod:`auth` reads those answers anyway);
- a key the model did not see made (moto's own, say) is the account moto maps it to: the model
  asks moto once (STS GetCallerIdentity, without naming an account) and remembers the answer.

Every request the model then hands moto names that account (:mod:`upstream`, moto's
``x-moto-account-id`` header), so moto and the model never disagree about it: moto on its own
maps a key to an account only when some account's IAM holds it (users' keys, role sessions),
and GetSessionToken's keys to its default account, where AWS keeps the caller's. A client's
own ``x-moto-account-id`` header is not obeyed (AWS has none). ``MOTO_ACCOUNT_ID`` (a loaded
snapshot's account: ``euare-sandbox --load``) makes moto serve every request in that account,
and the model does the same."""

from __future__ import annotations

import os
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from euare.sandbox.model.state import Store
from euare.sandbox.model.upstream import Upstream
from euare.sandbox.model.wire import Answer, Call, text

MOTO_DEFAULT_ACCOUNT = "123456789012"

Check = Callable[["Context", Call], None]  # raises wire.Refusal to refuse the request
Serve = Callable[["Context", Call], Answer]  # answers in moto's place
Edit = Callable[["Context", Call, Answer], Answer]  # edits moto's successful answer


@dataclass
class Rules:
    """The model's rules by Action: checks before moto, a server instead of moto, edits after."""

    before: dict[str, list[Check]] = field(default_factory=dict)
    instead: dict[str, Serve] = field(default_factory=dict)
    after: dict[str, list[Edit]] = field(default_factory=dict)
    alone: set[str] = field(default_factory=set)  # served while no other request is

    def serve_alone(self, *actions: str) -> None:
        """``actions`` are served while no other request is (their rules make states in
        between that no other request may see: see :class:`Turns`)."""
        self.alone.update(actions)

    def check(self, *actions: str) -> Callable[[Check], Check]:
        def register(rule: Check) -> Check:
            for action in actions:
                self.before.setdefault(action, []).append(rule)
            return rule

        return register

    def serve(self, *actions: str) -> Callable[[Serve], Serve]:
        def register(rule: Serve) -> Serve:
            for action in actions:
                if action in self.instead:
                    raise ValueError(f"{action} is served twice")
                self.instead[action] = rule
            return rule

        return register

    def edit(self, *actions: str) -> Callable[[Edit], Edit]:
        def register(rule: Edit) -> Edit:
            for action in actions:
                self.after.setdefault(action, []).append(rule)
            return rule

        return register


class Turns:
    """Requests served side by side, and the few served alone: a rule that renames an entity
    for a moment (euare.sandbox.model.moves) must not be seen meanwhile. A request to be served
    alone waits for those being served, and holds back those that come after it."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.serving = 0
        self.waiting = 0  # requests waiting to be served alone
        self.alone = False

    @contextmanager
    def side_by_side(self) -> Iterator[None]:
        with self.condition:
            while self.alone or self.waiting:
                self.condition.wait()
            self.serving += 1
        try:
            yield
        finally:
            with self.condition:
                self.serving -= 1
                self.condition.notify_all()

    @contextmanager
    def by_itself(self) -> Iterator[None]:
        with self.condition:
            self.waiting += 1
            while self.alone or self.serving:
                self.condition.wait()
            self.waiting -= 1
            self.alone = True
        try:
            yield
        finally:
            with self.condition:
                self.alone = False
                self.condition.notify_all()

    def turn(self, alone: bool) -> AbstractContextManager[None]:
        return self.by_itself() if alone else self.side_by_side()


class Context:
    """One account as the model serves it: moto (every request made for it in the account),
    the model's state of the account, the rules, and the generation of the account's contents
    (raised by every request that may change something, so that what was read before is read
    again). The pager's snapshots, the directory and every rule's state are the account's own
    (:class:`Accounts` holds one Context an account)."""

    def __init__(self, upstream: Upstream, rules: Rules, account: str, accounts: Accounts) -> None:
        self.upstream = upstream
        self.rules = rules
        self.account = account
        self.accounts = accounts
        self.store = Store()
        self.turns = accounts.turns
        self.generation = 0
        self.lock = threading.Lock()
        self.cache: dict[str, Any] = {}  # what a rule module keeps across requests, by name

    def changed(self) -> None:
        with self.lock:
            self.generation += 1

    def elsewhere(self, account: str) -> Context:
        """Another account of the sandbox (this one for its own ID)."""
        return self if account == self.account else self.accounts.get(account)

    def moto(self, call: Call, params: dict[str, str] | None = None) -> Answer:
        """moto's answer to ``call`` (with ``params``) in this account, edited by the rules
        that edit it."""
        answer = self.upstream.forward(call, params, self.account)
        if answer.ok:
            for edit in self.rules.after.get(call.operation, ()):
                answer = edit(self, call, answer)
        return answer

    def request(self, call: Call, action: str, service: str = "iam", **params: str) -> Answer:
        """moto's answer to a sub-request made for ``call`` in this account (its failure too)."""
        return self.upstream.request(call, action, service, self.account, **params)

    def ask(self, call: Call, action: str, service: str = "iam", **params: str) -> ET.Element:
        """The XML of moto's answer to a sub-request made for ``call`` in this account, or the
        Refusal moto answered with (see Upstream.ask)."""
        return self.upstream.ask(call, action, service, self.account, **params)


class Accounts:
    """Every account the sandbox serves, each its own :class:`Context`, made when first
    served; and the account of every access key (see the module's docstring)."""

    def __init__(self, upstream: Upstream, rules: Rules) -> None:
        self.upstream = upstream
        self.rules = rules
        self.turns = Turns()
        self.lock = threading.Lock()
        self.contexts: dict[str, Context] = {}
        self.owners: dict[str, str] = {}  # access key ID -> its account

    def get(self, account: str) -> Context:
        with self.lock:
            found = self.contexts.get(account)
            if found is None:
                found = self.contexts[account] = Context(self.upstream, self.rules, account, self)
            return found

    def own(self, key_id: str, account: str) -> None:
        """Access key ``key_id`` is ``account``'s (an answer that made it says so)."""
        with self.lock:
            self.owners[key_id] = account

    def of(self, call: Call) -> Context:
        """The account ``call`` is served in: the account moto is told to serve every request
        in (``MOTO_ACCOUNT_ID``, a loaded snapshot's), else its access key's."""
        forced = os.environ.get("MOTO_ACCOUNT_ID")
        if forced:
            return self.get(forced)
        key_id = call.key_id
        with self.lock:
            account = self.owners.get(key_id)
        if account is None:
            answer = self.upstream.request(call, "GetCallerIdentity", "sts")
            account = text(answer.root, "GetCallerIdentityResult", "Account") if answer.ok else None
            account = account or MOTO_DEFAULT_ACCOUNT
            self.own(key_id, account)
        return self.get(account)

    def reset(self) -> None:
        """Every account's state gone (moto-api/reset), the keys' accounts with it."""
        with self.lock:
            self.contexts.clear()
            self.owners.clear()
