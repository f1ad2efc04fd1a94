"""What every rule of the model is given: moto (:class:`~upstream.Upstream`), the model's own
state (:class:`~state.Store`), the account served, and the registry of rules (:class:`Rules`),
so that a rule answering in moto's place (the pager, say) still has moto's answer edited by the
rules that edit it (GetAccountAuthorizationDetails with users' permission boundaries)."""

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
from euare.sandbox.model.wire import Answer, Call

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
    """moto, the model's state, its rules, and the generation of the account's contents (raised
    by every request that may change something, so that what was read before is read again)."""

    def __init__(self, upstream: Upstream, rules: Rules) -> None:
        self.upstream = upstream
        self.rules = rules
        self.store = Store()
        self.turns = Turns()
        self.generation = 0
        self.lock = threading.Lock()
        self.cache: dict[str, Any] = {}  # what a rule module keeps across requests, by name

    @property
    def account(self) -> str:
        """The account the sandbox serves (moto reads the same variable on every request)."""
        return os.environ.get("MOTO_ACCOUNT_ID") or MOTO_DEFAULT_ACCOUNT

    def changed(self) -> None:
        with self.lock:
            self.generation += 1

    def moto(self, call: Call, params: dict[str, str] | None = None) -> Answer:
        """moto's answer to ``call`` (with ``params``), edited by the rules that edit it."""
        answer = self.upstream.forward(call, params)
        if answer.ok:
            for edit in self.rules.after.get(call.action, ()):
                answer = edit(self, call, answer)
        return answer

    def ask(self, call: Call, action: str, **params: str) -> ET.Element:
        """The XML of moto's answer to a sub-request made for ``call`` (see Upstream.ask)."""
        return self.upstream.ask(call, action, **params)
