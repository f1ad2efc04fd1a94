"""The AWS CLI habits: --profile, --query, EUARE_FORMAT, and an AWS profile's ca_bundle and
max_attempts (the environment wins over them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.certs import self_signed
from tests.support.proxy import Fault, Proxy


def _profile_user(home: Home, iam: Any, name: str = "pro") -> str:
    """A user with an access key, written to the test HOME's AWS credentials file as profile
    ``name``; the user's ARN."""
    arn: str = iam.create_user(UserName=name)["User"]["Arn"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    home.write(
        "no-aws-credentials",  # AWS_SHARED_CREDENTIALS_FILE in Home's environment
        f"[{name}]\naws_access_key_id = {key['AccessKeyId']}\n"
        f"aws_secret_access_key = {key['SecretAccessKey']}\n",
    )
    return arn


def test_profile_chooses_the_profile_s_credentials_over_every_other_source(
    home: Home, iam: Any
) -> None:
    arn = _profile_user(home, iam)
    plain = home.run("getcallerid", "--format", "json")
    assert json.loads(plain.stdout)["Arn"] != arn  # ~/.iamrc's identity
    env = {"AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00000", "AWS_SECRET_ACCESS_KEY": "x"}
    chosen = home.run("getcallerid", "--profile", "pro", "--format", "json", env=env)
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout)["Arn"] == arn
    through = home.run("euare", "getcallerid", "--profile", "pro", "--format", "json")
    assert json.loads(through.stdout)["Arn"] == arn


def test_aws_profile_is_used_only_when_no_other_source_has_credentials(
    home: Home, iam: Any
) -> None:
    arn = _profile_user(home, iam)
    with_iamrc = home.run("getcallerid", "--format", "json", env={"AWS_PROFILE": "pro"})
    assert json.loads(with_iamrc.stdout)["Arn"] != arn
    (home.path / ".iamrc").unlink()
    alone = home.run("getcallerid", "--format", "json", env={"AWS_PROFILE": "pro"})
    assert alone.returncode == 0, alone.stderr
    assert json.loads(alone.stdout)["Arn"] == arn


def test_an_unknown_profile_and_profile_with_keys_are_refused_in_one_line(home: Home) -> None:
    line = one_error_line(home.run("userlistbypath", "--profile", "nope"), "userlistbypath")
    assert line.endswith(
        "error: no AWS profile named nope (in ~/.aws/config or ~/.aws/credentials)"
    )
    both = home.run("userlistbypath", "--profile", "pro", "-I", "AKIAX", "-S", "y")
    assert "--profile and -I/-S cannot be used together" in one_error_line(both, "userlistbypath")


def test_query_selects_from_the_json_records(home: Home, iam: Any) -> None:
    for name in ("ann", "bo"):
        iam.create_user(UserName=name, Path="/q/")
    names = [u["UserName"] for u in iam.list_users(PathPrefix="/q/")["Users"]]
    as_json = home.run("userlistbypath", "-p", "/q/", "--query", "[].UserName", "--format", "json")
    assert (as_json.returncode, json.loads(as_json.stdout)) == (0, names)
    as_text = home.run("userlistbypath", "-p", "/q/", "--query", "[].UserName", "--format", "text")
    assert as_text.lines == names
    one = home.run(
        "usergetattributes", "ann", "--query", "{id: UserId, path: Path}", "--format", "json"
    )
    user = iam.get_user(UserName="ann")["User"]
    assert json.loads(one.stdout) == {"id": user["UserId"], "path": "/q/"}
    scalar = home.run("usergetattributes", "ann", "--query", "UserId", "--format", "text")
    assert scalar.lines == [user["UserId"]]


def test_a_query_that_does_not_parse_is_a_usage_error_before_any_request(
    proxied_home: Home, proxy: Any
) -> None:
    done = proxied_home.run("userlistbypath", "--query", "[?")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith(
        "euare-userlistbypath: error: Invalid value for '--query': "
    )
    assert proxy.log == []


def test_euare_format_sets_the_default_format_and_the_flag_wins(home: Home, iam: Any) -> None:
    iam.create_user(UserName="fmt")
    as_json = home.run("usergetattributes", "fmt", env={"EUARE_FORMAT": "json"})
    assert json.loads(as_json.stdout)["UserName"] == "fmt"
    flag = home.run("usergetattributes", "fmt", "--format", "text", env={"EUARE_FORMAT": "json"})
    assert flag.lines == [iam.get_user(UserName="fmt")["User"]["Arn"], flag.lines[1]]
    with_query = home.run(
        "usergetattributes", "fmt", "--query", "UserName", env={"EUARE_FORMAT": "text"}
    )
    assert with_query.lines == ["fmt"]  # EUARE_FORMAT=text asked for text: a value a line
    bad = home.run("usergetattributes", "fmt", env={"EUARE_FORMAT": "xml"})
    assert bad.returncode == 2 and "EUARE_FORMAT must be one of" in bad.stderr.splitlines()[-1]


def test_the_profile_s_max_attempts_counts_unless_the_environment_says(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    proxied_home.write("no-aws-config", "[default]\nmax_attempts = 1\n")
    proxy.faults["ListUsers"] = Fault("status", status=503, count=1)
    once = proxied_home.run("userlistbypath", env={"AWS_MAX_ATTEMPTS": ""})
    one_error_line(once, "userlistbypath")
    assert [r.action for r in proxy.log].count("ListUsers") == 1
    proxy.faults["ListUsers"] = Fault("status", status=503, count=1)
    again = proxied_home.run("userlistbypath", env={"AWS_MAX_ATTEMPTS": "3"})
    assert again.returncode == 0, again.stderr
    proxied_home.write("no-aws-config", "[default]\nmax_attempts = lots\n")
    bad = proxied_home.run("userlistbypath", env={"AWS_MAX_ATTEMPTS": ""})
    assert "max_attempts in" in one_error_line(bad, "userlistbypath")


@pytest.fixture
def tls(tmp_path: Path, endpoint: str) -> Any:
    cert, key = self_signed("127.0.0.1", ip="127.0.0.1")
    (tmp_path / "ca.pem").write_text(cert)
    (tmp_path / "key.pem").write_text(key)
    proxy = Proxy(endpoint, tls=(str(tmp_path / "ca.pem"), str(tmp_path / "key.pem")))
    home_dir = tmp_path / "tls-home"
    home_dir.mkdir()
    yield Home(home_dir, proxy.url), tmp_path / "ca.pem"
    proxy.stop()


def test_the_profile_s_ca_bundle_is_trusted_unless_aws_ca_bundle_names_another(
    tls: tuple[Home, Path], iam: Any
) -> None:
    home, ca = tls
    refused = home.run("userlistbypath", env={"AWS_MAX_ATTEMPTS": "1"})
    assert "CERTIFICATE_VERIFY_FAILED" in one_error_line(refused, "userlistbypath")
    home.write("no-aws-config", f"[default]\nca_bundle = {ca}\n")
    trusted = home.run("userlistbypath")
    assert trusted.returncode == 0, trusted.stderr
    other, _ = self_signed("127.0.0.1", ip="127.0.0.1")
    wrong = home.write("other-ca.pem", other)
    overridden = home.run(
        "userlistbypath", env={"AWS_CA_BUNDLE": str(wrong), "AWS_MAX_ATTEMPTS": "1"}
    )
    assert "CERTIFICATE_VERIFY_FAILED" in one_error_line(overridden, "userlistbypath")
