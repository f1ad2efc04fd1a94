"""The order a pytest-xdist run takes its tests in: the modules that mostly wait (for a
lock, a throttling pause, a timeout, a signal's moment) at the head of every other worker's
share, so that while those workers wait, the others have the two cores to themselves.

pytest-xdist's worksteal scheduler gives each of its W workers one stretch of the collection
(the first N // W tests to the first, and so on), then moves tests from the end of the longest
remaining stretch to whichever worker runs dry. Collected alphabetically, the waiting modules
met in the same minutes (apply_safety, org and rotation_races; then signals, silent_endpoint and
streaming at the end), and a 2-core machine sat up to two thirds idle meanwhile. Here, each
waiting module goes to the head of one of the stretches 0, 2, 4... (the lightest so far, by
the seconds it waits), and the other modules fill the stretches in their own order.

The order is the same in every worker (pytest-xdist requires it): it depends only on the
collection and on the number of workers. A module's tests stay together and in their order.
Outside pytest-xdist, or with one worker, the collection's order is kept."""

from __future__ import annotations

import os

import pytest

# The modules that spend most of their time waiting, and roughly how many seconds (a whole
# module, on 2 cores): used only to balance them between stretches, so an estimate that
# grows stale makes the balance worse, never a test wrong.
WAITING = {
    "tests/e2e/test_rotation_races.py": 45,
    "tests/e2e/test_apply_safety.py": 40,
    "tests/e2e/test_signals.py": 35,
    "tests/e2e/test_fanout.py": 33,
    "tests/e2e/test_org.py": 25,
    "tests/e2e/test_streaming.py": 16,
    "tests/e2e/test_rotation_proof.py": 11,
    "tests/e2e/test_completion.py": 10,
    "tests/e2e/test_silent_endpoint.py": 9,
    "tests/e2e/test_rotation.py": 7,
    "tests/e2e/test_faults.py": 6,
    "tests/unit/test_completion_timeout.py": 3,
}


def stretches(count: int, workers: int) -> list[int]:
    """The sizes of the stretches pytest-xdist's worksteal first hands ``workers`` workers."""
    sizes = []
    for i in range(workers):
        size = count // (workers - i)
        sizes.append(size)
        count -= size
    return sizes


def workers() -> int:
    """The number of pytest-xdist workers in this run (1 outside pytest-xdist)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)


def spread(items: list[pytest.Item], count: int | None = None) -> None:
    """Reorder ``items`` in place for a run of ``count`` workers (this run's by default)."""
    count = workers() if count is None else count
    if count < 2:
        return
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    heads: list[list[pytest.Item]] = [[] for _ in range(count)]
    load = dict.fromkeys(range(0, count, 2), 0)
    waiting = sorted((m for m in modules if m in WAITING), key=lambda m: (-WAITING[m], m))
    for module in waiting:
        lightest = min(load, key=lambda k: (load[k], k))
        heads[lightest].extend(modules.pop(module))
        load[lightest] += WAITING[module]
    rest = [item for group in modules.values() for item in group]
    ordered: list[pytest.Item] = []
    for k, size in enumerate(stretches(len(items), count)):
        ordered.extend(heads[k])
        take = max(0, size - len(heads[k]))
        ordered.extend(rest[:take])
        del rest[:take]
    ordered.extend(rest)
    items[:] = ordered
