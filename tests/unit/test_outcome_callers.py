"""What the callers of euare.core.outcome do with each meaning, for every code of a kind (not
one example): a snapshot leaves out, with one warning, a kind the endpoint says it lacks, and
fails on a page that is not IAM's; a recursive delete finds nothing to remove behind an API the
endpoint lacks, a page included; a rotation's cleanup tries again what is transient (and what
its caller names), takes "gone" for done, and gives up at once on anything else."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from euare.core import outcome as oc
from euare.core.errors import non_iam_answer
from euare.ops.deletion import Blocker
from euare.ops.rotation_calls import persist
from euare.state.take import Taker


def iam(status: int, code: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Type": "Sender", "Code": code, "Message": "said IAM"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "ListThings",
    )


def proxy_page(status: int = 502) -> ClientError:
    response: dict[str, Any] = {
        "status_code": status,
        "headers": {},
        "body": b"<html><title>Bad Gateway</title></html>",
    }
    non_iam_answer(response)
    from botocore.parsers import create_parser

    return ClientError(create_parser("query").parse(response, None), "ListThings")


def raising(exc: BaseException) -> Any:
    def fn(*_: Any, **__: Any) -> Any:
        raise exc

    return fn


def taker(warnings: list[str]) -> Taker:
    return Taker(raising(AssertionError()), list, list, list, warnings.append)


@pytest.mark.parametrize("code", sorted(oc.UNSUPPORTED_CODES))
def test_a_snapshot_leaves_out_with_one_warning_a_kind_the_endpoint_lacks(code: str) -> None:
    warnings: list[str] = []
    take = taker(warnings)
    status = int(code) if code.isdigit() else 400
    for _ in range(2):
        assert take.optional("widgets", raising(iam(status, code)), []) == []
    assert warnings == ["this endpoint does not answer for widgets; they are left out"]


def test_a_snapshot_takes_gone_for_absent_without_a_word() -> None:
    warnings: list[str] = []
    assert taker(warnings).optional("w", raising(iam(404, "NoSuchEntity")), None) is None
    assert warnings == []


@pytest.mark.parametrize(
    "exc", [proxy_page(502), proxy_page(500), iam(403, "AccessDenied"), iam(503, "Unavailable")]
)
def test_a_snapshot_fails_on_anything_else(exc: ClientError) -> None:
    """A proxy's page, even moto's kind of HTML 500, is not taken for "no such API": a snapshot
    must not quietly lack a kind because a gateway failed."""
    warnings: list[str] = []
    with pytest.raises(ClientError):
        taker(warnings).optional("w", raising(exc), [])
    assert warnings == []


def blocker(optional: bool) -> Blocker:
    return Blocker("things", "ListThings", "Things", str, lambda owner, item: [], optional=optional)


@pytest.mark.parametrize(
    "exc",
    [iam(int(c) if c.isdigit() else 400, c) for c in sorted(oc.UNSUPPORTED_CODES)]
    + [proxy_page(500), proxy_page(404)],
)
def test_a_recursive_delete_finds_nothing_behind_an_api_the_endpoint_lacks(exc: Any) -> None:
    call: Any = SimpleNamespace(pages=raising(exc))
    assert blocker(optional=True).find(call, "UserName", "alice") == []
    with pytest.raises(ClientError):
        blocker(optional=False).find(call, "UserName", "alice")


def test_a_recursive_delete_fails_on_a_refusal_of_an_optional_api() -> None:
    call: Any = SimpleNamespace(pages=raising(iam(403, "AccessDenied")))
    with pytest.raises(ClientError):
        blocker(optional=True).find(call, "UserName", "alice")


class Failing:
    """Fails with each of ``failures`` in turn, then answers."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.tries = 0

    def __call__(self) -> str:
        self.tries += 1
        if self.failures:
            raise self.failures.pop(0)
        return "done"


@pytest.mark.parametrize(
    "exc",
    [
        iam(400, "Throttling"),
        iam(503, "ServiceUnavailable"),
        iam(500, "SomethingNew"),
        proxy_page(502),
        ReadTimeoutError(endpoint_url="https://iam.example.com/"),
    ],
)
def test_a_cleanup_tries_a_transient_failure_again(exc: BaseException) -> None:
    run = Failing(exc)
    assert persist(run, budget=30) == "done"
    assert run.tries == 2


@pytest.mark.parametrize(
    "exc", [iam(403, "AccessDenied"), iam(400, "InvalidClientTokenId"), proxy_page(403)]
)
def test_a_cleanup_gives_up_at_once_on_anything_else(exc: BaseException) -> None:
    run = Failing(exc)
    with pytest.raises(ClientError):
        persist(run, budget=30)
    assert run.tries == 1


def test_a_cleanup_tries_again_what_its_caller_names_and_takes_gone_for_done() -> None:
    run = Failing(iam(403, "InvalidClientTokenId"))
    assert persist(run, budget=30, retry=oc.unknown_key) == "done"
    assert persist(Failing(iam(404, "NoSuchEntity")), budget=30) is None


def test_a_cleanup_never_retries_ctrl_c() -> None:
    run = Failing(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        persist(run, budget=30)
    assert run.tries == 1
