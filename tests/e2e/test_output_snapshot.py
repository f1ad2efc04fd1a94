"""euare-accountsnapshot against moto: every kind, no secret, a stable document, -o atomic."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.e2e.test_converge_interrupts import interrupt
from tests.support.estate import SAML_METADATA, furnish
from tests.support.proxy import Fault, iam_error
from tests.support.shapes import assert_shape
from tests.support.signals import STOPS, head, status


def named(records: list[dict[str, Any]], field: str) -> dict[str, dict[str, Any]]:
    return {str(r[field]): r for r in records}


def test_every_kind_is_in_the_snapshot(home: Home, iam: Any) -> None:
    made = furnish(iam)
    result = home.run("accountsnapshot")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    snap = json.loads(result.stdout)
    assert snap["Format"] == "euare-snapshot/1"
    assert snap["Account"] == made.policy_arn.split(":")[4]
    assert snap["AccountAliases"] == ["snapshot-example"]
    assert snap["PasswordPolicy"]["MinimumPasswordLength"] == 14

    users = named(snap["Users"], "UserName")
    assert [u["UserName"] for u in snap["Users"]] == ["alice", "mike", "zed"]
    alice = users["alice"]
    assert alice["Path"] == "/people/"
    assert alice["GroupList"] == ["admins", "ops"]
    assert alice["Tags"] == [{"Key": "team", "Value": "alice-team"}]
    assert alice["UserPolicyList"][0]["PolicyName"] == "ec2-read"
    assert alice["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == [
        "ec2:Describe*"
    ]
    assert alice["LoginProfile"]["PasswordResetRequired"] is True
    assert "LoginProfile" not in users["zed"]
    keys = {k["AccessKeyId"]: k["Status"] for u in snap["Users"] for k in u["AccessKeys"]}
    assert keys == made.keys
    assert [k["AccessKeyId"] for k in alice["AccessKeys"]] == sorted(
        k for k in made.keys if k in {a["AccessKeyId"] for a in alice["AccessKeys"]}
    )
    assert all(set(k) == {"AccessKeyId", "Status", "CreateDate"} for k in alice["AccessKeys"])
    assert [d["SerialNumber"] for d in alice["MFADevices"]] == [made.assigned_mfa]
    mike = users["mike"]
    assert mike["AttachedManagedPolicies"] == [
        {"PolicyArn": made.policy_arn, "PolicyName": "s3-read"}
    ]

    groups = named(snap["Groups"], "GroupName")
    assert groups["admins"]["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == [
        "iam:*"
    ]
    assert groups["ops"]["AttachedManagedPolicies"][0]["PolicyArn"] == made.policy_arn

    roles = named(snap["Roles"], "RoleName")
    web = roles["web"]
    assert web["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"
    }
    assert (web["Description"], web["MaxSessionDuration"], web["Path"]) == (
        "the web tier",
        7200,
        "/app/",
    )
    assert web["Tags"] == [{"Key": "tier", "Value": "web"}]
    assert web["PermissionsBoundary"]["PermissionsBoundaryArn"] == made.boundary_arn
    assert [p["PolicyName"] for p in web["RolePolicyList"]] == ["logs"]
    assert "RoleLastUsed" not in web and "InstanceProfileList" not in web

    profiles = named(snap["InstanceProfiles"], "InstanceProfileName")
    assert profiles["web"]["Roles"] == ["web"]
    assert profiles["web"]["Tags"] == [{"Key": "tier", "Value": "web"}]
    assert (profiles["empty"]["Roles"], profiles["empty"]["Path"]) == ([], "/spare/")

    policies = named(snap["Policies"], "PolicyName")
    s3 = policies["s3-read"]
    assert s3["DefaultVersionId"] == "v2"
    assert s3["Document"]["Statement"][0]["Action"] == ["s3:GetObject", "s3:ListBucket"]
    assert s3["Tags"] == [{"Key": "cost", "Value": "42"}, {"Key": "owner", "Value": "ops"}]
    assert (s3["Path"], s3["Description"]) == ("/team/", "read the team bucket")

    devices = named(snap["VirtualMFADevices"], "SerialNumber")
    assert devices[made.assigned_mfa]["UserName"] == "alice"
    assert "UserName" not in devices[made.spare_mfa]
    assert all(set(d) <= {"SerialNumber", "UserName", "EnableDate"} for d in devices.values())

    (oidc,) = snap["OpenIDConnectProviders"]
    assert (oidc["Arn"], oidc["ClientIDList"]) == (made.oidc_arn, ["alpha-client", "zeta-client"])
    assert oidc["ThumbprintList"] == ["a" * 40, "c" * 40]
    assert oidc["Tags"] == [{"Key": "idp", "Value": "example"}]
    (saml,) = snap["SAMLProviders"]
    assert (saml["Name"], saml["Arn"]) == ("corp-sso", made.saml_arn)
    assert saml["SAMLMetadataDocument"].strip() == SAML_METADATA.strip()
    (cert,) = snap["ServerCertificates"]
    assert (cert["ServerCertificateName"], cert["Path"]) == ("www", "/web/")
    assert cert["CertificateBody"].startswith("-----BEGIN CERTIFICATE-----")


@pytest.mark.both
def test_no_secret_is_ever_in_a_snapshot(home: Home, iam: Any, tmp_path: Path) -> None:
    """Every secret the account was given (access keys' secrets, a password, MFA seeds, a
    server certificate's private key) is looked for in the document, stdout and stderr."""
    made = furnish(iam)
    assert len(made.secrets) == 7
    to_file = home.run("accountsnapshot", "-o", str(tmp_path / "snap.json"), "--debug")
    printed = home.run("accountsnapshot", "--format", "json")
    assert to_file.returncode == 0 and printed.returncode == 0, to_file.stderr + printed.stderr
    texts = [(tmp_path / "snap.json").read_text(), to_file.stderr, printed.stdout, printed.stderr]
    for secret in made.secrets:
        assert all(secret not in text for text in texts), secret
    assert "PRIVATE KEY" not in "".join(texts)
    assert "Base32StringSeed" not in texts[0] and "QRCodePNG" not in texts[0]


def test_two_snapshots_of_one_account_differ_only_in_when(home: Home, iam: Any) -> None:
    furnish(iam)
    first, second = home.run("accountsnapshot"), home.run("accountsnapshot", "--jobs", "1")
    assert first.returncode == 0 and second.returncode == 0
    differ = [(a, b) for a, b in zip(first.lines, second.lines, strict=True) if a != b]
    assert all(a.strip().startswith('"Taken"') for a, _ in differ), differ
    snap = json.loads(first.stdout)
    assert first.stdout == json.dumps(snap, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.both
def test_output_file_is_private_and_replaced_whole(home: Home, iam: Any, tmp_path: Path) -> None:
    iam.create_user(UserName="alice")
    target = tmp_path / "snap.json"
    target.write_text("yesterday's snapshot\n")
    target.chmod(0o644)
    result = home.run("accountsnapshot", "-o", str(target))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [u["UserName"] for u in json.loads(target.read_text())["Users"]] == ["alice"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "snap.json"]
    # A failure leaves the previous snapshot as it was.
    before = target.read_text()
    failed = home.run("accountsnapshot", "-o", str(target), "-U", "http://127.0.0.1:9/")
    one_error_line(failed, "accountsnapshot")
    assert target.read_text() == before
    missing = home.run("accountsnapshot", "-o", str(tmp_path / "no" / "such" / "dir.json"))
    assert "no directory" in one_error_line(missing, "accountsnapshot", status=2)


def test_an_api_the_endpoint_lacks_is_left_out_with_one_warning(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    furnish(iam)
    proxy.faults["ListPolicyTags"] = Fault(
        "status", count=None, status=501, body=iam_error("NotImplemented", "no such API")
    )
    proxy.faults["ListVirtualMFADevices"] = Fault(
        "status", count=None, status=400, body=iam_error("InvalidAction", "unknown action")
    )
    result = proxied_home.run("accountsnapshot")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "euare-accountsnapshot: warning: this endpoint does not answer for managed policies' "
        "tags; they are left out",
        "euare-accountsnapshot: warning: this endpoint does not answer for virtual MFA "
        "devices; they are left out",
    ]
    snap = json.loads(result.stdout)
    assert all(p["Tags"] == [] for p in snap["Policies"]) and snap["VirtualMFADevices"] == []


def test_other_failures_end_in_one_error_line(proxied_home: Home, proxy: Any, iam: Any) -> None:
    iam.create_user(UserName="alice")
    proxy.faults["ListAccessKeys"] = Fault(
        "status", count=None, status=403, body=iam_error("AccessDenied", "not allowed")
    )
    result = proxied_home.run("accountsnapshot")
    assert "(AccessDenied)" in one_error_line(result, "accountsnapshot")
    assert result.stdout == ""


def test_query_picks_from_the_snapshot(home: Home, iam: Any) -> None:
    for name in ("bob", "alice"):
        iam.create_user(UserName=name)
    result = home.run("accountsnapshot", "--query", "Users[].UserName", "--format", "text")
    assert (result.returncode, result.lines) == (0, ["alice", "bob"])


def test_json_shape(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice")
    assert_shape(home.run("accountsnapshot", "--format", "json"), "accountsnapshot")


def test_table_is_a_row_per_kind_with_its_count_and_first_names(home: Home, iam: Any) -> None:
    for name in ("u6", "u5", "u4", "u3", "u2", "u1"):
        iam.create_user(UserName=name)
    done = home.run("accountsnapshot", "--format", "table")
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in done.lines[2:]}
    assert rows["Users"] == ["6", "u1, u2, u3, u4, u5, ... (1 more)"]
    assert rows["Groups"] == ["0"]
    assert list(rows) == [
        "Users",
        "Groups",
        "Roles",
        "InstanceProfiles",
        "Policies",
        "VirtualMFADevices",
        "OpenIDConnectProviders",
        "SAMLProviders",
        "ServerCertificates",
    ]


def test_a_page_that_is_not_iam_s_is_one_line_and_the_old_file_stays(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Path
) -> None:
    """A captive portal answering 200 with HTML in place of one user's keys."""
    iam.create_user(UserName="alice")
    target = tmp_path / "snap.json"
    target.write_text("the previous snapshot\n")
    proxy.faults["ListAccessKeys"] = Fault(
        "status", count=None, status=200, body=b"<html>Welcome to the hotel wifi</html>"
    )
    result = proxied_home.run("accountsnapshot", "-o", str(target))
    one_error_line(result, "accountsnapshot")
    assert target.read_text() == "the previous snapshot\n"


def test_throttling_on_half_the_calls_still_gives_the_whole_snapshot(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    for name in ("carol", "bob", "alice"):
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
    for action in ("ListAccessKeys", "ListMFADevices", "GetLoginProfile"):
        proxy.faults[action] = Fault("throttle", count=None, first_only=True)
    result = proxied_home.run("accountsnapshot")
    assert result.returncode == 0, result.stderr
    users = json.loads(result.stdout)["Users"]
    assert [len(u["AccessKeys"]) for u in users] == [1, 1, 1]


@pytest.mark.both
@pytest.mark.parametrize("signum", STOPS)
def test_a_signal_in_the_middle_is_128_plus_it_and_leaves_no_file(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Path, signum: int
) -> None:
    """Ctrl-C (130), SIGTERM (143) or SIGHUP (129) while the users' keys are listed."""
    iam.create_user(UserName="alice")
    target = tmp_path / "snap.json"
    args = ["accountsnapshot", "-o", str(target)]
    result = interrupt(proxied_home, proxy, "ListAccessKeys", *args, signum=signum)
    assert result.returncode == status(signum), result
    assert result.stderr.splitlines() == [head("accountsnapshot", signum)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proxied-home"]
