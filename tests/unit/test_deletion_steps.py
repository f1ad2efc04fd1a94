"""The steps of a recursive delete (euare.ops.deletion), held without a server: the plan made
from what the listings found (which steps, in which lanes, in which order), ``-p``'s text made
from its record alone, and delete_recursively's keyword-only signature, which other layers
call too. What the steps do against IAM is the e2e tests' (test_recursive_delete,
test_converge_deletes, test_fanout)."""

from __future__ import annotations

import inspect
import io
from typing import Any

from euare.call.context import Call, Request
from euare.ops.deletion import Blocker, Deletion, Kind, delete_recursively, pretend_lines

CALL = Call("euare-test", {"HOME": "/nonexistent"}, io.StringIO(), io.StringIO(), io.StringIO())

KEYS = Blocker(
    "accesskeys",
    "ListAccessKeys",
    "AccessKeyMetadata",
    lambda i: str(i["AccessKeyId"]),
    lambda u, i: [
        (f"delete access key {i['AccessKeyId']}", "DeleteAccessKey", {"UserName": u, **i})
    ],
)
DEVICES = Blocker(  # two steps an item, as a virtual MFA device has
    "mfadevices",
    "ListMFADevices",
    "MFADevices",
    lambda i: str(i["SerialNumber"]),
    lambda u, i: [
        (f"deactivate {i['SerialNumber']}", "DeactivateMFADevice", {"UserName": u, **i}),
        (f"delete {i['SerialNumber']}", "DeleteVirtualMFADevice", dict(i)),
    ],
)
THING = Kind(noun="thing", param="UserName", delete="DeleteUser", blockers=(KEYS, DEVICES))


def test_delete_recursively_takes_everything_but_the_call_by_keyword() -> None:
    params = list(inspect.signature(delete_recursively).parameters.values())
    assert params[0].name == "call"
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])
    assert [p.name for p in params[1:]] == ["kind", "name", "recursive", "pretend", "jobs"]


def test_a_kind_s_get_is_named_after_its_delete() -> None:
    assert THING.get == "GetUser"
    assert Kind(noun="p", param="PolicyArn", delete="DeletePolicy", blockers=()).get == "GetPolicy"


def plan_of(found: list[tuple[Blocker, list[dict[str, Any]]]]) -> list[tuple[str, Any]]:
    plan = Deletion(CALL, THING, "bob").plan(found)
    return [(step.description, step.lane) for step in plan.steps]


def test_each_item_s_steps_share_a_lane_and_the_owner_is_deleted_last_alone() -> None:
    found = [
        (KEYS, [{"AccessKeyId": "AKIA1"}, {"AccessKeyId": "AKIA2"}]),
        (DEVICES, [{"SerialNumber": "mfa/phone"}]),
    ]
    assert plan_of(found) == [
        ("delete access key AKIA1", (0, 0)),
        ("delete access key AKIA2", (0, 1)),
        ("deactivate mfa/phone", (1, 0)),
        ("delete mfa/phone", (1, 0)),
        ("delete thing bob", None),
    ]


def test_with_nothing_in_the_way_the_plan_is_the_owner_s_delete() -> None:
    assert plan_of([(KEYS, []), (DEVICES, [])]) == [("delete thing bob", None)]


def test_every_step_of_the_plan_is_settled_after_a_lost_answer() -> None:
    plan = Deletion(CALL, THING, "bob").plan([(KEYS, [{"AccessKeyId": "AKIA1"}])])
    steps = [step.run for step in plan.steps]
    assert all(isinstance(s, Request) for s in steps)
    requests = [s for s in steps if isinstance(s, Request)]
    assert [(r.operation, dict(r.params)) for r in requests] == [
        ("DeleteAccessKey", {"UserName": "bob", "AccessKeyId": "AKIA1"}),
        ("DeleteUser", {"UserName": "bob"}),
    ]
    assert all(r.done_if_gone and r.settle is not None for r in requests)


def test_pretend_text_is_made_from_the_record_alone() -> None:
    record = {"accesskeys": [{"AccessKeyId": "AKIA1"}], "mfadevices": []}
    assert list(pretend_lines([record], blockers=THING.blockers)) == [
        "accesskeys",
        "\tAKIA1",
        "mfadevices",
    ]
