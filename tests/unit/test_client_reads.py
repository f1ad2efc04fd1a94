"""How euare's clients read IAM's answers (euare.call.client). Timestamps (parse_time): IAM's
own form is read directly, to the same instant botocore's general parser gives; every other form
is left to botocore. Listings: a client's paginator of an operation is made once, and serves
every listing after it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.utils import parse_timestamp
from hypothesis import given
from hypothesis import strategies as st

from euare.call.client import call, make_client, pages, parse_time
from euare.core.settings import Settings

MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2199, 12, 31), timezones=st.just(None)
)


@given(MOMENTS, st.integers(min_value=0, max_value=9), st.sampled_from(["Z", "+00:00", "+0000"]))
def test_iams_form_reads_as_botocores_parser_reads_it(
    moment: datetime, digits: int, zone: str
) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}{moment.microsecond % 1000:03d}"[:digits]
    text += zone
    read = parse_time(text)
    assert read == parse_timestamp(text)
    assert read.utcoffset() == timedelta(0)
    assert read.tzinfo is timezone.utc  # read here, not by botocore's parser


@pytest.mark.parametrize(
    "given_value",
    [
        "2026-12-06T16:34:16+01:00",  # another zone
        "2026-12-06T16:34:16",  # no zone at all: botocore keeps it naive
        "Sun, 06 Dec 2026 16:34:16 GMT",
        "1765038856",
        1765038856,
        1765038856.25,
        "2026-12-06 16:34:16Z",
    ],
)
def test_other_forms_are_botocores(given_value: Any) -> None:
    read, expected = parse_time(given_value), parse_timestamp(given_value)
    assert read == expected
    assert read.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("impossible", ["2026-02-30T00:00:00Z", "2026-12-06T24:00:00Z"])
def test_an_impossible_moment_is_botocores_error(impossible: str) -> None:
    with pytest.raises(ValueError, match="Invalid timestamp"):
        parse_time(impossible)


def test_euares_clients_read_answers_with_it(endpoint: str, iam: Any) -> None:
    """A client of euare's own reads CreateDate through parse_time: the same moment as
    boto3's, in UTC."""
    settings = Settings("AKIAEXAMPLETIMES0001", "secret", None, endpoint, "us-east-1")
    made = call(make_client(settings), "CreateUser", UserName="times-alice")["User"]
    theirs = iam.get_user(UserName="times-alice")["User"]
    assert made["CreateDate"].tzinfo is timezone.utc
    assert made["CreateDate"] == theirs["CreateDate"]


def test_a_clients_paginator_is_made_once(endpoint: str, iam: Any) -> None:
    for name in ("pages-alice", "pages-bob"):
        iam.create_user(UserName=name)
    keys = {
        name: iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
        for name in ("pages-alice", "pages-bob")
    }
    client = make_client(Settings("AKIAEXAMPLEPAGES0001", "secret", None, endpoint, "us-east-1"))
    made: list[str] = []
    botocores = client.get_paginator

    def counted(method: str) -> Any:
        made.append(method)
        return botocores(method)

    client.get_paginator = counted
    for _ in range(2):
        for name, key in keys.items():
            listed = list(pages(client, "ListAccessKeys", "AccessKeyMetadata", UserName=name))
            assert [k["AccessKeyId"] for k in listed] == [key]
    assert made == ["list_access_keys"]
