"""A caller of the warm worker with one item of its security context or installation changed,
which hands ``euare-userlistbypath`` straight to the worker named on its command line (as a
front that did not avoid a doomed hand-over would): the worker's own check must refuse it.

    python worker_peer.py ITEM WORKER-NAME

Its last line on standard error is ``verdict: served STATUS`` or ``verdict: refused`` (the
call is then not run at all: the test only asks whether the worker took it), or
``verdict: unchanged`` when this system would not let ITEM be changed. Runs as root (CI)."""

from __future__ import annotations

import ctypes
import os
import resource
import sys
import threading
import time

LIBC = ctypes.CDLL(None, use_errno=True)
NAMESPACES = {  # clone flags
    "ns-net": 0x40000000, "ns-uts": 0x04000000, "ns-ipc": 0x08000000, "ns-mnt": 0x00020000,
    "ns-cgroup": 0x02000000, "ns-pid": 0x20000000, "ns-time": 0x00000080, "ns-user": 0x10000000,
}  # fmt: skip
CAP_DAC_OVERRIDE = 1


class CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def capabilities(change: dict[str, int]) -> bool:
    """capset(2) with ``change`` XORed into this process's effective, permitted and inheritable
    sets (their low 32 bits)."""
    header = CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (CapData * 2)()
    if LIBC.capget(ctypes.byref(header), data) != 0:
        return False
    for name, mask in change.items():
        setattr(data[0], name, getattr(data[0], name) ^ mask)
    return LIBC.capset(ctypes.byref(header), data) == 0


class SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def allow_all_filter() -> bool:
    """A seccomp filter that allows every system call: mode 2, and nothing else changed."""
    program = (SockFilter * 1)(SockFilter(0x06, 0, 0, 0x7FFF0000))  # BPF_RET|BPF_K ALLOW
    prog = SockFprog(1, program)
    return LIBC.prctl(22, 2, ctypes.byref(prog), 0, 0) == 0  # PR_SET_SECCOMP, FILTER


def write(path: str, text: str) -> bool:
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError:
        return False
    return True


def change(item: str) -> bool:
    """Change ``item`` of this process's context; whether it could be."""
    if item in NAMESPACES:
        return LIBC.unshare(NAMESPACES[item]) == 0
    if item == "uid":
        os.setresuid(0, 0, 12345)  # the saved uid alone: the effective one is still the user's
    elif item == "gid":
        os.setresgid(12345, 12345, 12345)
    elif item == "groups":
        os.setgroups([*os.getgroups(), 12345])
    elif item == "cap-bounding":
        return LIBC.prctl(24, CAP_DAC_OVERRIDE, 0, 0, 0) == 0  # PR_CAPBSET_DROP
    elif item == "cap-effective":
        return capabilities({"effective": 1 << CAP_DAC_OVERRIDE})
    elif item == "cap-permitted":
        return capabilities(
            {"effective": 1 << CAP_DAC_OVERRIDE, "permitted": 1 << CAP_DAC_OVERRIDE}
        )
    elif item == "cap-inheritable":
        return capabilities({"inheritable": 1 << CAP_DAC_OVERRIDE})
    elif item == "cap-ambient":
        raised = capabilities({"inheritable": 1 << CAP_DAC_OVERRIDE})
        return raised and LIBC.prctl(47, 2, CAP_DAC_OVERRIDE, 0, 0) == 0  # AMBIENT_RAISE
    elif item == "no-new-privs":
        return LIBC.prctl(38, 1, 0, 0, 0) == 0
    elif item == "seccomp":
        return allow_all_filter()
    elif item == "cgroup":
        target = os.environ["EUARE_TEST_CGROUP"]
        return write(os.path.join(target, "cgroup.procs"), str(os.getpid()))
    elif item == "rlimit":
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 30, hard))
    elif item == "nice":
        os.nice(1)
    elif item == "oom-score-adj":
        return write("/proc/self/oom_score_adj", "100")
    elif item == "cpu-affinity":
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            return False
        os.sched_setaffinity(0, cpus[:1])
    elif item == "loginuid":
        return write("/proc/self/loginuid", "12345")
    elif item == "threads":
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    elif item not in ("control", "installation", "prefix"):
        raise SystemExit(f"unknown item {item}")
    return True


def main() -> int:
    item, name = sys.argv[1:3]
    from euare.worker import authority, front

    installed = authority.installation()
    assert installed is not None
    if not change(item):
        sys.stderr.write("verdict: unchanged\n")
        return 0
    if item == "installation":  # another euare's code: one file's size differs
        path, _, stamp = installed[-1].rpartition("=")
        installed = [*installed[:-1], f"{path}=1{stamp}"]
    elif item == "prefix":
        installed = [installed[0], installed[1] + "-other", *installed[2:]]
    front._known[:] = [(name, installed)]
    sys.argv = ["euare-userlistbypath"]
    status = front.hand_over("userlistbypath", [])
    sys.stderr.write("verdict: refused\n" if status is None else f"verdict: served {status}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
