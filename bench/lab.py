"""The benchmark's surroundings: a scratch HOME, the IAM endpoint process (bench/endpoint.py,
the sandbox's server) and its control channel, the environment every measured command gets,
and which contenders this machine has (the AWS CLI, euca2ools, euare's worker, ``--jobs``).
Everything it starts it stops in :meth:`Lab.close`, which run.py calls on every way out,
Ctrl-C included."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the project's .venv/bin: euare-* live beside its python
ACCESS_KEY = "AKIAEUAREBENCH000001"
SECRET_KEY = "bench/secret/not-a-real-one"
EUCA_VAR = "EUCA2OOLS_EUARE"


def euca2ools() -> list[str] | None:
    """euca2ools' euare-userlistbypath, as EUCA2OOLS_EUARE gives it (a command line)."""
    given = os.environ.get(EUCA_VAR, "").strip()
    return shlex.split(given) if given else None


class LabError(Exception):
    """The benchmark's own machinery failed (not a measured command)."""


class Lab:
    """``aws``: the AWS CLI program to measure, if not the one :meth:`_find_aws` finds."""

    def __init__(self, aws: str | None = None) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="euare-bench-"))
        self.model: subprocess.Popen[str] | None = None
        self.worker_started = False
        try:
            home = self.scratch / "home"
            home.mkdir(mode=0o700)
            self.model = subprocess.Popen(
                [sys.executable, "-m", "bench.endpoint"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            self.url: str = self._reply()["url"]
        except BaseException:
            self.close()
            raise
        # Only what the commands need: no XDG_* (a worker's socket and the model cache go under
        # the scratch HOME), no AWS profile, no instance-metadata lookups.
        self.env = {
            "HOME": str(home),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "EUARE_URL": self.url,  # euare, and the botocore floor script
            "AWS_IAM_URL": self.url,  # euca2ools
        }
        self.aws = self._find_aws(aws)
        self.aws_version = self._version(self.aws) if self.aws else None
        self.euca2ools = euca2ools()

    def _reply(self) -> dict[str, Any]:
        assert self.model is not None and self.model.stdout is not None
        line = self.model.stdout.readline()
        if not line:
            raise LabError("the IAM endpoint process ended (see its messages above)")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise LabError(f"the IAM endpoint: {reply['error']}")
        return reply

    def control(self, op: str, **args: Any) -> dict[str, Any]:
        """Send one command to the IAM endpoint (see bench/endpoint.py) and return its answer."""
        assert self.model is not None and self.model.stdin is not None
        self.model.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.model.stdin.flush()
        return self._reply()

    def fresh(self, latency_ms: float, recipe: str, **args: Any) -> dict[str, Any]:
        """An emptied endpoint answering after ``latency_ms``, seeded with ``recipe``."""
        self.control("reset")
        self.control("latency", ms=latency_ms)
        made = self.control("seed", recipe=recipe, **args)
        self.control("requests")
        return made

    def endpoint_cpu(self) -> float | None:
        """The CPU seconds the IAM endpoint's process has used so far (None where /proc does
        not say)."""
        if self.model is None:
            return None
        try:
            fields = Path(f"/proc/{self.model.pid}/stat").read_text().rpartition(")")[2].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def requests(self) -> int:
        """How many requests the endpoint has had since the last time this was asked."""
        return int(self.control("requests")["requests"])

    @staticmethod
    def euare(verb: str) -> str:
        """The console script of euare-VERB (or ``euare`` itself, given "")."""
        return str(BIN / (f"euare-{verb}" if verb else "euare"))

    # Contenders this machine may lack.

    def _find_aws(self, given: str | None) -> list[str] | None:
        """The AWS CLI: ``given``, else ``aws`` on PATH (through pyenv's shim to the program it
        would run, since the shim is a shell script that costs tens of milliseconds a call),
        else the one ``make bench`` installs in .venv-bench; the first that runs."""
        if given:
            return [given]
        candidates = []
        found = shutil.which("aws")
        if found and Path(found).parent.name == "shims" and shutil.which("pyenv"):
            real = subprocess.run(["pyenv", "which", "aws"], capture_output=True, text=True)
            if real.returncode == 0 and real.stdout.strip():
                candidates.append(real.stdout.strip())
        candidates += [found] if found else []
        candidates.append(str(ROOT / ".venv-bench" / "bin" / "aws"))
        for candidate in candidates:
            if self._version([candidate]):
                return [candidate]
        return None

    def _version(self, aws: list[str]) -> str | None:
        """What ``aws --version`` says, None if it does not run."""
        try:
            done = subprocess.run(
                [*aws, "--version"], capture_output=True, text=True, env=self.env, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return (done.stdout or done.stderr).strip() if done.returncode == 0 else None

    def worker(self, command: str) -> str:
        """Run ``euare worker COMMAND``; raise LabError when it fails, else return the last
        line it printed."""
        try:
            done = subprocess.run(
                [self.euare(""), "worker", command],
                capture_output=True,
                text=True,
                env=self.env,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise LabError(f"euare worker {command}: {exc}") from None
        lines = (done.stdout + done.stderr).strip().splitlines()
        if done.returncode != 0:
            raise LabError(lines[-1] if lines else f"exit {done.returncode}")
        return lines[-1] if lines else "(nothing printed)"

    def start_worker(self) -> str | None:
        """Start euare's warm worker; None when it runs, else why not."""
        try:
            self.worker("start")
        except LabError as exc:
            return str(exc)
        self.worker_started = True
        return None

    def stop_worker(self) -> None:
        if self.worker_started:
            self.worker_started = False
            with contextlib.suppress(LabError):
                self.worker("stop")

    def accepts(self, verb: str, flag: str) -> bool:
        """Whether ``euare-VERB --help`` lists ``flag``."""
        done = subprocess.run(
            [self.euare(verb), "--help"], capture_output=True, text=True, env=self.env
        )
        return flag in done.stdout.split()

    def close(self) -> None:
        """Stop the worker and the IAM endpoint, remove the scratch directory."""
        try:
            self.stop_worker()
        finally:
            if self.model is not None:
                if self.model.stdin is not None:
                    with contextlib.suppress(OSError):
                        self.model.stdin.close()
                try:
                    self.model.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.model.kill()
                    self.model.wait()
                self.model = None
            shutil.rmtree(self.scratch, ignore_errors=True)
