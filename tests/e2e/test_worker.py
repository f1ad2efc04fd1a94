"""The warm worker (EUARE_WORKER=1): a call through it is the call in-process, byte for byte
(stdout, stderr, exit status), whatever the call reads (standard input, relative paths, a
changed ~/.iamrc, the locale); the worker is the user's alone; it leaves when idle, when its
socket goes and when its code changes; it falls back to in-process when it cannot serve.

Each test has a worker of its own (its own XDG_CACHE_HOME), started with ``euare worker start``
and stopped at the end; but the tests of one call each (``kept_worker``) share their module's,
which must still be running after each of them. make test runs most end-to-end tests' calls
through the worker too, and make test-deep all of them (tests/support/passes.py)."""

from __future__ import annotations

import ctypes
import json
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from euare.worker import front
from tests.conftest import ADMIN_KEY, BIN, Home, MotoServer, Result
from tests.support.proxy import Fault
from tests.support.rotation import Rotating
from tests.support.signals import STOPS, as_if_from_a_terminal, head, status, stopped


class Worked:
    """Runs verbs with and without the worker in one HOME, and reads the worker's status."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.cache = home.path / "cache"
        home.env["XDG_CACHE_HOME"] = str(self.cache)
        home.env["EUARE_WORKER_IDLE"] = "120"
        home.env.pop("EUARE_WORKER", None)

    @property
    def socket(self) -> Path:
        """The socket of the worker this test's calls find (named after their security context
        and installation), as ``euare worker status`` tells it, running or not."""
        said = self.control("status").stdout
        return Path(said.split("socket ", 1)[1].split(",")[0].rstrip(")\n"))

    def control(self, action: str) -> subprocess.CompletedProcess[str]:
        return self.control_with({}, action)

    def control_with(
        self, env: dict[str, str], action: str, wrapper: Sequence[str] = ()
    ) -> subprocess.CompletedProcess[str]:
        """``euare worker ACTION`` with ``env`` added, run by ``wrapper`` if given."""
        return subprocess.run(
            [*wrapper, str(BIN / "euare"), "worker", action],
            env={**self.home.env, **env}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    def served(self) -> int:
        done = self.control("status")
        assert done.returncode == 0, done
        return int(done.stdout.split("calls served ")[1].split(",")[0])

    def run(
        self, worker: bool, *args: str, input: str | None = None, cwd: Path | None = None,
        env: dict[str, str] | None = None, wrapper: Sequence[str] = (),
        preexec_fn: Callable[[], object] | None = None,
    ) -> Result:  # fmt: skip
        """``euare-VERB ARGS`` (``euare ARGS``), run by ``wrapper`` (``unshare -n``, say) if
        given, after ``preexec_fn`` in the child if given."""
        program = str(BIN / ("euare" if args[0] == "euare" else f"euare-{args[0]}"))
        done = subprocess.run(
            [*wrapper, program, *args[1:]],
            input=input,
            preexec_fn=preexec_fn,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=cwd or self.home.path,
            env={**self.home.env, "EUARE_WORKER": "1" if worker else "0", **(env or {})},
            timeout=60,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def both(self, *args: str, **kwargs: Any) -> Result:
        """Run in-process, then through the worker (which must have served it): the same."""
        alone = self.run(False, *args, **kwargs)
        before = self.served()
        through = self.run(True, *args, **kwargs)
        assert self.served() == before + 1, "the worker did not serve the call"
        assert (through.returncode, through.stdout, through.stderr) == (
            alone.returncode, alone.stdout, alone.stderr,
        ), args  # fmt: skip
        return through

    def others(self) -> list[int]:
        """Workers of this test's directory other than the one its calls find (started for
        calls of another security context or installation)."""
        mine = str(self.cache).encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"euare.worker.server" in command and b"XDG_CACHE_HOME=" + mine in environ:
                found.append(int(entry.name))
        ours = self.control("status").stdout
        return [pid for pid in found if f"pid {pid}," not in ours]

    def stop_others(self) -> None:
        """Stop the workers that calls of another context started (a call in another network
        namespace cannot be made again in that one, to say ``euare worker stop``)."""
        for pid in self.others():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            deadline = time.monotonic() + 15
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                    break
                time.sleep(0.05)


def running(home: Home) -> Iterator[Worked]:
    """A worker started for ``home`` with ``euare worker start``; afterwards stopped, and so are
    any workers its calls started in other contexts."""
    w = Worked(home)
    started = w.control("start")
    assert started.returncode == 0 and started.stdout.startswith("running"), started
    yield w
    w.control("stop")
    w.stop_others()


@pytest.fixture
def worked(home: Home) -> Iterator[Worked]:
    yield from running(home)


@pytest.fixture(scope="module")
def module_worker(
    moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worked]:
    """One worker for a whole module's tests of one call each, in a HOME of its own (a worker
    start costs about a quarter second of CPU, and these tests are many)."""
    yield from running(Home(tmp_path_factory.mktemp("worker-home"), moto_server.url))


@pytest.fixture
def kept_worker(module_worker: Worked, endpoint: str) -> Iterator[Worked]:
    """The module's worker for one test, IAM reset (``endpoint``): after the test, the workers
    its calls started in other contexts are stopped, and the module's own must still be
    running (a module overriding ``module_worker`` gets its worker here too)."""
    yield module_worker
    module_worker.stop_others()
    assert module_worker.control("status").stdout.startswith("running"), "the test ended it"


@pytest.fixture
def alice(iam: Any) -> None:
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="staff")
    iam.add_user_to_group(UserName="alice", GroupName="staff")
    iam.create_access_key(UserName="alice")
    doc = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Caf\u00e9", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}  # fmt: skip
    iam.put_user_policy(UserName="alice", PolicyName="p1", PolicyDocument=json.dumps(doc))


SAMPLE = [
    ["userlistbypath"],
    ["userlistbypath", "--format", "json"],
    ["usergetattributes", "-u", "alice"],
    ["userlistgroups", "-u", "alice"],
    ["userlistkeys", "-u", "alice"],
    ["userlistpolicies", "-u", "alice", "-v"],
    ["usergetpolicy", "-u", "alice", "-p", "p1"],
    ["usergetattributes", "-u", "nobody"],  # NoSuchEntity: one line, exit 1
    ["usercreate"],  # usage error, exit 2
    ["usercreate", "--bogus"],
    ["userlistbypath", "--help"],
    ["euare", "userlistgroups", "-u", "alice"],
    ["euare", "no-such-verb"],
    ["euare"],
]


@pytest.mark.usefixtures("alice")
@pytest.mark.parametrize("args", SAMPLE, ids=[" ".join(a) for a in SAMPLE])
def test_a_call_through_the_worker_is_the_call_in_process(
    kept_worker: Worked, args: list[str]
) -> None:
    kept_worker.both(*args)


@pytest.mark.usefixtures("alice")
@pytest.mark.parametrize(
    "env",
    [{"LANG": "C"}, {"LANG": "C.UTF-8"}, {"PYTHONIOENCODING": "ascii"}, {"PYTHONUTF8": "1"}],
    ids=["C", "C.UTF-8", "ascii", "utf8-mode"],
)
def test_the_callers_locale_decides_the_output_encoding(
    kept_worker: Worked, env: dict[str, str]
) -> None:
    got = kept_worker.both("usergetpolicy", "-u", "alice", "-p", "p1", env=env)
    assert "Caf" in got.stdout


def test_a_worker_started_in_the_c_locale_still_writes_ascii_for_an_ascii_caller(
    worked: Worked, iam: Any
) -> None:
    """Python started in the C locale runs in UTF-8 mode (PEP 540), where the preferred
    encoding is UTF-8 whatever the locale: the child must take the caller's locale's own."""
    worked.control("stop")
    deadline = time.monotonic() + 10
    while worked.control("status").returncode == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # the old worker leaves
    ascii_caller = {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    worked.run(True, "userlistbypath", env=ascii_caller)  # starts a worker in the C locale
    while worked.control("status").returncode != 0 and time.monotonic() < deadline + 10:
        time.sleep(0.05)
    iam.create_user(UserName="zoe", Path="/caf\u00e9/")
    got = worked.both("userlistbypath", env=ascii_caller)
    assert "/caf\\xe9/" in got.stdout, got.stdout


@pytest.mark.usefixtures("alice")
def test_standard_input_and_relative_paths_are_the_callers(worked: Worked, iam: Any) -> None:
    doc = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    )
    worked.both("useruploadpolicy", "-u", "alice", "-p", "stdin", "-f", "-", input=doc)
    sub = worked.home.path / "policies"
    sub.mkdir()
    (sub / "doc.json").write_text(doc.replace("Deny", "Allow"))
    worked.both("useruploadpolicy", "-u", "alice", "-p", "rel", "-f", "doc.json", cwd=sub)
    got = iam.get_user_policy(UserName="alice", PolicyName="rel")["PolicyDocument"]
    assert got["Statement"][0]["Effect"] == "Allow"
    got = iam.get_user_policy(UserName="alice", PolicyName="stdin")["PolicyDocument"]
    assert got["Statement"][0]["Effect"] == "Deny"
    missing = worked.both("useruploadpolicy", "-u", "alice", "-p", "x", "-f", "doc.json")
    assert missing.returncode != 0  # relative to the caller's directory, not the worker's


def test_each_call_reads_the_iamrc_of_the_moment(worked: Worked, iam: Any) -> None:
    for name in ("bob", "carol"):
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        worked.home.write_iamrc(key["AccessKeyId"], key["SecretAccessKey"])
        got = worked.both("getcallerid")
        assert f"user/{name}" in got.stdout, got


def test_the_first_call_runs_in_process_and_starts_the_worker(home: Home) -> None:
    w = Worked(home)
    assert w.control("status").returncode == 1
    first = w.run(True, "userlistbypath")
    assert first.returncode == 0, first
    deadline = time.monotonic() + 30
    while w.control("status").returncode != 0:
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.1)
    assert w.served() == 0
    assert w.run(True, "userlistbypath").returncode == 0
    assert w.served() == 1
    w.control("stop")


def test_the_socket_directory_is_private_and_the_worker_holds_no_credentials(
    worked: Worked,
) -> None:
    directory = worked.socket.parent
    assert directory.stat().st_mode & 0o777 == 0o700
    assert worked.socket.stat().st_mode & 0o777 == 0o600
    pid = int(worked.control("status").stdout.split("pid ")[1].split(",")[0])
    environ = Path(f"/proc/{pid}/environ").read_bytes()
    assert ADMIN_KEY.encode() not in environ
    assert b"AWS_CREDENTIAL_FILE" not in environ and b"EUARE_URL" not in environ


LIBC = ctypes.CDLL(None)  # loaded here: a child running as another user cannot import


def as_other_user(target: Any, *args: Any) -> int:
    """Run ``target(*args)`` in a child process as uid/gid 12345; its exit status. The child
    never returns into pytest; what it raised fails the test."""
    if os.geteuid() != 0:
        pytest.fail("this test needs root to act as another user; CI runs as root")
    failure = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setgid(12345)
            os.setuid(12345)
            # Changing uid makes /proc/self root's; dumpable again, it is this process's
            # own, and /proc/self/fd/N (see through()) can be followed.
            LIBC.prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE
            code = target(*args)
        except BaseException as exc:
            os.write(failure[1], repr(exc).encode())
        finally:
            os._exit(code)
    os.close(failure[1])
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    raised = os.read(failure[0], 10000)
    os.close(failure[0])
    assert not raised, raised
    return status


def through(socket_path: Path) -> tuple[int, str]:
    """The socket's directory opened (O_PATH) and the socket's name through /proc/self/fd:
    another user reaches it without search rights on the test's private parent directories."""
    fd = os.open(socket_path.parent, os.O_PATH | os.O_DIRECTORY)
    return fd, f"/proc/self/fd/{fd}/{socket_path.name}"


