"""An account furnished with one or more of every kind a snapshot holds, made through boto3
against moto, and every secret made on the way (for tests that a snapshot holds none)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.certs import self_signed

SAML_METADATA = (Path(__file__).parent / "saml-metadata.xml").read_text()


def document(*actions: str, resource: str = "*") -> str:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def trust(service: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@dataclass
class Estate:
    """What was made: the names a test looks for, and the secrets it must never find."""

    secrets: list[str] = field(default_factory=list)
    policy_arn: str = ""
    boundary_arn: str = ""
    keys: dict[str, str] = field(default_factory=dict)  # access key id -> its status
    assigned_mfa: str = ""
    spare_mfa: str = ""
    oidc_arn: str = ""
    saml_arn: str = ""


def furnish(iam: Any) -> Estate:
    """Users, groups, roles, instance profiles, managed policies (a later default version),
    inline policies, attachments, a role's boundary (moto has none for users), tags, access
    keys (one inactive), a login profile, an assigned and an unassigned virtual MFA device, an
    OpenID Connect and a SAML provider, a server certificate, an alias and a password policy.
    Entities are made out of name order."""
    made = Estate()
    policy = iam.create_policy(
        PolicyName="s3-read",
        Path="/team/",
        Description="read the team bucket",
        PolicyDocument=document("s3:GetObject", resource="arn:aws:s3:::team/*"),
        Tags=[{"Key": "owner", "Value": "ops"}, {"Key": "cost", "Value": "42"}],
    )["Policy"]
    made.policy_arn = policy["Arn"]
    iam.create_policy_version(
        PolicyArn=made.policy_arn,
        PolicyDocument=document("s3:GetObject", "s3:ListBucket", resource="arn:aws:s3:::team*"),
        SetAsDefault=True,
    )
    made.boundary_arn = iam.create_policy(
        PolicyName="boundary", PolicyDocument=document("s3:*", "ec2:Describe*")
    )["Policy"]["Arn"]

    for group in ("ops", "admins"):
        iam.create_group(GroupName=group, Path=f"/{group}/")
    iam.put_group_policy(
        GroupName="admins", PolicyName="everything", PolicyDocument=document("iam:*")
    )
    iam.attach_group_policy(GroupName="ops", PolicyArn=made.policy_arn)

    for user in ("zed", "alice", "mike"):
        iam.create_user(
            UserName=user, Path="/people/", Tags=[{"Key": "team", "Value": f"{user}-team"}]
        )
    iam.add_user_to_group(GroupName="ops", UserName="alice")
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    iam.put_user_policy(
        UserName="alice", PolicyName="ec2-read", PolicyDocument=document("ec2:Describe*")
    )
    iam.attach_user_policy(UserName="mike", PolicyArn=made.policy_arn)
    for user, status in (("alice", "Active"), ("alice", "Inactive"), ("zed", "Active")):
        key = iam.create_access_key(UserName=user)["AccessKey"]
        made.secrets.append(key["SecretAccessKey"])
        if status == "Inactive":
            iam.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status=status)
        made.keys[key["AccessKeyId"]] = status
    password = "Snapshot-Passw0rd!x"
    iam.create_login_profile(UserName="alice", Password=password, PasswordResetRequired=True)
    # moto keeps PasswordResetRequired only from an update, and drops a password not given again
    iam.update_login_profile(UserName="alice", Password=password, PasswordResetRequired=True)
    made.secrets.append(password)
    for name in ("alice-phone", "spare"):
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Path="/")[
            "VirtualMFADevice"
        ]
        made.secrets.append(_text(device["Base32StringSeed"]))
        if name == "spare":
            made.spare_mfa = device["SerialNumber"]
            continue
        made.assigned_mfa = device["SerialNumber"]
        iam.enable_mfa_device(
            UserName="alice",
            SerialNumber=made.assigned_mfa,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )

    iam.create_role(
        RoleName="web",
        Path="/app/",
        AssumeRolePolicyDocument=trust("ec2.amazonaws.com"),
        Description="the web tier",
        MaxSessionDuration=7200,
        Tags=[{"Key": "tier", "Value": "web"}],
    )
    iam.put_role_permissions_boundary(RoleName="web", PermissionsBoundary=made.boundary_arn)
    iam.put_role_policy(RoleName="web", PolicyName="logs", PolicyDocument=document("logs:*"))
    iam.attach_role_policy(RoleName="web", PolicyArn=made.policy_arn)
    iam.create_role(RoleName="batch", AssumeRolePolicyDocument=trust("lambda.amazonaws.com"))
    iam.create_instance_profile(InstanceProfileName="web", Tags=[{"Key": "tier", "Value": "web"}])
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    iam.create_instance_profile(InstanceProfileName="empty", Path="/spare/")

    made.oidc_arn = iam.create_open_id_connect_provider(
        Url="https://token.example.com/issuer",
        ClientIDList=["zeta-client", "alpha-client"],
        ThumbprintList=["c" * 40, "a" * 40],
        Tags=[{"Key": "idp", "Value": "example"}],
    )["OpenIDConnectProviderArn"]
    made.saml_arn = iam.create_saml_provider(Name="corp-sso", SAMLMetadataDocument=SAML_METADATA)[
        "SAMLProviderArn"
    ]
    body, private_key = self_signed("www.example.com")
    iam.upload_server_certificate(
        ServerCertificateName="www", Path="/web/", CertificateBody=body, PrivateKey=private_key
    )
    made.secrets.append(private_key.splitlines()[5])  # a line of the key itself
    iam.create_account_alias(AccountAlias="snapshot-example")
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    return made


def _text(seed: Any) -> str:
    return seed.decode() if isinstance(seed, bytes) else str(seed)
