"""make test's worker pass is held to every verb family (tests/support/worker_pass.py): the
verbs a run noted are judged against the verb table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from euare.cli.table import FAMILIES
from tests.support import worker_pass

ON = {"EUARE_WORKER": "1"}


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    noted: set[str] = set()
    monkeypatch.setattr(worker_pass, "RAN", noted)
    yield noted


def test_a_family_none_of_whose_verbs_ran_is_missed() -> None:
    every = [family[0] for family in FAMILIES.values()]
    assert worker_pass.families_missed(every) == []
    assert worker_pass.families_missed(v for v in every if v != "userrotatekey") == ["rotation"]
    assert worker_pass.families_missed([]) == sorted(FAMILIES)


def test_only_calls_through_the_worker_are_noted(ran: set[str]) -> None:
    worker_pass.note("usercreate", ["bob"], ON)
    worker_pass.note("userdel", ["bob"], {"EUARE_WORKER": "0"})
    worker_pass.note("groupcreate", ["staff"], {})
    worker_pass.note("euare", ["userlistbypath", "-p", "/"], {"EUARE_WORKER": "yes"})
    assert ran == {"usercreate", "userlistbypath"}


def test_the_worker_marker_is_registered(pytestconfig: pytest.Config) -> None:
    registered = [line.partition(":")[0] for line in pytestconfig.getini("markers")]
    assert worker_pass.MARKER in registered
