"""The options every verb has (euca2ools' names: credentials, endpoint, region, and --format,
--query, --debug), whose values go to the call (euare.call.context.Call.options), never to a
verb's signature; and the width of help text."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

import click

from euare.call.context import Call
from euare.cli.helpdoc import GlobalOption
from euare.core.render import FORMATS

MAX_HELP_WIDTH = 100
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": MAX_HELP_WIDTH}


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    call = ctx.find_object(Call)
    if call is not None and param.name:
        call.options[param.name] = value
        if param.name == "debug" and value:
            from euare.core.redact import enable_debug_logging

            enable_debug_logging(call.stderr)
    return value


def _global(*decls: str, **kwargs: Any) -> click.Option:
    return GlobalOption(decls, expose_value=False, callback=_store, **kwargs)


def _format(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--format, else EUARE_FORMAT (checked like the option), else text: the effective format,
    which Call.fmt reads, for the records and for what --query selects alike."""
    call = ctx.find_object(Call)
    env = call.env if call is not None else os.environ
    if value is None and (env.get("EUARE_FORMAT") or "").strip():
        value = env["EUARE_FORMAT"].strip()
        if value not in FORMATS:
            raise click.BadParameter(
                f"EUARE_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}", ctx, param
            )
    if call is not None:
        call.options["format"] = value or "text"
    return value


def _query(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--query: a JMESPath expression, refused before anything is sent if it does not parse."""
    if value is not None:
        from euare.core.render import compile_query

        try:
            compile_query(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
    _store(ctx, param, value)
    return value


def global_options(service: str | None = "iam") -> list[click.Parameter]:
    """The options every IAM/STS verb has, with euca2ools' names (``service`` None: a verb that
    sends no request, which has only --format, --query and --debug)."""
    what = "token service (STS)" if service == "sts" else "identity service (IAM)"
    debug = _global(
        "--debug",
        is_flag=True,
        is_eager=True,
        help="log requests and responses to stderr (secrets are masked)",
    )
    output = [
        GlobalOption(
            ("--format",),
            type=click.Choice(FORMATS),
            expose_value=False,
            callback=_format,
            help="output format (default: EUARE_FORMAT, else text): text is euca2ools' own; "
            "text and jsonl (a JSON record a line) print long lists page by page, json and "
            "table once the whole list is read",
        ),
        GlobalOption(
            ("--query",),
            metavar="EXPR",
            expose_value=False,
            callback=_query,
            help="print what the JMESPath EXPR selects from the JSON records, in the output "
            "format: text a value a line, a table, JSON, or JSON lines (reads the whole list "
            "first)",
        ),
    ]
    if service is None:
        return [*output, debug]
    return [
        _global("-U", "--url", metavar="URL", help=f"{what} endpoint URL ([REGION::]URL)"),
        _global("--region", metavar="[USER@]REGION", help="region to sign requests for"),
        _global("-I", "--access-key-id", metavar="KEY_ID", help="access key ID"),
        _global("-S", "--secret-key", metavar="KEY", help="secret access key"),
        _global("--security-token", metavar="TOKEN", help="session token"),
        _global(
            "--profile",
            metavar="NAME",
            help="use the credentials of AWS profile NAME (~/.aws/config, ~/.aws/credentials) "
            "instead of any other source; AWS_PROFILE names one used when no other source has "
            "credentials",
        ),
        _global(
            "--no-verify-tls",
            is_flag=True,
            help="do not check the endpoint's TLS certificate (AWS_CA_BUNDLE names a CA "
            "bundle instead)",
        ),
        *output,
        debug,
    ]


def help_width(env: Mapping[str, str]) -> int:
    """The width click gives help and usage text (the terminal's columns, at most
    max_content_width, less 2, but at least 50), found as ``shutil.get_terminal_size`` finds
    the columns, without importing shutil (and the compression modules it brings: 2 ms)."""
    try:
        columns = int(env.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
            columns = 0
    return max(min(columns or 80, MAX_HELP_WIDTH) - 2, 50)
