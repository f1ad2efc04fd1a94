"""STS: who the credentials belong to (getcallerid), a role's credentials as shell code
(assumerole), and the shell code that drops them again (releaserole).

assumerole and releaserole print shell code for ``eval``. Nothing in it can run a command:
every value is quoted with shlex.quote, a value holding a control character (or, for csh, a
``!``) is refused rather than printed, and the command line echoed in the trailing comment is
quoted so that no argument can end the comment line. Whatever the endpoint answers or the user
typed, eval only sets and unsets the variables listed here.
"""

from __future__ import annotations

import functools
import re
import shlex
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import click

from euare.call.context import Call
from euare.cli import params as o
from euare.cli.params import Decorator, apply_all, option, positional
from euare.cli.paramtypes import RoleArn
from euare.cli.verb import verb
from euare.core.errors import EuareError
from euare.core.render import Record, Result, as_text

# The variables assumerole sets and releaserole unsets, in euca2ools' order.
SESSION_VARS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_ACCESS_KEY",
    "EC2_ACCESS_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "EC2_SECRET_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "EC2_USER_ID",
)
CREDENTIAL_FILE_VAR = "AWS_CREDENTIAL_FILE"  # unset last, so its long-term keys are not used


# --- getcallerid ---------------------------------------------------------------------------------


def dashed(name: str) -> str:
    """A response field as euca2ools keyed it: ``UserId`` becomes ``user-id``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def identity_lines(records: list[Record]) -> list[str]:
    """euca2ools' ``key = value`` lines, sorted by key: ``key-id`` for the AccessKeyId in use,
    the other fields dashed (``user-id``); empty values left out."""
    named = [
        ("key-id" if k == "AccessKeyId" else dashed(k), v) for r in records for k, v in r.items()
    ]
    return [f"{k} = {as_text(v)}" for k, v in sorted(named) if v]


def key_in_use(call: Call) -> str | None:
    """The access key ID the STS requests are signed with, wherever it was found."""
    key = call.settings("sts").access_key_id
    if key is None:  # boto3's own chain (profile, instance role) found the credentials
        found = call.client("sts")._get_credentials()  # botocore has no public accessor
        key = found.get_frozen_credentials().access_key if found is not None else None
    return key


@verb(
    "getcallerid",
    "Show who the credentials in use belong to: `key = value` lines (key-id, account, arn, "
    "user-id).",
    service="sts",
    text=identity_lines,
    examples=("", "--format json"),
)
def getcallerid(call: Call) -> Result:
    """GetCallerIdentity's answer (UserId, Account, Arn), and the AccessKeyId it was signed
    with, which STS does not name."""
    found = call.request("GetCallerIdentity", service="sts")
    record: Record = {k: v for k, v in found.items() if k != "ResponseMetadata"}
    record["AccessKeyId"] = key_in_use(call)
    return Result([record], one=True)


# --- naming the role -----------------------------------------------------------------------------


# --- shell code ----------------------------------------------------------------------------------


def _control(char: str) -> bool:
    """A character that would break a line or hide in a terminal (category Cc, Zl, Zp)."""
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def use_csh(env: Mapping[str, str], csh: bool, sh: bool) -> bool:
    """csh code with -c, sh code with -s, else whichever $SHELL speaks."""
    return csh or (not sh and (env.get("SHELL") or "").endswith("csh"))


def shell_word(name: str, value: str, csh: bool) -> str:
    """``value`` as one shell word that eval cannot run; refused if no quoting is safe."""
    if any(_control(c) for c in value):
        raise EuareError(f"not printing {name}: its value holds control characters")
    if csh and "!" in value:
        raise EuareError(f"not printing {name} for csh: its value holds a '!'")
    return shlex.quote(value)


def set_line(name: str, value: str, csh: bool) -> str:
    if not value:  # as euca2ools: an empty value unsets the variable
        return unset_line(name, csh)
    word = shell_word(name, value, csh)
    return f"setenv {name} {word};" if csh else f"{name}={word}; export {name};"


def unset_line(name: str, csh: bool) -> str:
    return f"unsetenv {name};" if csh else f"unset {name};"


def comment_word(arg: str) -> str:
    """``arg`` quoted for the comment line: as shlex.quote, but an argument holding a newline
    (a policy given with --policy-content, say) is written ``$'...'`` with escapes, so that
    the comment stays one line and what follows it is never run."""
    if not any(_control(c) for c in arg):
        return shlex.quote(arg)
    escaped = []
    for char in arg:
        if char in "\\'":
            escaped.append("\\" + char)
        elif _control(char):
            code = ord(char)
            escaped.append(f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}")
        else:
            escaped.append(char)
    return "$'" + "".join(escaped) + "'"


def footer(argv: Sequence[str]) -> list[str]:
    """The empty line and the two comments euca2ools ended its shell code with, the command
    line (``argv``) echoed in the second."""
    command = " ".join(comment_word(arg) for arg in argv)
    return ["", "# If you can read this, rerun this program with eval:", f"#     eval `{command}`"]


def shell_options() -> list[Decorator]:
    return [
        option("-c", "csh", is_flag=True, help="print csh commands (the default if $SHELL is csh)"),
        option("-s", "sh", is_flag=True, help="print sh commands (the default otherwise)"),
    ]


SHELL_CHOICE = (("csh", "sh"), False)


# --- assumerole ----------------------------------------------------------------------------------


@verb(
    "assumerole",
    "Assume a role and print shell code that switches to its credentials: run it as "
    "eval `euare-assumerole ROLE`.",
    service="sts",
    exclusive=[SHELL_CHOICE, (("policy_content", "policy_document"), False)],
    examples=(
        "123456789012:ops-admin -d 3600",
        "ops-admin --mfa-serial arn:aws:iam::123456789012:mfa/alice --mfa-code 123456",
    ),
    sends="AssumeRole",
)
@positional(
    "ROLE",
    "RoleArn",
    "the role: NAME (in EC2_USER_ID's account, else the caller's), ACCOUNT:NAME or ARN",
    type=RoleArn(),
    complete=o.ROLES,
)
@option(
    "-d",
    "--duration",
    type=click.IntRange(900, 43200),
    default=900,
    show_default=True,
    metavar="SECONDS",
    help="how long the credentials last",
)
@option(
    "--session-name",
    api="RoleSessionName",
    metavar="NAME",
    help="name of the session, part of the assumed role's ARN (default: euare-TIME)",
)
@option(
    "--policy-content",
    api="Policy",
    metavar="JSON",
    type=o.Document(o.TEXT),
    help="a policy that further limits the credentials",
)
@option(
    "--policy-document",
    api="Policy",
    metavar="FILE",
    type=o.Document(o.FILE),
    help="file holding such a policy (- reads stdin)",
)
@apply_all(o.lint_options())
@option(
    "--external-id",
    api="ExternalId",
    metavar="STR",
    help="the external ID the role's trust policy expects",
)
@option(
    "--mfa-serial",
    api="SerialNumber",
    metavar="MFA",
    help="serial number or ARN of the MFA device to use",
)
@option("--mfa-code", api="TokenCode", metavar="CODE", help="the MFA device's current code")
@apply_all(shell_options())
def assumerole(
    call: Call,
    *,
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
) -> Result:
    arn = role  # made an ARN and checked: params.RoleArn
    name = session_name or datetime.now(timezone.utc).strftime("euare-%Y-%m-%dT%H-%M-%SZ")
    found = call.request(
        "AssumeRole",
        service="sts",
        RoleArn=arn,
        RoleSessionName=name,
        DurationSeconds=duration,
        Policy=policy_content or policy_document,  # read and checked: params.Document
        ExternalId=external_id,
        SerialNumber=mfa_serial,
        TokenCode=mfa_code,
    )
    arn_fields = arn.split(":")
    account = arn_fields[4] if len(arn_fields) > 4 else ""
    shell = use_csh(call.env, csh, sh)
    answer = {k: v for k, v in found.items() if k != "ResponseMetadata"}
    text = functools.partial(assumed_lines, account=account, csh=shell, argv=tuple(call.argv))
    return Result([answer], text, one=True)


def assumed_lines(
    answers: list[Record], *, account: str = "", csh: bool = False, argv: Sequence[str] = ()
) -> list[str]:
    """assumerole's text: the shell code (csh's, or sh's) that switches to the credentials,
    then euca2ools' footer echoing the command line ``argv``."""
    return [*session_lines(answers, account, csh), *footer(argv)]


