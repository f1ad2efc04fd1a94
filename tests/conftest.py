"""Fixtures: a real moto IAM server over HTTP on 127.0.0.1, a temporary HOME, and a runner
for the installed ``euare-*`` console scripts. State is built and read back with boto3."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import settings as hypothesis_settings

from tests.support import passes

ADMIN_KEY = "AKIAEUARETESTADMIN01"
ADMIN_SECRET = "test/admin+secret/0123456789abcdefghijklm"
BIN = Path(sys.executable).parent
# One botocore model cache (models.py) per test process, so that each HOME need not build its
# own; the cache itself is tested with caches of the tests' own.
MODEL_CACHE = tempfile.mkdtemp(prefix="euare-test-cache-")
atexit.register(shutil.rmtree, MODEL_CACHE, ignore_errors=True)  # a worker there then leaves


# --- property tests: a bounded budget in make test, a deep one in make test-deep ------------------

# HYPOTHESIS_PROFILE picks the budget: "fast" (the default, what make test runs) or "deep" (make
# test-deep). A property test takes its number of examples from the profile, or a multiple of
# it (budget()), never a number of its own: tests/unit/test_property_budgets.py holds that.
hypothesis_settings.register_profile("fast", max_examples=25, deadline=None)
hypothesis_settings.register_profile("deep", max_examples=500, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def budget(times: float = 1) -> int:
    """The profile's number of examples, ``times`` over (more for a cheap property whose
    inputs are many, less for a costly one), at least one."""
    return max(1, round(hypothesis_settings.default.max_examples * times))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(url: str, data: bytes) -> None:
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "text/plain"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


class MotoServer:
    """euare's sandbox server (moto behind the sandbox's model of IAM, euare.sandbox.model) in
    a child process, bound to 127.0.0.1 on a free port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "euare.sandbox.serve", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the sandbox server exited at start") from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the sandbox server did not start within 30 s")

    def reset(self) -> None:
        post(self.url + "moto-api/reset-auth", b"inf")
        post(self.url + "moto-api/reset", b"")

    def enforce_auth(self) -> None:
        post(self.url + "moto-api/reset-auth", b"0")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_moto(tries: int = 3) -> MotoServer:
    """A moto server; under pytest-xdist each worker starts its own, so a port taken between
    choosing it and binding it (by another worker) is met by choosing again."""
    for attempt in range(tries):
        try:
            return MotoServer()
        except RuntimeError:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    server = start_moto()
    yield server
    server.stop()


# Every secret a test makes through boto3 (keys, passwords, session tokens), and everything the
# euare commands printed: after each test, no secret may appear in any of it.
SECRETS: set[str] = set()
OUTPUTS: list[tuple[list[str], str, str]] = []


def _remember_secrets(client: Any) -> None:
    def from_response(parsed: dict[str, Any], **_: Any) -> None:
        for holder in (parsed.get("AccessKey"), parsed.get("Credentials")):
            if holder:
                SECRETS.update(
                    v for k, v in holder.items() if k in ("SecretAccessKey", "SessionToken") and v
                )

    def from_request(params: dict[str, Any], **_: Any) -> None:
        if params.get("Password"):
            SECRETS.add(params["Password"])

    client.meta.events.register("after-call.*.*", from_response)
    client.meta.events.register("provide-client-params.*.*", from_request)


@pytest.fixture(autouse=True)
def secrets_stay_secret() -> Iterator[None]:
    """Fails a test whose commands printed a secret the test made, or the test admin's secret."""
    SECRETS.clear()
    OUTPUTS.clear()
    yield
    for secret in SECRETS | {ADMIN_SECRET}:
        for args, out, err in OUTPUTS:
            assert secret not in out + err, f"a secret leaked in the output of {args}"


@pytest.fixture(autouse=True)
def own_secret_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test registers secrets in a registry of its own (a copy of the one it found), as each
    euare command does in a process of its own: a secret a test's settings or prompt registered
    (say "secret", or "s") must not mask that word in a later test's messages."""
    from euare.core import redact

    monkeypatch.setattr(redact, "_known", set(redact._known))
    monkeypatch.setattr(redact, "_short", set(redact._short))
    monkeypatch.setattr(redact, "_compiled", [])


def boto_client(
    url: str, key: str = ADMIN_KEY, secret: str = ADMIN_SECRET, service: str = "iam"
) -> Any:
    client = boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )
    _remember_secrets(client)
    return client


@pytest.fixture
def endpoint(moto_server: MotoServer) -> str:
    """The URL of a freshly reset IAM endpoint (no auth checks)."""
    moto_server.reset()
    return moto_server.url


@pytest.fixture
def iam(endpoint: str) -> Any:
    """A boto3 IAM client for building state and reading results back."""
    return boto_client(endpoint)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


