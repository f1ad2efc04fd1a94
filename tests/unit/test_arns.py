"""The ARN builders (assumerole's role, managed policies' names) for any input."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from euare.call.arns import policy_arn, role_arn
from euare.call.context import Call


def offline_call() -> Call:
    """A call that knows its account, so the builders never need the network."""
    call = Call(
        "euare-test",
        {"EC2_USER_ID": "123456789012", "HOME": "/nonexistent"},
        io.StringIO(),
        io.StringIO(),
        io.StringIO(),
    )
    call.account = ("aws", "123456789012")
    return call


@given(st.text(min_size=1, max_size=80))
def test_role_arn_is_always_an_arn(given_role: str) -> None:
    arn = role_arn(offline_call(), given_role)
    assert arn.startswith("arn:")
    if not given_role.startswith("arn:"):
        assert arn.split(":")[2] == "iam" and ":role/" in arn


def test_role_arn_forms() -> None:
    call = offline_call()
    assert role_arn(call, "ops") == "arn:aws:iam::123456789012:role/ops"
    assert role_arn(call, "role/ops") == "arn:aws:iam::123456789012:role/ops"
    assert role_arn(call, "999999999999:ops") == "arn:aws:iam::999999999999:role/ops"
    assert role_arn(call, "arn:aws-cn:iam::1:role/x") == "arn:aws-cn:iam::1:role/x"


@given(st.text(min_size=1, max_size=80))
def test_policy_arn_is_always_the_accounts_policy_or_the_given_arn(name: str) -> None:
    arn = policy_arn(offline_call(), name)
    if name.startswith("arn:"):
        assert arn == name
    else:
        assert arn == f"arn:aws:iam::123456789012:policy/{name.lstrip('/')}"
