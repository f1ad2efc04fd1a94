"""euare.call.deadline's hooks, driven as botocore drives them, on a clock the test turns: each
attempt's read timeout is cut to the time left, no retry is made that could not end in time,
and a retry that botocore's pause pushed past it is refused before it is sent. botocore's own
retry decisions (whether, how long to pause) are never made here: the hook only says "no" or
nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError

from euare.call import deadline
from euare.call.deadline import Budget, GaveUp
from euare.core.errors import describe

URL = "https://iam.example.com/"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(deadline.time, "monotonic", clock)
    monkeypatch.setattr(deadline, "_voice", None)
    return clock


def _request(context: dict[str, Any]) -> Any:
    return SimpleNamespace(context=context, url=URL)


def _timeout() -> ReadTimeoutError:
    return ReadTimeoutError(endpoint_url=URL)


def test_an_attempt_reads_no_longer_than_the_call_has_left(now: Clock) -> None:
    budget = Budget(total=60, connect=10, read=30, attempts=5)
    context: dict[str, Any] = {}
    budget.before_send(_request(context))
    assert context["read_timeout"] == 30  # 60 - 10 leaves room for a whole read
    now.now += 30
    assert budget.needs_retry({"context": context}, 1, caught_exception=_timeout()) is None
    budget.before_send(_request(context))  # botocore chose to retry
    assert context["read_timeout"] == pytest.approx(20)  # 60 - 30 - 10


def test_no_retry_when_it_could_not_end_in_time_and_the_error_says_so(now: Clock) -> None:
    budget = Budget(total=60, connect=10, read=30, attempts=5)
    context: dict[str, Any] = {}
    budget.before_send(_request(context))
    now.now += 30
    budget.needs_retry({"context": context}, 1, caught_exception=_timeout())
    budget.before_send(_request(context))
    now.now += 20
    failure = _timeout()
    assert budget.needs_retry({"context": context}, 2, caught_exception=failure) is False
    assert describe(failure).message == (
        f"request timed out waiting for {URL}; gave up after 2 attempts in 50 s "
        "(EUARE_CALL_TIMEOUT is 60 s)"
    )


def test_a_retry_pushed_past_the_point_by_a_pause_is_refused_before_it_is_sent(
    now: Clock,
) -> None:
    budget = Budget(total=60, connect=10, read=30, attempts=5)
    context: dict[str, Any] = {}
    budget.before_send(_request(context))
    now.now += 40  # an answer after 40 s (a 503), time left for a retry...
    answer = (SimpleNamespace(status_code=503), {"Error": {"Code": "ServiceUnavailable"}})
    assert budget.needs_retry({"context": context}, 1, response=answer) is None
    now.now += 15  # ...but botocore paused 15 s before it
    with pytest.raises(GaveUp) as refused:
        budget.before_send(_request(context))
    assert str(refused.value) == (
        f"{URL} answered HTTP 503; gave up after 1 attempt in 55 s (EUARE_CALL_TIMEOUT is 60 s)"
    )
    # botocore hands the refusal back to needs-retry: it is never retried
    assert budget.needs_retry({"context": context}, 2, caught_exception=refused.value) is False


def test_a_5xx_answer_given_up_on_says_so_in_its_error(now: Clock) -> None:
    from botocore.exceptions import ClientError

    budget = Budget(total=60, connect=10, read=30, attempts=5)
    context: dict[str, Any] = {}
    budget.before_send(_request(context))
    now.now += 55
    parsed: dict[str, Any] = {"Error": {"Code": "ServiceUnavailable", "Message": "busy"}}
    answer = (SimpleNamespace(status_code=503), parsed)
    assert budget.needs_retry({"context": context}, 1, response=answer) is False
    error = describe(ClientError(parsed, "ListUsers"))
    assert error.code == "ServiceUnavailable"
    assert error.message == "busy; gave up after 1 attempt in 55 s (EUARE_CALL_TIMEOUT is 60 s)"


@pytest.mark.parametrize("status", [200, 404])
def test_an_answer_botocore_would_not_retry_is_left_as_it_is(now: Clock, status: int) -> None:
    from botocore.exceptions import ClientError

    budget = Budget(total=60, connect=10, read=30, attempts=5)
    context: dict[str, Any] = {}
    budget.before_send(_request(context))
    now.now += 59
    parsed: dict[str, Any] = {"Error": {"Code": "NoSuchEntity", "Message": "no such user"}}
    budget.needs_retry(
        {"context": context}, 1, response=(SimpleNamespace(status_code=status), parsed)
    )
    assert "ResponseMetadata" not in parsed
    assert describe(ClientError(parsed, "GetUser")).message == "no such user"


def test_the_last_attempt_is_botocore_s_to_end(now: Clock) -> None:
    """With no attempts left botocore stops by itself: nothing is added to its error."""
    budget = Budget(total=60, connect=10, read=30, attempts=1)
    context: dict[str, Any] = {}
    budget.before_send(_request(context))
    now.now += 59
    failure = _timeout()
    assert budget.needs_retry({"context": context}, 1, caught_exception=failure) is None
    assert describe(failure).message == f"request timed out waiting for {URL}"


def test_a_call_timeout_shorter_than_the_timeouts_still_reads_a_moment() -> None:
    budget = Budget(total=2, connect=2, read=30, attempts=5)
    context: dict[str, Any] = {}
    budget.before_send(_request(context))
    assert context["read_timeout"] == 1.0


def test_the_timeout_settings_are_checked(tmp_path: Any) -> None:
    from euare.core.errors import EuareError
    from euare.core.settings import Flags, load

    found = load(Flags(), {"EUARE_CALL_TIMEOUT": "90"}, home=tmp_path)
    assert found.call_timeout == 90
    assert load(Flags(), {}, home=tmp_path).call_timeout == 60
    with pytest.raises(EuareError, match="EUARE_CALL_TIMEOUT must be a number of seconds"):
        load(Flags(), {"EUARE_CALL_TIMEOUT": "soon"}, home=tmp_path)


@pytest.mark.parametrize(
    ("mode", "pause"), [("standard", 16.0), ("adaptive", 16.0), ("legacy", 16.0)]
)
def test_a_retry_is_made_only_if_botocore_s_longest_pause_before_it_fits(
    now: Clock, mode: str, pause: float
) -> None:
    """After a fifth throttled answer botocore may pause up to 16 s: with 26 s left (10 s to
    connect, 1 s to read, 16 s of pause need 27), there is no retry; with 28 s there is."""
    from botocore.exceptions import ClientError

    budget = Budget(total=60, connect=10, read=30, attempts=10, mode=mode)
    assert budget.pause(5) == pause
    for left, verdict in ((28.0, None), (26.0, False)):
        context: dict[str, Any] = {}
        budget.before_send(_request(context))
        now.now += 60 - left
        parsed: dict[str, Any] = {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}
        answer = (SimpleNamespace(status_code=400), parsed)
        assert budget.needs_retry({"context": context}, 5, response=answer) is verdict
    assert describe(ClientError(parsed, "ListUsers")).message == (
        "Rate exceeded; gave up after 5 attempts in 34 s (EUARE_CALL_TIMEOUT is 60 s)"
    )


def test_botocore_s_longest_pause_by_mode() -> None:
    assert [Budget(mode="standard").pause(n) for n in (1, 2, 3, 5, 6, 9)] == [1, 2, 4, 16, 20, 20]
    assert [Budget(mode="legacy").pause(n) for n in (1, 6, 9)] == [1, 32, 256]
