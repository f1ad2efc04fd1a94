"""The rotated credential file stays the file it was: a symbolic link stays a link and its target
is rewritten; owner, group and permission bits are kept (never wider); the FILE.previous backup
is 0600 and has the file's owner. And -v talks on stderr, so stdout holds only the result."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, MotoServer, one_error_line
from tests.support.rotation import Rotating, run_in_process


@pytest.fixture
def rot(home: Home, iam: Any, moto_server: MotoServer) -> Rotating:
    return Rotating(home, iam, moto_server)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_symlinked_file_is_rotated_at_its_target(rot: Rotating) -> None:
    secrets = rot.home.path / "secrets"
    secrets.mkdir()
    target = secrets / "iamrc"
    rot.file.rename(target)
    rot.file.symlink_to(Path("secrets") / "iamrc")
    result = rot.home.run("userrotatekey", "-v")
    assert result.returncode == 0, result.stderr
    assert rot.file.is_symlink() and os.readlink(rot.file) == str(Path("secrets") / "iamrc")
    assert rot.file_key()[0] == result.lines[0] != rot.old_id
    assert (secrets / "iamrc.previous").read_bytes() == rot.original
    assert not Path(f"{rot.file}.previous").exists()
    assert sorted(p.name for p in secrets.iterdir()) == ["iamrc", "iamrc.previous"]
    rot.assert_sound()


@pytest.mark.parametrize("bits", [0o600, 0o640, 0o400, 0o440])
def test_the_files_mode_and_group_are_kept(rot: Rotating, bits: int) -> None:
    group = 4242 if os.geteuid() == 0 else os.getegid()
    os.chown(rot.file, -1, group)
    rot.file.chmod(bits)
    result = rot.home.run("userrotatekey")
    assert result.returncode == 0, result.stderr
    assert rot.file_key()[0] == result.lines[0]
    assert (mode(rot.file), rot.file.stat().st_gid) == (bits, group)
    backup = Path(f"{rot.file}.previous")
    assert (mode(backup), backup.stat().st_gid) == (0o600, group)


def test_a_file_owned_by_another_user_keeps_its_owner(rot: Rotating) -> None:
    """Run as root (as a system-wide cron job would), the file stays its owner's."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    os.chown(rot.file, 4321, 4322)
    rot.file.chmod(0o640)
    result = rot.home.run("userrotatekey")
    assert result.returncode == 0, result.stderr
    st = rot.file.stat()
    assert (st.st_uid, st.st_gid, mode(rot.file)) == (4321, 4322, 0o640)
    backup = Path(f"{rot.file}.previous").stat()
    assert (backup.st_uid, backup.st_gid, stat.S_IMODE(backup.st_mode)) == (4321, 4322, 0o600)


def test_a_file_whose_owner_cannot_be_kept_is_refused_before_any_key_is_made(
    rot: Rotating, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user who is not root cannot give the new file to the old file's owner: refused before
    anything is changed. (Run in-process, pretending to be another user, so that the test does
    not need a second account.)"""
    owner = rot.file.stat().st_uid
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)
    line = one_error_line(run_in_process(rot.home), "userrotatekey")
    assert f"cannot replace {rot.file} as it is: it belongs to uid {owner}" in line, line
    assert rot.file.read_bytes() == rot.original
    assert rot.key_status() == {rot.old_id: "Active"}


def test_verbose_talks_on_stderr_and_json_output_parses(rot: Rotating) -> None:
    result = rot.home.run("userrotatekey", "-v", "--format", "json")
    assert result.returncode == 0, result.stderr
    new_id = rot.file_key()[0]
    shown = json.loads(result.stdout)  # the new key as IAM made it, its secret left out
    assert shown["AccessKeyId"] == new_id and shown["Status"] == "Active"
    assert "SecretAccessKey" not in shown
    said = result.stderr.splitlines()
    assert said[0] == f"euare-userrotatekey: created {new_id}"
    assert said[-1] == f"euare-userrotatekey: deactivated {rot.old_id}"