def test_a_worker_socket_of_another_user_is_refused(home: Home) -> None:
    """A listener run by another uid, behind a socket file the user owns in the user's own
    private directory (as if planted by root): the call runs in-process and sends it nothing."""
    w = Worked(home)
    planted = w.socket
    planted.parent.mkdir(parents=True, mode=0o700)
    planted.parent.chmod(0o777)
    fd, address = through(planted)
    ready, heard = os.pipe(), os.pipe()

    def listen() -> int:
        server = socket.socket(socket.AF_UNIX)
        server.bind(address)
        server.listen(1)
        os.write(ready[1], b"x")
        server.settimeout(30)
        conn, _ = server.accept()
        conn.settimeout(5)
        try:
            got = conn.recv(100)
        except OSError:
            got = b""
        os.write(heard[1], b"1" if got else b"0")
        return 0

    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = as_other_user(listen)
        finally:
            os._exit(code)
    try:
        assert select.select([ready[0]], [], [], 30)[0], "the other user's listener did not start"
        assert os.read(ready[0], 1) == b"x"
        os.chown(planted, 0, 0)
        planted.parent.chmod(0o700)
        got = w.run(True, "userlistbypath")
        assert (got.returncode, got.stderr) == (0, "")
        assert select.select([heard[0]], [], [], 30)[0], "the front never connected"
        assert os.read(heard[0], 1) == b"0", "the front sent a request to another user's worker"
    finally:
        os.close(fd)
        os.waitpid(pid, 0)


