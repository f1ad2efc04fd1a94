"""Hostile and broken input: each gets one clear line and the right exit status, and nothing is
sent that the server would refuse for a reason euare can check itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["usercreate", "name with spaces"], "UserName 'name with spaces' is not valid"),
        (["usercreate", "ünïcødé"], "UserName 'ünïcødé' is not valid"),
        (["usercreate", "u" * 129], "UserName must be at most 64 characters long"),
        (["groupcreate", "g" * 129], "GroupName must be at most 128 characters long"),
        (["usercreate", "ok", "-p", "no/leading"], "a path begins and ends with /"),
        (["usercreate", "ok", "-p", "/no-trailing"], "a path begins and ends with /"),
        (["groupadduser", "ops", "-u", "a;b"], "UserName 'a;b' is not valid"),
        (["userlistbypath", "-p", "x" * 600], "PathPrefix must be at most 512 characters long"),
    ],
)
def test_bad_names_are_refused_before_anything_is_sent(
    proxied_home: Home, proxy: Any, args: list[str], expected: str
) -> None:
    result = proxied_home.run(*args)
    assert result.returncode == 2, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"euare-{args[0]}: error: ")
    assert expected in lines[0]
    assert proxy.actions == []


def test_policy_file_of_10_mb_is_refused(proxied_home: Home, proxy: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text('{"Statement": [' + " " * (10 * 1024 * 1024) + "]}")
    line = one_error_line(
        proxied_home.run("groupuploadpolicy", "ops", "-p", "p", "-f", str(big)), "groupuploadpolicy"
    )
    assert "is larger than" in line
    assert proxy.actions == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01\x02binary", "not a text file"),
        (b"\xff\xfe\xfd not utf-8", "not UTF-8 text"),
    ],
)
def test_binary_policy_files_are_refused(
    proxied_home: Home, proxy: Any, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "policy.bin"
    path.write_bytes(content)
    line = one_error_line(
        proxied_home.run("useruploadpolicy", "u", "-p", "p", "-f", str(path)), "useruploadpolicy"
    )
    assert expected in line and proxy.actions == []


def test_a_directory_as_policy_file(proxied_home: Home, proxy: Any, tmp_path: Path) -> None:
    line = one_error_line(
        proxied_home.run("useruploadpolicy", "u", "-p", "p", "-f", str(tmp_path)),
        "useruploadpolicy",
    )
    assert "is a directory" in line and proxy.actions == []


def test_an_unreadable_policy_file(proxied_home: Home, proxy: Any) -> None:
    """/proc/self/mem cannot be read from its start, even by root (which chmod cannot stop)."""
    line = one_error_line(
        proxied_home.run("useruploadpolicy", "u", "-p", "p", "-f", "/proc/self/mem"),
        "useruploadpolicy",
    )
    assert "cannot read" in line and proxy.actions == []


def test_a_symlink_loop_as_credential_file(home: Home, tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    line = one_error_line(
        home.run("userlistbypath", env={"AWS_CREDENTIAL_FILE": str(loop)}), "userlistbypath"
    )
    assert "symbolic links" in line


@pytest.mark.parametrize("name", [".iamrc", ".eucarc"])
def test_nul_bytes_in_config_files(home: Home, name: str) -> None:
    (home.path / name).write_bytes(b"AWSAccessKeyId=AKIA\x00\nexport EUARE_URL=\x00x\n")
    line = one_error_line(home.run("userlistbypath"), "userlistbypath")
    assert "not a text file" in line and name in line


def test_very_long_lines_in_eucarc(home: Home, iam: Any) -> None:
    eucarc = (home.path / ".eucarc").read_text()
    home.write(".eucarc", "export JUNK=" + "x" * 500_000 + "\n" + eucarc)
    assert home.run("userlistbypath").returncode == 0


def test_command_substitutions_in_eucarc_never_run(home: Home, iam: Any, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    eucarc = (home.path / ".eucarc").read_text()
    home.write(
        ".eucarc",
        f"export A=$(touch {marker})\nexport B=`touch {marker}`\n"
        f'export C="$(touch {marker})"\n{eucarc}',
    )
    assert home.run("userlistbypath").returncode == 0
    assert not marker.exists()


def test_shell_metacharacters_in_names_are_data_not_code(
    home: Home, iam: Any, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    result = home.run("usercreate", f"$(touch {marker})")
    assert result.returncode == 2 and not marker.exists()
