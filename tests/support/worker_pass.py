"""`make test`'s second pass: the end-to-end tests marked ``worker`` run again with every call
through the warm worker (``EUARE_WORKER=1 pytest -m worker tests/e2e``). The marked tests are a
sample, not the whole suite: the whole suite's first pass already runs every test in process,
and `make test-deep` runs every end-to-end test through the worker. The sample must reach every
verb family (src/euare/verbs/, the families of the verb table): each test process notes the
verbs it ran through the worker, and the pass fails when a family is missing."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

# The verbs this test process ran with EUARE_WORKER on (Home.run and Home.spawn note them).
RAN: set[str] = set()
# What a pytest-xdist worker hands the controller at its end (config.workeroutput).
OUTPUT_KEY = "euare_worker_verbs"
MARKER = "worker"


def worker_wanted(env: Mapping[str, str]) -> bool:
    """As euare's entry reads EUARE_WORKER."""
    return env.get("EUARE_WORKER", "").strip().lower() in ("1", "yes", "true", "on")


def note(verb: str, args: Iterable[str], env: Mapping[str, str]) -> None:
    """Remember that ``euare-VERB ARGS`` (or ``euare VERB ...``) ran with ``env``."""
    if not worker_wanted(env):
        return
    if verb == "euare":
        verb = next(iter(args), "")
    RAN.add(verb)


def families_missed(verbs: Iterable[str]) -> list[str]:
    """The verb families none of whose verbs is among ``verbs``."""
    from euare.cli.table import FAMILIES

    ran = set(verbs)
    return sorted(family for family, members in FAMILIES.items() if not ran & set(members))


def is_the_whole_worker_pass(config: pytest.Config, e2e: Path) -> bool:
    """The run is make test's worker pass: EUARE_WORKER on, the ``worker`` marker selected, over
    all of ``e2e`` (a run of one file, of some tests (-k), or of other tests, is not held to
    every family)."""
    if not worker_wanted(os.environ) or config.option.markexpr != MARKER or config.option.keyword:
        return False
    here = config.invocation_params.dir
    return [(here / arg).resolve() for arg in config.args] == [e2e.resolve()]
