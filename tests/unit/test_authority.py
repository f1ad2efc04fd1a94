"""What the warm worker compares before it acts for a caller (authority.py): every item of the
security context, read from /proc, the installation, and the peer of a socket.

Most tests read a /proc of their own making (authority.PROC), where a peer can be made to
differ from "self" in exactly one item, whatever this machine lets a process change; the
kernel's own /proc is read by the tests at the end, and by tests/e2e/test_worker_authority.py,
which changes each item for real."""

from __future__ import annotations

import _socket
import os
import socket
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from euare.worker import authority

STATUS = """Name:\tpython3
Umask:\t0022
State:\tS (sleeping)
Tgid:\t{pid}
Pid:\t{pid}
Uid:\t1000\t1000\t1000\t1000
Gid:\t1000\t1000\t1000\t1000
Groups:\t4 24 27 1000\x20
Threads:\t1
CapInh:\t0000000000000000
CapPrm:\t0000000000000000
CapEff:\t0000000000000000
CapBnd:\t000001ffffffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
Cpus_allowed:\tf
Cpus_allowed_list:\t0-3
Mems_allowed:\t00000001
"""
NAMESPACES = {
    "cgroup": 4026531835, "ipc": 4026531839, "mnt": 4026531841, "net": 4026531840,
    "pid": 4026531836, "pid_for_children": 4026531836, "time": 4026531834,
    "time_for_children": 4026531834, "user": 4026531837, "uts": 4026531838,
}  # fmt: skip
STAT = "{pid} (python (3)) " + " ".join(["S", *["0"] * 49])  # fields 3 to 52, after the name
FILES = {
    "cgroup": "0::/user.slice/user-1000.slice/session-2.scope\n",
    "limits": "Limit  Soft Limit  Hard Limit  Units\nMax file size  unlimited  unlimited  bytes\n",
    "oom_score_adj": "0\n",
    "loginuid": "1000",
    "sessionid": "2",
    "attr/current": "unconfined\n",
    "attr/apparmor/current": "unconfined\n",
}


def make_process(proc: Path, pid: str, root: Path) -> Path:
    base = proc / pid
    (base / "ns").mkdir(parents=True)
    (base / "attr" / "apparmor").mkdir(parents=True)
    number = "4242" if pid == "self" else pid
    (base / "status").write_text(STATUS.format(pid=number))
    (base / "stat").write_text(STAT.format(pid=number))
    for name, inode in NAMESPACES.items():
        kind = name.split("_")[0]
        (base / "ns" / name).symlink_to(f"{kind}:[{inode}]")  # read with readlink, as /proc's
    (base / "root").symlink_to(root)
    for name, text in FILES.items():
        (base / name).write_text(text)
    return base


