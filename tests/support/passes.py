"""How the end-to-end tests' calls run: in process, as a user's calls run by default, or through
the warm worker (``EUARE_WORKER=1``). ``EUARE_TEST_CALLS`` (the Makefile sets it) says which:

- unset, or ``in-process``: every call in process (a pytest run by hand; make test-deep's first
  run);
- ``worker``: every call through the worker (make test-deep's second run; ``EUARE_WORKER=1``
  given to pytest means the same);
- ``mixed``: make test. Every call through the worker, but for the tests marked ``in_process``,
  whose subject is the process itself (start-up, signals, interrupts, streams and terminals, the
  shell's habits, the cron examples run unattended): theirs run in process. The tests marked
  ``both`` run twice, once each way (their ids end ``-worker`` and ``-in-process``).

A call through the worker is the call in process, byte for byte (tests/e2e/test_worker.py), and
costs a few milliseconds where a process of its own costs some 130 (it imports botocore): that
is what keeps make test inside its time. A mixed run over the whole suite must run a verb of
every family of the verb table (src/euare/verbs/) each way (the ``both`` tests are a sample of
every family): each test process notes the verbs it ran and how, and the run fails when a
family is missing either way."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

VARIABLE = "EUARE_TEST_CALLS"
MODES = ("in-process", "worker", "mixed")
WAYS = ("worker", "in-process")
BOTH = "both"  # the marker of the tests a mixed run runs both ways
IN_PROCESS = "in_process"  # the marker of the tests whose calls a mixed run makes in process
PARAMETER = "calls_way"  # the fixture (tests/conftest.py) a ``both`` test is run with, each way
OUTPUT_KEY = "euare_calls_ran"  # what a pytest-xdist worker hands the controller at its end

# The verbs this test process ran, by way (Home.run and Home.spawn note them).
RAN: dict[str, set[str]] = {way: set() for way in WAYS}
# Whether the calls of the test being run go through the worker (set as each test is set up).
_via_worker = [False]


def worker_wanted(env: Mapping[str, str]) -> bool:
    """As euare's entry reads EUARE_WORKER."""
    return env.get("EUARE_WORKER", "").strip().lower() in ("1", "yes", "true", "on")


def mode(env: Mapping[str, str] = os.environ) -> str:
    """This run's mode (see above); a mode not among MODES is a usage error of the run."""
    said = env.get(VARIABLE, "").strip()
    if not said:
        return "worker" if worker_wanted(env) else "in-process"
    if said not in MODES:
        raise pytest.UsageError(f"{VARIABLE}={said!r}: say one of {', '.join(MODES)}")
    return said


def ways(run_mode: str, *, both: bool, in_process: bool) -> tuple[str, ...]:
    """The ways a test's calls run in a run of ``run_mode``: one, or both for a ``both`` test
    in a mixed run."""
    if run_mode != "mixed":
        return (run_mode,)
    if both:
        return WAYS
    return ("in-process",) if in_process else ("worker",)


def parametrize(metafunc: pytest.Metafunc) -> None:
    """pytest_generate_tests: in a mixed run, a test marked ``both`` (itself, or some of its
    parameters: the others are left out by ``keep_one_way``) runs once each way."""
    if PARAMETER not in metafunc.fixturenames or mode() != "mixed":
        return
    definition = metafunc.definition
    marked = definition.get_closest_marker(BOTH) is not None or any(
        mark.name == BOTH
        for parametrized in definition.iter_markers("parametrize")
        for value in (
            parametrized.args[1]
            if len(parametrized.args) > 1
            else parametrized.kwargs.get("argvalues", ())
        )
        for mark in getattr(value, "marks", ())
    )
    if marked:
        metafunc.parametrize(PARAMETER, WAYS, indirect=True)


def keep_one_way(config: pytest.Config, items: list[pytest.Item]) -> None:
    """pytest_collection_modifyitems: of a test only some of whose parameters are marked
    ``both``, the others run one way only, as an unmarked test would."""
    dropped = []
    for item in list(items):
        callspec = getattr(item, "callspec", None)
        way = callspec.params.get(PARAMETER) if callspec is not None else None
        if way is None or item.get_closest_marker(BOTH) is not None:
            continue
        [wanted] = ways(
            "mixed", both=False, in_process=item.get_closest_marker(IN_PROCESS) is not None
        )
        if way != wanted:
            dropped.append(item)
    if dropped:
        items[:] = [item for item in items if item not in dropped]
        config.hook.pytest_deselected(items=dropped)


def enter(item: pytest.Item) -> None:
    """The test ``item`` is about to be set up: its calls go the way its run and marks say."""
    callspec = getattr(item, "callspec", None)
    given = callspec.params.get(PARAMETER) if callspec is not None else None
    if given is None:
        [given] = ways(
            mode(),
            both=False,
            in_process=item.get_closest_marker(IN_PROCESS) is not None,
        )
    _via_worker[0] = given == "worker"


def via_worker() -> bool:
    """Whether the calls of the test being set up or run go through the worker."""
    return _via_worker[0]


def note(verb: str, args: Iterable[str], env: Mapping[str, str]) -> None:
    """Remember that ``euare-VERB ARGS`` (or ``euare VERB ...``) ran with ``env``."""
    if verb == "euare":
        verb = next(iter(args), "")
    RAN["worker" if worker_wanted(env) else "in-process"].add(verb)


def families_missed(verbs: Iterable[str]) -> list[str]:
    """The verb families none of whose verbs is among ``verbs``."""
    from euare.cli.table import FAMILIES

    ran = set(verbs)
    return sorted(family for family, members in FAMILIES.items() if not ran & set(members))


def held_to(config: pytest.Config, tests: Path) -> tuple[str, ...]:
    """The ways in which this run must reach every verb family: both, in a mixed run over all
    of ``tests`` (make test); none in any other (of one file, of some tests (-k, -m), of other
    tests, all in one way, or one that only collects)."""
    option = config.option
    if mode() != "mixed" or option.keyword or option.markexpr or option.collectonly:
        return ()
    here = config.invocation_params.dir
    if [(here / arg).resolve() for arg in config.args] != [tests.resolve()]:
        return ()
    return WAYS


def output(config: pytest.Config) -> None:
    """A pytest-xdist worker, at its end: hand the controller what it ran."""
    config.workeroutput[OUTPUT_KEY] = {k: sorted(v) for k, v in RAN.items()}  # type: ignore[attr-defined]


def take(node: object) -> None:
    """The controller: add what a pytest-xdist worker ran."""
    handed = getattr(node, "workeroutput", {}).get(OUTPUT_KEY, {})
    for way, verbs in handed.items():
        RAN.setdefault(way, set()).update(verbs)
