"""rolemod (UpdateRole), and service-linked roles: created (sent once, a lost answer settled by
listing the service's path), deleted (IAM's deletion task waited for, a bounded time).

moto's server serves UpdateRole, CreateServiceLinkedRole and DeleteServiceLinkedRole, but its
GetServiceLinkedRoleDeletionStatus always answers SUCCEEDED: a task still running, one that
fails, and the progress line shown on a terminal run against botocore's Stubber.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from euare.verbs import service_linked
from tests.conftest import Home, one_error_line
from tests.support.documents import TRUST
from tests.support.proxy import Fault
from tests.support.stub import run_stubbed

SLR = "AWSServiceRoleForAutoScaling"


def test_rolemod_changes_description_and_session_duration(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    done = home.run("rolemod", "web", "--description", "serves", "--max-session-duration", "7200")
    assert (done.returncode, done.stdout) == (0, ""), done
    role = iam.get_role(RoleName="web")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("serves", 7200)


def test_rolemod_keeps_what_is_not_given(home: Home, iam: Any) -> None:
    """UpdateRole resets MaxSessionDuration to an hour when it is not sent (and moto also
    clears the description): rolemod sends what the role has for what is not given."""
    iam.create_role(
        RoleName="web", AssumeRolePolicyDocument=TRUST, Description="kept", MaxSessionDuration=7200
    )
    assert home.run("rolemod", "web", "--description", "new").returncode == 0
    role = iam.get_role(RoleName="web")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("new", 7200)
    assert home.run("rolemod", "web", "--max-session-duration", "10800").returncode == 0
    role = iam.get_role(RoleName="web")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("new", 10800)


@pytest.mark.parametrize(
    "args",
    [("--max-session-duration", "3599"), ("--max-session-duration", "43201"), ()],
    ids=["short", "long", "nothing"],
)
def test_rolemod_refuses_before_sending(home: Home, iam: Any, args: tuple[str, ...]) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST, Description="kept")
    done = home.run("rolemod", "web", *args)
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    assert iam.get_role(RoleName="web")["Role"]["Description"] == "kept"


def test_service_linked_role_created_and_deleted(home: Home, iam: Any) -> None:
    made = home.run("rolecreateservicelinked", "autoscaling.amazonaws.com", "--description", "d")
    assert made.returncode == 0, made
    assert made.lines == [SLR]
    role = iam.get_role(RoleName=SLR)["Role"]
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    suffixed = home.run(
        "rolecreateservicelinked", "autoscaling.amazonaws.com", "--custom-suffix", "web"
    )
    assert suffixed.lines == [f"{SLR}_web"], suffixed
    gone = home.run("roledelservicelinked", SLR)
    assert (gone.returncode, gone.stdout, gone.stderr) == (0, "", "")
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == [f"{SLR}_web"]


def test_a_lost_create_answer_is_settled_by_the_new_role(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """The answer never comes (the connection drops after IAM acted): the role found under the
    service's path that was not there before is the answer, and nothing is sent twice."""
    iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")
    proxy.faults["CreateServiceLinkedRole"] = Fault("reset-after", count=None)
    done = proxied_home.run("rolecreateservicelinked", "autoscaling.amazonaws.com")
    assert done.returncode == 0, done
    assert done.lines == [SLR]
    assert "exists now" in done.stderr
    assert proxy.faults["CreateServiceLinkedRole"].hits == 1


def deletion(statuses: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], Any]]:
    task = {"DeletionTaskId": "task-1"}
    calls: list[tuple[str, dict[str, Any], Any]] = [
        ("DeleteServiceLinkedRole", task, {"RoleName": SLR})
    ]
    calls += [("GetServiceLinkedRoleDeletionStatus", s, task) for s in statuses]
    return calls


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_deletion_is_waited_for_with_a_progress_line_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stubbed: moto's deletion status is always SUCCEEDED at once."""
    monkeypatch.setattr(service_linked, "POLL_SECONDS", 0.0)
    stderr = Terminal()
    statuses = [{"Status": "NOT_STARTED"}, {"Status": "IN_PROGRESS"}, {"Status": "SUCCEEDED"}]
    done = run_stubbed("roledelservicelinked", [SLR], deletion(statuses), stderr=stderr)
    assert (done.code, done.stdout) == (0, "")
    assert "deleting role AWSServiceRoleForAutoScaling: IN_PROGRESS" in stderr.getvalue()
    quiet = run_stubbed("roledelservicelinked", [SLR], deletion(statuses))
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", "")  # not a terminal: no progress


def test_a_failed_deletion_says_why_and_exits_1() -> None:
    """Stubbed: moto's deletion never fails."""
    failed = {
        "Status": "FAILED",
        "Reason": {
            "Reason": "the role is in use",
            "RoleUsageList": [{"Region": "eu-west-1", "Resources": ["arn:aws:autoscaling:x"]}],
        },
    }
    done = run_stubbed("roledelservicelinked", [SLR], deletion([failed]))
    assert done.code == 1
    assert done.stderr == (
        f"euare-roledelservicelinked: error: the deletion of role {SLR} failed: the role is in "
        "use; used in eu-west-1 by arn:aws:autoscaling:x\n"
    )


def test_a_deletion_still_running_when_the_wait_ends_exits_1_with_the_task() -> None:
    """Stubbed: moto's deletion is never still running."""
    done = run_stubbed(
        "roledelservicelinked", [SLR, "--wait", "0"], deletion([{"Status": "IN_PROGRESS"}])
    )
    assert done.code == 1
    assert "still IN_PROGRESS after 0 seconds" in done.stderr
    assert "task-1" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_deleting_a_role_that_is_not_there_is_one_error_line(home: Home) -> None:
    one_error_line(home.run("roledelservicelinked", SLR), "roledelservicelinked")
