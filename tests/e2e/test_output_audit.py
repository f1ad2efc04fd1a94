"""euare-accountauditkeys: every user's access keys in one process, a few users at a time."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Home
from tests.e2e.test_cron_examples import age_all_keys
from tests.support.proxy import Fault
from tests.support.shapes import assert_shape


@pytest.mark.both
def test_audit_json_lists_every_user_s_keys(home: Home, iam: Any) -> None:
    made = {}
    for name in ("ann", "bo", "cy"):
        iam.create_user(UserName=name)
        made[name] = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    iam.create_user(UserName="keyless")
    result = home.run("accountauditkeys", "-v", "--format", "json")
    listed = assert_shape(result, "accountauditkeys")
    assert {k["UserName"]: k["AccessKeyId"] for k in listed} == made
    assert all("AccessKeyLastUsed" in k for k in listed)


def test_audit_with_max_age_lists_only_old_keys_in_user_order(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    for name in ("zed", "amy", "kim"):
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
    young = proxied_home.run("accountauditkeys", "--max-age", "90")
    assert (young.returncode, young.stdout, young.stderr) == (0, "", "")
    proxy.rewrites["ListAccessKeys"] = age_all_keys
    one = proxied_home.run("accountauditkeys", "--max-age", "90", "--jobs", "1")
    many = proxied_home.run("accountauditkeys", "--max-age", "90", "--jobs", "8")
    assert one.returncode == 0 and one.stdout == many.stdout
    users = [line.split("\t")[0] for line in one.lines]
    order = [u["UserName"] for u in iam.list_users()["Users"]]
    assert users == order and len(users) == 3
    assert all(line.split("\t")[3] == "2020-01-01T00:00:00Z" for line in one.lines)


def test_audit_under_throttling_holds_every_request_back_and_still_lists_every_key(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """The audit's pool shares the recursive deletes' gate (euare.call.fanout): after one
    Throttling answer, no request arrives for a pause, and every key is still listed."""
    from euare.call.fanout import PAUSE

    made = set()
    for n in range(16):
        iam.create_user(UserName=f"u{n:02}")
        made.add(iam.create_access_key(UserName=f"u{n:02}")["AccessKey"]["AccessKeyId"])
    proxy.latency = 0.1
    proxy.faults["ListAccessKeys"] = Fault("throttle", count=1, after=1)
    result = proxied_home.run("accountauditkeys", "--format", "json", "--jobs", "4")
    assert result.returncode == 0, result.stderr
    assert {k["AccessKeyId"] for k in json.loads(result.stdout)} == made
    (throttled,) = [r for r in proxy.log if r.fault == "throttle"]
    assert throttled.answered is not None
    quiet = (throttled.answered + 0.15, throttled.answered + PAUSE)
    assert [r.action for r in proxy.log if quiet[0] < r.arrived < quiet[1]] == []


def test_the_audit_asks_about_eight_users_at_once_by_default_and_never_more(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """It only reads, so its default pool (params.READ_JOBS) is twice the deletes'; --jobs
    bounds it."""
    from euare.cli.params import READ_JOBS

    for n in range(20):
        iam.create_user(UserName=f"r{n:02}")
    proxy.latency = 0.2  # a request beyond the pool's would overlap those held
    proxy.gather["ListAccessKeys"] = READ_JOBS  # however slowly the pool's threads start
    assert proxied_home.run("accountauditkeys").returncode == 0
    assert proxy.max_in_flight == READ_JOBS == 8
    proxy.settle()
    proxy.latency = 0.2
    proxy.gather["ListAccessKeys"] = 3
    assert proxied_home.run("accountauditkeys", "--jobs", "3").returncode == 0
    assert proxy.max_in_flight == 3
