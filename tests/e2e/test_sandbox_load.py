"""euare-sandbox --load: a snapshot of a moto account, recreated in a fresh sandbox, snapshots
back the same (docs/snapshot.md, "Loading a snapshot into the sandbox").

The account is built with boto3 on the test moto server and snapshotted with
euare-accountsnapshot; the sandbox runs euare-accountsnapshot again inside, with the
credentials it hands out. Both snapshots are compared as accountdiff compares them by default:
without ``Taken`` and the fields IAM assigns (snapshot.ASSIGNED).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from euare.state.snapshot import ASSIGNED, KINDS
from tests.conftest import BIN, Home, MotoServer, boto_client
from tests.support.certs import self_signed
from tests.support.documents import DOC, TRUST

ROOT = Path(__file__).resolve().parents[2]
METADATA = (ROOT / "tests" / "support" / "saml-metadata.xml").read_text()
SECRET_LIKE = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


def comparable(value: Any) -> Any:
    """A snapshot without ``Taken`` and the fields IAM assigns: what accountdiff compares."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in ASSIGNED and k != "Taken"}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def document(n: int) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": f"s3:GetObject{n}", "Resource": "*"}],
        }
    )


def build_account(iam: Any) -> list[str]:
    """Every kind the sandbox keeps, with every field the snapshot records (those moto drops and
the sandbox's model keeps included: a user's boundary, tags on a SAML provider and a server
certificate); the keys' secrets."""
    tag = [{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "42"}]
    deploy = iam.create_policy(
        PolicyName="deploy",
        Path="/app/",
        PolicyDocument=document(1),
        Description="ship it",
        Tags=tag,
    )["Policy"]["Arn"]
    for n in (2, 3):  # the default is v2 of three
        iam.create_policy_version(PolicyArn=deploy, PolicyDocument=document(n), SetAsDefault=n == 2)
    boundary = iam.create_policy(PolicyName="boundary", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.create_group(GroupName="devs", Path="/eng/")
    iam.put_group_policy(GroupName="devs", PolicyName="read", PolicyDocument=document(4))
    iam.attach_group_policy(GroupName="devs", PolicyArn=deploy)
    iam.create_group(GroupName="empty")

    iam.create_user(UserName="alice", Path="/people/", Tags=tag, PermissionsBoundary=boundary)
    iam.add_user_to_group(UserName="alice", GroupName="devs")
    iam.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=document(5))
    iam.attach_user_policy(UserName="alice", PolicyArn=deploy)
    secrets = []
    for n in range(2):
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        secrets.append(key["SecretAccessKey"])
        if n == 1:
            iam.update_access_key(
                UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Inactive"
            )
    iam.create_login_profile(UserName="alice", Password="Prod-Passw0rd!")
    # moto ignores PasswordResetRequired when creating a login profile
    iam.update_login_profile(
        UserName="alice", Password="Prod-Passw0rd!", PasswordResetRequired=True
    )
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone", Path="/phones/")[
        "VirtualMFADevice"
    ]["SerialNumber"]
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=serial,
        AuthenticationCode1="111111",
        AuthenticationCode2="222222",
    )
    iam.create_user(UserName="bob")
    iam.enable_mfa_device(
        UserName="bob",
        SerialNumber="GAHT12345678",
        AuthenticationCode1="111111",
        AuthenticationCode2="222222",
    )
    secrets.append(iam.create_access_key(UserName="bob")["AccessKey"]["SecretAccessKey"])
    iam.create_login_profile(UserName="bob", Password="Bobs-Passw0rd!")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")

    iam.create_role(
        RoleName="app",
        Path="/svc/",
        AssumeRolePolicyDocument=TRUST,
        Description="the app",
        MaxSessionDuration=7200,
        Tags=tag,
        PermissionsBoundary=boundary,
    )
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=document(6))
    iam.attach_role_policy(RoleName="app", PolicyArn=deploy)
    iam.create_role(RoleName="bare", AssumeRolePolicyDocument=TRUST)
    iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    iam.create_instance_profile(InstanceProfileName="web", Path="/web/", Tags=tag)
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="app")
    iam.create_instance_profile(InstanceProfileName="idle")

    iam.create_open_id_connect_provider(
        Url="https://token.example.com/oidc",
        ClientIDList=["sts.amazonaws.com", "app"],
        ThumbprintList=["a" * 40],
        Tags=tag,
    )
    iam.create_saml_provider(Name="okta", SAMLMetadataDocument=METADATA, Tags=tag)
    body, private = self_signed("www.example.com")
    chain, _ = self_signed("ca.example.com")
    iam.upload_server_certificate(
        ServerCertificateName="www",
        Path="/web/",
        CertificateBody=body,
        PrivateKey=private,
        CertificateChain=chain,
        Tags=tag,
    )
    iam.create_account_alias(AccountAlias="prod-example")
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        MaxPasswordAge=90,
        PasswordReusePrevention=5,
        AllowUsersToChangePassword=True,
    )
    return secrets


