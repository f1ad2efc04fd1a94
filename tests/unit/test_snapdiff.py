"""euare.state.diff: two snapshots compared, kind by kind, without IAM (docs/snapshot.md,
"Comparing two snapshots")."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from euare.core.errors import UsageError
from euare.state.diff import Diff, compare
from euare.state.difftext import lines
from euare.state.snapshot import ASSIGNED, FORMAT, KINDS, dumps, loads

ACCOUNT = "123456789012"
OTHER = "210987654321"


def policy(*actions: str) -> dict[str, Any]:
    action: Any = list(actions) if len(actions) > 1 else actions[0]
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
    }


def trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def arn(rest: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:{rest}"


SAML = '<?xml version="1.0"?>\n<EntityDescriptor entityID="https://idp.example.com/">\n</EntityDescriptor>'
PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----"


def snapshot() -> dict[str, Any]:
    """An account with one entity of every kind, every list inside a record filled."""
    return {
        "Format": FORMAT,
        "Taken": "2026-11-01T03:00:00Z",
        "Account": ACCOUNT,
        "AccountAliases": ["corp"],
        "PasswordPolicy": {"MinimumPasswordLength": 8, "RequireSymbols": False},
        "Users": [
            {
                "UserName": "alice",
                "Path": "/",
                "UserId": "AIDAALICE",
                "Arn": arn("user/alice"),
                "CreateDate": "2026-01-01T00:00:00Z",
                "Tags": [{"Key": "team", "Value": "ops"}],
                "GroupList": ["admins"],
                "UserPolicyList": [{"PolicyName": "s3-read", "PolicyDocument": policy("s3:Get*")}],
                "AttachedManagedPolicies": [
                    {"PolicyName": "deploy", "PolicyArn": arn("policy/deploy")}
                ],
                "AccessKeys": [
                    {
                        "AccessKeyId": "AKIAALICE1",
                        "Status": "Active",
                        "CreateDate": "2026-01-02T00:00:00Z",
                    }
                ],
                "MFADevices": [
                    {"SerialNumber": arn("mfa/alice"), "EnableDate": "2026-01-03T00:00:00Z"}
                ],
                "LoginProfile": {
                    "CreateDate": "2026-01-04T00:00:00Z",
                    "PasswordResetRequired": False,
                },
            }
        ],
        "Groups": [
            {
                "GroupName": "admins",
                "Path": "/",
                "GroupId": "AGPAADMINS",
                "Arn": arn("group/admins"),
                "CreateDate": "2026-01-01T00:00:00Z",
                "GroupPolicyList": [{"PolicyName": "all", "PolicyDocument": policy("*")}],
                "AttachedManagedPolicies": [
                    {"PolicyName": "deploy", "PolicyArn": arn("policy/deploy")}
                ],
            }
        ],
        "Roles": [
            {
                "RoleName": "ci",
                "Path": "/",
                "RoleId": "AROACI",
                "Arn": arn("role/ci"),
                "CreateDate": "2026-01-01T00:00:00Z",
                "MaxSessionDuration": 3600,
                "AssumeRolePolicyDocument": trust("ec2.amazonaws.com"),
                "Tags": [],
                "RolePolicyList": [],
                "AttachedManagedPolicies": [],
            }
        ],
        "InstanceProfiles": [
            {
                "InstanceProfileName": "web",
                "Path": "/",
                "InstanceProfileId": "AIPAWEB",
                "Arn": arn("instance-profile/web"),
                "CreateDate": "2026-01-01T00:00:00Z",
                "Roles": ["ci"],
                "Tags": [],
            }
        ],
        "Policies": [
            {
                "PolicyName": "deploy",
                "Path": "/",
                "PolicyId": "ANPADEPLOY",
                "Arn": arn("policy/deploy"),
                "DefaultVersionId": "v1",
                "IsAttachable": True,
                "AttachmentCount": 2,
                "PermissionsBoundaryUsageCount": 0,
                "CreateDate": "2026-01-01T00:00:00Z",
                "UpdateDate": "2026-01-01T00:00:00Z",
                "Document": policy("ec2:*"),
                "Tags": [],
            }
        ],
        "VirtualMFADevices": [
            {"SerialNumber": arn("mfa/spare"), "EnableDate": "2026-01-05T00:00:00Z"}
        ],
        "OpenIDConnectProviders": [
            {
                "Url": "token.actions.githubusercontent.com",
                "Arn": arn("oidc-provider/token.actions.githubusercontent.com"),
                "ClientIDList": ["sts.amazonaws.com"],
                "ThumbprintList": ["a" * 40],
                "CreateDate": "2026-01-01T00:00:00Z",
                "Tags": [],
            }
        ],
        "SAMLProviders": [
            {
                "Name": "okta",
                "Arn": arn("saml-provider/okta"),
                "SAMLMetadataDocument": SAML,
                "ValidUntil": "2027-01-01T00:00:00Z",
                "CreateDate": "2026-01-01T00:00:00Z",
                "Tags": [],
            }
        ],
        "ServerCertificates": [
            {
                "ServerCertificateName": "www",
                "Path": "/",
                "ServerCertificateId": "ASCAWWW",
                "Arn": arn("server-certificate/www"),
                "UploadDate": "2026-01-01T00:00:00Z",
                "Expiration": "2027-01-01T00:00:00Z",
                "CertificateBody": PEM,
                "Tags": [],
            }
        ],
    }


def text(diff: Diff, verbose: bool = False) -> list[str]:
    return list(lines(diff, verbose))


def record(snap: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = snap[key][0]
    return found


def changed(old: dict[str, Any], new: dict[str, Any], **options: Any) -> list[str]:
    """The text of compare(old, new), after checking that its JSON form agrees."""
    diff = compare(old, new, **options)
    assert diff.as_json()["Equal"] is diff.equal
    return text(diff)


# --- equal ----------------------------------------------------------------------------------------


def test_a_snapshot_equals_itself_even_taken_at_another_time() -> None:
    later = snapshot()
    later["Taken"] = "2026-11-02T03:00:00Z"
    diff = compare(snapshot(), later)
    assert diff.equal and text(diff) == [] and diff.warnings == ()
    assert diff.as_json() == {
        "Equal": True,
        "Old": {"Account": ACCOUNT, "Taken": "2026-11-01T03:00:00Z"},
        "New": {"Account": ACCOUNT, "Taken": "2026-11-02T03:00:00Z"},
        "Added": [],
        "Removed": [],
        "Changed": [],
        "Settings": [],
    }


def test_a_snapshot_read_back_from_its_text_equals_itself() -> None:
    assert compare(snapshot(), loads(dumps(snapshot()), "test")).equal


# --- added and removed, every kind ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_an_entity_on_the_new_side_only_is_added(kind: Any) -> None:
    old, new = snapshot(), snapshot()
    old[kind.key] = []
    diff = compare(old, new)
    name = record(new, kind.key)[kind.name]
    assert text(diff) == [f"+ {kind.label} {name}"]
    assert diff.as_json()["Added"] == [
        {"Kind": kind.key, "Name": name, "Record": record(new, kind.key)}
    ]
    assert diff.as_json()["Removed"] == diff.as_json()["Changed"] == []


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_an_entity_on_the_old_side_only_is_removed(kind: Any) -> None:
    old, new = snapshot(), snapshot()
    new[kind.key] = []
    diff = compare(old, new)
    name = record(old, kind.key)[kind.name]
    assert text(diff) == [f"- {kind.label} {name}"]
    assert diff.as_json()["Removed"] == [
        {"Kind": kind.key, "Name": name, "Record": record(old, kind.key)}
    ]


def test_entities_are_grouped_by_kind_in_kinds_order_then_by_name() -> None:
    old, new = snapshot(), snapshot()
    new["Users"].append({**record(old, "Users"), "UserName": "zed"})
    new["Users"].append({**record(old, "Users"), "UserName": "bob"})
    new["Roles"] = []
    new["Groups"].append({**record(old, "Groups"), "GroupName": "zz"})
    assert changed(old, new) == ["+ user bob", "+ user zed", "+ group zz", "- role ci"]


def test_verbose_shows_what_an_added_entity_holds_with_its_documents() -> None:
    old, new = snapshot(), snapshot()
    old["Roles"] = []
    shown = text(compare(old, new), verbose=True)
    assert shown[:4] == [
        "+ role ci",
        "    + Arn: arn:aws:iam::123456789012:role/ci",
        "    + AssumeRolePolicyDocument",
        "        --- old/Roles/ci/AssumeRolePolicyDocument",
    ]
    assert '        +        "Service": "ec2.amazonaws.com"' in shown
    assert "    + MaxSessionDuration: 3600" in shown
    assert not [line for line in shown if "RoleId" in line or "CreateDate" in line]


# --- changed, every kind --------------------------------------------------------------------------


def test_user_changes_are_listed_item_by_item() -> None:
    old, new = snapshot(), snapshot()
    alice = record(new, "Users")
    alice["GroupList"] = ["admins", "dev"]
    alice["Tags"] = [{"Key": "cost", "Value": "42"}, {"Key": "team", "Value": "dev"}]
    alice["AccessKeys"][0]["Status"] = "Inactive"
    alice["AccessKeys"].append(
        {"AccessKeyId": "AKIAALICE2", "Status": "Active", "CreateDate": "2026-11-01T00:00:00Z"}
    )
    alice["AttachedManagedPolicies"] = []
    alice["MFADevices"] = []
    alice["LoginProfile"]["PasswordResetRequired"] = True
    alice["PermissionsBoundary"] = {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": arn("policy/bound"),
    }
    assert changed(old, new) == [
        "~ user alice",
        "    ~ AccessKeys AKIAALICE1 Status: Active -> Inactive",
        "    + AccessKeys: AKIAALICE2",
        "    - AttachedManagedPolicies: arn:aws:iam::123456789012:policy/deploy",
        "    + GroupList: dev",
        "    ~ LoginProfile PasswordResetRequired: false -> true",
        "    - MFADevices: arn:aws:iam::123456789012:mfa/alice",
        '    + PermissionsBoundary: {"PermissionsBoundaryArn": '
        '"arn:aws:iam::123456789012:policy/bound", "PermissionsBoundaryType": "Policy"}',
        "    + Tags: cost=42",
        "    ~ Tags team Value: ops -> dev",
    ]


def test_a_changed_inline_policy_shows_a_unified_diff_of_its_document() -> None:
    old, new = snapshot(), snapshot()
    record(new, "Users")["UserPolicyList"][0]["PolicyDocument"] = policy("s3:Get*", "s3:List*")
    diff = compare(old, new)
    assert text(diff) == [
        "~ user alice",
        "    ~ UserPolicyList s3-read PolicyDocument",
        "        --- old/Users/alice/UserPolicyList/s3-read/PolicyDocument",
        "        +++ new/Users/alice/UserPolicyList/s3-read/PolicyDocument",
        "        @@ -1,7 +1,10 @@",
        "         {",
        '           "Statement": [',
        "             {",
        '        -      "Action": "s3:Get*",',
        '        +      "Action": [',
        '        +        "s3:Get*",',
        '        +        "s3:List*"',
        "        +      ],",
        '               "Effect": "Allow",',
        '               "Resource": "*"',
        "             }",
    ]
    [change] = diff.as_json()["Changed"][0]["Changes"]
    assert change["Diff"] == "".join(line[8:] + "\n" for line in text(diff)[2:])
    assert (change["Change"], change["Field"], change["Item"], change["Member"]) == (
        "changed",
        "UserPolicyList",
        "s3-read",
        "PolicyDocument",
    )
    assert change["Old"] == policy("s3:Get*") and change["New"] == policy("s3:Get*", "s3:List*")


def test_an_inline_policy_added_to_a_user_is_named_and_its_document_shown() -> None:
    old, new = snapshot(), snapshot()
    record(new, "Users")["UserPolicyList"].append(
        {"PolicyName": "iam-all", "PolicyDocument": policy("iam:*")}
    )
    shown = changed(old, new)
    assert shown[:4] == [
        "~ user alice",
        "    + UserPolicyList: iam-all",
        "        --- old/Users/alice/UserPolicyList/iam-all/PolicyDocument",
        "        +++ new/Users/alice/UserPolicyList/iam-all/PolicyDocument",
    ]
    assert '        +      "Action": "iam:*",' in shown
    assert not [line for line in shown[4:] if line.startswith("        -")]


def test_group_inline_policy_removed_and_attachment_removed() -> None:
    old, new = snapshot(), snapshot()
    admins = record(new, "Groups")
    admins["GroupPolicyList"] = []
    admins["AttachedManagedPolicies"] = []
    diff = compare(old, new)
    shown = text(diff)
    assert shown[:3] == [
        "~ group admins",
        "    - AttachedManagedPolicies: arn:aws:iam::123456789012:policy/deploy",
        "    - GroupPolicyList: all",
    ]
    assert '        -      "Action": "*",' in shown
    [entity] = diff.as_json()["Changed"]
    assert [c["Change"] for c in entity["Changes"]] == ["removed", "removed"]
    assert entity["Changes"][1]["Old"] == {"PolicyName": "all", "PolicyDocument": policy("*")}


def test_a_role_s_changed_trust_policy_and_session_duration() -> None:
    old, new = snapshot(), snapshot()
    ci = record(new, "Roles")
    ci["AssumeRolePolicyDocument"] = trust("lambda.amazonaws.com")
    ci["MaxSessionDuration"] = 7200
    ci["Description"] = "builds"
    assert changed(old, new) == [
        "~ role ci",
        "    ~ AssumeRolePolicyDocument",
        "        --- old/Roles/ci/AssumeRolePolicyDocument",
        "        +++ new/Roles/ci/AssumeRolePolicyDocument",
        "        @@ -4,7 +4,7 @@",
        '               "Action": "sts:AssumeRole",',
        '               "Effect": "Allow",',
        '               "Principal": {',
        '        -        "Service": "ec2.amazonaws.com"',
        '        +        "Service": "lambda.amazonaws.com"',
        "               }",
        "             }",
        "           ],",
        "    + Description: builds",
        "    ~ MaxSessionDuration: 3600 -> 7200",
    ]


def test_instance_profile_roles_and_tags() -> None:
    old, new = snapshot(), snapshot()
    web = record(new, "InstanceProfiles")
    web["Roles"] = ["app"]
    web["Tags"] = [{"Key": "env", "Value": "prod"}]
    assert changed(old, new) == [
        "~ instance profile web",
        "    + Roles: app",
        "    - Roles: ci",
        "    + Tags: env=prod",
    ]


def test_a_managed_policy_s_new_default_version_shows_its_document_diff() -> None:
    old, new = snapshot(), snapshot()
    deploy = record(new, "Policies")
    deploy.update(DefaultVersionId="v2", UpdateDate="2026-11-01T00:00:00Z")
    deploy["Document"] = policy("ec2:*", "s3:*")
    shown = changed(old, new)
    assert shown[:4] == [
        "~ managed policy deploy",
        "    ~ Document",
        "        --- old/Policies/deploy/Document",
        "        +++ new/Policies/deploy/Document",
    ]
    assert '        -      "Action": "ec2:*",' in shown and '        +        "s3:*"' in shown
    assert not [line for line in shown if "DefaultVersionId" in line]
    strict = changed(old, new, strict=True)
    assert "    ~ DefaultVersionId: v1 -> v2" in strict
    assert "    ~ UpdateDate: 2026-01-01T00:00:00Z -> 2026-11-01T00:00:00Z" in strict


def test_a_virtual_mfa_device_assigned_to_a_user() -> None:
    old, new = snapshot(), snapshot()
    record(new, "VirtualMFADevices")["UserName"] = "alice"
    assert changed(old, new) == [
        "~ virtual MFA device arn:aws:iam::123456789012:mfa/spare",
        "    + UserName: alice",
    ]


def test_an_oidc_provider_s_client_ids_and_thumbprints() -> None:
    old, new = snapshot(), snapshot()
    provider = record(new, "OpenIDConnectProviders")
    provider["ClientIDList"] = ["app", "sts.amazonaws.com"]
    provider["ThumbprintList"] = ["b" * 40]
    assert changed(old, new) == [
        "~ OpenID Connect provider token.actions.githubusercontent.com",
        "    + ClientIDList: app",
        f"    - ThumbprintList: {'a' * 40}",
        f"    + ThumbprintList: {'b' * 40}",
    ]


def test_a_saml_provider_s_metadata_is_diffed_as_text() -> None:
    old, new = snapshot(), snapshot()
    okta = record(new, "SAMLProviders")
    okta["SAMLMetadataDocument"] = SAML.replace("idp.example.com", "idp2.example.com")
    okta["ValidUntil"] = "2028-01-01T00:00:00Z"
    assert changed(old, new) == [
        "~ SAML provider okta",
        "    ~ SAMLMetadataDocument",
        "        --- old/SAMLProviders/okta/SAMLMetadataDocument",
        "        +++ new/SAMLProviders/okta/SAMLMetadataDocument",
        "        @@ -1,3 +1,3 @@",
        '         <?xml version="1.0"?>',
        '        -<EntityDescriptor entityID="https://idp.example.com/">',
        '        +<EntityDescriptor entityID="https://idp2.example.com/">',
        "         </EntityDescriptor>",
        "    ~ ValidUntil: 2027-01-01T00:00:00Z -> 2028-01-01T00:00:00Z",
    ]


def test_a_server_certificate_s_path_and_chain() -> None:
    old, new = snapshot(), snapshot()
    www = record(new, "ServerCertificates")
    www["Path"] = "/cloudfront/"
    www["CertificateChain"] = PEM
    shown = changed(old, new)
    assert shown[:3] == [
        "~ server certificate www",
        "    + CertificateChain",
        "        --- old/ServerCertificates/www/CertificateChain",
    ]
    assert "    ~ Path: / -> /cloudfront/" in shown


# --- the account-wide settings --------------------------------------------------------------------


def test_settings_are_compared_field_by_field_under_account() -> None:
    old, new = snapshot(), snapshot()
    new["AccountAliases"] = ["corp-new"]
    new["PasswordPolicy"] = {
        "MinimumPasswordLength": 14,
        "RequireSymbols": False,
        "MaxPasswordAge": 90,
    }
    diff = compare(old, new)
    assert text(diff) == [
        "~ account",
        "    - AccountAliases: corp",
        "    + AccountAliases: corp-new",
        "    + PasswordPolicy MaxPasswordAge: 90",
        "    ~ PasswordPolicy MinimumPasswordLength: 8 -> 14",
    ]
    assert diff.as_json()["Settings"][3] == {
        "Change": "changed",
        "Field": "PasswordPolicy",
        "Member": "MinimumPasswordLength",
        "Old": 8,
        "New": 14,
    }


def test_a_password_policy_set_where_there_was_none() -> None:
    old, new = snapshot(), snapshot()
    old["PasswordPolicy"] = None
    diff = compare(old, new)
    assert text(diff) == [
        "~ account",
        '    + PasswordPolicy: {"MinimumPasswordLength": 8, "RequireSymbols": false}',
    ]
    assert diff.as_json()["Settings"] == [
        {"Change": "added", "Field": "PasswordPolicy", "New": new["PasswordPolicy"]}
    ]


def test_an_empty_account_s_unknown_id_is_no_difference() -> None:
    empty = {k: v for k, v in snapshot().items() if k not in [kind.key for kind in KINDS]}
    empty["Account"] = None
    assert changed(empty, snapshot())[:2] == ["+ user alice", "+ group admins"]
    assert changed(snapshot(), empty)[:2] == ["- user alice", "- group admins"]


def test_an_account_not_there_at_all_differs_even_from_an_account_holding_nothing() -> None:
    """None on one side (accountdiff --org: the account joined or left): its Account is added
    (removed) too, so an account holding nothing is no "equal"."""
    nothing = {"Format": FORMAT, "Account": ACCOUNT, "Taken": "2026-11-01T03:00:00Z"}
    joined = compare(None, nothing)
    assert text(joined) == ["~ account", f"    + Account: {ACCOUNT}"]
    assert joined.as_json()["Old"] == {"Account": None, "Taken": None}
    assert text(compare(nothing, None)) == ["~ account", f"    - Account: {ACCOUNT}"]
    assert changed(snapshot(), None)[:3] == [
        "~ account",
        f"    - Account: {ACCOUNT}",
        "    - AccountAliases: corp",
    ]


# --- what IAM assigns: only with strict -----------------------------------------------------------


def recreated(snap: dict[str, Any]) -> dict[str, Any]:
    """``snap`` as a copy of the account (or the same names deleted and made again) would be:
    every ID, date and count IAM assigns different, nothing else."""
    new = copy.deepcopy(snap)

    def bump(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (f"{v}X" if isinstance(v, str) else v + 1) if k in ASSIGNED else bump(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [bump(v) for v in value]
        return value

    for kind in KINDS:
        new[kind.key] = bump(new[kind.key])
    return new


def test_the_fields_iam_assigns_are_not_compared_by_default() -> None:
    assert compare(snapshot(), recreated(snapshot())).equal


def test_strict_compares_the_fields_iam_assigns_at_every_level() -> None:
    shown = changed(snapshot(), recreated(snapshot()), strict=True)
    assert "    ~ UserId: AIDAALICE -> AIDAALICEX" in shown
    assert (
        "    ~ AccessKeys AKIAALICE1 CreateDate: 2026-01-02T00:00:00Z -> 2026-01-02T00:00:00ZX"
        in shown
    )
    assert "    ~ LoginProfile CreateDate: 2026-01-04T00:00:00Z -> 2026-01-04T00:00:00ZX" in shown
    assert "    ~ AttachmentCount: 2 -> 3" in shown
    assert [line for line in shown if not line.startswith(" ")] == [
        f"~ {kind.label} {record(snapshot(), kind.key)[kind.name]}" for kind in KINDS
    ]


# --- two accounts ---------------------------------------------------------------------------------


def other_account() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(json.dumps(snapshot()).replace(ACCOUNT, OTHER))
    return found


def test_two_accounts_differ_everywhere_and_a_warning_says_why() -> None:
    diff = compare(snapshot(), other_account())
    assert text(diff)[:2] == ["~ account", f"    ~ Account: {ACCOUNT} -> {OTHER}"]
    assert f"    ~ Arn: arn:aws:iam::{ACCOUNT}:user/alice -> arn:aws:iam::{OTHER}:user/alice" in (
        text(diff)
    )
    assert diff.warnings and "--ignore-account" in diff.warnings[0]


def test_ignore_account_compares_two_accounts_as_one() -> None:
    diff = compare(snapshot(), other_account(), ignore_account=True)
    assert diff.equal and diff.warnings == ()
    assert (diff.as_json()["Old"]["Account"], diff.as_json()["New"]["Account"]) == (ACCOUNT, OTHER)


def test_ignore_account_still_shows_a_real_difference_with_a_placeholder() -> None:
    def trusting(*accounts: str) -> dict[str, Any]:
        principals = [f"arn:aws:iam::{a}:root" for a in accounts]
        return {"Statement": [{"Principal": {"AWS": principals}}]}

    old, new = snapshot(), other_account()
    record(old, "Roles")["AssumeRolePolicyDocument"] = trusting(ACCOUNT)
    record(new, "Roles")["AssumeRolePolicyDocument"] = trusting(OTHER, "999999999999")
    shown = changed(old, new, ignore_account=True)
    assert shown[:2] == ["~ role ci", "    ~ AssumeRolePolicyDocument"]
    assert '        -          "arn:aws:iam::<account>:root"' in shown
    assert '        +          "arn:aws:iam::<account>:root",' in shown
    assert '        +          "arn:aws:iam::999999999999:root"' in shown
    assert not [line for line in shown if OTHER in line or ACCOUNT in line]


def test_an_account_id_inside_a_longer_number_is_left_alone() -> None:
    old, new = snapshot(), other_account()
    record(old, "Users")["Tags"] = [{"Key": "n", "Value": f"9{ACCOUNT}"}]
    record(new, "Users")["Tags"] = [{"Key": "n", "Value": f"9{OTHER}"}]
    shown = changed(old, new, ignore_account=True)
    assert shown == ["~ user alice", f"    ~ Tags n Value: 9{ACCOUNT} -> 9{OTHER}"]


# --- odd documents --------------------------------------------------------------------------------


def test_a_later_old_snapshot_gets_a_warning_when_they_differ() -> None:
    old, new = snapshot(), snapshot()
    old["Taken"] = "2026-12-01T00:00:00Z"
    assert compare(old, new).warnings == ()
    new["Users"] = []
    assert "taken after the new one" in compare(old, new).warnings[0]


def test_two_entities_of_one_name_is_not_a_snapshot() -> None:
    new = snapshot()
    new["Users"].append(copy.deepcopy(record(new, "Users")))
    with pytest.raises(UsageError, match="the new snapshot has two users named 'alice'"):
        compare(snapshot(), new)


def test_a_value_that_would_break_the_line_or_drive_the_terminal_is_escaped() -> None:
    old, new = snapshot(), snapshot()
    record(new, "Roles")["Description"] = "line\n\x1b[31mred\u202e"
    record(new, "Roles")["AssumeRolePolicyDocument"] = "not json\n\x1b]0;title\x07"
    shown = changed(old, new)
    assert "    + Description: line\\u000a\\u001b[31mred\\u202e" in shown
    assert "        +\\u001b]0;title\\u0007" in shown
    assert not [line for line in shown if "\x1b" in line or "\u202e" in line]


def test_a_field_of_an_unexpected_type_is_compared_whole() -> None:
    old, new = snapshot(), snapshot()
    record(new, "Users")["Tags"] = "team=ops"
    record(new, "Users")["GroupList"] = [{"odd": 1}]
    assert changed(old, new) == [
        "~ user alice",
        '    ~ GroupList: ["admins"] -> [{"odd": 1}]',
        '    ~ Tags: [{"Key": "team", "Value": "ops"}] -> team=ops',
    ]


def test_true_and_one_are_not_the_same_value() -> None:
    old, new = snapshot(), snapshot()
    record(new, "Policies")["IsAttachable"] = 1
    assert changed(old, new) == ["~ managed policy deploy", "    ~ IsAttachable: true -> 1"]
