"""AWS Organizations, as far as the sandbox models it: moto keeps the organization, its accounts
and their creation (CreateOrganization, CreateAccount, ListAccounts, DescribeCreateAccountStatus
and the rest pass to moto, in the caller's account), the gate judges each call as
``organizations:ACTION`` (:mod:`auth`), and the model makes what AWS makes in a new account.

- CreateAccount: "Organizations automatically preconfigures" an IAM role in the new account
  (Organizations API Reference, CreateAccount's RoleName; Organizations User Guide, "Accessing
  member accounts that have a management account access role"): named by RoleName,
  ``OrganizationAccountAccessRole`` by default, trusting the management account
  (``arn:aws:iam::MANAGEMENT:root`` may ``sts:AssumeRole``), with administrator permissions
  (the AWS managed policy AdministratorAccess attached, which moto is given in that account:
  euare.sandbox.moto.provide_aws_policy). moto creates accounts at once, so the role is there
  when CreateAccount answers, its status already SUCCEEDED (on AWS a while later, when
  DescribeCreateAccountStatus says SUCCEEDED). moto's own attempt at the role puts it where
  its IAM never looks."""

from __future__ import annotations

import json

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.wire import Answer, Call, Refusal
from euare.sandbox.moto import provide_aws_policy

ROLE = "OrganizationAccountAccessRole"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"


def trust(management: str) -> str:
    """The role's trust policy: the management account may assume it."""
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
        "Action": "sts:AssumeRole",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def account_made(context: Context, call: Call, done: Answer) -> Answer:
    """CreateAccount: the new account's access role (see the module's docstring)."""
    try:
        status = json.loads(done.body).get("CreateAccountStatus") or {}
    except (ValueError, AttributeError):
        return done
    account = status.get("AccountId")
    if status.get("State") != "SUCCEEDED" or not account:
        return done
    member = context.elsewhere(str(account))
    name = call.params.get("RoleName") or ROLE
    if not member.request(call, "GetRole", RoleName=name).ok:
        member.ask(
            call, "CreateRole", RoleName=name, AssumeRolePolicyDocument=trust(context.account)
        )
    if not provide_aws_policy(member.account, ADMINISTRATOR):
        raise Refusal("ServiceFailure", f"moto has no {ADMINISTRATOR}", 500)
    member.ask(call, "AttachRolePolicy", RoleName=name, PolicyArn=ADMINISTRATOR)
    member.changed()
    return done


def register(rules: Rules) -> None:
    rules.edit("organizations:CreateAccount")(account_made)
