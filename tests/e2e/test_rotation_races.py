"""Rotations that overlap: two cron entries, a manual run during a cron run, a crowd of runs under
throttling. Runs on one file take turns through FILE.lock; one that waits too long gives up with
one line naming the holder; a writer that ignores the lock is noticed, and its file left alone.
Whatever happens, the file ends on a key that works and the user keeps no stray key."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest

from tests.conftest import Home, MotoServer, Result, one_error_line
from tests.support.proxy import Fault
from tests.support.rotation import Rotating, finish, lock_of, spawn, wait_until
from tests.support.signals import STOPS, head, status


@pytest.fixture
def prot(proxied_home: Home, iam: Any, moto_server: MotoServer) -> Rotating:
    return Rotating(proxied_home, iam, moto_server)


def holding(prot: Rotating, process: subprocess.Popen[str]) -> bool:
    """Whether ``process`` holds the file's lock (and says so in it)."""
    try:
        return f"pid {process.pid} " in lock_of(prot.file).read_text()
    except FileNotFoundError:
        return False


def start_slow_first(
    prot: Rotating, proxy: Any, *args: str, delay: float = 2
) -> subprocess.Popen[str]:
    """A first run, slowed down at CreateAccessKey while it holds the lock."""
    proxy.faults["CreateAccessKey"] = Fault("slow", delay=delay)
    first = spawn(prot.home, *args)
    wait_until(lambda: holding(prot, first), what="the first run to take the lock")
    return first


def test_a_second_run_waits_its_turn_then_rotates_again(prot: Rotating, proxy: Any) -> None:
    first = start_slow_first(prot, proxy)
    second = spawn(prot.home, "--delete-inactive")
    one, two = finish(first), finish(second)
    assert (one.returncode, two.returncode) == (0, 0), (one, two)
    assert prot.file_key()[0] == two.lines[0]
    assert prot.assert_sound() == {one.lines[0]: "Inactive", two.lines[0]: "Active"}


def test_the_first_run_rolls_back_while_the_second_waits(prot: Rotating, proxy: Any) -> None:
    proxy.faults["GetCallerIdentity"] = Fault("throttle", count=1)
    first = start_slow_first(prot, proxy, "--wait", "0")
    second = spawn(prot.home, "--wait", "3")
    one, two = finish(first), finish(second)
    assert one.returncode == 1 and "deleted the new key" in one.stderr, one
    assert two.returncode == 0, two
    assert prot.assert_sound() == {prot.old_id: "Inactive", two.lines[0]: "Active"}


def test_the_second_run_rolls_back_after_the_first_rotated(prot: Rotating, proxy: Any) -> None:
    proxy.faults["GetCallerIdentity"] = Fault("throttle", count=None, after=1)
    first = start_slow_first(prot, proxy)
    second = spawn(prot.home, "--delete-inactive", "--wait", "1")
    one, two = finish(first), finish(second)
    assert one.returncode == 0, one
    assert two.returncode == 1 and "put the old key back" in two.stderr, two
    assert prot.file_key()[0] == one.lines[0]
    assert prot.assert_sound() == {one.lines[0]: "Active"}


def test_a_run_gives_up_on_a_held_lock_naming_the_holder(prot: Rotating, proxy: Any) -> None:
    first = start_slow_first(prot, proxy, delay=5)
    began = time.monotonic()
    second = finish(spawn(prot.home, "--lock-wait", "1"))
    waited = time.monotonic() - began
    line = one_error_line(second, "userrotatekey")
    assert f"pid {first.pid} on " in line and "--lock-wait" in line, line
    assert 1 <= waited < 10
    assert finish(first).returncode == 0
    prot.assert_sound()


@pytest.mark.parametrize("signum", STOPS)
def test_interrupted_while_waiting_for_the_lock_changes_nothing(
    prot: Rotating, proxy: Any, signum: int
) -> None:
    first = start_slow_first(prot, proxy, delay=5)
    second = spawn(prot.home, "-v")
    assert second.stderr is not None
    waiting = second.stderr.readline()
    assert waiting.startswith("euare-userrotatekey: waiting up to 60 s for"), waiting
    assert f"being rotated by pid {first.pid} on" in waiting
    second.send_signal(signum)
    result = finish(second)
    line = result.stderr.strip()
    assert result.returncode == status(signum) and result.stderr == line + "\n", result
    assert line.startswith(f"{head('userrotatekey', signum)} before a new key was made"), line
    assert "not changed" in line, line
    assert finish(first).returncode == 0
    assert proxy.actions.count("CreateAccessKey") == 1


