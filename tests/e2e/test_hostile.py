"""Hostile and broken input: each gets one clear line and the right exit status, and nothing is
sent that the server would refuse for a reason euare can check itself."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["usercreate", "name with spaces"], "USER 'name with spaces' is not valid"),
        (["usercreate", "ünïcødé"], "USER 'ünïcødé' is not valid"),
        (["usercreate", "u" * 129], "USER must be at most 64 characters long, not 129"),
        (["groupcreate", "g" * 129], "GROUP must be at most 128 characters long, not 129"),
        (["usercreate", "ok", "-p", "no/leading"], "a path begins and ends with /"),
        (["usercreate", "ok", "-p", "/no-trailing"], "a path begins and ends with /"),
        (["groupadduser", "ops", "-u", "a;b"], "-u/--user-name 'a;b' is not valid"),
        (["userlistbypath", "-p", "x" * 600], "-p/--path-prefix must be at most 512 characters"),
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


# --- files that are not files: never waited on ----------------------------------------------------

FIFO = "{fifo}"
FILE_OPTIONS = [
    ["useruploadpolicy", "u", "-p", "p", "-f", FIFO],
    ["groupuploadpolicy", "g", "-p", "p", "-f", FIFO],
    ["roleuploadpolicy", "r", "-p", "p", "-f", FIFO],
    ["policycreate", "p", "-f", FIFO],
    ["policycreateversion", "p", "-f", FIFO],
    ["rolecreate", "r", "-f", FIFO],
    ["roleupdateassumepolicy", "r", "-f", FIFO],
    ["assumerole", "r", "--policy-document", FIFO],
    ["useraddcert", "-f", FIFO],
    ["servercertupload", "s", "--certificate-file", FIFO, "--private-key", "k"],
    ["servercertupload", "s", "-c", "c", "--private-key-file", FIFO],
    ["servercertupload", "s", "-c", "c", "--private-key", "k", "--certificate-chain-file", FIFO],
    ["userrotatekey", "--credential-file", FIFO],
]


@pytest.mark.parametrize("args", FILE_OPTIONS, ids=lambda a: "-".join(a[:1] + a[-2:-1]))
def test_a_fifo_given_as_a_file_is_refused_at_once(
    proxied_home: Home, proxy: Any, tmp_path: Path, args: list[str]
) -> None:
    """A FIFO with no writer would block a plain open() for ever; each file option refuses it
    in one line, within the timeout, before anything is sent."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    argv = [a.format(fifo=fifo) for a in args]
    line = one_error_line(proxied_home.run(*argv, timeout=20), argv[0])
    assert f"{fifo} is a pipe (FIFO), not a regular file" in line
    assert proxy.actions == []


@pytest.mark.parametrize("where", [".iamrc", "AWS_CREDENTIAL_FILE", ".eucarc", "eucarc-named"])
def test_a_fifo_as_a_configuration_file_is_refused_at_once(
    home: Home, tmp_path: Path, where: str
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    env: dict[str, str] = {}
    if where == "AWS_CREDENTIAL_FILE":
        env[where] = str(fifo)
    elif where == "eucarc-named":
        (home.path / ".iamrc").unlink()
        home.write(".eucarc", f"export AWS_CREDENTIAL_FILE={fifo}\n")
    else:
        (home.path / where).unlink()
        (home.path / where).symlink_to(fifo)
    line = one_error_line(home.run("userlistbypath", env=env, timeout=20), "userlistbypath")
    assert "is a pipe (FIFO), not a regular file" in line


def test_a_fifo_as_ca_bundle_is_refused_at_once(home: Home, tmp_path: Path) -> None:
    fifo = tmp_path / "ca.pem"
    os.mkfifo(fifo)
    result = home.run("userlistbypath", env={"AWS_CA_BUNDLE": str(fifo)}, timeout=20)
    assert "AWS_CA_BUNDLE" in one_error_line(result, "userlistbypath")


def test_eucarc_expansion_bomb_is_refused(home: Home) -> None:
    """Under 500 bytes that a shell would expand to terabytes: refused in one line, quickly."""
    names = "ABCDEFGHIJ"
    bomb = "A=xxxxxxxx\n" + "".join(f"{n}={f'${p}' * 16}\n" for p, n in itertools.pairwise(names))
    assert len(bomb) < 500
    home.write(".eucarc", bomb + (home.path / ".eucarc").read_text())
    line = one_error_line(home.run("userlistbypath", timeout=20), "userlistbypath")
    assert "longer than 64 KiB" in line and ".eucarc" in line


# --- plain http:// to AWS -------------------------------------------------------------------------


def test_plain_http_to_aws_warns_and_is_still_sent(home: Home) -> None:
    """The request still goes (to a proxy on a closed local port, so nothing leaves the
    machine); the warning comes first, then the connection error."""
    from tests.conftest import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    env = {"HTTP_PROXY": dead, "HTTPS_PROXY": dead, "AWS_MAX_ATTEMPTS": "1"}
    result = home.run("userlistbypath", "-U", "http://iam.amazonaws.com", env=env, timeout=30)
    warning, error = result.stderr.splitlines()
    assert warning.startswith("euare-userlistbypath: warning: ")
    assert "http://iam.amazonaws.com" in warning and "plain http://" in warning
    assert error == f"euare-userlistbypath: error: could not connect to the proxy {dead}"
    assert result.returncode == 1

    https = home.run("userlistbypath", "-U", "https://iam.amazonaws.com", env=env, timeout=30)
    assert "warning" not in https.stderr and https.returncode == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["useruploadpolicy", "u", "-p", "p", "-f", "-"], "longer than 1048576 characters"),
        (["rolecreate", "r", "-f", "-"], "longer than 1048576 characters"),
        (["useraddcert", "-f", "-"], "longer than 1048576 characters"),
    ],
)
def test_standard_input_is_read_no_further_than_a_file(
    proxied_home: Home, proxy: Any, args: list[str], expected: str
) -> None:
    """``cat /dev/zero | euare-... -f -`` must not read until memory runs out: standard input
    is bounded like a file (1 MiB)."""
    result = proxied_home.run(*args, input="{" + " " * (1024 * 1024))
    assert expected in one_error_line(result, args[0])
    assert proxy.actions == []


def test_a_password_line_from_standard_input_is_bounded(proxied_home: Home, proxy: Any) -> None:
    result = proxied_home.run("useraddloginprofile", "u", input="x" * (3 * 1024 * 1024))
    line = one_error_line(result, "useraddloginprofile", status=2)
    # the line was cut at 1 MiB (or the refusal would be about reading), and, being a secret,
    # the password's length is not told
    assert line.endswith(
        "the password read from standard input must be at most 128 characters long"
    ), line
    assert "CreateLoginProfile" not in proxy.actions  # (only the look for an existing profile)
