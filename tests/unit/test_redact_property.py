"""Property: no error line and no --debug log shows a value botocore's model marks secret.

For every IAM and STS operation with a secret input member (``sensitive`` in the model, or an
MFA code or session token), the client layer (``make_client``, its hooks, ``errors.report``)
is driven to fail in each way it can with a generated secret: the service (a Stubber) answers
an error quoting the value, botocore's own validation quotes it, euare's judgement of what the
user gave (euare.cli.rules, before any client is called) refuses it, or the endpoint (whose URL
carries it as ``user:password@``) cannot be reached. Neither the error
line nor the debug log may then show the value in any form (plain, URL-encoded, escaped): a
value of six characters or more nowhere, a shorter one nowhere on its own (redact.py says why).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import botocore.session
from botocore import xform_name
from botocore.stub import Stubber
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from euare.call.client import call, make_client, remember_params
from euare.core import redact
from euare.core.errors import report
from euare.core.redact import MASK, MIN_ANYWHERE, enable_debug_logging, forms, is_secret
from euare.core.settings import Settings

PROG = "euare-test"
UNREACHABLE = "127.0.0.1:9"

# Valid values for the members that must accompany a secret one.
REQUIRED = {
    "UserName": "bob",
    "SerialNumber": "arn:aws:iam::123456789012:mfa/bob",
    "Name": "provider",
    "SAMLMetadataDocument": "<x/>" * 250,
    "SAMLProviderArn": "arn:aws:iam::123456789012:saml-provider/provider",
    "ServerCertificateName": "cert",
    "CertificateBody": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    "RoleArn": "arn:aws:iam::123456789012:role/ops",
    "PrincipalArn": "arn:aws:iam::123456789012:saml-provider/provider",
    "RoleSessionName": "session",
    "OldPassword": "Other-Passw0rd",
    "NewPassword": "Other-Passw0rd",
    "AuthenticationCode1": "135790",
    "AuthenticationCode2": "246801",
}


def secret_inputs() -> list[tuple[str, str, str, Any]]:
    """(service, operation, member, member shape) for every secret input member."""
    session = botocore.session.get_session()
    found = []
    for service in ("iam", "sts"):
        model = session.get_service_model(service)
        for operation in model.operation_names:
            shape = model.operation_model(operation).input_shape
            if shape is None:
                continue
            for name, member in shape.members.items():
                if is_secret(name, member):
                    found.append((service, operation, name, member))
    return found


SECRET_INPUTS = secret_inputs()


def test_the_secret_inputs_are_the_ones_we_know() -> None:
    members = {(op, name) for _, op, name, _ in SECRET_INPUTS}
    assert {("CreateLoginProfile", "Password"), ("ChangePassword", "NewPassword")} <= members
    assert {("UploadServerCertificate", "PrivateKey"), ("GetSessionToken", "TokenCode")} <= members
    assert {("EnableMFADevice", "AuthenticationCode1"), ("AssumeRole", "TokenCode")} <= members


def params_for(operation: str, member: str, value: Any) -> dict[str, Any]:
    model = botocore.session.get_session()
    service = "sts" if operation in {op for s, op, _, _ in SECRET_INPUTS if s == "sts"} else "iam"
    shape = model.get_service_model(service).operation_model(operation).input_shape
    params = {name: REQUIRED[name] for name in shape.required_members if name != member}
    params[member] = value
    return params


def secret_values(shape: Any) -> st.SearchStrategy[str]:
    """Values IAM could accept for ``shape`` (digits for MFA codes), sometimes not."""
    if shape.metadata.get("pattern", "").startswith("[\\d]"):
        return st.from_regex(r"[0-9]{6}", fullmatch=True)
    alphabet = st.characters(min_codepoint=9, max_codepoint=0xFF, exclude_categories=("Cs",))
    # long ones too: a message that quotes the start of a value must be caught
    return st.text(alphabet, min_size=1, max_size=30) | st.text(alphabet, min_size=81)


def invalid(value: str, shape: Any) -> str | None:
    """A value holding ``value`` that euare's own check refuses, if the model allows one."""
    if shape.metadata.get("pattern"):
        return value + "\u0100"
    if shape.metadata.get("max"):
        return value * (shape.metadata["max"] // len(value) + 1)
    return None


@contextmanager
def captured_debug_log() -> Iterator[io.StringIO]:
    """The debug log, as --debug writes it but with only the records' messages."""
    loggers = [logging.getLogger(name) for name in ("euare", "botocore", "boto3", "urllib3")]
    saved = [(lg.level, lg.propagate) for lg in loggers]
    stream = io.StringIO()
    handler = enable_debug_logging(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.terminator = "\0"  # records apart, without a newline a secret may hold
    try:
        yield stream
    finally:
        for lg, (level, propagate) in zip(loggers, saved, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate


@contextmanager
def own_registry() -> Iterator[None]:
    """Secrets remembered in one example are forgotten after it (the registry stays small)."""
    known, short = set(redact._known), set(redact._short)
    try:
        yield
    finally:
        redact._known.clear()
        redact._known.update(known)
        redact._short.clear()
        redact._short.update(short)
        redact._compiled.clear()


def shown(secret: str, text: str, before: str = "") -> str | None:
    """The form of ``secret`` that ``text`` shows, if any. A short form is looked for only
    after ``before``: earlier text cannot hold it (botocore has not read the parameters yet),
    and a one-letter password is in any log as a word by chance."""
    later = text.partition(before)[2] if before else text
    for form in forms(secret):
        if len(form) >= MIN_ANYWHERE:
            if form in text:
                return form
        elif re.search(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", later):
            return form
    return None


WINDOW = 16


def fragment(secret: str, text: str) -> str | None:
    """A part of ``secret`` long enough not to be in ``text`` by chance, if ``text`` has one."""
    for form in {secret, repr(secret)[1:-1]}:
        for start in range(len(form) - WINDOW + 1):
            if form[start : start + WINDOW] in text:
                return form[start : start + WINDOW]
    return None


def in_mask(secret: str) -> bool:
    return shown(secret, MASK) is not None


def error_parts(line: str) -> list[str]:
    """The code and the message of an error line (the rest is euare's own)."""
    match = re.fullmatch(rf"{PROG}: error(?: \((.*?)\))?: (.*)\n", line, re.S)
    assert match, line
    return [part for part in match.groups() if part]


def reported(exc: BaseException) -> str:
    """What the user would see on stderr (the error line, and with --debug the traceback)."""
    line, traced = io.StringIO(), io.StringIO()
    report(PROG, exc, line)
    report(PROG, exc, traced, debug=True)
    assert traced.getvalue().endswith(line.getvalue())
    traceback = traced.getvalue()[: -len(line.getvalue())]
    # NUL separates the parts: no secret holds one, so none is made up at a seam
    return "\0".join([*error_parts(line.getvalue()), traceback])


def refused(service: str, operation: str, member: str, value: str) -> str:
    """Judge ``value`` as euare judges what the user typed (before any client is made)."""
    from euare.cli.rules import refuse

    try:
        refuse(f"--{member.lower()}", value, operation, member, service)
    except Exception as exc:
        return reported(exc)
    raise AssertionError(f"{operation} {member} was not refused")


def fail(service: str, operation: str, params: dict[str, Any], how: str, message: str) -> str:
    """Run the call so that it fails ``how``; return what the user would see on stderr."""
    url = f"http://{UNREACHABLE}/"
    if how == "connection":
        url = f"http://user:{quote(params['_url_password'], safe='')}@{UNREACHABLE}/"
    params = {k: v for k, v in params.items() if k != "_url_password"}
    found = Settings(
        "AKIAEXAMPLEEXAMPLE00", "example-signing-secret", None, url, "us-east-1",
        max_attempts=1, service=service, connect_timeout=2, read_timeout=2,
    )  # fmt: skip
    client = make_client(found)
    stubber = Stubber(client)
    if how == "service":
        stubber.add_client_error(xform_name(operation), "ValidationError", message, 400)
    try:
        if how == "service":
            with stubber:
                call(client, operation, **params)
        else:
            call(client, operation, **params)
    except Exception as exc:  # the point: every failure, whatever its kind
        return reported(exc)
    raise AssertionError(f"{operation} did not fail ({how})")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.sampled_from(SECRET_INPUTS),
    data=st.data(),
    how=st.sampled_from(["service", "type", "refused", "connection"]),
    template=st.sampled_from(
        [
            "The password {} does not meet the policy",
            "1 validation error detected: Value '{}' at 'password' failed",
            'Invalid value "{}" (try again)',
        ]
    ),
)
def test_no_error_line_or_debug_log_shows_a_secret(
    target: tuple[str, str, str, Any], data: st.DataObject, how: str, template: str
) -> None:
    service, operation, member, shape = target
    secret = data.draw(secret_values(shape), label="secret")
    assume(not in_mask(secret))
    # A secret that is part of the shape's pattern (the "+" of "[...]+") is in botocore's own
    # message about that pattern, which is not the secret shown.
    assume(secret not in str(getattr(shape, "metadata", {}).get("pattern", "")))
    value: Any = secret
    if how == "type":
        value = [secret]  # botocore: "Invalid type for parameter ..., value: ['...']"
    elif how == "refused":
        value = invalid(secret, shape)
        assume(value is not None and not in_mask(value))
    params = params_for(operation, member, value)
    params["_url_password"] = secret
    with own_registry(), captured_debug_log() as log:
        if how == "refused":
            stderr = refused(service, operation, member, value)
        else:
            stderr = fail(service, operation, params, how, template.format(value))
        debug = log.getvalue()
    # the debug log from where euare's hook remembered the secrets
    hooked = f"calling handler <function {remember_params.__name__}"
    assert how == "refused" or hooked in debug
    if how == "connection":
        assert f"@{UNREACHABLE}" not in stderr + debug  # no user:password@ before the host
    for text, where, before in ((stderr, "stderr", ""), (debug, "the debug log", hooked)):
        for hidden in {secret, value} if isinstance(value, str) else {secret}:
            form = shown(hidden, text, before) or fragment(hidden, text)
            assert form is None, f"{where} shows {form!r} of {operation} {member} ({how})"
