"""Start-up hygiene: a verb that makes a request imports only what the request needs. Its client
is built through botocore's session, so boto3 (and the s3transfer it pulls in) never loads."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Home, one_error_line

pytestmark = pytest.mark.in_process  # what a process of its own imports

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


VERB_PROBE = (
    "import atexit, sys; verb = sys.argv[1]; sys.argv = ['euare-' + verb, *sys.argv[2:]]\n"
    "atexit.register(lambda: sys.stderr.write(repr(sorted(\n"
    "    m for m in ('botocore', 'boto3') if m in sys.modules)) + '\\n'))\n"
    "import euare.entry\n"
    "getattr(euare.entry, verb)()\n"
)


def test_a_refusal_before_any_request_loads_no_botocore(home: Home, tmp_path: Path) -> None:
    """A value IAM's model refuses, a FIFO given as a document, an output file that cannot be
    written: each is refused from the model's data in the cache, botocore left unloaded."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    env = {**home.env, "EUARE_WORKER": "0"}
    home.run("usercreate", "-u", "bad/name", env=env)  # fills the model cache, if it is empty
    refusals = {
        ("usercreate", "-u", "bad/name"): (2, "USER 'bad/name' is not valid"),
        ("userlistbypath", "-p", "bad"): (2, "-p/--path-prefix 'bad' is not valid"),
        ("rolemod", "r", "--max-session-duration", "5"): (2, "is not between 3600 and 43200"),
        ("useruploadpolicy", "-u", "a", "-p", "b", "-f", str(fifo)): (1, "is a pipe (FIFO)"),
        ("usercreate", "newbie", "--iamrc-out", str(fifo)): (2, "is a FIFO that no one"),
    }
    for args, (status, said) in refusals.items():
        done = subprocess.run(
            [sys.executable, "-c", VERB_PROBE, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        *lines, loaded = done.stderr.strip().splitlines()
        assert (done.returncode, loaded) == (status, "[]"), (args, done.stderr)
        assert said in lines[-1], (args, done.stderr)


def _narrowed_iam_model(where: Path) -> None:
    """A copy of botocore's IAM model under ``where`` (a data path) whose user names are at most
    3 characters long."""
    import botocore

    source = Path(botocore.__file__).parent / "data" / "iam"
    [version] = [p.name for p in source.iterdir() if p.is_dir()]
    target = where / "iam" / version
    target.mkdir(parents=True)
    with gzip.open(source / version / "service-2.json.gz", "rt") as handle:
        model = json.load(handle)
    model["shapes"]["userNameType"]["max"] = 3
    (target / "service-2.json").write_text(json.dumps(model))


@pytest.mark.parametrize("where", ["AWS_DATA_PATH", "a profile's data_path", "~/.aws/models"])
def test_a_model_in_the_data_path_judges_what_is_typed(
    home: Home, tmp_path: Path, where: str
) -> None:
    """Judging reads the model botocore would load: the data path of AWS_DATA_PATH, of the
    profile in the AWS config file, or ~/.aws/models, over botocore's own."""
    data = home.path / ".aws" / "models" if where == "~/.aws/models" else tmp_path / "data"
    _narrowed_iam_model(data)
    env = {"EUARE_WORKER": "0"}
    if where == "AWS_DATA_PATH":
        env["AWS_DATA_PATH"] = str(data)
    elif where == "a profile's data_path":
        env["AWS_CONFIG_FILE"] = str(home.write(".aws-config", f"[default]\ndata_path = {data}\n"))
    for _ in range(2):  # the model read, then kept in the cache
        done = home.run("usercreate", "abcd", env=env)
        assert one_error_line(done, "usercreate", 2).endswith(
            ": USER must be at most 3 characters long, not 4"
        )
