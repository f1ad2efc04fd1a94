"""usercreate and useraddkey --iamrc-out FILE: the new key written as a ready .iamrc, 0600 and
atomically whatever the umask, never over an existing file without --force (refused before
anything is sent), and its secret never on stdout; only the key's ID is printed."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line

pytestmark = pytest.mark.in_process  # files written under the caller's umask


def iamrc(path: Path) -> tuple[str, str]:
    text = path.read_text()
    match = re.fullmatch(r"AWSAccessKeyId=(\S+)\nAWSSecretKey=(\S+)\n", text)
    assert match, text
    return match.group(1), match.group(2)


def keys_of(iam: Any, user: str) -> list[str]:
    return [k["AccessKeyId"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]]


@pytest.mark.parametrize("verb", ["useraddkey", "usercreate"])
def test_the_key_goes_to_a_private_file_and_only_its_id_to_stdout(
    home: Home, iam: Any, tmp_path: Path, verb: str
) -> None:
    if verb == "useraddkey":
        iam.create_user(UserName="bob")
    target = tmp_path / "bob.iamrc"
    umask = os.umask(0o022)  # a shell's usual umask: the file is 0600 all the same
    try:
        done = home.run(verb, "bob", "--iamrc-out", str(target))
    finally:
        os.umask(umask)
    assert done.returncode == 0, done.stderr
    key_id, secret = iamrc(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert done.lines == [key_id] and keys_of(iam, "bob") == [key_id]
    assert secret not in done.stdout + done.stderr and done.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bob.iamrc", "home"]


def test_json_has_the_key_without_its_secret(home: Home, iam: Any, tmp_path: Path) -> None:
    target = tmp_path / "carol.iamrc"
    done = home.run("usercreate", "carol", "--iamrc-out", str(target), "--format", "json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["AccessKey"]["AccessKeyId"] == iamrc(target)[0]
    assert "SecretAccessKey" not in record["AccessKey"] and record["User"]["UserName"] == "carol"


@pytest.mark.parametrize("verb", ["useraddkey", "usercreate"])
def test_an_existing_file_is_refused_before_sending_unless_force(
    home: Home, iam: Any, tmp_path: Path, verb: str
) -> None:
    if verb == "useraddkey":
        iam.create_user(UserName="bob")
    kept = tmp_path / "bob.iamrc"
    kept.write_text("someone's own iamrc\n")
    kept.chmod(0o640)
    done = home.run(verb, "bob", "--iamrc-out", str(kept))
    line = one_error_line(done, verb, status=2)
    assert "--iamrc-out" in line and "exists" in line and "--force" in line
    assert kept.read_text() == "someone's own iamrc\n"
    if verb == "usercreate":
        assert iam.list_users()["Users"] == []  # nothing was sent
    else:
        assert keys_of(iam, "bob") == []
    forced = home.run(verb, "bob", "--iamrc-out", str(kept), "--force")
    assert forced.returncode == 0, forced.stderr
    assert iamrc(kept)[0] == forced.lines[0] and stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_w_and_iamrc_out_exclude_each_other(home: Home, iam: Any, tmp_path: Path) -> None:
    iam.create_user(UserName="bob")
    done = home.run("useraddkey", "bob", "-w", "--iamrc-out", str(tmp_path / "f"))
    assert done.returncode == 2 and "cannot be used together" in done.stderr
    assert keys_of(iam, "bob") == [] and not (tmp_path / "f").exists()


def test_a_file_that_cannot_be_written_names_the_key_and_its_delete_command(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Path
) -> None:
    iam.create_user(UserName="bob")
    where = tmp_path / "keys"
    where.mkdir()

    def directory_goes(form: Any, status: int, body: bytes) -> tuple[int, bytes]:
        shutil.rmtree(where)
        return status, body

    proxy.rewrites["CreateAccessKey"] = directory_goes
    done = proxied_home.run("useraddkey", "bob", "--iamrc-out", str(where / "bob.iamrc"))
    line = one_error_line(done, "useraddkey")
    [key_id] = keys_of(iam, "bob")
    assert f"access key {key_id} was created but --iamrc-out" in line
    assert f"its secret is lost: delete it with: euare-userdelkey -u bob {key_id}" in line
    assert done.stdout == ""
