"""TLS: certificates are verified by default; AWS_CA_BUNDLE trusts a private CA; --no-verify-tls
turns the check off, quietly. A TLS-speaking proxy stands in front of moto."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.certs import self_signed
from tests.support.proxy import Proxy


@pytest.fixture
def tls_home(tmp_path: Path, endpoint: str) -> Iterator[tuple[Home, Path]]:
    cert, key = self_signed("127.0.0.1", ip="127.0.0.1")
    cert_file, key_file = tmp_path / "ca.pem", tmp_path / "key.pem"
    cert_file.write_text(cert)
    key_file.write_text(key)
    proxy = Proxy(endpoint, tls=(str(cert_file), str(key_file)))
    home_dir = tmp_path / "tls-home"
    home_dir.mkdir()
    yield Home(home_dir, proxy.url), cert_file
    proxy.stop()


def test_an_untrusted_certificate_is_refused_in_one_line(tls_home: tuple[Home, Path]) -> None:
    home, _ = tls_home
    line = one_error_line(
        home.run("userlistbypath", env={"AWS_MAX_ATTEMPTS": "1"}), "userlistbypath"
    )
    assert "TLS error" in line and "CERTIFICATE_VERIFY_FAILED" in line


def test_aws_ca_bundle_trusts_a_private_ca(tls_home: tuple[Home, Path], iam: Any) -> None:
    home, ca = tls_home
    iam.create_user(UserName="bob")
    result = home.run("userlistbypath", env={"AWS_CA_BUNDLE": str(ca)})
    assert result.returncode == 0, result.stderr
    assert result.lines == [iam.get_user(UserName="bob")["User"]["Arn"]]


def test_no_verify_tls_turns_the_check_off_quietly(tls_home: tuple[Home, Path], iam: Any) -> None:
    home, _ = tls_home
    result = home.run("userlistbypath", "--no-verify-tls")
    assert (result.returncode, result.stderr) == (0, "")