def session_lines(answers: list[Record], account: str, csh: bool) -> list[str]:
    """The shell code that switches to AssumeRole's credentials (EC2_USER_ID: the role's
    ``account``). Every line is made, and every value checked, before any is printed."""
    lines = []
    for answer in answers:
        creds = answer["Credentials"]
        values = dict.fromkeys(SESSION_VARS[0:3], str(creds["AccessKeyId"]))
        values.update(dict.fromkeys(SESSION_VARS[3:6], str(creds["SecretAccessKey"])))
        values.update(dict.fromkeys(SESSION_VARS[6:8], str(creds["SessionToken"])))
        values["AWS_CREDENTIAL_EXPIRATION"] = as_text(creds["Expiration"])
        values["EC2_USER_ID"] = account
        lines += [set_line(n, v, csh) for n, v in values.items()]
        lines.append(unset_line(CREDENTIAL_FILE_VAR, csh))
    return lines


# --- releaserole ---------------------------------------------------------------------------------


# What releaserole's shell code ends with: like euca2ools', it unsets AWS_CREDENTIAL_FILE, which
# a sourced eucarc (the sandbox's DIR/eucarc) had set; its credentials are gone until sourced again.
# Words only: no quote, bracket or ; that a shell reading it as code could act on.
SOURCE_AGAIN = (
    "# AWS_CREDENTIAL_FILE is unset too, as euca2ools did: a shell that sourced a eucarc, such as",
    "# the DIR/eucarc of euare-sandbox, has no credentials now: source that file again for them.",
)


@verb(
    "releaserole",
    "Print shell code that drops the credentials assumerole set: run it as "
    "eval `euare-releaserole`. Sends no request and needs no credentials. Like euca2ools', it "
    "unsets AWS_CREDENTIAL_FILE too: a shell that sourced a eucarc (euare-sandbox's "
    "DIR/eucarc, say) is left without credentials until it sources that file again.",
    service=None,
    exclusive=[SHELL_CHOICE],
    examples=("-s",),
)
@apply_all(shell_options())
def releaserole(call: Call, *, csh: bool, sh: bool) -> Result:
    """Its records are the names of the variables it unsets (JSON: a list of strings)."""
    shell = use_csh(call.env, csh, sh)
    names: list[Any] = [*SESSION_VARS, CREDENTIAL_FILE_VAR]  # records of plain strings
    text = functools.partial(released_lines, csh=shell, argv=tuple(call.argv))
    return Result(names, text=text)


def released_lines(names: list[Any], *, csh: bool = False, argv: Sequence[str] = ()) -> list[str]:
    """releaserole's text: the shell code (csh's, or sh's) that unsets each variable named,
    euca2ools' footer echoing the command line ``argv``, then the comments (last, so that an
    unquoted eval ignores them) that say how to get a sourced eucarc's credentials back."""
    return [*(unset_line(str(n), csh) for n in names), *footer(argv), *SOURCE_AGAIN]
