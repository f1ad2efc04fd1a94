"""What the rotation tests share: a user with one key in a credential file, with moto enforcing
signatures and policies; runs of euare-userrotatekey in the background; and the end state every
rotation must leave, whatever happened to it."""

from __future__ import annotations

import io
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import BIN, OUTPUTS, Home, MotoServer, Result, boto_client
from tests.support.signals import as_if_from_a_terminal

POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}'
HEADER = "# rotated by cron\r\n"
FOOTER = "\nSomeOtherSetting = keep me\n"


class Rotating:
    def __init__(self, home: Home, iam: Any, server: MotoServer, policy: str = POLICY) -> None:
        iam.create_user(UserName="rot")
        iam.put_user_policy(UserName="rot", PolicyName="self", PolicyDocument=policy)
        key = iam.create_access_key(UserName="rot")["AccessKey"]
        self.old_id, self.old_secret = key["AccessKeyId"], key["SecretAccessKey"]
        self.home = home
        self.file = home.write(
            ".iamrc",
            f"{HEADER}AWSAccessKeyId = {self.old_id}\nAWSSecretKey={self.old_secret}{FOOTER}",
        )
        self.original = self.file.read_bytes()
        self.admin = boto_client(home.url, self.old_id, self.old_secret)
        server.enforce_auth()

    def key_status(self) -> dict[str, str]:
        """The user's keys, listed with whichever key the file now holds."""
        reader = boto_client(self.home.url, *self.file_key())
        listed = reader.list_access_keys(UserName="rot")["AccessKeyMetadata"]
        return {k["AccessKeyId"]: k["Status"] for k in listed}

    def file_key(self) -> tuple[str, str]:
        text = self.file.read_text()
        key = re.search(r"AWSAccessKeyId = (\S+)", text)
        secret = re.search(r"AWSSecretKey=(\S+)", text)
        assert key and secret, text
        return key.group(1), secret.group(1)

    def assert_sound(self, named: str = "") -> dict[str, str]:
        """The file holds an active key that works; besides it the user has at most one key,
        and that one is inactive, or named (with the command that removes it) in ``named``."""
        in_file = self.file_key()[0]
        keys = self.key_status()  # listing with the file's key proves that it works
        assert keys.get(in_file) == "Active", keys
        assert len(keys) <= 2, keys
        for key, status in keys.items():
            assert key == in_file or status == "Inactive" or key in named, (keys, named)
        leftovers = [
            p.name for p in self.file.parent.iterdir() if p.name.endswith((".tmp", "lock"))
        ]
        assert leftovers == [], leftovers
        return keys


def spawn(home: Home, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """euare-userrotatekey ARGS in the background, taking Ctrl-C, SIGTERM and SIGHUP as from a
    terminal."""
    return subprocess.Popen(
        [str(BIN / "euare-userrotatekey"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**home.env, **(env or {})},
        preexec_fn=as_if_from_a_terminal,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> Result:
    out, err = process.communicate(timeout=timeout)
    OUTPUTS.append((["userrotatekey", *map(str, process.args[1:])], out, err))  # type: ignore[index]
    assert "Traceback" not in err, err
    return Result(process.returncode, out, err)


def wait_until(condition: Callable[[], Any], timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        time.sleep(0.05)


def lock_of(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def run_in_process(home: Home, *args: str) -> Result:
    """euare-userrotatekey ARGS in this process, for tests that patch what it calls."""
    from euare.call.context import Call
    from euare.cli.run import run

    out, err = io.StringIO(), io.StringIO()
    call = Call("euare-userrotatekey", dict(home.env), io.StringIO(), out, err)
    code = run("userrotatekey", list(args), call)
    OUTPUTS.append((["userrotatekey", *args], out.getvalue(), err.getvalue()))
    return Result(code, out.getvalue(), err.getvalue())
