"""Start-up hygiene: a verb that makes a request imports only what the request needs. Its client
is built through botocore's session, so boto3 (and the s3transfer it pulls in) never loads."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import Home

# The console-script targets end the process themselves (euare.entry.leave), after the
# ``atexit`` functions: a probe registers one that reports what was imported.
PROBE = (
    "import atexit, sys; sys.argv = ['euare-userlistbypath']\n"
    "atexit.register(lambda: sys.stderr.write(repr(sorted(\n"
    "    m for m in ('boto3', 's3transfer', 'tabulate') if m in sys.modules)) + '\\n'))\n"
    "from euare.entry import userlistbypath\n"
    "userlistbypath()\n"
)


def test_a_request_loads_neither_boto3_nor_s3transfer(home: Home) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=home.env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr.strip().splitlines()[-1]) == (0, "[]"), done.stderr


def test_the_model_cache_is_private_and_a_damaged_one_is_replaced(home: Home) -> None:
    cache = home.path / "cache"
    env = {"XDG_CACHE_HOME": str(cache), "EUARE_WORKER": "0"}  # the cold path: in-process
    assert home.run("userlistbypath", env=env).returncode == 0
    [made] = (cache / "euare").glob("models-*.marshal")
    assert (cache / "euare").stat().st_mode & 0o777 == 0o700
    assert made.stat().st_mode & 0o777 == 0o600
    made.write_bytes(b"\x00garbage" * 1000)
    again = home.run("userlistbypath", env=env)
    assert (again.returncode, again.stderr) == (0, "")
    assert made.read_bytes().startswith(b"euare-models")


HELP_PROBE = (
    "import atexit, sys; sys.argv = ['euare-usercreate', *sys.argv[1:]]\n"
    "atexit.register(lambda: sys.stderr.write(repr(sorted(\n"
    "    m for m in ('botocore', 'boto3', 'tabulate', 'dotenv') if m in sys.modules)) + '\\n'))\n"
    "from euare.entry import usercreate\n"
    "usercreate()\n"
)


@pytest.mark.parametrize("args", [["--help"], ["--no-such-flag"], []], ids=["help", "bad", "none"])
def test_help_and_usage_errors_load_no_botocore(home: Home, args: list[str]) -> None:
    """--help and usage errors are answered before settings or any client are made."""
    done = subprocess.run(
        [sys.executable, "-c", HELP_PROBE, *args],
        env={**home.env, "EUARE_WORKER": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == (0 if args == ["--help"] else 2), done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
