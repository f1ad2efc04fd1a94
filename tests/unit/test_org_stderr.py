"""An account's own stderr lines under --org (euare.cli.fleetout.AccountErr): each names its
account, an error or a warning after its head as fleet's own error lines do (docs/output.md,
"Many accounts"), any other line of the verb's before the rest."""

from __future__ import annotations

import io

import pytest

from euare.call.accounts import Account
from euare.cli.fleetout import AccountErr, Progress

PROG = "euare-accountapply"


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (
            f"{PROG}: error (AccessDenied): denied by an SCP",
            f"{PROG}: error (AccessDenied): account 111122223333 (prod): denied by an SCP",
        ),
        (
            f"{PROG}: error: no such file",
            f"{PROG}: error: account 111122223333 (prod): no such file",
        ),
        (
            f"{PROG}: warning: a key is gone",
            f"{PROG}: warning: account 111122223333 (prod): a key is gone",
        ),
        (
            f"{PROG}: nothing to do: account 111122223333 matches DIR",
            f"{PROG}: account 111122223333 (prod): nothing to do: account 111122223333 matches DIR",
        ),
        ("a line of no one's", "a line of no one's"),
    ],
    ids=["error-with-code", "error", "warning", "other", "unprefixed"],
)
def test_an_accounts_line_names_it_after_its_head(written: str, shown: str) -> None:
    real = io.StringIO()
    err = AccountErr(real, PROG, Account("111122223333", "prod"), Progress(real, 3))
    err.write(written[:10])  # a line may come in pieces: written whole, once ended
    err.write(written[10:] + "\n")
    assert real.getvalue() == shown + "\n"
