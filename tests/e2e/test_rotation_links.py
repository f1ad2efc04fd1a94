"""A credential file with other hard links: the rotation writes a new file under one name, so
the other names keep the old key. That is said on stderr before anything is done; with
--delete (the other names would then hold a deleted key) it is refused unless --force."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home, MotoServer, one_error_line
from tests.support.rotation import Rotating


@pytest.fixture
def rot(home: Home, iam: Any, moto_server: MotoServer) -> Rotating:
    return Rotating(home, iam, moto_server)


def warning(rot: Rotating, fate: str) -> str:
    return (
        f"euare-userrotatekey: warning: {rot.file} has 1 other hard link; they keep the old key "
        f"{rot.old_id}, {fate}"
    )


@pytest.mark.parametrize(
    ("flags", "fate", "old_status"),
    [
        ([], "which is deactivated", "Inactive"),
        (["--keep"], "which stays active", "Active"),
        (["--delete", "--force"], "which is deleted", None),
    ],
)
def test_a_hard_linked_file_is_rotated_after_a_warning(
    rot: Rotating, flags: list[str], fate: str, old_status: str | None
) -> None:
    other = rot.home.path / "backup-copy"
    other.hardlink_to(rot.file)
    result = rot.home.run("userrotatekey", *flags)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [warning(rot, fate)]
    new_id = rot.file_key()[0]
    assert result.lines == [new_id] != [rot.old_id]
    assert other.read_bytes() == rot.original  # the other name: the old file, old key
    assert rot.key_status().get(rot.old_id) == old_status


def test_delete_refuses_a_hard_linked_file_before_any_key_is_made(rot: Rotating) -> None:
    (rot.home.path / "backup-copy").hardlink_to(rot.file)
    line = one_error_line(rot.home.run("userrotatekey", "--delete"), "userrotatekey")
    assert f"{rot.file} has 1 other hard link, which would keep the old key {rot.old_id}" in line
    assert "--force" in line
    assert rot.file.read_bytes() == rot.original
    assert rot.key_status() == {rot.old_id: "Active"}


def test_a_file_with_one_name_gets_no_warning(rot: Rotating) -> None:
    result = rot.home.run("userrotatekey", "--delete")
    assert (result.returncode, result.stderr) == (0, "")
    assert rot.assert_sound() == {rot.file_key()[0]: "Active"}
