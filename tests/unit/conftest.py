"""Fixtures for the in-process unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from euare.core import redact


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test starts with an empty registry of known secrets (redact's module state)."""
    monkeypatch.setattr(redact, "_known", set())
    monkeypatch.setattr(redact, "_short", set())
    monkeypatch.setattr(redact, "_compiled", [])
    yield
