"""The masks of src/euare/core/redact.py: known secrets in every form, secret-bearing fields in
every shape botocore's debug log prints them (also cut off mid-value), and URL userinfo."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

import botocore.session
import pytest

from euare.core import redact
from euare.core.redact import (
    MASK,
    SECRET_CONTAINERS,
    SECRET_FIELDS,
    is_secret,
    remember,
    strip_userinfo,
)

pytestmark = pytest.mark.usefixtures("fresh_registry")


def model_secret_members() -> set[tuple[str, str, str]]:
    """(service, shape, member) for every member IAM's and STS's models mark sensitive."""
    session = botocore.session.get_session()
    found = set()
    for service in ("iam", "sts"):
        model = session.get_service_model(service)
        for shape_name in model.shape_names:
            shape = model.shape_for(shape_name)
            if shape.type_name != "structure":
                continue
            for name, member in shape.members.items():
                if member.metadata.get("sensitive"):
                    found.add((service, shape_name, name))
                    assert is_secret(name, member)
    return found


def test_every_member_the_models_mark_sensitive_has_a_field_pattern() -> None:
    members = model_secret_members()
    assert ("iam", "CreateLoginProfileRequest", "Password") in members
    assert ("sts", "Credentials", "SecretAccessKey") in members
    missing = {m for m in members if m[2] not in SECRET_FIELDS + SECRET_CONTAINERS}
    assert not missing


def test_a_secret_structure_is_masked_whole() -> None:
    text = (
        "<TrustedIdentityPropagationContext><TransactionContext><entry><key>k</key>"
        "<value>hunter2-secret</value></entry></TransactionContext>"
        "</TrustedIdentityPropagationContext><After>kept</After>"
    )
    masked = redact.redact(text)
    assert "hunter2" not in masked and "<After>kept</After>" in masked
    assert "hunter2" not in redact.redact(text[:120])


@pytest.mark.parametrize(
    "text",
    [
        "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY</SecretAccessKey>",
        "b'<CreateAccessKeyResult><AccessKey><SecretAccessKey>wJalrXUtnFEMI/K7MDE",
        "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG",
        '<ns:SessionToken a="1">wJalrXUtnFEMI/K7MDENG</ns:SessionToken>',
        "<Password><![CDATA[wJalrXUtnFEMI</x>/K7MDENG]]></Password>",
        '{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY"}',
        '{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG',
        '{"SecretAccessKey": "wJalrXUtnFEMI\\"/K7MDENG',
        "{'Password': 'wJalrXUtnFEMI/K7MDENG'}",
        "{'Password': \"wJalrXU'tnFEMI/K7MDENG\"}",
        "{'Password': 'wJalrXUtnFEMI\n/K7MDENG",
        "headers={'X-Amz-Security-Token': b'wJalrXUtnFEMI/K7MDENG'}",
        "b'Action=CreateLoginProfile&UserName=bob&Password=wJalrXUtnFEMI%2FK7MDENG&Version=1'",
        "b'Action=CreateLoginProfile&UserName=bob&Password=wJalrXUtnFEMI%2FK7MDENG",
        "Action%3DCreateLoginProfile%26Password%3DwJalrXUtnFEMI%252FK7MDENG",
        "AWSSecretKey=wJalrXUtnFEMI/K7MDENG\n",
        "host:iam.amazonaws.com\nx-amz-security-token:wJalrXUtnFEMI/K7MDENG\n\nhost",
        "b'Action=GetSessionToken&TokenCode=wJalrXUtnFEMI&Version=2011-06-15'",
    ],
)
def test_secret_fields_are_masked_even_when_cut_off(text: str) -> None:
    masked = redact.redact(text)
    assert MASK in masked
    for part in ("wJalrXU", "tnFEMI", "K7MDENG"):
        assert part not in masked


def test_a_private_key_is_masked_even_without_its_end() -> None:
    whole = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecret\n-----END RSA PRIVATE KEY-----\nafter"
    assert redact.redact(whole) == (
        f"-----BEGIN RSA PRIVATE KEY-----{MASK}-----END RSA PRIVATE KEY-----\nafter"
    )
    cut = "b'-----BEGIN PRIVATE KEY-----\\nMIIEsecret"
    assert "MIIEsecret" not in redact.redact(cut)
    encoded = "-----BEGIN+RSA+PRIVATE+KEY-----%0AMIIEsecret%0A"
    assert "MIIEsecret" not in redact.redact(encoded)


def test_signatures_are_masked() -> None:
    header = "Credential=AKIAEXAMPLE/20250101/us-east-1/iam/aws4_request, Signature=0a1b2c3d"
    assert redact.redact(header).endswith(f"Signature={MASK}")


@pytest.mark.parametrize(
    "secret", ["p@ss w0rd/+&'\"\\<é>", "short", "x", "Tab\there", "ünïcödé-passwörd"]
)
def test_a_known_secret_is_masked_in_every_form_a_log_shows_it(secret: str) -> None:
    remember(secret)
    for form in redact.forms(secret):
        text = redact.redact(f"before [{form}] after")
        assert f"[{form}]" not in text, form
        assert text.startswith("before [") and text.endswith("] after")
    assert quote(secret, safe="") in redact.forms(secret)
    assert quote_plus(secret) in redact.forms(secret)


def test_a_short_secret_is_masked_where_it_stands_alone_only() -> None:
    """A one-letter password must not be shown, nor turn every 'a' into a mask."""
    remember("a1")
    assert redact.redact("Password 'a1' is too short: a1") == (
        f"Password '{MASK}' is too short: {MASK}"
    )
    assert redact.redact("data1 a12 ba1") == "data1 a12 ba1"


def test_a_long_secret_is_masked_anywhere() -> None:
    remember("hunter22")
    assert redact.redact("xhunter22x") == f"x{MASK}x"


def test_bytes_secrets_are_remembered_also_in_base64() -> None:
    remember(b"JBSWY3DPEHPK3PXP")
    assert "SkJTV1kzRFBFSFBLM1BYUA" not in redact.redact("<x>SkJTV1kzRFBFSFBLM1BYUA==</x>")
    assert "JBSWY3DPEHPK3PXP" not in redact.redact("seed JBSWY3DPEHPK3PXP")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://user:s3cret@127.0.0.1:9/", "http://127.0.0.1:9/"),
        ("'https://u:p%40ss@host/path?q=1'", "'https://host/path?q=1'"),
        ('URL: "http://a:b@c@host:80" and more', 'URL: "http://host:80" and more'),
        ("http://host/a@b", "http://host/a@b"),
        ("mail me@example.com", "mail me@example.com"),
    ],
)
def test_userinfo_is_stripped_from_urls(text: str, expected: str) -> None:
    assert strip_userinfo(text) == expected
    assert redact.redact(text) == expected


def test_secrets_learnt_one_by_one_do_not_each_leave_a_pattern_of_all_of_them() -> None:
    """--org enters one account after another, learning each one's session secrets between
    lines it redacts: what redacting keeps must grow with the secrets, not with their square
    (a pattern of every secret so far, compiled again for each new one and kept each time)."""
    import base64
    import tracemalloc

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for account in range(60):
            token = base64.b64encode(account.to_bytes(2, "big") * 150).decode()
            remember(f"secret/key/of/account/{account:04d}", token)
            assert redact.redact(f"a line with {token} in it") == f"a line with {MASK} in it"
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 2_000_000, f"redacting kept {grown:,} bytes for 120 secrets"
