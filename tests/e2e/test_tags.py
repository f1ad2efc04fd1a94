"""Tags on every taggable kind: euare-KINDtag, -KINDuntag, -KINDlisttags, and --tag on the create
verbs, read back with boto3; and IAM's tag limits, checked before anything is sent.

moto 5.2's server tags users, roles, managed policies, OIDC providers and instance profiles;
the sandbox's model of IAM serves ListInstanceProfileTags (moto has none) and keeps the tags of
SAML providers, server certificates and MFA devices (moto drops them), so every kind is tagged,
untagged and listed here through the installed commands against the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.certs import saml_metadata, self_signed
from tests.support.documents import DOC, TRUST

Reader = Callable[[], list[dict[str, str]]]
ACCOUNT = "123456789012"
SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp-idp"
MFA = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
OIDC_URL = "https://oidc.example.com"
THUMB = "a" * 40


def pairs(tags: list[dict[str, str]]) -> list[tuple[str, str]]:
    return sorted((t["Key"], t["Value"]) for t in tags)


def _user(iam: Any) -> tuple[str, Reader]:
    iam.create_user(UserName="alice")
    return "alice", lambda: iam.list_user_tags(UserName="alice")["Tags"]


def _role(iam: Any) -> tuple[str, Reader]:
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=TRUST)
    return "r1", lambda: iam.list_role_tags(RoleName="r1")["Tags"]


def _policy(iam: Any) -> tuple[str, Reader]:
    """Named as the attach verbs take it: /PATH/NAME, made an ARN from the caller's account."""
    arn = iam.create_policy(PolicyName="p1", Path="/team/", PolicyDocument=DOC)["Policy"]["Arn"]
    return "/team/p1", lambda: iam.list_policy_tags(PolicyArn=arn)["Tags"]


def _oidc(iam: Any) -> tuple[str, Reader]:
    made = iam.create_open_id_connect_provider(Url=OIDC_URL, ThumbprintList=[THUMB])
    arn = made["OpenIDConnectProviderArn"]
    return arn, lambda: iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"]


def _profile(iam: Any) -> tuple[str, Reader]:
    iam.create_instance_profile(InstanceProfileName="ip1")
    return "ip1", lambda: iam.list_instance_profile_tags(InstanceProfileName="ip1")["Tags"]


def _saml(iam: Any) -> tuple[str, Reader]:
    iam.create_saml_provider(Name="corp-idp", SAMLMetadataDocument=saml_metadata())
    return SAML, lambda: iam.list_saml_provider_tags(SAMLProviderArn=SAML)["Tags"]


def _servercert(iam: Any) -> tuple[str, Reader]:
    cert, key = self_signed("www")
    iam.upload_server_certificate(ServerCertificateName="www", CertificateBody=cert, PrivateKey=key)
    return "www", lambda: iam.list_server_certificate_tags(ServerCertificateName="www")["Tags"]


def _mfa(iam: Any) -> tuple[str, Reader]:
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")
    return MFA, lambda: iam.list_mfa_device_tags(SerialNumber=MFA)["Tags"]


SERVED = {
    "user": _user,
    "role": _role,
    "policy": _policy,
    "oidcprovider": _oidc,
    "instanceprofile": _profile,
    "samlprovider": _saml,
    "servercert": _servercert,
    "mfa": _mfa,
}


@pytest.mark.parametrize("kind", sorted(SERVED))
def test_tag_listtags_untag_listtags(home: Home, iam: Any, kind: str) -> None:
    """The first = splits KEY=VALUE (a value may hold = or be empty); a tag set again takes
    its new value; listtags prints KEY<TAB>VALUE a line, as IAM holds them."""
    name, read = SERVED[kind](iam)
    done = home.run(f"{kind}tag", name, "-t", "team=web", "-t", "empty=", "-t", "eq=a=b")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    done = home.run(f"{kind}tag", name, "--tag", "team=db")
    assert done.returncode == 0, done.stderr
    assert pairs(read()) == [("empty", ""), ("eq", "a=b"), ("team", "db")]
    listed = home.run(f"{kind}listtags", name)
    assert listed.returncode == 0, listed.stderr
    assert sorted(listed.lines) == sorted(f"{k}\t{v}" for k, v in pairs(read()))
    done = home.run(f"{kind}untag", name, "-k", "team", "--key", "eq")
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert pairs(read()) == [("empty", "")]
    assert home.run(f"{kind}listtags", name).lines == ["empty\t"]