def test_the_worker_answers_no_other_user(worked: Worked) -> None:
    """Even with the directory opened up, a connection from another uid gets no answer."""
    sock_path = worked.socket
    directory = sock_path.parent
    directory.chmod(0o711)
    sock_path.chmod(0o666)
    fd, address = through(sock_path)

    def ask() -> int:
        sock = socket.socket(socket.AF_UNIX)
        sock.settimeout(10)
        sock.connect(address)
        try:
            front.send_request(sock, {"v": front.PROTOCOL, "op": "status"}, [])
            return 3 if sock.recv(100) else 0
        except (BrokenPipeError, ConnectionResetError):
            return 0  # hung up on: what the worker should do

    try:
        assert as_other_user(ask) == 0, "the worker answered another user"
    finally:
        os.close(fd)
        directory.chmod(0o700)
        sock_path.chmod(0o600)
    assert worked.control("status").returncode == 0


def test_an_unsafe_socket_directory_is_not_used(worked: Worked) -> None:
    worked.socket.parent.chmod(0o755)
    try:
        before = worked.run(False, "userlistbypath")
        got = worked.run(True, "userlistbypath")
        assert (got.returncode, got.stdout) == (0, before.stdout)
    finally:
        worked.socket.parent.chmod(0o700)
    assert worked.served() == 0