@pytest.fixture
def proc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A /proc with this process ("self") and a peer, 42, alike in everything that counts."""
    (tmp_path / "root").mkdir()
    made = tmp_path / "proc"
    make_process(made, "self", tmp_path / "root")
    make_process(made, "42", tmp_path / "root")
    monkeypatch.setattr(authority, "PROC", str(made))
    return made


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1))


def status_line(name: str, value: str) -> Callable[[Path], None]:
    def change(base: Path) -> None:
        lines = (base / "status").read_text().splitlines()
        lines = [f"{name}:\t{value}" if line.startswith(f"{name}:") else line for line in lines]
        (base / "status").write_text("\n".join(lines) + "\n")

    return change


def namespace(name: str) -> Callable[[Path], None]:
    def change(base: Path) -> None:
        link = base / "ns" / name
        target = os.readlink(link)
        link.unlink()
        link.symlink_to(target.replace("]", "9]"))

    return change


def file(name: str, text: str) -> Callable[[Path], None]:
    return lambda base: (base / name).write_text(text)


def another_root(base: Path) -> None:
    (base.parent.parent / "jail").mkdir()
    (base / "root").unlink()
    (base / "root").symlink_to(base.parent.parent / "jail")


def stat_field(index: int, value: str) -> Callable[[Path], None]:
    def change(base: Path) -> None:
        head, _, fields = (base / "stat").read_text().rpartition(")")
        parts = fields.split()
        parts[index] = value
        (base / "stat").write_text(head + ") " + " ".join(parts))

    return change


DIFFERENCES: dict[str, Callable[[Path], None]] = {
    "real uid": status_line("Uid", "1001\t1000\t1000\t1000"),
    "saved uid": status_line("Uid", "1000\t1000\t0\t1000"),
    "filesystem uid": status_line("Uid", "1000\t1000\t1000\t0"),
    "gid": status_line("Gid", "1000\t1000\t1000\t27"),
    "groups": status_line("Groups", "4 24 1000"),
    "CapInh": status_line("CapInh", "0000000000000002"),
    "CapPrm": status_line("CapPrm", "0000000000000002"),
    "CapEff": status_line("CapEff", "0000000000000002"),
    "CapBnd": status_line("CapBnd", "000001fffffffffd"),
    "CapAmb": status_line("CapAmb", "0000000000000002"),
    "no_new_privs": status_line("NoNewPrivs", "1"),
    "cpus": status_line("Cpus_allowed", "1"),
    "memory nodes": status_line("Mems_allowed", "00000002"),
    **{f"namespace {name}": namespace(name) for name in NAMESPACES},
    "root directory": another_root,
    "cgroup": file("cgroup", "0::/system.slice/cron.service\n"),
    "resource limits": file("limits", FILES["limits"].replace("unlimited  bytes", "0  bytes")),
    "nice": stat_field(16, "5"),
    "realtime priority": stat_field(37, "1"),
    "scheduling policy": stat_field(38, "1"),
    "OOM adjustment": file("oom_score_adj", "-500\n"),
    "audit login uid": file("loginuid", "0"),
    "audit session": file("sessionid", "3"),
    "LSM label": file("attr/current", "/usr/bin/confined (enforce)\n"),
    "stacked LSM label": file("attr/apparmor/current", "/usr/bin/confined (enforce)\n"),
}


def test_a_peer_alike_in_every_item_has_the_same_context(proc: Path) -> None:
    mine = authority.context()
    assert mine is not None and authority.context("42", peer=True) == mine


@pytest.mark.parametrize("item", list(DIFFERENCES))
def test_a_peer_that_differs_in_one_item_has_another_context(proc: Path, item: str) -> None:
    DIFFERENCES[item](proc / "42")
    theirs = authority.context("42", peer=True)
    assert theirs is None or theirs != authority.context()


UNKNOWN: dict[str, Callable[[Path], None]] = {
    "a seccomp filter": status_line("Seccomp", "2"),
    "strict seccomp": status_line("Seccomp", "1"),
    "no Seccomp line": lambda base: edit(base / "status", "Seccomp:\t0\n", ""),
    "no NoNewPrivs line (old kernel)": lambda base: edit(base / "status", "NoNewPrivs:\t0\n", ""),
    "no CapBnd line": lambda base: edit(base / "status", "CapBnd:\t000001ffffffffff\n", ""),
    "two threads": status_line("Threads", "2"),
    "an unreadable namespace": lambda base: (base / "ns" / "net").unlink(),
    "no root": lambda base: (base / "root").unlink(),
    "no cgroup file": lambda base: (base / "cgroup").unlink(),
    "no limits file": lambda base: (base / "limits").unlink(),
    "a cut stat line": file("stat", "42 (python3) S 1"),
    "gone": lambda base: (base / "status").unlink(),
}


@pytest.mark.parametrize("case", list(UNKNOWN))
def test_what_cannot_be_read_or_compared_is_no_context(proc: Path, case: str) -> None:
    """None equals nothing: the worker refuses such a caller (and a front that finds itself
    so uses no worker)."""
    UNKNOWN[case](proc / "42")
    assert authority.context("42", peer=True) is None


def test_a_worker_of_several_threads_still_reads_its_own_context(proc: Path) -> None:
    status_line("Threads", "3")(proc / "self")
    assert authority.context() is not None


def test_a_label_nobody_has_is_the_same_for_both(proc: Path) -> None:
    """No LSM or no audit: reading fails alike for both (compared as the error)."""
    for base in (proc / "self", proc / "42"):
        (base / "attr" / "current").unlink()
        (base / "loginuid").unlink()
    assert authority.context("42", peer=True) == authority.context() is not None
    (proc / "42" / "attr" / "current").mkdir()  # another error than "no such file"
    assert authority.context("42", peer=True) != authority.context()


def test_no_proc_at_all_is_no_context(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(authority, "PROC", str(tmp_path / "nothing"))
    assert authority.context() is None


# --- the kernel's own /proc --------------------------------------------------------------------


def test_a_child_has_this_process_context_and_a_changed_one_does_not() -> None:
    """Read for real: a child inherits everything; one that lowered its priority differs."""
    mine = authority.context()
    if mine is None:
        pytest.fail("this process's context cannot be read here: is it under seccomp?")
    for nice, same in ((0, True), (1, False)):
        child = subprocess.Popen(["sleep", "30"], preexec_fn=lambda n=nice: os.nice(n))
        try:
            pidfd = os.pidfd_open(child.pid)
            try:
                theirs = authority.peer_context(child.pid, pidfd)
                assert (theirs == mine) is same, (theirs, mine)
                child.kill()
                child.wait()
                assert authority.peer_context(child.pid, pidfd) is None, "an ended peer"
            finally:
                os.close(pidfd)
        finally:
            child.kill()
            child.wait()


# --- the peer of a socket ----------------------------------------------------------------------


class FakeSocket:
    def __init__(self, answer: bytes | Exception) -> None:
        self.answer = answer

    def getsockopt(self, level: int, option: int, size: int = 0) -> Any:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_so_peercred_tells_pid_and_uid() -> None:
    a, b = socket.socketpair()
    with a, b:
        assert authority.peer_ids(a) == (os.getpid(), os.geteuid())


def test_without_so_peercred_local_peercred_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS and the BSDs: struct xucred (version 0, uid, groups); no pid."""
    monkeypatch.delattr(_socket, "SO_PEERCRED")
    monkeypatch.setattr(_socket, "LOCAL_PEERCRED", 1, raising=False)
    xucred = struct.pack("Iih", 0, 501, 1) + b"\0" * 66
    assert authority.peer_ids(FakeSocket(xucred)) == (0, 501)
    assert authority.peer_ids(FakeSocket(struct.pack("Ii", 7, 501))) is None
    assert authority.peer_ids(FakeSocket(OSError(22, "no"))) is None


