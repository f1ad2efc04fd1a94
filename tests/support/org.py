"""An AWS Organization in the sandbox (euare.sandbox.model.organizations), made through boto3:
the caller's account its management account, ``count`` member accounts created in it
(``acct-00``, ``acct-01``...), each holding the ``OrganizationAccountAccessRole`` AWS makes;
and a client of a member account, by assuming that role as AWS's own tools do. With the gate
on (``--enforce-auth``), ``key`` must be allowed the Organizations calls and
``sts:AssumeRole``."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import boto3

from tests.conftest import Home, boto_client

ROLE = "OrganizationAccountAccessRole"
SESSION = "euare-tests"


def make_organization(url: str, count: int, key: str, secret: str) -> list[dict[str, Any]]:
    """The organization of ``key``'s account (made unless it is one already) and ``count``
    new member accounts in it; ListAccounts' records, every page of them (the management
    account's included)."""
    org = boto_client(url, key, secret, "organizations")
    with contextlib.suppress(org.exceptions.AlreadyInOrganizationException):
        org.create_organization(FeatureSet="ALL")
    for number in range(count):
        name = f"acct-{number:02d}"
        org.create_account(Email=f"{name}@example.com", AccountName=name)
    return [
        account
        for page in org.get_paginator("list_accounts").paginate()
        for account in page["Accounts"]
    ]


def member_client(url: str, account_id: str, key: str, secret: str, service: str = "iam") -> Any:
    """A boto3 client of ``service`` in member account ``account_id``, with the credentials of
    a session of its OrganizationAccountAccessRole, assumed with ``key``."""
    sts = boto_client(url, key, secret, "sts")
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName=SESSION
    )["Credentials"]
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def org_home(base: Path, iam_url: str, organizations_url: str) -> Home:
    """A test HOME under ``base`` whose IAM and STS go to ``iam_url`` (a proxy, say) and whose
    Organizations goes to ``organizations_url`` (AWS_ENDPOINT_URL_ORGANIZATIONS)."""
    path = base / "home"
    path.mkdir()
    made = Home(path, iam_url)
    made.env["AWS_ENDPOINT_URL_ORGANIZATIONS"] = organizations_url
    return made
