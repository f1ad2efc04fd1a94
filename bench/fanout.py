"""How much faster a recursive delete is with --jobs (default 4) than with --jobs 1.

Run: .venv/bin/python bench/fanout.py [--attachments 50] [--latency 0.05] [--runs 5]

A local moto server is started, and the test proxy (tests/support/proxy.py) in front of it adds
``--latency`` seconds to every answer, as a distant IAM endpoint would (real IAM answers in
about 50-100 ms; moto at once, which would show little gain). Each run seeds one user with
``--attachments`` things to remove (half inline policies, half group memberships;
tests/support/loaded.py:wide_user), then times ``euare-userdel -r`` on it, the settings taking
turns run by run. Prints each setting's median wall time (process start included) and the
ratio; the goal of issue 10 is a ratio of at least 2.5 with 50 attachments.

``measure()`` is the same for a caller (bench/run.py) that wants the numbers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import Home, boto_client, start_moto
from tests.support.loaded import wide_user
from tests.support.proxy import Proxy

SETTINGS = {"--jobs 1": ["--jobs", "1"], "default (4)": []}


def measure(attachments: int = 50, latency: float = 0.05, runs: int = 5) -> dict[str, float]:
    """The median seconds of ``euare-userdel -r`` on a user with ``attachments`` things to
    remove, per setting (SETTINGS' names), each answer ``latency`` seconds late."""
    samples: dict[str, list[float]] = {name: [] for name in SETTINGS}
    moto = start_moto()
    proxy = Proxy(moto.url)
    proxy.latency = latency
    try:
        with tempfile.TemporaryDirectory() as scratch:
            home = Home(Path(scratch), proxy.url)
            iam = boto_client(moto.url)  # seeding goes straight to moto, without the latency
            for run in range(runs):
                names = list(SETTINGS) if run % 2 == 0 else list(reversed(SETTINGS))
                for name in names:
                    moto.reset()
                    wide_user(iam, "wide", attachments)
                    started = time.perf_counter()
                    result = home.run("userdel", "-r", "wide", *SETTINGS[name], timeout=600)
                    samples[name].append(time.perf_counter() - started)
                    if result.returncode != 0 or iam.list_users()["Users"]:
                        raise RuntimeError(f"userdel -r {name} failed: {result.stderr.strip()}")
    finally:
        proxy.stop()
        moto.stop()
    return {name: statistics.median(times) for name, times in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attachments", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per answer")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    medians = measure(args.attachments, args.latency, args.runs)
    for name, seconds in medians.items():
        print(f"userdel -r, {args.attachments} attachments, {name:12} median {seconds:.3f} s")
    ratio = medians["--jobs 1"] / medians["default (4)"]
    print(f"ratio --jobs 1 / default: {ratio:.2f} (goal >= 2.5; latency {args.latency} s a call)")
    return 0 if ratio >= 2.5 else 1


if __name__ == "__main__":
    sys.exit(main())