def test_a_system_that_tells_no_peer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(_socket, "SO_PEERCRED")
    monkeypatch.delattr(_socket, "LOCAL_PEERCRED", raising=False)
    a, b = socket.socketpair()
    with a, b:
        assert authority.peer_ids(a) is None


def test_the_pidfd_is_the_peers_and_no_other_process() -> None:
    a, b = socket.socketpair()
    with a, b:
        fd = authority.peer_pidfd(a, os.getpid())
        assert fd is not None
        os.close(fd)
        assert authority.peer_pidfd(a, 0) is None  # a pid from another pid namespace
        try:
            os.close(a.getsockopt(socket.SOL_SOCKET, authority.SO_PEERPIDFD))
        except OSError:
            return  # before Linux 6.5 the pid is all there is to go by
        assert authority.peer_pidfd(a, os.getpid() + 1) is None  # not the one who connected


# --- the installation --------------------------------------------------------------------------


def test_the_installation_names_interpreter_import_path_and_code() -> None:
    installed = authority.installation()
    assert installed is not None
    assert installed[:4] == [sys.executable, sys.prefix, sys.version, authority.PACKAGE]
    assert f"path={sys.path[1]}" in installed
    assert any(
        item.startswith(os.path.join(authority.PACKAGE, "worker", "authority.py="))
        for item in installed
    )
    # the whole package, every layer: a worker must see any of euare's code change
    assert any(
        item.startswith(os.path.join(authority.PACKAGE, "core", "render.py=")) for item in installed
    )


def test_a_relative_import_path_is_no_installation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", [*sys.path, "relative/dir"])
    assert authority.installation() is None


def test_any_change_to_the_code_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "euare"
    (package / "verbs" / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "verbs" / "b.py").write_text("y = 1\n")
    (package / "verbs" / "__pycache__" / "b.cpython-311.pyc").write_bytes(b"ignored")
    monkeypatch.setattr(authority, "PACKAGE", str(package))
    first = authority.code_fingerprint()
    assert first is not None and len(first) == 2
    (package / "verbs" / "__pycache__" / "b.cpython-311.pyc").write_bytes(b"still ignored")
    assert authority.code_fingerprint() == first
    (package / "verbs" / "b.py").write_text("y = 22\n")
    second = authority.code_fingerprint()
    assert second != first
    (package / "verbs" / "c.py").write_text("")
    assert authority.code_fingerprint() not in (first, second)
    monkeypatch.setattr(authority, "PACKAGE", str(tmp_path / "gone"))
    assert authority.code_fingerprint() is None


class Flags:
    def __init__(self, **set_: int) -> None:
        for name in (*authority.FLAGS, "isolated"):
            setattr(self, name, set_.get(name, 0))


@pytest.mark.parametrize(
    ("flags", "args"),
    [
        ({}, []),
        ({"isolated": 1, "ignore_environment": 1, "no_user_site": 1, "safe_path": 1}, ["-I"]),
        ({"ignore_environment": 1, "no_user_site": 1}, ["-E", "-s"]),
        ({"safe_path": 1, "optimize": 2}, ["-P", "-O", "-O"]),
        ({"no_site": 1}, ["-S"]),
    ],
)
def test_a_worker_is_started_with_its_starters_interpreter_flags(
    monkeypatch: pytest.MonkeyPatch, flags: dict[str, int], args: list[str]
) -> None:
    monkeypatch.setattr(sys, "flags", Flags(**flags))
    assert authority.interpreter_flags() == args


def test_the_digest_is_the_same_in_every_process() -> None:
    items = ["a", "caf\u00e9", "x" * 5000]
    here = authority.digest(items)
    there = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from euare.worker import authority; print(authority.digest({items!r}))",
        ],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "7"},
    ).stdout.strip()  # fmt: skip
    assert here == there and len(here) == 16
    assert authority.digest([*items[:2], "x" * 4999]) != here