def test_a_lock_left_by_a_killed_holder_does_not_block(prot: Rotating) -> None:
    hold = (
        "import sys, time; from pathlib import Path; from euare.core.files import locked\n"
        "with locked(Path(sys.argv[1]), 0, 'pid dead on nowhere'):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(lock_of(prot.file))], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    holder.kill()
    holder.wait()
    holder.stdout.close()
    assert lock_of(prot.file).exists()  # killed: it never cleaned up
    result = prot.home.run("userrotatekey", "--lock-wait", "0")
    assert result.returncode == 0, result.stderr
    prot.assert_sound()


def edit_during(prot: Rotating, proxy: Any, action: str, edit: bytes) -> Result:
    """Run a rotation, and write ``edit`` into the file by hand while ``action`` is answered."""
    proxy.faults[action] = Fault("slow", delay=1.5)
    seen = proxy.actions.count(action)
    run = spawn(prot.home, "--wait", "3")
    wait_until(lambda: proxy.actions.count(action) > seen, what=action)
    prot.file.write_bytes(edit)
    return finish(run)


def test_a_hand_edit_during_the_create_is_kept(prot: Rotating, proxy: Any) -> None:
    """The file is re-read before the new key goes in: an edit that keeps the key is kept."""
    edited = prot.original.replace(b"keep me", b"edited by hand")
    result = edit_during(prot, proxy, "CreateAccessKey", edited)
    assert result.returncode == 0, result
    assert prot.file.read_bytes().endswith(b"edited by hand\n")
    assert prot.file_key()[0] == result.lines[0]
    prot.assert_sound()


def test_a_file_given_another_key_during_the_create_is_left_alone(
    prot: Rotating, proxy: Any
) -> None:
    prot.admin.create_user(UserName="other")
    other = prot.admin.create_access_key(UserName="other")["AccessKey"]
    theirs = f"AWSAccessKeyId = {other['AccessKeyId']}\nAWSSecretKey={other['SecretAccessKey']}\n"
    line = one_error_line(
        edit_during(prot, proxy, "CreateAccessKey", theirs.encode()), "userrotatekey"
    )
    assert "was changed by something else" in line and "deleted the new key" in line, line
    assert f"left {prot.file} as it is" in line
    assert prot.file.read_text() == theirs
    keys = prot.admin.list_access_keys(UserName="rot")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in keys] == [(prot.old_id, "Active")]


def test_a_file_put_back_during_the_proof_keeps_the_old_key(prot: Rotating, proxy: Any) -> None:
    """Someone restores the old file while the new key is being tried: the run does not
    retire the key that file holds, and deletes its own new key."""
    line = one_error_line(
        edit_during(prot, proxy, "GetCallerIdentity", prot.original), "userrotatekey"
    )
    assert "was changed by something else" in line and "deleted the new key" in line, line
    assert prot.file.read_bytes() == prot.original
    assert prot.assert_sound() == {prot.old_id: "Active"}


@pytest.mark.parametrize("how", [(), ("--delete",)])
def test_an_old_key_deleted_meanwhile_counts_as_retired(
    prot: Rotating, proxy: Any, how: tuple[str, ...]
) -> None:
    proxy.faults["GetCallerIdentity"] = Fault("slow", delay=1.5)
    run = spawn(prot.home, "--wait", "3", *how)
    wait_until(lambda: "GetCallerIdentity" in proxy.actions, what="the proof")
    prot.admin.delete_access_key(UserName="rot", AccessKeyId=prot.old_id)
    result = finish(run)
    assert result.returncode == 0 and result.stderr == "", result
    assert prot.assert_sound() == {result.lines[0]: "Active"}


def test_a_crowd_of_runs_under_throttling_ends_sound(prot: Rotating, proxy: Any) -> None:
    """Eight runs at once, 40% of all requests throttled: each ends with exit 0 or one error
    line, and the file ends on a working key with no stray key beside it."""
    proxy.faults["*"] = Fault("throttle", count=None, probability=0.4)
    runs = [
        spawn(prot.home, "--delete-inactive", "--wait", "3", "--lock-wait", "150") for _ in range(8)
    ]
    results = [finish(run, timeout=200) for run in runs]
    for result in results:
        assert result.returncode in (0, 1), result
        if result.returncode:
            one_error_line(result, "userrotatekey")
    assert any(r.returncode == 0 for r in results), results
    keys = prot.assert_sound()
    assert proxy.faults["*"].hits >= 8
    made = {r.lines[0] for r in results if r.returncode == 0}
    assert set(keys) <= made | {prot.old_id}
    assert not os.path.exists(f"{prot.file}.lock")
