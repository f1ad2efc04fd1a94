"""euare.sandbox.load in process: what the e2e tests cannot provoke through the sandbox
(a sandbox that stops answering, moto's internals changing) and the not-recreated lines' form.
The loads run against moto's in-process mock (moto.mock_aws), as the sandbox runs moto in its
own process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from euare.core.errors import EuareError
from euare.sandbox import labels
from euare.sandbox import load as sandbox_load
from euare.sandbox.moto import Plan
from tests.support.documents import DOC


def plan(**snapshot: Any) -> Plan:
    return Plan({"Format": "euare-snapshot/1", **snapshot}, "prod.json", "123456789012", {})


def user(name: str, **more: Any) -> dict[str, Any]:
    return {
        "UserName": name,
        "Path": "/",
        "Tags": [],
        "GroupList": [],
        "UserPolicyList": [],
        "AttachedManagedPolicies": [],
        "AccessKeys": [],
        "MFADevices": [],
        **more,
    }


@pytest.fixture
def iam() -> Iterator[Any]:
    from moto import mock_aws

    with mock_aws():
        yield boto3.client(
            "iam",
            region_name="us-east-1",
            aws_access_key_id="AKIAUNITTEST0000000X",
            aws_secret_access_key="unit",
        )


def test_a_sandbox_that_does_not_answer_is_one_error() -> None:
    closed = boto3.client(
        "iam",
        endpoint_url="http://127.0.0.1:9/",
        region_name="us-east-1",
        aws_access_key_id="AKIAUNITTEST0000000X",
        aws_secret_access_key="unit",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2),
    )
    with pytest.raises(EuareError) as caught:
        sandbox_load.load(plan(Users=[user("carol")]), closed)
    assert caught.value.message.startswith("cannot load prod.json into the sandbox: ")
    assert "127.0.0.1:9" in caught.value.message


def test_when_moto_changes_keys_keep_new_ids_and_it_is_said(
    iam: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keep_key_id touches moto's internals; a moto whose AccessKey has changed (simulated by
    making the function fail as it then would) leaves the keys under moto's own IDs."""

    def changed(*_: Any) -> None:
        raise AttributeError("'AccessKey' object has no attribute 'access_key_id'")

    monkeypatch.setattr(sandbox_load, "keep_key_id", changed)
    keys = [{"AccessKeyId": f"AKIAPRODKEY00000000{n}", "Status": "Active"} for n in (1, 2)]
    loader = sandbox_load.load(plan(Users=[user("carol", AccessKeys=keys)]), iam)
    assert loader.lines() == [
        "2 access keys' IDs (the sandbox cannot set them (AttributeError(\"'AccessKey' object "
        "has no attribute 'access_key_id'\")); those keys have new IDs): "
        "carol AKIAPRODKEY000000001, carol AKIAPRODKEY000000002"
    ]
    made = iam.list_access_keys(UserName="carol")["AccessKeyMetadata"]
    assert len(made) == 2 and not {k["AccessKeyId"] for k in made} & {"AKIAPRODKEY000000001"}


def test_the_key_ids_are_kept_in_moto(iam: Any) -> None:
    keys = [
        {
            "AccessKeyId": "AKIAPRODKEY000000001",
            "Status": "Inactive",
            "CreateDate": "2020-02-03T04:05:06Z",
        }
    ]
    loader = sandbox_load.load(plan(Users=[user("carol", AccessKeys=keys)]), iam)
    assert loader.lines() == []
    made = iam.list_access_keys(UserName="carol")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"], k["CreateDate"].isoformat()) for k in made] == [
        ("AKIAPRODKEY000000001", "Inactive", "2020-02-03T04:05:06+00:00")
    ]


def test_a_malformed_record_is_left_out_and_the_load_goes_on(iam: Any) -> None:
    broken = user("carol", UserPolicyList=[{"PolicyName": "no-document"}])
    snapshot = plan(
        Users=[
            broken,
            user("dave", UserPolicyList=[{"PolicyName": "p", "PolicyDocument": json.loads(DOC)}]),
        ]
    )
    loader = sandbox_load.load(snapshot, iam)
    assert loader.lines() == [
        "1 user (a record not as euare-accountsnapshot writes it: KeyError('PolicyDocument')): "
        "carol"
    ]
    assert iam.list_user_policies(UserName="dave")["PolicyNames"] == ["p"]


def test_lines_count_name_the_first_five_and_agree_in_number() -> None:
    loader = sandbox_load.Loader(None, "123456789012")
    for n in range(7):
        loader.miss(labels.ROLE, "NoSuchEntity: gone", f"r{n}", "NoSuchEntity")
    loader.miss(labels.of(labels.USER, labels.INLINE), "too big", "u/p")
    assert loader.lines() == [
        "7 roles (NoSuchEntity: gone): r0, r1, r2, r3, r4 and 2 more",
        "1 user's inline policy (too big): u/p",
    ]


def test_the_handed_out_key_looks_like_an_aws_key_and_differs_each_time() -> None:
    from euare.sandbox.moto import random_key

    first, second = random_key(), random_key()
    assert first != second
    key, secret = first
    assert len(key) == 20 and key.startswith("AKIA") and key.isalnum() and key.isupper()
    assert len(secret) == 40
