"""A composite verb's named steps (euare.call.context: Request, SendOnce, any Action) and the
Plan that runs them: what each step does, and how a failure names what was and was not done.

The steps that call IAM run against botocore's Stubber: no server is needed to hold what one
answer makes of a step, and moto cannot be made to answer NoSuchEntity to a removal that took
effect (the case ``done_if_gone`` exists for)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.stub import Stubber

from euare.call.context import Call, Request, SendOnce
from euare.call.once import Lookup
from euare.core.errors import EuareError, PartialFailure
from tests.support.stub import stubbed_call

BOB = {
    "UserName": "bob",
    "UserId": "AIDAEXAMPLE0000000000",
    "Arn": "arn:aws:iam::123456789012:user/bob",
    "Path": "/",
    "CreateDate": datetime(2024, 1, 1, tzinfo=timezone.utc),
}


@pytest.fixture
def stubbed() -> Iterator[tuple[Call, Stubber]]:
    with stubbed_call() as found:
        yield found


def plain_call() -> Call:
    """A Call for steps that make no request."""
    return Call("euare-test", {"HOME": "/nonexistent"}, io.StringIO(), io.StringIO(), io.StringIO())


def test_a_request_step_sends_its_operation_with_its_parameters(
    stubbed: tuple[Call, Stubber],
) -> None:
    call, stubber = stubbed
    stubber.add_response("get_user", {"User": BOB}, {"UserName": "bob"})
    step = Request(call, "look at bob", "GetUser", {"UserName": "bob"})
    assert step()["User"] == BOB


def test_a_removal_answered_no_such_entity_is_done_when_done_if_gone(
    stubbed: tuple[Call, Stubber],
) -> None:
    call, stubber = stubbed
    stubber.add_client_error("delete_user", "NoSuchEntity", "gone", 404)
    step = Request(call, "delete user bob", "DeleteUser", {"UserName": "bob"}, done_if_gone=True)
    assert step() == {}


def test_a_removal_answered_no_such_entity_fails_without_done_if_gone(
    stubbed: tuple[Call, Stubber],
) -> None:
    call, stubber = stubbed
    stubber.add_client_error("delete_user", "NoSuchEntity", "gone", 404)
    step = Request(call, "delete user bob", "DeleteUser", {"UserName": "bob"})
    with pytest.raises(Exception, match="gone"):
        step()


@pytest.mark.parametrize(("took_effect", "done"), [(True, True), (False, False)])
def test_after_another_failure_settle_decides_whether_the_step_is_done(
    stubbed: tuple[Call, Stubber], took_effect: bool, done: bool
) -> None:
    call, stubber = stubbed
    stubber.add_client_error("delete_user", "ServiceFailure", "lost", 500)
    asked: list[bool] = []

    def settle() -> bool:
        asked.append(True)
        return took_effect

    step = Request(call, "delete user bob", "DeleteUser", {"UserName": "bob"}, settle=settle)
    if done:
        assert step() == {}
    else:
        with pytest.raises(Exception, match="lost"):
            step()
    assert asked == [True]


def test_a_send_once_step_sends_its_create_once(stubbed: tuple[Call, Stubber]) -> None:
    call, stubber = stubbed
    stubber.add_response("create_user", {"User": BOB}, {"UserName": "bob"})
    find = Lookup("user bob", lambda: None)
    step = SendOnce(call, "create user bob", "CreateUser", {"UserName": "bob"}, find)
    assert step()["User"]["UserName"] == "bob"


@dataclass(frozen=True)
class Fixed:
    """A named step that answers ``answer``, or fails with ``failure``."""

    description: str
    answer: dict[str, Any]
    failure: str | None = None

    def __call__(self) -> dict[str, Any]:
        if self.failure is not None:
            raise EuareError(self.failure, code="Broken")
        return self.answer


def test_a_plan_of_named_steps_answers_in_the_order_they_were_added() -> None:
    plan = plain_call().plan()
    plan.add_step(Fixed("one", {"n": 1})).add_step(Fixed("two", {"n": 2}))
    assert plan.execute() == [{"n": 1}, {"n": 2}]


def test_a_failed_named_step_is_named_with_what_was_and_was_not_done() -> None:
    plan = plain_call().plan()
    plan.add_step(Fixed("make the thing", {}))
    plan.add_step(Fixed("give it a name", {}, failure="no names left"))
    plan.add_step(Fixed("tag it", {}))
    with pytest.raises(PartialFailure) as failed:
        plan.execute()
    assert failed.value.message == (
        "no names left -- done: make the thing -- not done: give it a name; tag it"
    )
    assert failed.value.code == "Broken"


def test_a_first_step_that_fails_fails_as_it_is() -> None:
    plan = plain_call().plan().add_step(Fixed("make the thing", {}, failure="refused"))
    plan.add_step(Fixed("tag it", {}))
    with pytest.raises(EuareError) as failed:
        plan.execute()
    assert not isinstance(failed.value, PartialFailure)
    assert failed.value.message == "refused"


def test_add_once_adds_a_send_once_step_named_by_its_description() -> None:
    call = plain_call()
    find = Lookup("user bob", lambda: None)
    plan = call.plan().add_once("create user bob", "CreateUser", {"UserName": "bob"}, find)
    [step] = plan.steps
    assert step.description == "create user bob"
    assert step.run == SendOnce(call, "create user bob", "CreateUser", {"UserName": "bob"}, find)
