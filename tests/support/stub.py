"""Running a verb in-process against botocore's Stubber, for APIs moto's server lacks.

Use only where moto has no such API, and say so in the test's docstring.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore import xform_name
from botocore.stub import Stubber

from euare.call.context import Call
from euare.cli.run import run
from euare.core.redact import watch


@dataclass
class Stubbed:
    code: int
    stdout: str
    stderr: str


def run_stubbed(
    verb: str,
    args: list[str],
    expected: list[tuple[str, dict[str, Any] | int, dict[str, Any] | None]],
    service: str = "iam",
    stdin: str = "",
    stderr: io.StringIO | None = None,
    errors: dict[int, tuple[str, str]] | None = None,
) -> Stubbed:
    """Run ``euare-VERB ARGS`` with a client that answers ``expected`` calls in order.

    Each expected call is (Operation, response, expected parameters or None for any); a
    response that is an HTTP status (500, say) is an error answer with that status. The run
    fails the test if a call was expected but not made. ``stderr`` replaces the run's standard
    error (a terminal's stand-in, say); ``errors`` makes the expected call at that index fail
    with (Code, Message) instead of answering its response.
    """
    client = boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIASTUBBED000000000",
        aws_secret_access_key="stubbed-secret",
    )
    watch(client.meta.events, service)  # as on every client euare makes (call.client)
    stubber = Stubber(client)
    for index, (operation, response, params) in enumerate(expected):
        if isinstance(response, int):
            stubber.add_client_error(
                xform_name(operation),
                "ServiceFailure",
                "stubbed failure",
                http_status_code=response,
                expected_params=params,
            )
        elif errors and index in errors:
            code, message = errors[index]
            stubber.add_client_error(xform_name(operation), code, message, 400, None, params)
        else:
            stubber.add_response(xform_name(operation), response, params)
    env = {
        "HOME": "/nonexistent",
        "AWS_ACCESS_KEY_ID": "AKIASTUBBED000000000",
        "AWS_SECRET_ACCESS_KEY": "stubbed-secret",
    }
    call = Call(
        f"euare-{verb}",
        env,
        io.StringIO(stdin),
        io.StringIO(),
        stderr if stderr is not None else io.StringIO(),
        client_factory=lambda settings, attempts: client,
    )
    with stubber:
        code = run(verb, args, call)
    stubber.assert_no_pending_responses()
    out, err = call.stdout, call.stderr
    assert isinstance(out, io.StringIO) and isinstance(err, io.StringIO)
    return Stubbed(code, out.getvalue(), err.getvalue())


@contextmanager
def stubbed_call(service: str = "iam") -> Iterator[tuple[Call, Stubber]]:
    """A Call whose client answers what the test queues on the Stubber, for calling a step or
    an operation in-process; every answer queued must have been asked for by the end."""
    client = boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIASTUBBED000000000",
        aws_secret_access_key="stubbed-secret",
    )
    stubber = Stubber(client)
    env = {
        "HOME": "/nonexistent",
        "AWS_ACCESS_KEY_ID": "AKIASTUBBED000000000",
        "AWS_SECRET_ACCESS_KEY": "stubbed-secret",
    }
    call = Call(
        "euare-test",
        env,
        io.StringIO(),
        io.StringIO(),
        io.StringIO(),
        client_factory=lambda settings, attempts: client,
    )
    with stubber:
        yield call, stubber
    stubber.assert_no_pending_responses()
