"""Entering an account under --org (euare.call.accounts): the role's credentials asked for
again as they near their end, each set registered as secrets the moment it arrives; the
session says euare; an --accounts file read as documented. STS is a stand-in here (a Call
whose request answers AssumeRole from a list): what is tested is when euare asks again, which
neither moto nor the sandbox can make happen within a test (their sessions last an hour)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from euare.call.accounts import Account, assumed, chosen, parse_list, session_name
from euare.core.errors import UsageError
from euare.core.redact import redact


@dataclass
class FakeSts:
    """Answers AssumeRole with the next of ``answers`` (each lasting ``minutes[i]``)."""

    minutes: list[int]
    prog: str = "euare-accountsnapshot"
    asked: list[dict[str, Any]] = field(default_factory=list)

    def request(self, operation: str, service: str = "iam", **params: Any) -> dict[str, Any]:
        assert (operation, service) == ("AssumeRole", "sts")
        self.asked.append(params)
        number = len(self.asked)
        return {
            "Credentials": {
                "AccessKeyId": f"ASIAFAKEFAKEFAKE{number:04d}",
                "SecretAccessKey": f"secret-number-{number}-of-the-role-session-xxxxxx",
                "SessionToken": f"token-number-{number}-of-the-role-session-yyyyyyyy",
                "Expiration": datetime.now(timezone.utc)
                + timedelta(minutes=self.minutes[number - 1]),
            }
        }


def test_credentials_near_their_end_are_asked_for_again_and_registered() -> None:
    sts = FakeSts(minutes=[5, 60])  # the first set within botocore's mandatory refresh window
    credentials = assumed(sts, "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole")
    frozen = credentials.get_frozen_credentials()
    assert len(sts.asked) == 2 and frozen.access_key == "ASIAFAKEFAKEFAKE0002"
    for number in (1, 2):
        for value in (
            f"secret-number-{number}-of-the-role-session-xxxxxx",
            f"token-number-{number}-of-the-role-session-yyyyyyyy",
        ):
            assert value not in redact(f"error: {value}")
    assert credentials.get_frozen_credentials().access_key == "ASIAFAKEFAKEFAKE0002"
    assert len(sts.asked) == 2  # an hour left: not asked again
    assert {p["RoleSessionName"] for p in sts.asked} == {"euare-accountsnapshot"}


def test_a_session_name_says_euare() -> None:
    assert session_name("euare-accountauditkeys") == "euare-accountauditkeys"
    assert session_name("accountdiff") == "euare-accountdiff"


def test_an_accounts_file_takes_ids_names_and_comments_and_refuses_the_rest() -> None:
    text = "# prod\n111122223333 prod main\n\n444455556666  # legacy\n111122223333 again\n"
    assert parse_list(text, "f") == [Account("111122223333", "prod main"), Account("444455556666")]
    with pytest.raises(UsageError, match="line 1: '1234' is not a 12-digit account ID"):
        parse_list("1234\n", "f")


def test_only_and_skip_take_ids_and_name_globs() -> None:
    accounts = [Account("111122223333", "prod-a"), Account("444455556666", "dev-b")]
    assert chosen(accounts, ["prod-*"], []) == accounts[:1]
    assert chosen(accounts, [], ["444455556666"]) == accounts[:1]
    assert chosen(accounts, [], []) == accounts
