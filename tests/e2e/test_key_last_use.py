"""--unused-for DAYS of userlistkeys and accountauditkeys: only keys last used more than DAYS
days ago, or never used and created more than DAYS days ago.

moto never records a key's use, and dates every key today: the proxy gives GetAccessKeyLastUsed
a LastUsedDate for chosen keys, and ListAccessKeys an old CreateDate for bob's keys only.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.conftest import Home
from tests.support.proxy import Rewrite


def days_ago(days: int) -> bytes:
    moment = datetime.now(timezone.utc) - timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()


def used(last: dict[str, int]) -> Rewrite:
    """GetAccessKeyLastUsed answers that key ``k`` was used ``last[k]`` days ago, in us-east-1."""

    def rewrite(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        days = last.get(form.get("AccessKeyId", ""))
        if days is None:
            return status, body
        inner = b"<LastUsedDate>" + days_ago(days) + b"</LastUsedDate>"
        inner += b"<ServiceName>s3</ServiceName><Region>us-east-1</Region>"
        body = re.sub(rb"<(Region|ServiceName)>N/A</\1>", b"", body)
        return status, body.replace(b"<AccessKeyLastUsed>", b"<AccessKeyLastUsed>" + inner, 1)

    return rewrite


def old_for(user: str) -> Rewrite:
    """ListAccessKeys says ``user``'s keys were created in 2020."""

    def rewrite(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        if form.get("UserName") != user:
            return status, body
        old = b"<CreateDate>2020-01-01T00:00:00Z</CreateDate>"
        return status, re.sub(rb"<CreateDate>[^<]*</CreateDate>", old, body)

    return rewrite


def keys(iam: Any, user: str, count: int) -> list[str]:
    iam.create_user(UserName=user)
    return [iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"] for _ in range(count)]


def setup(proxy: Any, iam: Any) -> tuple[list[str], list[str]]:
    """bob (keys from 2020): one used 2 days ago, one never; carol (keys from today): one used
    100 days ago, one never."""
    bob, carol = keys(iam, "bob", 2), keys(iam, "carol", 2)
    proxy.rewrites["ListAccessKeys"] = old_for("bob")
    proxy.rewrites["GetAccessKeyLastUsed"] = used({bob[0]: 2, carol[0]: 100})
    return bob, carol


def test_userlistkeys_unused_for_lists_idle_keys_only(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    bob, carol = setup(proxy, iam)
    run = proxied_home.run
    assert run("userlistkeys", "bob", "--unused-for", "30").lines == [bob[1], "Active"]
    assert run("userlistkeys", "carol", "--unused-for", "30").lines == [carol[0], "Active"]
    assert run("userlistkeys", "carol", "--unused-for", "100").lines == []
    assert run("userlistkeys", "bob", "--unused-for", "1").lines == [
        bob[0],
        "Active",
        bob[1],
        "Active",
    ]
    verbose = run("userlistkeys", "carol", "--unused-for", "30", "-v").lines
    assert verbose[:2] == [carol[0], "Active"]
    assert verbose[3].startswith("Last used: ") and verbose[3].endswith("(s3, us-east-1)")
    as_json = json.loads(
        run("userlistkeys", "carol", "--unused-for", "30", "--format", "json").stdout
    )
    assert [k["AccessKeyId"] for k in as_json] == [carol[0]]
    assert as_json[0]["AccessKeyLastUsed"]["ServiceName"] == "s3"


def test_accountauditkeys_unused_for_lists_idle_keys_of_every_user(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    bob, carol = setup(proxy, iam)
    done = proxied_home.run("accountauditkeys", "--unused-for", "30", "-v")
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.lines]
    assert [(r[0], r[1], r[5]) for r in rows] == [("bob", bob[1], "N/A"), ("carol", carol[0], "s3")]
    assert rows[0][4] == "never" and rows[1][4].startswith(days_ago(100).decode()[:10])
    plain = proxied_home.run("accountauditkeys", "--unused-for", "30", "--max-age", "30")
    assert [line.split("\t")[1] for line in plain.lines] == [bob[1]]