def test_a_missing_entity_is_one_error_line(home: Home, iam: Any) -> None:
    done = home.run("usertag", "nobody", "-t", "a=b")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        line for line in done.stderr.splitlines() if line.startswith("euare-usertag: error")
    ]
    assert "NoSuchEntity" in done.stderr


@pytest.mark.parametrize("kind", sorted(SERVED))
def test_listtags_reads_every_page(proxied_home: Home, proxy: Any, iam: Any, kind: str) -> None:
    """Pages of one tag (MaxItems=1, which the sandbox honours as IAM does)."""
    from tests.support.proxy import paginate

    name, _ = SERVED[kind](iam)
    assert proxied_home.run(f"{kind}tag", name, "-t", "team=web", "-t", "empty=").returncode == 0
    operation = next(a for a in proxy.actions if a.startswith("Tag")).replace("Tag", "List", 1)
    proxy.rewrites[f"{operation}Tags"] = paginate("Tags", page_size=1)
    done = proxied_home.run(f"{kind}listtags", name)
    assert (done.returncode, sorted(done.lines)) == (0, ["empty\t", "team\tweb"]), done.stderr
    assert proxy.actions.count(f"{operation}Tags") == 2


@pytest.mark.parametrize("kind", ["samlprovider", "servercert", "mfa", "instanceprofile"])
def test_tagging_what_is_not_there_is_no_such_entity(home: Home, iam: Any, kind: str) -> None:
    name = {"samlprovider": SAML, "servercert": "www", "mfa": MFA, "instanceprofile": "ip1"}
    line = one_error_line(home.run(f"{kind}tag", name[kind], "-t", "a=b"), f"{kind}tag")
    assert f"euare-{kind}tag: error (NoSuchEntity): " in line


@pytest.mark.parametrize("kind", ["samlprovider", "servercert", "mfa"])
def test_a_deleted_entitys_tags_go_with_it(home: Home, iam: Any, kind: str) -> None:
    name, read = SERVED[kind](iam)
    assert home.run(f"{kind}tag", name, "-t", "team=web").returncode == 0
    delete = {"samlprovider": "samlproviderdel", "servercert": "servercertdel", "mfa": "mfadel"}
    assert home.run(delete[kind], name).returncode == 0
    name, read = SERVED[kind](iam)
    assert read() == []


def _oidc_tags(iam: Any) -> list[dict[str, str]]:
    [provider] = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    return iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=provider["Arn"])["Tags"]


