"""The warm worker acts only with its caller's authority (issue 19): a call is served only when
the caller's whole security context and its installation are the worker's own; any other call
runs in-process, as it would without EUARE_WORKER, with nothing said.

Two layers are held apart. The issue's own cases run the console scripts in another context
(``unshare -n``, a bounding set without DAC override, ``ulimit -f 0``, another euare on
PYTHONPATH): their result must be the in-process one, and the test's worker must not have
served them. Then, per context item, tests/support/worker_peer.py changes that one item and
hands a call straight to the test's worker (as a front that did not avoid it would): the
worker's own check, read from the kernel, must refuse it, and the unchanged caller is served.
Also: a malformed or silent connection neither ends the worker nor delays other calls, and a
system without SO_PEERCRED or /proc runs the call in-process without a traceback.

Runs as root (CI does), to change capabilities, namespaces and cgroups."""

from __future__ import annotations

import marshal
import os
import resource
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from euare.core.dirs import socket_address
from euare.worker import front
from tests.conftest import Home, MotoServer
from tests.e2e import test_worker
from tests.e2e.test_worker import Worked, running

PEER = Path(__file__).parent.parent / "support" / "worker_peer.py"


def as_root() -> None:
    if os.geteuid() != 0:
        pytest.fail("these tests change capabilities and namespaces: they need root (CI has it)")


@pytest.fixture
def worked(home: Home) -> Iterator[Worked]:
    as_root()
    yield from running(home)


@pytest.fixture(scope="module")
def module_worker(
    moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worked]:
    """The module's worker for the tests of one refused call each (``kept_worker``, which
    also holds that it serves on after every refusal)."""
    as_root()
    yield from running(Home(tmp_path_factory.mktemp("worker-home"), moto_server.url))


kept_worker = test_worker.kept_worker  # the fixture, taking the module_worker above


def in_process(worked: Worked, *args: str, **kwargs: Any) -> Any:
    """Run the call with EUARE_WORKER=1 in a changed context (``wrapper``, ``preexec_fn``) and
    without it, in the same context: the results must be the same, and the test's worker must
    not have served it. The result."""
    before = worked.served()
    cold = worked.run(False, *args, **kwargs)
    warm = worked.run(True, *args, **kwargs)
    assert worked.served() == before, "the worker served a caller of another context"
    assert (warm.returncode, warm.stdout, warm.stderr) == (
        cold.returncode,
        cold.stdout,
        cold.stderr,
    )
    assert "Traceback" not in warm.stderr
    return warm


def still_served(worked: Worked) -> None:
    """A caller of the worker's own context and installation is still served."""
    before = worked.served()
    got = worked.run(True, "userlistbypath")
    assert got.returncode == 0, got
    assert worked.served() == before + 1


# --- the cases, through the console scripts --------------------------------------------


def test_a_caller_in_another_network_namespace_runs_in_process(worked: Worked) -> None:
    """``EUARE_WORKER=1 unshare -n euare-userlistbypath`` must not reach the endpoint."""
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed")
    got = in_process(worked, "userlistbypath", wrapper=["unshare", "-n"])
    assert got.returncode == 1 and got.stdout == "", got
    still_served(worked)


def test_a_caller_without_dac_override_cannot_read_through_the_worker(
    worked: Worked, tmp_path: Path
) -> None:
    """A root caller whose bounding set drops DAC override and read-search, with
    AWS_CREDENTIAL_FILE naming another user's 0600 file: Permission denied, as in-process."""
    if shutil.which("setpriv") is None:
        pytest.fail("setpriv (util-linux) is needed")
    theirs = worked.home.write("theirs.iamrc", worked.home.path.joinpath(".iamrc").read_text())
    os.chown(theirs, 12345, 12345)
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    env = {"AWS_CREDENTIAL_FILE": str(theirs)}
    got = in_process(worked, "userlistbypath", wrapper=drop, env=env)
    assert got.returncode == 1 and got.stdout == "", got
    assert "ermission denied" in got.stderr, got
    assert worked.run(True, "userlistbypath", env=env).returncode == 0  # the worker's own: read
    still_served(worked)


@pytest.mark.usefixtures("iam")
def test_a_caller_with_a_file_size_limit_writes_no_file_through_the_worker(
    worked: Worked, tmp_path: Path
) -> None:
    """``(ulimit -f 0; EUARE_WORKER=1 euare-accountsnapshot -o x.json)`` fails, as cold."""
    target = tmp_path / "x.json"

    def no_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))

    before = worked.served()
    cold = worked.run(False, "accountsnapshot", "-o", str(target), preexec_fn=no_files)
    assert cold.returncode != 0 and (not target.exists() or target.stat().st_size == 0), cold
    target.unlink(missing_ok=True)
    warm = worked.run(True, "accountsnapshot", "-o", str(target), preexec_fn=no_files)
    assert worked.served() == before, "the worker served a caller of other resource limits"
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout), warm
    assert not target.exists() or target.stat().st_size == 0
    still_served(worked)