def test_start_in_an_unsafe_directory_says_so_at_once(home: Home) -> None:
    w = Worked(home)
    w.socket.parent.mkdir(parents=True, mode=0o700)
    w.socket.parent.chmod(0o755)
    started = time.monotonic()
    done = w.control("start")
    assert time.monotonic() - started < 10
    assert done.returncode == 1 and done.stdout == "", done
    assert done.stderr == (
        f"euare worker: error: {w.socket.parent} is not a directory of yours alone (mode 0700)\n"
    )


def wait_gone(w: Worked, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while w.control("status").returncode == 0:
        assert time.monotonic() < deadline, "the worker is still running"
        time.sleep(0.2)


def test_the_worker_leaves_when_idle(home: Home) -> None:
    w = Worked(home)
    w.home.env["EUARE_WORKER_IDLE"] = "1"
    assert w.control("start").returncode == 0
    wait_gone(w, 15)
    assert not w.socket.exists()


def test_the_worker_leaves_when_its_socket_is_removed(worked: Worked) -> None:
    pid = pid_of(worked)
    worked.socket.unlink()
    wait_dead(pid)


def pid_of(w: Worked) -> int:
    return int(w.control("status").stdout.split("pid ")[1].split(",")[0])


def wait_dead(pid: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, f"the worker (pid {pid}) is still running"
        time.sleep(0.2)


@pytest.mark.usefixtures("alice")
def test_a_worker_whose_code_changed_refuses_calls_and_leaves(home: Home) -> None:
    """A newer euare on disk: the call runs in-process (same result), and the worker exits
    (the call may also find it gone already, and start a new one, of the new code). The worker
    runs a copy of euare (PYTHONPATH), so that only the copy is touched."""
    import euare

    copy = home.path / "src"
    shutil.copytree(Path(euare.__file__).parent, copy / "euare")
    home.env["PYTHONPATH"] = str(copy)
    w = Worked(home)
    assert w.control("start").returncode == 0
    old = pid_of(w)
    source = copy / "euare" / "core" / "render.py"
    stamp = source.stat()
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
    try:
        got = w.run(True, "usergetattributes", "-u", "alice")
        assert (got.returncode, got.stderr) == (0, ""), got
        assert "user/alice" in got.stdout
        wait_dead(old)
    finally:
        w.control("stop")


def test_stop_and_status_say_what_they_did(worked: Worked) -> None:
    status = worked.control("status")
    assert status.stdout.startswith("running: pid ") and str(worked.socket) in status.stdout
    stopped = worked.control("stop")
    assert stopped.returncode == 0 and stopped.stdout.startswith("stopped (pid ")
    assert worked.control("status").returncode == 1
    assert worked.control("stop").stdout == "not running\n"
    bad = worked.control("restart")
    assert bad.returncode == 2 and "start, stop or status" in bad.stderr


SLOW_TO_CLOSE = """
import sys, time
from euare.worker import server
checking, closing = server.Worker._socket_is_ours, server.Worker.close
def check(worker):
    if getattr(worker, "closing", False):
        time.sleep(float(sys.argv[2]))
    return checking(worker)
def close(worker):
    worker.closing = True
    closing(worker)
server.Worker._socket_is_ours, server.Worker.close = check, close
sys.exit(server.main([sys.argv[1]]))
"""


def slow_to_close(worked: Worked, seconds: float) -> subprocess.Popen[str]:
    """In place of the test's worker, one that waits ``seconds`` between closing its listener
    and removing its socket, once answering."""
    path = worked.socket
    assert worked.control("stop").returncode == 0
    slow = subprocess.Popen(
        [sys.executable, "-c", SLOW_TO_CLOSE, path.name.removesuffix(front.SOCKET), str(seconds)],
        env=worked.home.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while worked.control("status").returncode != 0:
        assert time.monotonic() < deadline, "the slow worker never answered"
        time.sleep(0.05)
    return slow


def test_stop_returns_once_the_worker_is_gone(worked: Worked) -> None:
    """A worker slow to leave once told to stop (here: 1.5 s between closing its listener and
    removing its socket): ``euare worker stop`` returns when its socket and lock are gone, not
    when it stops answering, so that a script can start another or remove the directory right
    after."""
    path = worked.socket
    slow = slow_to_close(worked, 1.5)
    try:
        stopped = worked.control("stop")
        assert stopped.returncode == 0 and stopped.stdout == f"stopped (pid {slow.pid})\n"
        assert sorted(p.name for p in path.parent.iterdir()) == []
        assert slow.wait(timeout=30) == 0, slow.stderr
    finally:
        slow.kill()
        slow.wait()


@pytest.mark.parametrize("signum", STOPS)
def test_stop_stopped_while_it_waits_says_what_it_did(worked: Worked, signum: int) -> None:
    """Ctrl-C (SIGTERM, SIGHUP) while ``euare worker stop`` waits for the worker to be gone:
    one line saying the worker was told to stop, no traceback, exit 130 (143, 129)."""
    slow = slow_to_close(worked, 30)
    try:
        stopping = subprocess.Popen(
            [str(BIN / "euare"), "worker", "stop"], env=worked.home.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=as_if_from_a_terminal,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while worked.control("status").returncode == 0:  # until told: then it waits
            assert time.monotonic() < deadline, "the worker was never told to stop"
            time.sleep(0.05)
        time.sleep(0.2)
        stopping.send_signal(signum)
        out, err = stopping.communicate(timeout=30)
        assert (stopping.returncode, out) == (status(signum), ""), err
        assert err == (
            f"euare worker: error: {stopped(signum)} -- done: told the worker (pid {slow.pid}) "
            "to stop, not seen gone yet\n"
        )
    finally:
        slow.kill()
        slow.wait()


@pytest.mark.parametrize("signum", STOPS)
def test_ctrl_c_reaches_the_call_in_the_worker(
    worked: Worked, proxied_home: Home, proxy: Any, signum: int
) -> None:
    """SIGINT (SIGTERM, SIGHUP) to the front is relayed: the call ends as it would in-process
    (exit 130, 143, 129), and so does the front."""
    env = {**proxied_home.env, "XDG_CACHE_HOME": str(worked.cache), "EUARE_WORKER": "1"}
    before = worked.served()
    proxy.faults["ListUsers"] = Fault("slow", count=1, delay=60)
    process = subprocess.Popen(
        [str(BIN / "euare-userlistbypath")], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=as_if_from_a_terminal,
    )  # fmt: skip
    try:
        assert proxy.faults["ListUsers"].held.wait(timeout=60)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == status(signum), err
    assert err == head("userlistbypath", signum) + "\n" and out == ""
    assert worked.served() == before + 1


def test_a_signal_the_front_was_started_ignoring_is_not_relayed(
    worked: Worked, proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """As under nohup: SIGHUP ignored by the caller is not relayed, so the call finishes, as it
    would in-process."""
    env = {**proxied_home.env, "XDG_CACHE_HOME": str(worked.cache), "EUARE_WORKER": "1"}
    before = worked.served()
    proxy.faults["CreateUser"] = Fault("slow", count=1, delay=2)

    def as_under_nohup() -> None:
        as_if_from_a_terminal()
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    process = subprocess.Popen(
        [str(BIN / "euare-usercreate"), "dora"], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=as_under_nohup,
    )  # fmt: skip
    try:
        assert proxy.faults["CreateUser"].held.wait(timeout=60)
        process.send_signal(signal.SIGHUP)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert (process.returncode, out, err) == (0, "", "")
    assert worked.served() == before + 1
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["dora"]


def test_a_call_whose_front_is_killed_rolls_back_as_on_a_hang_up(
    worked: Worked, proxied_home: Home, proxy: Any, iam: Any, moto_server: MotoServer
) -> None:
    """The front killed (SIGKILL: nothing relayed) while a rotation proves its new key: the
    child, left alone, ends as a terminal hang-up would end it, rolling back (exit 129), and
    says so on the standard error it was given."""
    rot = Rotating(proxied_home, iam, moto_server)
    env = {**proxied_home.env, "XDG_CACHE_HOME": str(worked.cache), "EUARE_WORKER": "1"}
    before = worked.served()
    proxy.faults["GetCallerIdentity"] = Fault("slow", count=1, delay=60)
    front = subprocess.Popen(
        [str(BIN / "euare-userrotatekey"), "--wait", "5"], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proxy.faults["GetCallerIdentity"].held.wait(timeout=60)
        front.kill()
        out, err = front.communicate(timeout=60)  # to the end of the child's streams too
    finally:
        if front.poll() is None:
            front.kill()
    assert front.returncode == -signal.SIGKILL
    assert worked.served() == before + 1, "the worker did not serve the call"
    [line] = err.splitlines()
    assert line.startswith(head("userrotatekey", signal.SIGHUP) + "; "), line
    assert "put the old key back" in line and "deleted the new key" in line, line
    assert out == ""
    assert rot.file.read_bytes() == rot.original
    assert rot.assert_sound() == {rot.old_id: "Active"}


SECRET = "Tr1cky-Passw0rd!"


def prompted(worked: Worked, worker: bool, user: str) -> tuple[int, bytes, bytes]:
    """Run ``useraddloginprofile -u USER`` on a terminal of its own (standard error a pipe)
    and type the password twice; (exit status, what the terminal showed, standard error)."""
    env = {**worked.home.env, "EUARE_WORKER": "1" if worker else "0"}
    errors = os.pipe()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.dup2(errors[1], 2)
            os.execve(str(BIN / "euare-useraddloginprofile"), ["x", "-u", user], env)
        finally:
            os._exit(127)
    os.close(errors[1])
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while marker not in seen:
            assert time.monotonic() < deadline, seen
            if select.select([fd], [], [], 1)[0]:
                try:
                    seen += os.read(fd, 1024)
                except OSError:
                    return

    read_until(b"New password")
    os.write(fd, SECRET.encode() + b"\n")
    read_until(b"Repeat for confirmation")
    os.write(fd, SECRET.encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    read_until(b"\n\n")  # whatever is left
    os.close(fd)
    with os.fdopen(errors[0], "rb") as pipe:
        stderr = pipe.read()
    return os.waitstatus_to_exitcode(status), seen, stderr


def test_a_password_prompt_is_on_the_callers_terminal_without_echo(
    worked: Worked, iam: Any
) -> None:
    """The child cannot open /dev/tty; the front hands over its terminal, and the prompts are
    written there (not to standard error) with echo off, as getpass does in-process."""
    for user in ("bob", "carol"):
        iam.create_user(UserName=user)
    before = worked.served()
    alone = prompted(worked, False, "bob")
    through = prompted(worked, True, "carol")
    assert worked.served() == before + 1
    assert alone == through, (alone, through)
    assert alone[0] == 0 and alone[2] == b"", alone
    assert SECRET.encode() not in through[1], "the password was echoed"
    for user in ("bob", "carol"):
        assert iam.get_login_profile(UserName=user)["LoginProfile"]["UserName"] == user


def test_the_front_imports_neither_click_nor_botocore(worked: Worked) -> None:
    probe = (  # the target ends the process (euare.entry.leave) after the atexit functions
        "import atexit, sys; sys.argv = ['euare-userlistbypath']\n"
        "atexit.register(lambda: sys.stderr.write(repr(sorted(\n"
        "    m for m in ('click', 'botocore', 'boto3', 'typing') if m in sys.modules)) + '\\n'))\n"
        "from euare.entry import userlistbypath\n"
        "userlistbypath()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env={**worked.home.env, "EUARE_WORKER": "1"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip().splitlines()[-1]) == (0, "[]"), done.stderr


def test_a_call_naming_one_of_the_callers_own_descriptors_runs_in_process(
    worked: Worked, tmp_path: Path
) -> None:
    """The worker's child holds only the caller's standard streams: ``-o /dev/fd/5`` (or a
    shell's ``<(...)``) names a descriptor only the caller has, so that call runs in-process,
    where it works, and the worker serves nothing."""
    target = tmp_path / "snapshot.json"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        before = worked.served()
        done = subprocess.run(
            [str(BIN / "euare-accountsnapshot"), "-o", f"/dev/fd/{fd}"],
            env={**worked.home.env, "EUARE_WORKER": "1"},
            pass_fds=(fd,),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(fd)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(target.read_text())["Users"] == []
    assert worked.served() == before