CREATES: dict[str, tuple[list[str], Callable[[Any], list[dict[str, str]]]]] = {
    "usercreate": (["alice"], lambda iam: iam.list_user_tags(UserName="alice")["Tags"]),
    "rolecreate": (
        ["r1", "-s", "ec2.amazonaws.com"],
        lambda iam: iam.list_role_tags(RoleName="r1")["Tags"],
    ),
    "policycreate": (
        ["p1", "-o", DOC],
        lambda iam: iam.list_policy_tags(PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/p1")["Tags"],
    ),
    "instanceprofilecreate": (
        ["ip1"],
        lambda iam: iam.get_instance_profile(InstanceProfileName="ip1")["InstanceProfile"]["Tags"],
    ),
    "oidcprovidercreate": ([OIDC_URL, "-t", THUMB], _oidc_tags),
}


@pytest.mark.parametrize("verb", sorted(CREATES))
def test_create_tags_the_new_entity(home: Home, iam: Any, verb: str) -> None:
    args, read = CREATES[verb]
    done = home.run(verb, *args, "--tag", "team=web", "--tag", "note=a=b")
    assert done.returncode == 0, done.stderr
    assert pairs(read(iam)) == [("note", "a=b"), ("team", "web")]


def test_servercertupload_tags_the_certificate(home: Home, iam: Any, tmp_path: Any) -> None:
    cert, key = self_signed("www")
    (tmp_path / "c.pem").write_text(cert)
    (tmp_path / "k.pem").write_text(key)
    done = home.run(
        "servercertupload",
        "www",
        "--certificate-file",
        str(tmp_path / "c.pem"),
        "--private-key-file",
        str(tmp_path / "k.pem"),
        "--tag",
        "team=web",
    )
    assert (done.returncode, done.stderr) == (0, "")
    tags = iam.list_server_certificate_tags(ServerCertificateName="www")["Tags"]
    assert tags == [{"Key": "team", "Value": "web"}]
    shown = iam.get_server_certificate(ServerCertificateName="www")["ServerCertificate"]["Tags"]
    assert shown == tags


def test_mfacreate_tags_the_device(home: Home, iam: Any, tmp_path: Any) -> None:
    done = home.run("mfacreate", "alice", "--seed-out", str(tmp_path / "seed"), "--tag", "team=web")
    assert done.returncode == 0, done.stderr
    assert iam.list_mfa_device_tags(SerialNumber=MFA)["Tags"] == [{"Key": "team", "Value": "web"}]
    [device] = iam.list_virtual_mfa_devices(AssignmentStatus="Any")["VirtualMFADevices"]
    assert device["Tags"] == [{"Key": "team", "Value": "web"}]


def test_the_limits_themselves_are_accepted(home: Home, iam: Any) -> None:
    """50 tags, a 128-character key, a 256-character value, Unicode letters and digits, spaces
    and every punctuation IAM allows are sent as given."""
    _user(iam)
    edge = [f"k{i}=v" for i in range(47)]
    odd = "Ünïcode ٣ _.:/+-@"  # a key given as KEY=VALUE cannot hold =, a value can
    args = ["K" * 128 + "=" + "v" * 256, f"{odd}={odd}=", "aws=not-a-prefix"]
    tags = [x for t in [*edge, *args] for x in ("-t", t)]
    done = home.run("usertag", "alice", *tags)
    assert done.returncode == 0, done.stderr
    held = dict(pairs(iam.list_user_tags(UserName="alice", MaxItems=100)["Tags"]))
    assert len(held) == 50
    assert held["K" * 128] == "v" * 256 and held[odd] == f"{odd}="


TOO_MANY = [x for i in range(51) for x in ("-t", f"k{i}=v")]
REFUSED = [
    pytest.param(["-t", "team"], "tag 'team' is not KEY=VALUE", id="not-key-value"),
    pytest.param(["-t", "=web"], "a key is 1 to 128 characters long", id="empty-key"),
    pytest.param(["-t", "k" * 129 + "=v"], "a key is 1 to 128 characters long", id="long-key"),
    pytest.param(["-t", "k=" + "v" * 257], "a value is at most 256 characters", id="long-value"),
    pytest.param(["-t", "a!b=v"], "a key holds only letters, digits, spaces", id="key-char"),
    pytest.param(["-t", "k=tab\there"], "a value holds only letters", id="value-char"),
    pytest.param(["-t", "k=line\nbreak"], "not '\\n'", id="newline"),
    pytest.param(["-t", "AWS:team=x"], "a key may not begin with aws:", id="aws-prefix"),
    pytest.param(["-t", "Team=a", "-t", "team=b"], "'team' is given twice", id="duplicate"),
    pytest.param(TOO_MANY, "at most 50 tags in one call, not 51", id="too-many"),
]


@pytest.mark.parametrize(("args", "rule"), REFUSED)
def test_a_refused_tag_is_a_usage_error_and_nothing_is_sent(
    proxied_home: Home, proxy: Any, args: list[str], rule: str
) -> None:
    done = proxied_home.run("usertag", "alice", *args)
    assert done.returncode == 2 and done.stdout == ""
    error = done.stderr.splitlines()[-1]
    assert error.startswith("euare-usertag: error: ") and rule in error, done.stderr
    assert proxy.log == []


@pytest.mark.parametrize(
    ("verb", "args", "rule"),
    [
        ("usercreate", ["bob", "--tag", "aws:x=1"], "may not begin with aws:"),
        ("roleuntag", ["r1", "-k", "a", "-k", "A"], "'A' is given twice"),
        ("policyuntag", ["p1", "-k", "bad|key"], "tag key 'bad|key': a key holds only"),
    ],
    ids=["create", "untag-duplicate", "untag-char"],
)
def test_create_and_untag_check_the_same_rules(
    proxied_home: Home, proxy: Any, verb: str, args: list[str], rule: str
) -> None:
    done = proxied_home.run(verb, *args)
    assert done.returncode == 2, done.stderr
    assert rule in done.stderr.splitlines()[-1], done.stderr
    assert proxy.log == []


def test_usercreate_run_again_adds_its_tags_to_the_user_it_finds(home: Home, iam: Any) -> None:
    assert home.run("usercreate", "dora", "--tag", "a=1").returncode == 0
    iam.create_group(GroupName="ops")
    again = home.run("usercreate", "dora", "--tag", "b=2", "-g", "ops")
    assert again.returncode == 0, again.stderr
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="dora")["Tags"]}
    assert tags == {"a": "1", "b": "2"}
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="dora")["Groups"]] == ["ops"]
