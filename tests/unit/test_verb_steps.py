"""Named steps of other composite verbs, held without a server: accountauditkeys' per-user
audit (KeyAudit), policycreateversion's choice of the version to prune, and the login-profile
verbs' PasswordChange refusing a profile that exists before asking for a password.

Where a step calls IAM, botocore's Stubber answers: a user deleted between the listing and
its audit, and a profile found, are answers moto cannot be made to give at the right moment."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from euare.core.errors import EuareError
from euare.ops.policy_versions import to_prune
from euare.verbs.keys import KeyAudit
from euare.verbs.login import PasswordChange
from tests.support.stub import stubbed_call

WHEN = datetime(2024, 1, 1, tzinfo=timezone.utc)
KEY = {"UserName": "alice", "AccessKeyId": "AKIAEXAMPLE000000001", "Status": "Active"}


def test_an_audit_gives_each_key_its_user_s_name() -> None:
    with stubbed_call() as (call, stubber):
        listed = {"AccessKeyMetadata": [{**KEY, "CreateDate": WHEN}]}
        stubber.add_response("list_access_keys", listed, {"UserName": "alice"})
        audit = KeyAudit(call=call, max_age=None, last_used=False, unused_for=None)
        [found] = audit({"UserName": "alice"})
    assert found["UserName"] == "alice"
    assert found["AccessKeyId"] == KEY["AccessKeyId"]


def test_a_user_deleted_since_the_listing_has_no_keys_to_audit() -> None:
    with stubbed_call() as (call, stubber):
        stubber.add_client_error("list_access_keys", "NoSuchEntity", "no alice", 404)
        audit = KeyAudit(call=call, max_age=None, last_used=False, unused_for=None)
        assert audit({"UserName": "alice"}) == []


def versions(count: int, default: str = "v1") -> list[dict[str, object]]:
    return [
        {"VersionId": f"v{n}", "IsDefaultVersion": f"v{n}" == default, "CreateDate": WHEN}
        for n in range(1, count + 1)
    ]


def test_a_policy_with_room_prunes_nothing() -> None:
    assert to_prune("p", versions(4), prune=True) is None


def test_a_full_policy_prunes_its_oldest_non_default_version() -> None:
    assert to_prune("p", versions(5, default="v1"), prune=True) == "v2"


def test_a_full_policy_without_prune_is_refused_naming_the_version() -> None:
    with pytest.raises(EuareError, match="the oldest non-default one is v2") as refused:
        to_prune("p", versions(5), prune=False)
    assert refused.value.code == "LimitExceeded"


def test_a_profile_that_exists_is_refused_before_the_password_is_asked() -> None:
    with stubbed_call() as (call, stubber):
        call.stdin = io.StringIO("a password\n")
        profile = {"LoginProfile": {"UserName": "alice", "CreateDate": WHEN}}
        stubber.add_response("get_login_profile", profile, {"UserName": "alice"})
        step = PasswordChange(call=call, operation="CreateLoginProfile", user="alice")
        with pytest.raises(EuareError, match="alice already has a login profile"):
            step.run(None, None)
    assert call.stdin.read() == "a password\n"  # nothing read
