"""How long an euare command takes to start, and to make one request, against a local moto
server. Run: .venv/bin/python bench/startup.py [RUNS]. Prints the median of each, in seconds.

Goals (checked here, not by timed tests): --help under 0.3 s, since it imports neither boto3
nor botocore; one request under 1 s on a 2-core machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(args: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as scratch:
        sandbox = subprocess.Popen(
            [str(BIN / "euare-sandbox"), scratch],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert sandbox.stdout is not None
            sandbox.stdout.readline()  # "source DIR/eucarc": the endpoint is up
            eucarc = Path(scratch, "eucarc").read_text().splitlines()
            env = {
                "HOME": scratch,
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "AWS_EC2_METADATA_DISABLED": "true",
            }
            env.update(
                line.removeprefix("export ").split("=", 1)
                for line in eucarc
                if line.startswith("export ")
            )
            help_time = timed([str(BIN / "euare-usercreate"), "--help"], env, runs)
            call_time = timed([str(BIN / "euare-userlistbypath")], env, runs)
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=30)
    print(f"euare-usercreate --help   median {help_time:.3f} s over {runs} runs (goal < 0.3 s)")
    print(f"euare-userlistbypath      median {call_time:.3f} s over {runs} runs (goal < 1.0 s)")
    return 0 if help_time < 0.3 and call_time < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
