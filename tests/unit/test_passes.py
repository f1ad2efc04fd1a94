"""make test's calls (tests/support/passes.py): which tests' calls go through the warm worker,
which run in process, which run both ways, and a mixed run held to every verb family each way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from euare.cli.table import FAMILIES
from tests.support import passes

ON = {"EUARE_WORKER": "1"}


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, set[str]]]:
    noted: dict[str, set[str]] = {"worker": set(), "in-process": set()}
    monkeypatch.setattr(passes, "RAN", noted)
    yield noted


def test_a_family_none_of_whose_verbs_ran_is_missed() -> None:
    every = [family[0] for family in FAMILIES.values()]
    assert passes.families_missed(every) == []
    assert passes.families_missed(v for v in every if v != "userrotatekey") == ["rotation"]
    assert passes.families_missed([]) == sorted(FAMILIES)


def test_calls_are_noted_by_how_they_ran(ran: dict[str, set[str]]) -> None:
    passes.note("usercreate", ["bob"], ON)
    passes.note("userdel", ["bob"], {"EUARE_WORKER": "0"})
    passes.note("groupcreate", ["staff"], {})
    passes.note("euare", ["userlistbypath", "-p", "/"], {"EUARE_WORKER": "yes"})
    assert ran == {
        "worker": {"usercreate", "userlistbypath"},
        "in-process": {"userdel", "groupcreate"},
    }


@pytest.mark.parametrize(
    ("mode", "plain", "in_process", "both"),
    [
        ("in-process", ("in-process",), ("in-process",), ("in-process",)),
        ("worker", ("worker",), ("worker",), ("worker",)),
        ("mixed", ("worker",), ("in-process",), ("worker", "in-process")),
    ],
)
def test_each_mode_runs_the_calls_of_which_tests_which_ways(
    mode: str, plain: tuple[str, ...], in_process: tuple[str, ...], both: tuple[str, ...]
) -> None:
    assert passes.ways(mode, both=False, in_process=False) == plain
    assert passes.ways(mode, both=False, in_process=True) == in_process
    assert passes.ways(mode, both=True, in_process=False) == both
    assert passes.ways(mode, both=True, in_process=True) == both


def test_the_mode_comes_from_the_environment() -> None:
    assert passes.mode({}) == "in-process"
    assert passes.mode({"EUARE_WORKER": "1"}) == "worker"  # as make test-deep once said it
    assert passes.mode({passes.VARIABLE: "mixed", "EUARE_WORKER": "1"}) == "mixed"
    with pytest.raises(pytest.UsageError, match="say one of"):
        passes.mode({passes.VARIABLE: "fast"})


def test_the_markers_are_registered(pytestconfig: pytest.Config) -> None:
    registered = [line.partition(":")[0] for line in pytestconfig.getini("markers")]
    assert passes.BOTH in registered and passes.IN_PROCESS in registered


def run_of(
    here: Path, *args: str, keyword: str = "", marks: str = "", collect: bool = False
) -> Any:
    """A stand-in for the pytest.Config of ``pytest ARGS`` run in ``here``."""
    option = SimpleNamespace(keyword=keyword, markexpr=marks, collectonly=collect)
    return SimpleNamespace(option=option, invocation_params=SimpleNamespace(dir=here), args=args)


def test_only_make_tests_whole_mixed_run_is_held_to_every_family_each_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tests = tmp_path / "tests"
    monkeypatch.setenv(passes.VARIABLE, "mixed")
    assert passes.held_to(run_of(tmp_path, "tests"), tests) == ("worker", "in-process")
    assert passes.held_to(run_of(tests, "."), tests) == ("worker", "in-process")
    assert passes.held_to(run_of(tmp_path, "tests/e2e"), tests) == ()
    assert passes.held_to(run_of(tmp_path, "tests", keyword="org"), tests) == ()
    assert passes.held_to(run_of(tmp_path, "tests", marks="both"), tests) == ()
    assert passes.held_to(run_of(tmp_path, "tests", collect=True), tests) == ()
    monkeypatch.setenv(passes.VARIABLE, "worker")
    assert passes.held_to(run_of(tmp_path, "tests"), tests) == ()
