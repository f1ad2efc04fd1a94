"""euare-userrotatekey against moto with signatures and policies enforced: the file ends up
holding a working new key, the old key is retired only after that, and any failure before then
leaves the old file and the old key as they were."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, MotoServer, boto_client, one_error_line
from tests.support.proxy import Fault
from tests.support.rotation import FOOTER, HEADER, Rotating


@pytest.fixture
def rot(home: Home, iam: Any, moto_server: MotoServer) -> Rotating:
    return Rotating(home, iam, moto_server)


@pytest.fixture
def prot(proxied_home: Home, iam: Any, moto_server: MotoServer) -> Rotating:
    return Rotating(proxied_home, iam, moto_server)


def test_rotation_leaves_a_working_key_and_an_inactive_old_one(rot: Rotating) -> None:
    result = rot.home.run("userrotatekey")
    assert result.returncode == 0, result.stderr
    new_id, new_secret = rot.file_key()
    assert result.lines == [new_id] and new_id != rot.old_id
    assert rot.key_status() == {rot.old_id: "Inactive", new_id: "Active"}
    works = boto_client(rot.home.url, new_id, new_secret)
    assert works.get_user()["User"]["UserName"] == "rot"


def test_rotation_keeps_other_lines_mode_and_a_private_backup(rot: Rotating) -> None:
    assert rot.home.run("userrotatekey").returncode == 0
    text = rot.file.read_bytes().decode()
    assert text.startswith(HEADER) and text.endswith(FOOTER)
    assert stat.S_IMODE(rot.file.stat().st_mode) == 0o600
    backup = Path(str(rot.file) + ".previous")
    assert backup.read_bytes() == rot.original
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_rotation_with_delete_removes_the_old_key(rot: Rotating) -> None:
    assert rot.home.run("userrotatekey", "--delete", "--no-backup").returncode == 0
    assert list(rot.key_status()) == [rot.file_key()[0]]
    assert not Path(str(rot.file) + ".previous").exists()


def test_new_secret_is_printed_only_when_asked(rot: Rotating) -> None:
    quiet = rot.home.run("userrotatekey", "-v")
    secret = rot.file_key()[1]
    assert quiet.returncode == 0 and secret not in quiet.stdout + quiet.stderr
    loud = rot.home.run("userrotatekey", "--delete-inactive", "--show-secret")
    assert loud.lines[1] == rot.file_key()[1]


def test_max_age_does_nothing_for_a_young_key(rot: Rotating) -> None:
    result = rot.home.run("userrotatekey", "--max-age", "30", "-v")
    assert result.returncode == 0
    assert "nothing to do" in result.stderr and result.stdout == ""
    assert rot.file.read_bytes() == rot.original and list(rot.key_status()) == [rot.old_id]


def test_max_age_rotates_an_old_key(prot: Rotating, proxy: Any) -> None:
    """moto dates every key today, so the proxy makes the listing say the key is from 2020."""

    def aged(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        return status, re.sub(
            rb"<CreateDate>[^<]*</CreateDate>",
            b"<CreateDate>2020-01-01T00:00:00Z</CreateDate>",
            body,
        )

    proxy.rewrites["ListAccessKeys"] = aged
    result = prot.home.run("userrotatekey", "--max-age", "90")
    assert result.returncode == 0, result.stderr
    assert prot.key_status()[prot.old_id] == "Inactive"


def test_refuses_when_both_slots_hold_active_keys(rot: Rotating) -> None:
    other = rot.admin.create_access_key(UserName="rot")["AccessKey"]["AccessKeyId"]
    line = one_error_line(rot.home.run("userrotatekey"), "userrotatekey")
    assert "rot already has 2 access keys" in line and other in line
    assert rot.key_status() == {rot.old_id: "Active", other: "Active"}
    assert rot.file.read_bytes() == rot.original


def test_delete_inactive_frees_the_slot(rot: Rotating) -> None:
    other = rot.admin.create_access_key(UserName="rot")["AccessKey"]["AccessKeyId"]
    rot.admin.update_access_key(UserName="rot", AccessKeyId=other, Status="Inactive")
    refused = rot.home.run("userrotatekey")
    assert "--delete-inactive" in one_error_line(refused, "userrotatekey")
    result = rot.home.run("userrotatekey", "--delete-inactive")
    assert result.returncode == 0, result.stderr
    assert other not in rot.key_status()


def test_refuses_a_file_whose_key_is_not_the_users(rot: Rotating) -> None:
    rot.admin.create_user(UserName="someone-else")
    line = one_error_line(rot.home.run("userrotatekey", "-u", "someone-else"), "userrotatekey")
    assert f"({rot.old_id}) is not one of someone-else's access keys" in line


def test_failed_verification_restores_the_file_and_deletes_the_new_key(
    prot: Rotating, proxy: Any
) -> None:
    proxy.faults["GetCallerIdentity"] = Fault("status", count=None, status=503)
    result = prot.home.run("userrotatekey", "--wait", "1")
    line = one_error_line(result, "userrotatekey")
    assert "rotation failed" in line and "put the old" in line and "deleted the new key" in line
    assert prot.file.read_bytes() == prot.original
    assert prot.key_status() == {prot.old_id: "Active"}


def test_endpoint_gone_after_create_restores_the_file_and_names_the_orphan(
    prot: Rotating, proxy: Any
) -> None:
    proxy.faults["GetCallerIdentity"] = Fault("reset-before", count=None)
    proxy.faults["DeleteAccessKey"] = Fault("reset-before", count=None)
    result = prot.home.run("userrotatekey", "--wait", "1")
    line = one_error_line(result, "userrotatekey")
    assert prot.file.read_bytes() == prot.original
    keys = prot.key_status()
    assert keys[prot.old_id] == "Active"
    orphan = next(k for k in keys if k != prot.old_id)
    assert f"euare-userdelkey -u rot {orphan}" in line
