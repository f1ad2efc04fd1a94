"""SIGTERM and SIGHUP stop a command as Ctrl-C does (euare.core.interrupts), whatever it was doing:
every composite verb, stopped at a step whose answer is held, says what was done and what was
not, in one line, and exits 128 + the signal; what it did and did not do is as the line says,
and running it again finishes the job. A command started with SIGHUP ignored (nohup) is not
stopped by it.

The verbs with a test of their own for each signal at each step are not repeated here:
userrotatekey (test_rotation_interrupts.py, test_rotation_races.py), usercreate, useraddkey,
userdel -r, usercreatecert and a read (test_converge_interrupts.py), a pool of calls
(test_fanout.py), accountsnapshot (test_output_snapshot.py), accountdiff --live
(test_accountdiff.py), a call through the worker (test_worker.py)."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import BIN, OUTPUTS, Home
from tests.e2e.test_converge_interrupts import interrupt, interrupted_line
from tests.e2e.test_faults import _gone, _group, _policy, _role, _user
from tests.support.proxy import Fault
from tests.support.signals import STOPS, head, status

pytestmark = pytest.mark.in_process  # signals reach the process that makes the call


def _members(iam: Any) -> None:
    iam.create_group(GroupName="staff")
    for name in ("amy", "ben"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(UserName=name, GroupName="staff")


def _nothing(iam: Any) -> None:
    pass


# (setup, args, the action held, what the line says was done, and was not, what finishes it)
COMPOSITES = [
    pytest.param(
        _group,
        ["groupdel", "-r", "ops"],
        "DeleteGroupPolicy",
        "remove dave from ops",
        "delete policy p; delete group ops",
        ["groupdel", "-r", "ops"],
        id="groupdel-r",
    ),
    pytest.param(
        _role,
        ["roledel", "-c", "app"],
        "DeleteRolePolicy",
        "remove from instance profile app",
        "delete policy p; delete role app",
        ["roledel", "-c", "app"],
        id="roledel-c",
    ),
    pytest.param(
        _policy,
        ["policydel", "-r", "wide"],
        "DeletePolicyVersion",
        "detach from user erin",
        "delete version v2; delete policy arn:aws:iam::123456789012:policy/wide",
        ["policydel", "-r", "wide"],
        id="policydel-r",
    ),
    pytest.param(
        _members,
        ["groupremoveuser", "staff", "-u", "amy", "-u", "ben"],
        "RemoveUserFromGroup",
        "nothing",
        "remove amy from staff; remove ben from staff",
        ["groupremoveuser", "staff", "-u", "ben"],  # amy's removal reached IAM: not again
        id="groupremoveuser",
    ),
    pytest.param(
        _nothing,
        ["instanceprofilecreate", "app", "--create-role"],
        "CreateRole",  # created: send-once looks, finds it, and counts the step done
        "create instance profile app; create role app",
        "add role app to app",
        ["instanceprofileaddrole", "app", "-r", "app"],
        id="instanceprofilecreate",
        marks=pytest.mark.both,  # each signal relayed to the call in the worker
    ),
]


@pytest.mark.parametrize("signum", STOPS)
@pytest.mark.parametrize(("setup", "args", "action", "done", "not_done", "rest"), COMPOSITES)
def test_a_composite_verb_stopped_at_a_step_says_what_was_done(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    setup: Callable[[Any], None],
    args: list[str],
    action: str,
    done: str,
    not_done: str,
    rest: list[str],
    signum: int,
) -> None:
    setup(iam)
    line = interrupted_line(
        interrupt(proxied_home, proxy, action, *args, signum=signum), args[0], signum
    )
    assert line.startswith(head(args[0], signum)), line
    assert line.endswith(f" -- done: {done} -- not done: {not_done}"), line
    finish = proxied_home.run(*rest)
    assert finish.returncode == 0, finish.stderr


@pytest.mark.parametrize("signum", STOPS)
@pytest.mark.parametrize(
    ("setup", "kind", "name"), [(_user, "user", "carol"), (_group, "group", "ops")]
)
def test_stopped_while_listing_with_jobs_says_nothing_was_done(
    proxied_home: Home,
    proxy: Any,
    iam: Any,
    setup: Callable[[Any], None],
    kind: str,
    name: str,
    signum: int,
) -> None:
    """Stopped while a pool of threads lists what to remove (the main thread waiting on
    them): nothing was removed, and the line says only what stopped it."""
    setup(iam)
    verb = f"{kind}del"
    listing = "GetGroup" if kind == "group" else "ListAccessKeys"
    result = interrupt(
        proxied_home, proxy, listing, verb, "-r", name, "--jobs", "4", signum=signum
    )
    assert result.returncode == status(signum), result
    assert result.stderr.splitlines() == [head(verb, signum)]
    assert not _gone(iam, kind)
    assert proxy.actions.count(listing) == 1
    assert not [a for a in proxy.actions if a.startswith(("Delete", "Remove", "Detach"))]


@pytest.mark.both
def test_a_command_started_with_sighup_ignored_is_not_stopped_by_it(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """As under nohup: the hang-up is ignored, and the command finishes (through the warm
    worker too, whose front then does not relay it)."""
    iam.create_group(GroupName="staff")
    proxy.faults["CreateUser"] = Fault("slow", count=1, delay=2)

    def as_under_nohup() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    args = ["usercreate", "dora", "-g", "staff"]
    process = subprocess.Popen(
        [str(BIN / "euare-usercreate"), *args[1:]],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=proxied_home.env,
        preexec_fn=as_under_nohup,
    )
    try:
        assert proxy.faults["CreateUser"].held.wait(timeout=60)
        process.send_signal(signal.SIGHUP)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    OUTPUTS.append((args, out, err))
    assert process.returncode == 0, err
    assert err == ""
    assert [u["UserName"] for u in iam.get_group(GroupName="staff")["Users"]] == ["dora"]