def run_sandbox(
    tmp: Path,
    snapshot: Path | str,
    *command: str,
    options: tuple[str, ...] = (),
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``euare-sandbox --load SNAPSHOT tmp/sb -- COMMAND``, in a bare environment."""
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-aws-credentials"),
    }
    return subprocess.run(
        [
            str(BIN / "euare-sandbox"),
            "--load",
            str(snapshot),
            *options,
            str(tmp / "sb"),
            "--",
            *command,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        input=input,
    )


def snapshot_inside(tmp: Path, source: Path, *more: str, **kw: Any) -> tuple[Any, Any]:
    """Load ``source`` into a sandbox, snapshot it from inside; (the run, the snapshot)."""
    inside = tmp / "inside.json"
    done = run_sandbox(
        tmp, source, "sh", "-c", f"euare-accountsnapshot -o {inside}{''.join(more)}", **kw
    )
    assert done.returncode == 0, done.stderr
    return done, json.loads(inside.read_text())


@dataclass
class Loaded:
    before: dict[str, Any]
    after: dict[str, Any]
    done: subprocess.CompletedProcess[str]
    directory: Path
    secrets: list[str]
    command_env: str


@pytest.fixture(scope="module")
def loaded(moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """The account built on moto, snapshotted, loaded into a sandbox and snapshotted again."""
    tmp = tmp_path_factory.mktemp("load")
    moto_server.reset()
    secrets = build_account(boto_client(moto_server.url))
    (tmp / "home").mkdir()
    home = Home(tmp / "home", moto_server.url)
    taken = home.run("accountsnapshot", "-o", str(tmp / "before.json"))
    assert taken.returncode == 0, taken.stderr
    done, after = snapshot_inside(tmp, tmp / "before.json", f"; env > {tmp / 'env'}")
    before = json.loads((tmp / "before.json").read_text())
    return Loaded(before, after, done, tmp / "sb", secrets, (tmp / "env").read_text())


def test_a_loaded_snapshot_snapshots_back_equal(loaded: Loaded) -> None:
    """Snapshot -> load into a fresh sandbox -> snapshot again -> no difference (every kind
    the sandbox keeps), comparing what accountdiff compares by default."""
    for kind in KINDS:  # a kind added to the snapshot must be in the test account too
        assert loaded.before[kind.key], f"the test account has no {kind.key}"
    assert loaded.before["AccountAliases"] and loaded.before["PasswordPolicy"]
    assert comparable(loaded.after) == comparable(loaded.before)
    # and so says euare-accountdiff, as a user would ask it
    after = loaded.directory.parent / "after.json"
    after.write_text(json.dumps(loaded.after))
    diff = subprocess.run(
        [str(BIN / "euare-accountdiff"), str(loaded.directory.parent / "before.json"), str(after)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(loaded.directory.parent), "LANG": "C.UTF-8"},
        timeout=60,
    )
    assert (diff.returncode, diff.stdout, diff.stderr) == (0, "", "")


def test_the_load_says_what_it_made_and_leaves_nothing_out(loaded: Loaded) -> None:
    lines = loaded.done.stderr.splitlines()
    assert lines[0].startswith(
        f"euare-sandbox: loaded {loaded.directory.parent / 'before.json'} into account "
        "123456789012: 2 managed policies, 2 groups, 2 users, 2 virtual MFA devices, 3 roles,"
    ), lines
    assert not [line for line in lines if "not recreated" in line], lines


def test_the_loaded_account_has_no_administrator_user(loaded: Loaded) -> None:
    users = [user["UserName"] for user in loaded.after["Users"]]
    assert users == ["alice", "bob"]
    iamrc = (loaded.directory / "iamrc").read_text()
    key = iamrc.split("AWSAccessKeyId=")[1].split()[0]
    assert key.startswith("AKIA") and key not in json.dumps(loaded.after)


def test_access_key_ids_are_kept(loaded: Loaded) -> None:
    def keys(snapshot: dict[str, Any]) -> list[Any]:
        return [
            (u["UserName"], [(k["AccessKeyId"], k["Status"]) for k in u["AccessKeys"]])
            for u in snapshot["Users"]
        ]

    assert keys(loaded.after) == keys(loaded.before)
    assert [k["Status"] for k in loaded.after["Users"][0]["AccessKeys"]].count("Inactive") == 1


def test_access_keys_keep_their_age(tmp_path: Path) -> None:
    """Scripts that judge keys by age see production's ages."""
    source = small(tmp_path)
    snapshot = json.loads(source.read_text())
    snapshot["Users"][0]["AccessKeys"] = [
        {
            "AccessKeyId": "AKIAOLDKEY0000000001",
            "Status": "Active",
            "CreateDate": "2019-03-04T05:06:07Z",
        },
        {
            "AccessKeyId": "AKIAOLDKEY0000000002",
            "Status": "Inactive",
            "CreateDate": "2021-01-01T00:00:00Z",
        },
    ]
    source.write_text(json.dumps(snapshot))
    _, after = snapshot_inside(tmp_path, source)
    assert after["Users"][0]["AccessKeys"] == snapshot["Users"][0]["AccessKeys"]


def test_no_secret_reaches_the_directory_or_the_output(loaded: Loaded) -> None:
    """Production's secrets are not in the sandbox; the loaded keys' new secrets are written
    nowhere: the directory holds iamrc and eucarc, and the only secret is the handed-out one."""
    assert sorted(p.name for p in loaded.directory.iterdir()) == ["eucarc", "iamrc"]
    handed_out = (loaded.directory / "iamrc").read_text().split("AWSSecretKey=")[1].strip()
    said = loaded.done.stdout + loaded.done.stderr + (loaded.directory / "eucarc").read_text()
    for secret in [*loaded.secrets, "Prod-Passw0rd!", "Bobs-Passw0rd!"]:
        assert secret not in said + handed_out + json.dumps(loaded.after)
    assert SECRET_LIKE.findall(said) == []
    assert handed_out not in said


def test_the_command_does_not_get_the_account_setting(loaded: Loaded) -> None:
    assert "EUARE_URL=" in loaded.command_env
    assert "MOTO_" not in loaded.command_env


def test_another_account_id_is_kept_in_every_arn(loaded: Loaded, tmp_path: Path) -> None:
    """A snapshot of account 111122223333 loads into that account: policy ARNs, boundaries,
    MFA serials, provider and certificate ARNs all name it."""
    text = (loaded.directory.parent / "before.json").read_text()
    assert text.count("123456789012") > 10
    source = tmp_path / "other.json"
    source.write_text(text.replace("123456789012", "111122223333"))
    _, after = snapshot_inside(tmp_path, source)
    assert after["Account"] == "111122223333"
    assert "123456789012" not in json.dumps(after)
    assert comparable(after) == comparable(json.loads(source.read_text()))


def small(tmp: Path, account: str = "111122223333", **more: Any) -> Path:
    """A crafted snapshot: one user with an inline policy, plus ``more``."""
    arn = f"arn:aws:iam::{account}:user/carol"
    snapshot = {
        "Format": "euare-snapshot/1",
        "Account": account,
        "Users": [
            {
                "UserName": "carol",
                "Path": "/",
                "Arn": arn,
                "Tags": [],
                "GroupList": [],
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": json.loads(DOC)}],
                "AttachedManagedPolicies": [],
                "AccessKeys": [],
                "MFADevices": [],
            }
        ],
        **more,
    }
    path = tmp / "small.json"
    path.write_text(json.dumps(snapshot))
    return path


def test_what_cannot_be_recreated_is_listed_and_the_rest_loads(tmp_path: Path) -> None:
    body, _ = self_signed("x.example.com")
    tags = [{"Key": "k", "Value": "v"}]
    source = small(
        tmp_path,
        SAMLProviders=[
            {
                "Name": n,
                "Arn": f"arn:aws:iam::111122223333:saml-provider/{n}",
                "SAMLMetadataDocument": METADATA,
                "Tags": tags,
            }
            for n in ("okta", "azure")
        ],
        ServerCertificates=[
            {
                "ServerCertificateName": "www",
                "Path": "/",
                "CertificateBody": body,
                "Expiration": "2031-01-01T00:00:00Z",
                "Tags": [],
            }
        ],
        Policies=[
            {"PolicyName": "broken", "Path": "/", "Document": {"Statement": "nonsense"}, "Tags": []}
        ],
    )
    users = json.loads(source.read_text())["Users"]
    users[0]["PermissionsBoundary"] = {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    }
    users[0]["AttachedManagedPolicies"] = [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        {"PolicyName": "Gone", "PolicyArn": "arn:aws:iam::aws:policy/NoSuchPolicyAtAll"},
    ]
    source.write_text(json.dumps({**json.loads(source.read_text()), "Users": users}))
    done, after = snapshot_inside(tmp_path, source)
    lines = [line for line in done.stderr.splitlines() if "not recreated" in line]
    assert (
        "euare-sandbox: not recreated: 1 user's policy attachment (the sandbox does not know "
        "this AWS managed policy): carol arn:aws:iam::aws:policy/NoSuchPolicyAtAll" in lines
    ), lines
    assert (
        "euare-sandbox: not recreated: 1 server certificate's Expiration (the sandbox sets "
        "its own): www" in lines
    ), lines
    assert any(
        line.startswith("euare-sandbox: not recreated: 1 managed policy (MalformedPolicyDocument")
        and line.endswith(": broken")
        for line in lines
    ), lines
    assert (  # the snapshot has none; moto gives every provider the same
        "euare-sandbox: not recreated: 2 SAML providers' ValidUntil (the sandbox sets its own): "
        "okta, azure" in lines
    ), lines
    assert len(lines) == 4, lines  # the tags and the user's boundary are kept (the model's)
    # the rest is there: the user, its inline policy, the AWS managed policy moto knows
    carol = after["Users"][0]
    assert carol["UserPolicyList"][0]["PolicyName"] == "p"
    assert [p["PolicyArn"] for p in carol["AttachedManagedPolicies"]] == [
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    ]
    assert [p["Name"] for p in after["SAMLProviders"]] == ["azure", "okta"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not a snapshot: not JSON"),
        ('{"Format": "something else"}', 'is not a snapshot: no "Format": "euare-snapshot/1"'),
        (
            '{"Format": "euare-snapshot/1", "Account": "12345"}',
            "Account '12345' is not a 12-digit account ID",
        ),
    ],
)
def test_a_bad_file_is_one_usage_error_and_nothing_starts(
    tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "bad.json"
    source.write_text(content)
    done = run_sandbox(tmp_path, source, "touch", str(tmp_path / "ran"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"euare-sandbox: error: {source}")
    assert message in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert not (tmp_path / "sb").exists() and not (tmp_path / "ran").exists()


def test_a_missing_file_is_one_usage_error(tmp_path: Path) -> None:
    done = run_sandbox(tmp_path, tmp_path / "nowhere.json", "true")
    assert done.returncode == 2
    assert done.stderr == (
        f"euare-sandbox: error: cannot read snapshot {tmp_path / 'nowhere.json'}: "
        "No such file or directory\n"
    )


def test_a_password_policy_whose_passwords_never_expire_loads_back(
    home: Home, iam: Any, tmp_path: Path
) -> None:
    """IAM's GetAccountPasswordPolicy leaves MaxPasswordAge out (ExpirePasswords false) when
    passwords never expire, and PasswordReusePrevention when any may be reused: so does the
    sandbox, and --load makes the same policy again (moto said 0, then refused the 0 sent
    back)."""
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True)
    got = iam.get_account_password_policy()["PasswordPolicy"]
    assert "MaxPasswordAge" not in got and "PasswordReusePrevention" not in got, got
    assert got["ExpirePasswords"] is False
    before = tmp_path / "before.json"
    assert home.run("accountsnapshot", "-o", str(before)).returncode == 0
    policy = json.loads(before.read_text())["PasswordPolicy"]
    assert "MaxPasswordAge" not in policy and policy["MinimumPasswordLength"] == 12
    done, after = snapshot_inside(tmp_path, before)
    assert "not recreated" not in done.stderr, done.stderr
    assert after["PasswordPolicy"] == policy


def test_a_snapshot_saying_0_for_never_loads(tmp_path: Path) -> None:
    """A snapshot that says 0 for "never" (taken where 0 stood for it, or written by hand)
    loads: IAM takes no 0 (MaxPasswordAge 1-1095, PasswordReusePrevention 1-24), so the loader
    leaves such a field out, which is what 0 meant."""
    policy = {
        "MinimumPasswordLength": 9,
        "RequireNumbers": True,
        "ExpirePasswords": False,
        "MaxPasswordAge": 0,
        "PasswordReusePrevention": 0,
        "HardExpiry": False,
    }
    done, after = snapshot_inside(tmp_path, small(tmp_path, PasswordPolicy=policy))
    assert "not recreated" not in done.stderr, done.stderr
    got = after["PasswordPolicy"]
    assert (got["MinimumPasswordLength"], got["RequireNumbers"]) == (9, True)
    assert "MaxPasswordAge" not in got and "PasswordReusePrevention" not in got, got


def test_standard_input_loads(tmp_path: Path) -> None:
    text = small(tmp_path).read_text()
    inside = tmp_path / "inside.json"
    done = run_sandbox(tmp_path, "-", "euare-accountsnapshot", "-o", str(inside), input=text)
    assert done.returncode == 0, done.stderr
    assert "loaded standard input into account 111122223333: 1 user" in done.stderr
    assert [u["Arn"] for u in json.loads(inside.read_text())["Users"]] == [
        "arn:aws:iam::111122223333:user/carol"
    ]


def test_enforce_auth_adds_an_administrator_and_says_so(tmp_path: Path) -> None:
    """With --enforce-auth moto needs a real user for the handed-out key: one is made, under
    /euare-sandbox/, named so as not to clash with a loaded user, and stderr says so."""
    source = small(tmp_path)
    snapshot = json.loads(source.read_text())
    clash = {
        **snapshot["Users"][0],
        "UserName": "sandbox-admin",
        "Arn": "arn:aws:iam::111122223333:user/sandbox-admin",
    }
    source.write_text(json.dumps({**snapshot, "Users": [*snapshot["Users"], clash]}))
    bad_key = (
        "AWS_CREDENTIAL_FILE=/dev/null AWS_ACCESS_KEY_ID=AKIAUNKNOWN0000000000 "
        "AWS_SECRET_ACCESS_KEY=nope AWS_MAX_ATTEMPTS=1 euare-userlistbypath; echo denied=$?"
    )
    done, after = snapshot_inside(tmp_path, source, f"; {bad_key}", options=("--enforce-auth",))
    assert [(u["UserName"], u["Path"]) for u in after["Users"]] == [
        ("carol", "/"),
        ("sandbox-admin", "/"),
        ("sandbox-admin-2", "/euare-sandbox/"),
    ]
    assert (
        "euare-sandbox: warning: --enforce-auth needs an IAM user for the credentials it hands "
        f"out: sandbox-admin-2 (path /euare-sandbox/) is one user more than {source} has"
    ) in done.stderr.splitlines()
    assert "denied=1" in done.stdout and "(InvalidClientTokenId)" in done.stderr


def test_enforce_auth_holds_a_loaded_user_to_its_policies(tmp_path: Path) -> None:
    """The point of --enforce-auth with --load: a script run as a loaded user (given a new key
    by the administrator) is allowed or denied by production's policies. carol may use S3
    only, so listing IAM users is denied."""
    source = small(tmp_path)
    script = (
        f"euare-useraddkey carol -w > {tmp_path / 'carol'} && "
        f"AWS_CREDENTIAL_FILE={tmp_path / 'carol'} AWS_MAX_ATTEMPTS=1 euare-userlistbypath; "
        "echo carol=$?; euare-userlistbypath"
    )
    done = run_sandbox(tmp_path, source, "sh", "-c", script, options=("--enforce-auth",))
    assert done.returncode == 0, done.stderr
    assert "carol=1" in done.stdout and "(AccessDenied)" in done.stderr
    assert done.stdout.splitlines()[-2:] == [
        "arn:aws:iam::111122223333:user/carol",
        "arn:aws:iam::111122223333:user/euare-sandbox/sandbox-admin",
    ]
