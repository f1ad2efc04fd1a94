"""Ctrl-C, SIGTERM or SIGHUP at every step of a rotation: exit 130, 143 or 129 with one line
saying what was done, the file on a working key, and no stray key that the line does not name
with the command that removes it. A second signal during the rollback cuts it short, still with
one line and no traceback.

The proxy holds an answer back ('slow') while the signal is sent; the write step sends nothing,
so it is interrupted in-process: the file functions raise the signal, with the handlers every
command installs (euare.core.interrupts) in place."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, MotoServer, Result
from tests.support.proxy import Fault
from tests.support.rotation import Rotating, finish, run_in_process, spawn, wait_until
from tests.support.signals import STOPS, head, status

pytestmark = pytest.mark.in_process  # signals reach the process that makes the call


@pytest.fixture
def prot(proxied_home: Home, iam: Any, moto_server: MotoServer) -> Rotating:
    return Rotating(proxied_home, iam, moto_server)


def interrupted(result: Result, signum: int) -> str:
    """The one stderr line of a run stopped by ``signum``."""
    lines = result.stderr.splitlines()
    assert result.returncode == status(signum) and len(lines) == 1, result
    assert lines[0].startswith(head("userrotatekey", signum)), lines[0]
    return lines[0]


def held_at(prot: Rotating, proxy: Any, action: str, *args: str) -> subprocess.Popen[str]:
    """A rotation whose answer to ``action`` is held back, once the request has been sent."""
    proxy.faults[action] = Fault("slow", delay=3)
    run = spawn(prot.home, "--wait", "5", *args)
    wait_until(lambda: action in proxy.actions, what=action)
    return run


@pytest.mark.parametrize("signum", STOPS)
def test_interrupted_creating_the_key_names_it(prot: Rotating, proxy: Any, signum: int) -> None:
    run = held_at(prot, proxy, "CreateAccessKey")
    listing = prot.admin.list_access_keys
    wait_until(lambda: len(listing(UserName="rot")["AccessKeyMetadata"]) == 2, what="new key")
    run.send_signal(signum)
    line = interrupted(finish(run), signum)
    made = next(k for k in prot.key_status() if k != prot.old_id)
    assert f"access key {made} was made" in line and f"euare-userdelkey -u rot {made}" in line
    assert prot.file.read_bytes() == prot.original
    prot.assert_sound(named=line)


@pytest.mark.parametrize("signum", STOPS)
def test_interrupted_proving_the_key_rolls_back(prot: Rotating, proxy: Any, signum: int) -> None:
    run = held_at(prot, proxy, "GetCallerIdentity")
    run.send_signal(signum)
    line = interrupted(finish(run), signum)
    assert "put the old key back" in line and "deleted the new key" in line, line
    assert prot.file.read_bytes() == prot.original
    assert prot.assert_sound() == {prot.old_id: "Active"}


@pytest.mark.parametrize("signum", STOPS)
@pytest.mark.parametrize(
    ("action", "args", "fix"),
    [
        ("UpdateAccessKey", (), "euare-usermodkey -u rot -s Inactive"),
        ("DeleteAccessKey", ("--delete",), "euare-userdelkey -u rot"),
    ],
)
def test_interrupted_retiring_the_old_key_names_it(
    prot: Rotating, proxy: Any, action: str, args: tuple[str, ...], fix: str, signum: int
) -> None:
    run = held_at(prot, proxy, action, *args)
    run.send_signal(signum)
    line = interrupted(finish(run), signum)
    assert f"{fix} {prot.old_id}" in line and "is in" in line and "works" in line, line
    assert prot.file_key()[0] != prot.old_id
    prot.assert_sound(named=line)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(signal.SIGINT, signal.SIGINT, id="INT-INT"),
        pytest.param(signal.SIGTERM, signal.SIGTERM, id="TERM-TERM"),
        pytest.param(signal.SIGHUP, signal.SIGHUP, id="HUP-HUP"),
        pytest.param(signal.SIGTERM, signal.SIGINT, id="TERM-INT"),
        pytest.param(signal.SIGHUP, signal.SIGTERM, id="HUP-TERM"),
    ],
)
def test_a_second_interrupt_cuts_the_rollback_short(
    prot: Rotating, proxy: Any, first: int, second: int
) -> None:
    """Whatever the second signal, the first says what stopped the rotation (and its status)."""
    run = held_at(prot, proxy, "GetCallerIdentity")
    proxy.faults["DeleteAccessKey"] = Fault("slow", delay=3)
    run.send_signal(first)
    wait_until(lambda: "DeleteAccessKey" in proxy.actions, what="the rollback's delete")
    run.send_signal(second)
    line = interrupted(finish(run), first)
    assert "put the old key back" in line, line
    new_id = next(k for k in line.split() if k.startswith("AKIA") and k != prot.old_id)
    assert f"(interrupted again): delete it with: euare-userdelkey -u rot {new_id}" in line
    assert prot.file.read_bytes() == prot.original
    prot.assert_sound(named=line)


@pytest.fixture
def handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The handlers a command's process has (euare.core.interrupts.install), in this process for
    the test; the test runner's own back afterwards, and the signal seen forgotten."""
    from euare.core import interrupts

    monkeypatch.setattr(interrupts, "_first", None)
    kept = {signum: signal.getsignal(signum) for signum in interrupts.STOPPING}
    for signum in interrupts.STOPPING:  # as in a command's process, whatever the runner has
        default = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
        signal.signal(signum, default)
    interrupts.install()
    try:
        yield
    finally:
        for signum, handler in kept.items():
            signal.signal(signum, handler)


@pytest.mark.parametrize("signum", STOPS)
@pytest.mark.parametrize("moment", ["before-rename", "after-rename"])
def test_interrupted_writing_the_file_rolls_back(
    rot: Rotating, monkeypatch: pytest.MonkeyPatch, handlers: None, moment: str, signum: int
) -> None:
    """A signal while the new file is staged (before it replaces the old one), or just after
    the rename (before the directory is synced): either way the old key ends up in the file."""
    import euare.core.files

    real_stage, real_sync = euare.core.files.stage, euare.core.files.sync_directory
    hits: list[Path] = []

    def stage(path: Path, *args: Any, **kwargs: Any) -> Path:
        if moment == "before-rename" and path.name == ".iamrc" and not hits:
            hits.append(path)
            signal.raise_signal(signum)
        return real_stage(path, *args, **kwargs)

    def sync_directory(directory: Path) -> None:
        if moment == "after-rename" and rot.file_key()[0] != rot.old_id and not hits:
            hits.append(directory)
            signal.raise_signal(signum)
        real_sync(directory)

    monkeypatch.setattr(euare.core.files, "stage", stage)
    monkeypatch.setattr(euare.core.files, "sync_directory", sync_directory)
    line = interrupted(run_in_process(rot.home, "--no-backup"), signum)
    assert hits, "the write step was never reached"
    assert "deleted the new key" in line, line
    assert ("put the old key back" in line) == (moment == "after-rename"), line
    assert rot.file.read_bytes() == rot.original
    assert rot.assert_sound() == {rot.old_id: "Active"}


@pytest.fixture
def rot(home: Home, iam: Any, moto_server: MotoServer) -> Rotating:
    return Rotating(home, iam, moto_server)
