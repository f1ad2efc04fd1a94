"""Start-up hygiene: a verb that makes a request imports only what the request needs. Its client
is built through botocore's session, so boto3 (and the s3transfer it pulls in) never loads."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import Home

PROBE = (
    "import sys; sys.argv = ['euare-userlistbypath']\n"
    "from euare.entry import userlistbypath\n"
    "rc = userlistbypath()\n"
    "loaded = sorted(m for m in ('boto3', 's3transfer', 'tabulate') if m in sys.modules)\n"
    "sys.stderr.write(f'{rc} {loaded}\\n')\n"
)


def test_a_request_loads_neither_boto3_nor_s3transfer(home: Home) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=home.env, capture_output=True, text=True, timeout=60
    )
    assert done.stderr.strip().splitlines()[-1] == "0 []", done.stderr
