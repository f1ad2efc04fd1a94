"""STS: who am I, assume a role (printing shell code for eval), release it."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import click

from euare import policy
from euare.cli import Call, option, positional, verb
from euare.errors import UsageError
from euare.redact import remember
from euare.render import Record, text

# The variables assumerole sets and releaserole unsets, in euca2ools' order.
KEY_VARS = ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "EC2_ACCESS_KEY")
SECRET_VARS = ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "EC2_SECRET_KEY")
TOKEN_VARS = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
ALL_VARS = (*KEY_VARS, *SECRET_VARS, *TOKEN_VARS, "AWS_CREDENTIAL_EXPIRATION", "EC2_USER_ID")


def _dashed(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "-", name).lower()


@verb(
    "getcallerid",
    "Show who the credentials in use belong to.",
    service="sts",
    text=lambda rs: [f"{k} = {v}" for r in rs for k, v in sorted(r.items()) if v],
)
def getcallerid(call: Call) -> list[Record]:
    found = call.call("GetCallerIdentity", service="sts")
    key_id = call.settings("sts").access_key_id
    if key_id is None:  # boto3's own chain found them
        key_id = call.client("sts")._request_signer._credentials.access_key
    record: Record = {"key-id": key_id}
    record.update({_dashed(k): v for k, v in found.items() if k != "ResponseMetadata"})
    return [record]


def role_arn(call: Call, role: str) -> str:
    """ARN, ``ACCOUNT:NAME`` or a bare ``NAME`` (the caller's account) to the role's ARN."""
    if role.startswith("arn:"):
        return role
    account, sep, name = role.partition(":")
    if sep and "/" not in account and ":" not in name:
        return f"arn:aws:iam::{account}:{name if name.startswith('role/') else 'role/' + name}"
    name = role if role.startswith("role/") else f"role/{role}"
    account = (call.env.get("EC2_USER_ID") or "").strip()
    partition = "aws"
    if not account:
        try:
            caller = call.call("GetCallerIdentity", service="sts")
        except Exception:
            raise UsageError(
                "failed to determine account ID; give the role as ACCOUNT:NAME or "
                "an ARN, or set EC2_USER_ID in the environment"
            ) from None
        account = caller["Account"]
        partition = str(caller.get("Arn", "arn:aws:")).split(":")[1] or "aws"
    return f"arn:{partition}:iam::{account}:{name}"


def _use_csh(call: Call, csh: bool, sh: bool) -> bool:
    return csh or (not sh and call.env.get("SHELL", "").endswith("csh"))


def _footer(call: Call) -> list[str]:
    return [
        "",
        "# If you can read this, rerun this program with eval:",
        f"#     eval `{shlex.join(call.argv)}`",
    ]


def _settings_lines(values: dict[str, str], csh: bool) -> Iterable[str]:
    for name, value in values.items():
        quoted = shlex.quote(value)
        yield f"setenv {name} {quoted};" if csh else f"{name}={quoted}; export {name};"
    yield "unsetenv AWS_CREDENTIAL_FILE;" if csh else "unset AWS_CREDENTIAL_FILE;"


@verb(
    "assumerole",
    "Assume a role and print shell commands that switch to its credentials: "
    "run it as eval `euare-assumerole ROLE`.",
    service="sts",
    exclusive=[(("csh", "sh"), False), (("policy_content", "policy_document"), False)],
)
@positional("ROLE", None, "the role: its name, ACCOUNT:NAME, or its ARN")
@option(
    "-d",
    "--duration",
    type=click.IntRange(900, 43200),
    default=900,
    show_default=True,
    metavar="SECONDS",
    help="how long the credentials last",
)
@option("--session-name", metavar="NAME", help="name of the session (default: euare-TIME)")
@option("--policy-content", metavar="JSON", help="a policy that further limits the session")
@option("--policy-document", metavar="FILE", help="file holding such a policy (- is stdin)")
@option("--external-id", metavar="STR", help="the external ID the role's trust policy expects")
@option("--mfa-serial", metavar="MFA", help="serial number of the MFA device to use")
@option("--mfa-code", metavar="CODE", help="the MFA device's current code")
@click.option("-c", "csh", is_flag=True, help="print csh commands")
@click.option("-s", "sh", is_flag=True, help="print sh commands (the default unless $SHELL is csh)")
def assumerole(
    call: Call,
    role: str,
    duration: int,
    session_name: str | None,
    policy_content: str | None,
    policy_document: str | None,
    external_id: str | None,
    mfa_serial: str | None,
    mfa_code: str | None,
    csh: bool,
    sh: bool,
) -> Any:
    from euare.render import Result

    limit = None
    if policy_content is not None or policy_document is not None:
        limit = policy.read_document(policy_content, policy_document, call.stdin)
    arn = role_arn(call, role)
    name = session_name or datetime.now(timezone.utc).strftime("euare-%Y-%m-%dT%H-%M-%SZ")
    remember(mfa_code)
    found = call.call(
        "AssumeRole",
        service="sts",
        RoleArn=arn,
        RoleSessionName=name,
        DurationSeconds=duration,
        Policy=limit,
        ExternalId=external_id,
        SerialNumber=mfa_serial,
        TokenCode=mfa_code,
    )
    creds = found["Credentials"]
    remember(creds["SecretAccessKey"], creds["SessionToken"])
    values = {var: creds["AccessKeyId"] for var in KEY_VARS}
    values.update({var: creds["SecretAccessKey"] for var in SECRET_VARS})
    values.update({var: creds["SessionToken"] for var in TOKEN_VARS})
    values["AWS_CREDENTIAL_EXPIRATION"] = text(creds["Expiration"])
    values["EC2_USER_ID"] = arn.split(":")[4]
    lines = [*_settings_lines(values, _use_csh(call, csh, sh)), *_footer(call)]
    record = {
        "RoleArn": arn,
        "AccessKeyId": creds["AccessKeyId"],
        "SecretAccessKey": creds["SecretAccessKey"],
        "SessionToken": creds["SessionToken"],
        "Expiration": creds["Expiration"],
    }
    return Result([record], text=lambda _: lines)


@verb(
    "releaserole",
    "Print shell commands that drop the credentials assumerole set: run it as "
    "eval `euare-releaserole`.",
    service=None,
    exclusive=[(("csh", "sh"), False)],
)
@click.option("-c", "csh", is_flag=True, help="print csh commands")
@click.option("-s", "sh", is_flag=True, help="print sh commands (the default unless $SHELL is csh)")
def releaserole(call: Call, csh: bool, sh: bool) -> Any:
    from euare.render import Result

    use_csh = _use_csh(call, csh, sh)
    lines = [
        f"unsetenv {v};" if use_csh else f"unset {v};" for v in (*ALL_VARS, "AWS_CREDENTIAL_FILE")
    ]
    return Result([], text=lambda _: [*lines, *_footer(call)])
