"""How long a TAB waits for the account's names (euare.cli.names): EUARE_COMPLETION_TIMEOUT
seconds, else 2 (docs/configuration.md, the man pages' ENVIRONMENT). The fetch here is a stand-in
that takes a known time: no endpoint is needed to hold when the wait ends."""

from __future__ import annotations

import io
import time
from typing import Any

import click
import pytest

from euare.call.context import Call
from euare.cli import names
from euare.core.settings import completion_timeout


@pytest.mark.parametrize(
    ("given", "seconds"),
    [
        (None, 2.0),
        ("", 2.0),
        ("30", 30.0),
        ("0.5", 0.5),
        ("0", 2.0),  # not a wait: not given
        ("-1", 2.0),
        ("soon", 2.0),
        ("3601", 2.0),
    ],
)
def test_the_setting_or_two_seconds(given: str | None, seconds: float) -> None:
    env = {} if given is None else {"EUARE_COMPLETION_TIMEOUT": given}
    assert completion_timeout(env) == seconds


def complete(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, takes: float) -> list[str]:
    """The user names a TAB offers when fetching them takes ``takes`` seconds."""

    def slow(call: Call, kind: str) -> list[dict[str, Any]]:
        time.sleep(takes)
        return [{"UserName": "alice"}, {"UserName": "alfred"}]

    monkeypatch.setattr(names, "_listed", slow)
    call = Call("euare-userdel", env, io.StringIO(), io.StringIO(), io.StringIO())
    with click.Context(click.Command("userdel"), obj=call) as ctx:
        return names.names(ctx, "user", "al")


def test_a_tab_waits_as_long_as_the_setting_says(monkeypatch: pytest.MonkeyPatch) -> None:
    patient = {"EUARE_COMPLETION_TIMEOUT": "30"}
    assert complete(patient, monkeypatch, takes=2.5) == ["alfred", "alice"]


def test_a_tab_gives_up_at_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    started = time.monotonic()
    assert complete({"EUARE_COMPLETION_TIMEOUT": "0.2"}, monkeypatch, takes=3) == []
    assert time.monotonic() - started < 1.5  # the setting's 0.2 s, not the default's 2


def test_the_request_itself_gets_the_settings_time(tmp_path: Any) -> None:
    """The request's own connect and read timeouts grow with the setting (a patient TAB on a
    slow endpoint is not cut at the default's 1.5 s), and stay within it."""
    got: list[tuple[float, float]] = []

    def factory(settings: Any, jobs: int) -> Any:
        got.append((settings.connect_timeout, settings.read_timeout))
        raise RuntimeError("no client here")

    for given in ("", "30"):
        env = {
            "HOME": str(tmp_path),
            "EUARE_URL": "http://127.0.0.1:9/",
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00",
            "AWS_SECRET_ACCESS_KEY": "not-a-real-secret-at-all",
            "EUARE_COMPLETION_TIMEOUT": given,
        }
        call = Call("euare", env, io.StringIO(), io.StringIO(), io.StringIO())
        call.client_factory = factory
        with pytest.raises(RuntimeError):
            names._listed(call, "user")
    assert got == [(1.0, 1.5), (15.0, 22.5)]


def test_every_timeout_setting_is_documented() -> None:
    """Each EUARE_*_TIMEOUT euare reads is in docs/configuration.md and in the man pages'
    ENVIRONMENT section."""
    import re
    from pathlib import Path

    from euare.manual.pages import environment

    root = Path(__file__).resolve().parents[2]
    read = {
        name
        for path in (root / "src" / "euare").rglob("*.py")
        for name in re.findall(r"\bEUARE_[A-Z_]+_TIMEOUT\b", path.read_text())
    }
    assert "EUARE_COMPLETION_TIMEOUT" in read
    docs = (root / "docs" / "configuration.md").read_text()
    manual = "\n".join(str(part) for part in environment())
    assert [n for n in sorted(read) if n not in docs or n not in manual] == []
