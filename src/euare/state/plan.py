"""A plan: the steps that make an account match a desired snapshot (``euare-accountapply``,
docs/apply.md), found from one snapshot of the account and nothing else.

The plan is built from the comparison ``euare-accountdiff`` makes (:func:`euare.state.diff.
compare`, the account as it is against the desired state), kind by kind (:mod:`euare.state.
steps`). Each step is one euare command (its text form, a line of the dry run's shell script,
:mod:`euare.state.script`) and the IAM calls that command makes (:mod:`euare.state.apply` runs
them).

Order. IAM refuses a delete while anything is attached, a role while an instance profile holds
it, a policy while it is attached or has other versions, and an attachment of a policy that does
not exist yet. So the steps come in :data:`PHASES`, each after the one before has ended: the
managed policies first (made, or given their new default version), then the entities (made or
changed), then everything taken away (memberships, attachments, inline policies, boundaries, an
instance profile's roles), then everything given, then the entities deleted, then the managed
policies deleted (their other versions first). Within a phase the steps of different entities
(lanes) are independent and may run at the same time; one entity's steps run in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

POLICIES, ENTITIES, DETACH, ATTACH, DELETE, DELETE_POLICIES = range(1, 7)
PHASES = {
    POLICIES: "managed policies made or given a new default version",
    ENTITIES: "entities made or changed",
    DETACH: "what is no longer wanted taken away",
    ATTACH: "what is wanted given",
    DELETE: "entities deleted",
    DELETE_POLICIES: "managed policies deleted",
}

# How a step is applied (euare.state.apply): an idempotent call; a removal, where "it is gone"
# means done; a create, sent once; or one of the composite steps that are whole commands.
CALL, REMOVE, CREATE, USERDEL, POLICYDEL, VERSION = (
    "call",
    "remove",
    "create",
    "userdel",
    "policydel",
    "version",
)


@dataclass(frozen=True)
class Step:
    """One euare command (``argv``, with ``stdin`` piped to it) and the IAM ``operation`` it
    sends with ``params`` (``how`` it is sent: see the constants above). ``lane``: the steps of
    one lane run in order; ``kind`` and ``name`` say which entity it is about."""

    phase: int
    lane: str
    kind: str
    name: str
    says: str
    operation: str
    params: Mapping[str, Any]
    argv: tuple[str, ...]
    stdin: str | None = None
    how: str = CALL


@dataclass(frozen=True)
class Note:
    """Something the plan does not do, and why: an entity not in DESIRED and kept (no
    ``--prune``), a difference in credentials (reported, never applied), an entity never
    touched (AWS's, CloudFormation's, ``--ignore``d)."""

    kind: str
    name: str
    what: str

    def line(self) -> str:
        return f"{self.kind} {self.name}: {self.what}"


@dataclass
class Plan:
    """The steps, in the order they run (phase after phase), and the notes."""

    account: str | None
    steps: list[Step] = field(default_factory=list)
    kept: list[Note] = field(default_factory=list)  # not in DESIRED: kept, or credentials
    held: list[Note] = field(default_factory=list)  # differences reported, not applied
    untouched: list[Note] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.steps

    def phases(self) -> list[list[Step]]:
        """The steps phase by phase, each phase's in plan order."""
        return [[s for s in self.steps if s.phase == phase] for phase in PHASES]

    def rows(self) -> list[dict[str, Any]]:
        """A row per step for --format table."""
        return [
            {"Step": n, "Kind": s.kind, "Name": s.name, "Description": s.says}
            for n, s in enumerate(self.steps, 1)
        ]


def text_of(document: Any) -> str:
    """A document as it is sent: JSON on one line (a document kept as text: that text)."""
    from euare.policy.documents import dumps

    return document if isinstance(document, str) else dumps(document)


def tag_words(tags: Iterable[Mapping[str, Any]], flag: str) -> list[str]:
    """Tags as a command gives them: ``FLAG KEY=VALUE`` each."""
    return [w for t in tags for w in (flag, f"{t['Key']}={t.get('Value', '')}")]


def words(flag: str, values: Iterable[Any]) -> list[str]:
    """``FLAG VALUE`` for each of ``values``."""
    return [w for v in values for w in (flag, str(v))]
