"""Long listings stream: text and JSON lines print each page as it arrives, so the first line
shows while later pages are still on their way (and memory does not grow with the account)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from typing import Any

import pytest

from tests.conftest import BIN, Home
from tests.support.proxy import Fault, paginate

pytestmark = pytest.mark.in_process  # pages printed as they arrive, by the process itself

USERS = 250  # three pages of 100


@pytest.fixture
def many_users(iam: Any) -> list[str]:
    names = [f"user{i:04d}" for i in range(USERS)]
    for name in names:
        iam.create_user(UserName=name)
    return names


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_the_first_page_prints_before_the_last_arrives(
    proxied_home: Home, proxy: Any, many_users: list[str], fmt: str
) -> None:
    proxy.rewrites["ListUsers"] = paginate("Users")
    proxy.faults["ListUsers"] = Fault("slow", count=None, after=1, delay=4)  # pages 2 and 3
    started = time.monotonic()
    run = subprocess.Popen(
        [str(BIN / "euare-userlistbypath"), "--format", fmt],
        env=proxied_home.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert run.stdout is not None
    ready, _, _ = select.select([run.stdout], [], [], 3.5)
    first = os.read(run.stdout.fileno(), 65536).decode() if ready else ""
    shown_after = time.monotonic() - started
    rest, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    assert first, "nothing printed before the second page came"
    assert shown_after < 3.5
    lines = (first + rest.decode()).splitlines()
    assert len(lines) == USERS
    if fmt == "jsonl":
        assert [json.loads(line)["UserName"] for line in lines] == many_users
    else:
        assert lines[0].endswith(":user/user0000") and lines[-1].endswith(
            f":user/user{USERS - 1:04d}"
        )
