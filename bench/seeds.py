"""What the benchmark puts into its IAM endpoint before each measurement, one recipe a section.

A recipe gets ``call(Action, **params)`` (an IAM request straight into moto, see
endpoint.Seeder) and returns how many things it made."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, Protocol

NS = "{https://iam.amazonaws.com/doc/2010-05-08/}"
ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


class Call(Protocol):
    def __call__(self, action: str, /, **params: str) -> ET.Element: ...


class OrgCall(Call, Protocol):
    """IAM calls (``__call__``), STS's and Organizations' too, and the same signed with
    another key (served in that key's account)."""

    def sts(self, action: str, /, **params: str) -> ET.Element: ...

    def organizations(self, action: str, /, **params: str) -> dict[str, Any]: ...

    def signed_with(self, key: str) -> OrgCall: ...


def users(call: Call, count: int, prefix: str = "user") -> int:
    """``count`` users, ``{prefix}00001`` onwards, on path /."""
    for i in range(1, count + 1):
        call("CreateUser", UserName=f"{prefix}{i:05d}")
    return count


def audit(call: Call, count: int) -> int:
    """``count`` users, every other one with two access keys, the rest with one."""
    keys = 0
    for i in range(1, count + 1):
        name = f"audited{i:05d}"
        call("CreateUser", UserName=name)
        for _ in range(1 + i % 2):
            call("CreateAccessKey", UserName=name)
            keys += 1
    return count + keys


# What holds the user of the recursive-delete figure: 50 things, each taken away by its own
# call, within IAM's quotas (10 managed policies and 10 groups a user at most).
ATTACHMENTS = {
    "managed policies": 10,
    "group memberships": 10,
    "inline policies": 25,
    "access keys": 2,
    "MFA devices": 2,
    "login profile": 1,
}


def attachments(call: Call, user: str) -> int:
    """``user``, holding what ATTACHMENTS lists (50 things)."""
    call("CreateUser", UserName=user)
    for i in range(1, ATTACHMENTS["managed policies"] + 1):
        created = call("CreatePolicy", PolicyName=f"bench-{i:02d}", PolicyDocument=ALLOW_ALL)
        arn = created.findtext(f".//{NS}Arn")
        assert arn, "CreatePolicy answered no Arn"
        call("AttachUserPolicy", UserName=user, PolicyArn=arn)
    for i in range(1, ATTACHMENTS["group memberships"] + 1):
        call("CreateGroup", GroupName=f"bench-{i:02d}")
        call("AddUserToGroup", GroupName=f"bench-{i:02d}", UserName=user)
    for i in range(1, ATTACHMENTS["inline policies"] + 1):
        call("PutUserPolicy", UserName=user, PolicyName=f"inline-{i:02d}", PolicyDocument=ALLOW_ALL)
    for _ in range(ATTACHMENTS["access keys"]):
        call("CreateAccessKey", UserName=user)
    for i in range(1, ATTACHMENTS["MFA devices"] + 1):
        device = call("CreateVirtualMFADevice", VirtualMFADeviceName=f"{user}-{i}")
        serial = device.findtext(f".//{NS}SerialNumber")
        assert serial, "CreateVirtualMFADevice answered no SerialNumber"
        call(
            "EnableMFADevice",
            UserName=user,
            SerialNumber=serial,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
    call("CreateLoginProfile", UserName=user, Password="Bench-password-0")
    return sum(ATTACHMENTS.values())


def apply_base(call: Call, groups: int = 4) -> int:
    """What the apply figure's users are put in and given: ``groups`` groups and as many managed
    policies (``team-N``, ``bench-apply-N``)."""
    for i in range(groups):
        call("CreateGroup", GroupName=f"team-{i}")
        call("CreatePolicy", PolicyName=f"bench-apply-{i}", PolicyDocument=ALLOW_ALL)
    return 2 * groups


ACCESS_ROLE = "OrganizationAccountAccessRole"  # what Organizations' CreateAccount makes
EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
STS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
# The listings accountsnapshot starts with, as botocore sends them: asked once when seeded, so
# that moto renders each account's big listings before anything is timed (as ListUsers above).
SNAPSHOT_LISTINGS: dict[str, dict[str, str]] = {
    "GetAccountAuthorizationDetails": {
        f"Filter.member.{n}": kind
        for n, kind in enumerate(("User", "Role", "Group", "LocalManagedPolicy"), 1)
    },
    "ListRoles": {},
}


def organization(call: OrgCall, accounts: int, per_users: int, per_roles: int) -> dict[str, Any]:
    """The caller's account made an organization's management account, with ``accounts``
    member accounts made by Organizations' CreateAccount (``bench-000``...; the model gives
    each its OrganizationAccountAccessRole), each holding ``per_users`` users and ``per_roles``
    roles besides that one. Gives the management account's ID and each member's ID, name and
    the credentials of a session of its access role (assumed as the management account)."""
    made = call.organizations("CreateOrganization", FeatureSet="ALL")
    management = str(made["Organization"]["MasterAccountId"])
    members = []
    for number in range(accounts):
        name = f"bench-{number:03d}"
        status = call.organizations("CreateAccount", Email=f"{name}@example.com", AccountName=name)[
            "CreateAccountStatus"
        ]
        if status.get("State") != "SUCCEEDED":
            raise RuntimeError(f"CreateAccount {name}: {status}")
        account = str(status["AccountId"])
        session = call.sts(
            "AssumeRole",
            RoleArn=f"arn:aws:iam::{account}:role/{ACCESS_ROLE}",
            RoleSessionName="bench-seed",
        )
        credentials = {
            field: session.findtext(f".//{STS}Credentials/{STS}{field}") or ""
            for field in ("AccessKeyId", "SecretAccessKey", "SessionToken")
        }
        inside = call.signed_with(credentials["AccessKeyId"])
        users(inside, per_users)
        for i in range(1, per_roles + 1):
            inside("CreateRole", RoleName=f"role{i:05d}", AssumeRolePolicyDocument=EC2_TRUST)
        for action, params in SNAPSHOT_LISTINGS.items():
            inside(action, **params)
        members.append({"Id": account, "Name": name, **credentials})
    return {"Management": management, "Members": members}


RECIPES: dict[str, Callable[..., int]] = {
    "users": users,
    "audit": audit,
    "attachments": attachments,
    "apply": apply_base,
}