def other_euare(home: Home, version: str) -> Path:
    """A copy of euare whose __version__ is ``version``, for PYTHONPATH: another install."""
    import euare

    copy = home.path / f"euare-{version}"
    shutil.copytree(Path(euare.__file__).parent, copy / "euare")
    init = copy / "euare" / "__init__.py"
    init.write_text(init.read_text().replace(euare.__version__, version))
    return copy


def test_a_call_of_another_installation_runs_its_own_code(worked: Worked) -> None:
    """A caller whose euare is version 9.9.9 was answered by the worker's 0.1.0."""
    copy = other_euare(worked.home, "9.9.9")
    before = worked.served()
    for _ in range(2):  # the first may start a worker of that installation; then it serves
        got = worked.run(True, "euare", "--version", env={"PYTHONPATH": str(copy)})
        assert (got.returncode, got.stdout, got.stderr) == (0, "euare 9.9.9\n", ""), got
    assert worked.served() == before
    assert worked.run(True, "euare", "--version").stdout != "euare 9.9.9\n"


def test_each_installation_has_a_socket_of_its_own(worked: Worked) -> None:
    """Another euare (PYTHONPATH) finds another socket: it never even meets this worker."""
    copy = other_euare(worked.home, "9.9.9")
    theirs = worked.control_with({"PYTHONPATH": str(copy)}, "status").stdout
    assert str(worked.socket) not in theirs and "socket " in theirs, theirs


# --- the worker's own check, item by item ------------------------------------------------------

ITEMS = [
    "uid", "gid", "groups",
    "ns-net", "ns-uts", "ns-ipc", "ns-mnt", "ns-cgroup", "ns-pid", "ns-time", "ns-user",
    "cap-effective", "cap-permitted", "cap-bounding", "cap-inheritable", "cap-ambient",
    "no-new-privs", "seccomp", "cgroup", "rlimit", "nice", "oom-score-adj", "cpu-affinity",
    "loginuid", "threads", "installation", "prefix",
]  # fmt: skip