class Home:
    """A temporary HOME with .iamrc and .eucarc, and a runner for the installed scripts."""

    def __init__(self, path: Path, url: str) -> None:
        self.path = path
        self.url = url
        self.env = {
            "HOME": str(path),
            "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(path / "no-aws-credentials"),
            "AWS_MAX_ATTEMPTS": "2",
            "XDG_CACHE_HOME": MODEL_CACHE,
        }
        if passes.via_worker():  # this test's calls through the warm worker (support/passes.py)
            self.env["EUARE_WORKER"] = "1"
            self.env["EUARE_WORKER_IDLE"] = "60"
        self.write_iamrc(ADMIN_KEY, ADMIN_SECRET)
        self.write(".eucarc", f"export EUARE_URL={url}\nexport TOKEN_URL={url}\n")

    def write(self, name: str, text: str, mode: int = 0o600) -> Path:
        target = self.path / name
        target.write_text(text)
        target.chmod(mode)
        return target

    def write_iamrc(self, key: str, secret: str, name: str = ".iamrc") -> Path:
        return self.write(name, f"AWSAccessKeyId={key}\nAWSSecretKey={secret}\n")

    def env_with(self, env: dict[str, str] | None) -> dict[str, str]:
        return {**self.env, **(env or {})}

    def spawn(self, verb: str, *args: str, env: dict[str, str] | None = None) -> Any:
        """``euare-VERB ARGS`` started, not waited for (stdin empty, stdout/stderr piped), taking
        Ctrl-C, SIGTERM and SIGHUP as from a terminal."""
        from tests.support.signals import as_if_from_a_terminal

        passes.note(verb, args, self.env_with(env))
        return subprocess.Popen(
            [str(BIN / f"euare-{verb}"), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env_with(env),
            preexec_fn=as_if_from_a_terminal,
        )

    def run(
        self,
        verb: str,
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 60,
        cwd: Path | None = None,
    ) -> Result:
        program = (
            shutil.which(f"euare-{verb}", path=str(BIN)) if verb != "euare" else str(BIN / "euare")
        )
        assert program, f"euare-{verb} is not installed in {BIN}"
        passes.note(verb, args, self.env_with(env))
        done = subprocess.run(
            [program, *args],
            input=input,
            capture_output=True,
            text=True,
            env=self.env_with(env),
            timeout=timeout,
            stdin=None if input is not None else subprocess.DEVNULL,
            cwd=cwd,
        )
        OUTPUTS.append(([verb, *args], done.stdout, done.stderr))
        return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session", autouse=True)
def _stop_workers() -> Iterator[None]:
    """The calls this test process makes through the warm worker share one: stopped at the end."""
    yield
    if passes.mode() != "in-process":
        subprocess.run(
            [str(BIN / "euare"), "worker", "stop"],
            env={"PATH": "/usr/bin:/bin", "HOME": MODEL_CACHE, "XDG_CACHE_HOME": MODEL_CACHE},
            capture_output=True,
            timeout=60,
        )


@pytest.fixture
def home(tmp_path: Path, endpoint: str) -> Home:
    home_dir = tmp_path / "home"
    home_dir.mkdir()
    return Home(home_dir, endpoint)


# --- no test leaves a file in the checkout --------------------------------------------------------

CHECKOUT = Path(__file__).resolve().parents[1]
_FILES_AT_START = pytest.StashKey[set[str]]()


def _checks_leftovers(config: pytest.Config) -> bool:
    """In the process that runs the session: pytest-xdist's workers leave it to the controller,
    which starts before and ends after all of them."""
    return not hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    if _checks_leftovers(session.config):
        from tests.support.leftovers import checkout_files

        session.config.stash[_FILES_AT_START] = checkout_files(CHECKOUT)


@pytest.fixture(autouse=True)
def calls_way(request: pytest.FixtureRequest) -> str | None:
    """The way this test's calls run, when a mixed run runs it both ways (tests/support/passes.py);
    else None (its run and marks decide)."""
    return getattr(request, "param", None)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    passes.parametrize(metafunc)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests each way (tests/support/passes.py), in the order that keeps both cores
    busy under pytest-xdist (tests/support/order.py)."""
    passes.keep_one_way(config, items)
    from tests.support.order import spread

    spread(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before the test's fixtures: whether its calls go through the warm worker."""
    passes.enter(item)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist's controller: the verbs a worker process ran, and how."""
    passes.take(node)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a file appeared in the checkout (a test must write under tmp_path: a
    file named "-" holding an MFA seed was once left at the root this way), or if a pass of
    make test missed a verb family (tests/support/passes.py)."""
    config = session.config
    if not _checks_leftovers(config):  # a pytest-xdist worker: its verbs to the controller
        passes.output(config)
        return
    for way in passes.held_to(config, CHECKOUT / "tests") if exitstatus == 0 else ():
        missed = passes.families_missed(passes.RAN[way])
        if missed:
            _fail_session(
                session, f"no test ran a verb of these families {way}: {', '.join(missed)}"
            )
    before = config.stash.get(_FILES_AT_START, None)
    if before is None:
        return
    from tests.support.leftovers import checkout_files

    left = sorted(checkout_files(CHECKOUT) - before)
    if left:
        message = f"the tests left {len(left)} file(s) in the checkout: {', '.join(left[:20])}"
        _fail_session(session, message)


def _fail_session(session: pytest.Session, message: str) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        reporter.write_line(f"ERROR: {message}", red=True, bold=True)
    else:
        sys.stderr.write(f"ERROR: {message}\n")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def one_error_line(result: Result, verb: str, status: int = 1) -> str:
    """Assert the run failed (exit ``status``: 2 for input refused before sending) with exactly
    one stderr line in euca2ools' form; return it."""
    lines = result.stderr.splitlines()
    assert result.returncode == status, result
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"euare-{verb}: error"), lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture
def proxy(endpoint: str) -> Iterator[Any]:
    """A proxy in front of the reset moto server; tests may rewrite its answers."""
    from tests.support.proxy import Proxy

    running = Proxy(endpoint)
    yield running
    running.stop()


@pytest.fixture
def proxied_home(tmp_path: Path, proxy: Any) -> Home:
    """A HOME whose .eucarc points at the proxy instead of moto itself."""
    home_dir = tmp_path / "proxied-home"
    home_dir.mkdir()
    return Home(home_dir, proxy.url)
