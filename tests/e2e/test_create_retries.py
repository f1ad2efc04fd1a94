"""A create is sent again only when it surely did not take effect (throttled), with backoff
(euare.core.retry), and within the call's time as any other call is (EUARE_CALL_TIMEOUT): its
tries together, not each of them, are bounded by it."""

from __future__ import annotations

import time
from typing import Any

from tests.conftest import Home, one_error_line
from tests.support.documents import DOC
from tests.support.proxy import Fault


def test_a_throttled_create_stops_trying_when_the_call_s_time_is_up(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    proxy.faults["CreatePolicy"] = Fault("throttle", count=None)
    started = time.monotonic()
    result = proxied_home.run(
        "policycreate",
        "p1",
        "-o",
        DOC,
        env={"AWS_MAX_ATTEMPTS": "10", "EUARE_CALL_TIMEOUT": "2"},
    )
    took = time.monotonic() - started
    assert "(Throttling)" in one_error_line(result, "policycreate")
    # ten tries would pause some 40 s (0.5 s doubling, jittered, 20 at most); no pause is begun
    # that would end after the call's 2 s
    assert 1 < proxy.actions.count("CreatePolicy") < 10
    assert took < 10
    assert iam.list_policies(Scope="Local")["Policies"] == []