def peer(worked: Worked, item: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """Run worker_peer.py ITEM against the test's worker: (its verdict, its standard output)."""
    name = worked.socket.name.removesuffix(front.SOCKET)
    done = subprocess.run(
        [sys.executable, str(PEER), item, name],
        env={**worked.home.env, "EUARE_WORKER": "1", **(env or {})},
        cwd=worked.home.path, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done
    return done.stderr.splitlines()[-1].removeprefix("verdict: "), done.stdout


@pytest.fixture
def cgroup() -> Iterator[Path]:
    """A cgroup (v1 pids, else v2) for a peer to move into; removed afterwards."""
    for root in (
        Path("/sys/fs/cgroup/pids"),
        Path("/sys/fs/cgroup/unified"),
        Path("/sys/fs/cgroup"),
    ):
        made = root / f"euare-test-{os.getpid()}-{time.monotonic_ns()}"
        try:
            made.mkdir()
        except OSError:
            continue
        try:
            yield made
        finally:
            deadline = time.monotonic() + 10
            while True:
                try:
                    made.rmdir()
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"{made} is still busy"
                    time.sleep(0.05)
        return
    pytest.skip("no writable cgroup hierarchy here (tests/unit/test_authority.py covers cgroups)")


@pytest.mark.usefixtures("iam")
@pytest.mark.parametrize("item", ITEMS)
def test_the_worker_refuses_a_caller_whose_context_differs_in(
    kept_worker: Worked, item: str, request: pytest.FixtureRequest
) -> None:
    worked = kept_worker
    env = {}
    if item == "cgroup":
        env["EUARE_TEST_CGROUP"] = str(request.getfixturevalue("cgroup"))
    before = worked.served()
    verdict, out = peer(worked, item, env)
    if verdict == "unchanged":
        pytest.skip(f"this system would not let a process change its {item}")
    assert (verdict, out) == ("refused", ""), f"the worker served a caller of another {item}"
    assert worked.served() == before
    control, out = peer(worked, "control")
    assert control == "served 0" and worked.served() == before + 1, control


# --- connections that are not calls ------------------------------------------------------------


def connect(worked: Worked) -> socket.socket:
    """A connection to the test's worker, as its own user (long paths through /proc/self/fd)."""
    path = worked.socket
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(10)
    address, held = socket_address(str(path.parent), path.name)
    try:
        sock.connect(address)
    finally:
        if held is not None:
            os.close(held)
    return sock


MALFORMED = {
    "one byte, 'i'": b"\x00\x00\x00\x01i",
    "empty body": b"\x00\x00\x00\x00",
    "short header": b"\x00\x00",
    "cut short": b"\x00\x00\x01\x00abc",
    "too large": b"\xff\xff\xff\xff",
    "not a dict": struct.pack("!I", len(marshal.dumps(["v", 2]))) + marshal.dumps(["v", 2]),
}


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_request_does_not_end_the_worker(kept_worker: Worked, body: bytes) -> None:
    worked = kept_worker
    with connect(worked) as sock:
        sock.sendall(body)
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(100) in (b"", b"refused protocol\n")
    assert worked.control("status").returncode == 0
    still_served(worked)


@pytest.mark.parametrize(
    "change",
    [
        {"env": ["not", "a", "dict"]}, {"args": [1, 2]}, {"umask": "022"}, {"umask": -1},
        {"cwd": None}, {"installation": "x"}, {"verb": 7}, {"env": {"A": 1}},
    ],
    ids=lambda c: ",".join(f"{k}={v!r}" for k, v in c.items()),
)  # fmt: skip
def test_a_call_of_the_wrong_types_is_refused_before_anything_runs(
    kept_worker: Worked, change: dict[str, Any]
) -> None:
    worked = kept_worker
    request = {
        "v": front.PROTOCOL, "op": "call", "verb": "userlistbypath", "argv0": "x", "args": [],
        "env": {}, "cwd": "/", "umask": 0o22, "installation": [], **change,
    }  # fmt: skip
    before = worked.served()
    with connect(worked) as sock:
        front.send_request(sock, request, [])
        assert sock.recv(100) == b"refused malformed\n"
    assert worked.served() == before
    still_served(worked)


def test_silent_connections_neither_delay_calls_nor_stay_forever(worked: Worked) -> None:
    """Three connections that send nothing: a call is still served at once (it waited the
    front's full 10 s, then ran in-process), and each silent one is closed after a while."""
    silent = [connect(worked) for _ in range(3)]
    try:
        started = time.monotonic()
        still_served(worked)
        assert time.monotonic() - started < 5, "a silent connection delayed the call"
        for sock in silent:
            sock.settimeout(30)
            assert sock.recv(100) == b"", "the worker answered a request never sent"
    finally:
        for sock in silent:
            sock.close()
    assert worked.control("status").returncode == 0


# --- other systems -----------------------------------------------------------------------------

PROBE = """
import sys, _socket
{change}
sys.argv = ["euare-userlistbypath"]
from euare.entry import userlistbypath
userlistbypath()
"""


@pytest.mark.usefixtures("iam")
@pytest.mark.parametrize(
    "change",
    [
        "del _socket.SO_PEERCRED",  # macOS, the BSDs: LOCAL_PEERCRED, which Linux has not
        "import euare.worker.authority; euare.worker.authority.PROC = '/nonexistent'",  # no /proc
        "import os; del os.pidfd_open",  # no pidfds
    ],
    ids=["no SO_PEERCRED", "no /proc", "no pidfd_open"],
)
def test_a_system_where_the_context_cannot_be_compared_runs_calls_in_process(
    kept_worker: Worked, change: str
) -> None:
    worked = kept_worker
    cold = worked.run(False, "userlistbypath")
    before = worked.served()
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(change=change)],
        env={**worked.home.env, "EUARE_WORKER": "1"}, cwd=worked.home.path,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, cold.stdout, ""), done
    assert worked.served() == before
    assert worked.others() == [], "a worker was started where none can serve"


def test_worker_start_says_when_no_worker_can_serve_here(worked: Worked) -> None:
    probe = (
        "import sys, euare.worker.authority; euare.worker.authority.PROC = '/nonexistent'\n"
        "from euare.worker.control import control; sys.exit(control(['start']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=worked.home.env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and done.stdout == "", done
    assert done.stderr.startswith("euare worker: error: no worker can compare"), done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_a_stopped_worker_leaves_nothing_behind(worked: Worked) -> None:
    directory = worked.socket.parent
    assert worked.control("stop").returncode == 0
    assert sorted(p.name for p in directory.iterdir()) == []


def test_a_call_in_another_context_is_served_by_a_worker_of_that_context(
    worked: Worked,
) -> None:
    """Callers in another cgroup (say, another login session) get a worker of their own."""
    env = {"EUARE_WORKER_IDLE": "30"}
    nice = ["nice", "-n", "1"]
    first = worked.run(True, "userlistbypath", wrapper=nice, env=env)
    assert first.returncode == 0, first
    deadline = time.monotonic() + 30
    while not worked.others():
        assert time.monotonic() < deadline, "no worker was started for the other context"
        time.sleep(0.1)
    theirs = worked.control_with(env, "status", wrapper=nice)
    while theirs.returncode != 0 and time.monotonic() < deadline:
        time.sleep(0.1)
        theirs = worked.control_with(env, "status", wrapper=nice)
    before = worked.served()
    got = worked.run(True, "userlistbypath", wrapper=nice, env=env)
    assert got.returncode == 0 and got.stdout == first.stdout
    after = worked.control_with(env, "status", wrapper=nice).stdout
    assert "calls served 1," in after, after
    assert worked.served() == before
