"""tests/support/order.py: the order a pytest-xdist run takes its tests in. The stretches it
plans for must be those pytest-xdist's worksteal scheduler hands out (read from the installed
pytest-xdist, so that a change there fails here), each waiting module must head one of the
stretches 0, 2, 4..., and every test must be kept, once, beside the rest of its module."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from xdist.scheduler.worksteal import WorkStealingScheduling

from tests.support.order import WAITING, spread, stretches


@dataclass(eq=False)
class Node:
    """What the scheduler needs of a pytest-xdist worker: the tests it is sent."""

    name: str
    shutting_down: bool = False
    sent: list[int] = field(default_factory=list)

    @property
    def gateway(self) -> Any:
        return SimpleNamespace(id=self.name)

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent.extend(indices)


def first_hand_out(count: int, workers: int) -> list[int]:
    """How many tests of ``count`` each of ``workers`` workers is first sent, in the order the
    workers came up."""
    config = SimpleNamespace(getvalue=lambda name: [f"{workers}*popen"] if name == "tx" else None)
    scheduler = WorkStealingScheduling(config)  # type: ignore[arg-type]
    nodes = [Node(f"gw{i}") for i in range(workers)]
    names = [f"t{i}" for i in range(count)]
    for node in nodes:
        scheduler.add_node(node)  # type: ignore[arg-type]
    for node in nodes:
        scheduler.add_node_collection(node, names)  # type: ignore[arg-type]
    scheduler.schedule()
    assert [i for node in nodes for i in node.sent] == list(range(count))  # stretches, in order
    return [len(node.sent) for node in nodes]


@pytest.mark.parametrize(
    ("count", "workers"), [(5810, 4), (5811, 4), (1000, 3), (997, 6), (401, 2)]
)
def test_the_stretches_are_those_pytest_xdist_hands_out(count: int, workers: int) -> None:
    """(With a handful of tests a worker would be sent so few that it steals at once.)"""
    assert stretches(count, workers) == first_hand_out(count, workers)


def collection(sizes: dict[str, int]) -> list[Any]:
    return [
        SimpleNamespace(nodeid=f"{module}::test_{i}")
        for module, size in sizes.items()
        for i in range(size)
    ]


def module(item: Any) -> str:
    return str(item.nodeid.split("::")[0])


SIZES = {
    "tests/e2e/test_accounts.py": 40,
    "tests/e2e/test_apply_safety.py": 13,
    "tests/e2e/test_fanout.py": 19,
    "tests/e2e/test_org.py": 17,
    "tests/e2e/test_rotation_races.py": 14,
    "tests/e2e/test_signals.py": 26,
    "tests/e2e/test_users.py": 60,
    "tests/unit/test_parsing.py": 300,
}


@pytest.mark.parametrize("workers", [2, 3, 4, 6])
def test_each_waiting_module_heads_an_even_stretch_and_every_test_is_kept_once(
    workers: int,
) -> None:
    items = collection(SIZES)
    before = list(items)
    spread(items, workers)
    assert sorted(map(id, items)) == sorted(map(id, before))
    for name in SIZES:
        mine = [item for item in items if module(item) == name]
        assert mine == [item for item in before if module(item) == name], f"{name}: order"
    heading, head_ends, at = {}, [], 0
    for k, size in enumerate(stretches(len(items), workers)):
        end = at
        while end < at + size and module(items[end]) in WAITING:
            heading[module(items[end])] = k
            end += SIZES[module(items[end])]
        head_ends.append(end)
        at += size
    assert set(heading) == {name for name in SIZES if name in WAITING}, heading
    assert all(k % 2 == 0 for k in heading.values()), heading
    if workers >= 4:
        assert len(set(heading.values())) > 1, "the waiting modules were not shared out"
    # A module is parted only where a stretch's head ends: the run goes on after it.
    pieces = [at for at in range(1, len(items)) if module(items[at]) != module(items[at - 1])]
    seen = {module(items[0])}
    for at in pieces:
        name = module(items[at])
        assert name not in seen or at in head_ends, f"{name} was parted at {at}"
        seen.add(name)


def test_one_worker_keeps_the_collections_order() -> None:
    items = collection(SIZES)
    before = list(items)
    spread(items, 1)
    assert items == before
