"""The options that give a policy document, declared once for every verb that sends one: the
document as -f FILE or -o JSON (``DOCUMENT_CHOICE``), or built from -e/-a/-r, and --lint and
--fail-on, which check it against AWS's catalogue before it is sent."""

from __future__ import annotations

from typing import Any

import click

from euare.cli.apiparams import ApiArgument as ApiArgument
from euare.cli.apiparams import ApiOption as ApiOption
from euare.cli.apiparams import Completer as Completer
from euare.cli.apiparams import Decorator as Decorator
from euare.cli.apiparams import IamChoice as IamChoice
from euare.cli.apiparams import api_params as api_params
from euare.cli.apiparams import apply as apply
from euare.cli.apiparams import apply_all as apply_all
from euare.cli.apiparams import option as option
from euare.cli.apiparams import positional as positional
from euare.cli.paramtypes import FILE as FILE
from euare.cli.paramtypes import TEXT as TEXT
from euare.cli.paramtypes import Certificate as Certificate
from euare.cli.paramtypes import Document as Document
from euare.cli.paramtypes import Given as Given
from euare.cli.paramtypes import Late as Late
from euare.cli.paramtypes import PolicyArn as PolicyArn
from euare.cli.paramtypes import Secret as Secret
from euare.cli.paramtypes import Tag as Tag
from euare.cli.paramtypes import late_values as late_values
from euare.cli.paramtypes import lint_asked as lint_asked
from euare.cli.paramtypes import tag_set as tag_set
from euare.policy import LINT_LEVELS


def policy_name(
    required: bool = True, help: str = "name of the policy", sent_in: str | None = None
) -> Decorator:
    return option(
        "-p",
        "--policy-name",
        api="PolicyName",
        sent_in=sent_in,
        metavar="POLICY",
        required=required,
        help=help,
    )


def actions(help: str, api: str | None = None) -> Decorator:
    """``-a/--action ACTION`` (repeatable, required): IAM actions such as s3:GetObject (sent as
    ``api``, or built into a document)."""
    return option(
        "-a",
        "--action",
        "actions",
        api=api,
        multiple=True,
        required=True,
        metavar="ACTION",
        help=help,
    )


DOCUMENT_CHOICE = (("policy_content", "policy_document"), True)


def policy_builder(resource_flags: tuple[str, ...] = ("-r", "--resource")) -> list[Decorator]:
    """-e/-a/-r(-c)/-o: build a one-line policy from an effect, actions and resources (and
    :func:`lint_options`: the verb lints what it built with :func:`paramtypes.lint_asked`)."""
    return [
        policy_name(),
        option(
            "-e",
            "--effect",
            required=True,
            type=IamChoice(["Allow", "Deny"]),
            help="whether the policy allows or denies",
        ),
        actions("action to allow or deny (repeatable)"),
        option(
            *resource_flags,
            "resources",
            multiple=True,
            required=True,
            metavar="RESOURCE",
            help="ARN of a resource the policy applies to (repeatable)",
        ),
        option("-o", "--output", is_flag=True, help="also print the policy that is sent"),
        *lint_options(),
    ]


# The level --fail-on defaults to (the levels, lowest first: euare.policy.LINT_LEVELS).
DEFAULT_FAIL_ON = "warning"


def fail_on(help: str, **kwargs: Any) -> Decorator:
    """``--fail-on LEVEL``: one of LINT_LEVELS, by default DEFAULT_FAIL_ON."""
    return option(
        "--fail-on",
        type=click.Choice(LINT_LEVELS),
        default=DEFAULT_FAIL_ON,
        show_default=True,
        metavar="LEVEL",
        help=help,
        **kwargs,
    )


def _lint_setting(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta[f"euare.{param.name}"] = value  # read by paramtypes.lint_asked, not by the verb
    return value


def lint_options(refused: int = 1) -> list[Decorator]:
    """--lint and --fail-on LEVEL, on every verb that sends a policy document: the document is
    linted (euare.policy.lint) before it is sent. They reach no verb's signature:
    paramtypes.Document
    (and :func:`paramtypes.lint_asked`, for a document a verb builds) read them. ``refused``:
    the exit status the help gives a finding that keeps the document from being sent."""
    return [
        option(
            "--lint",
            is_flag=True,
            expose_value=False,
            callback=_lint_setting,
            help="first check the policy document against AWS's catalogue of actions, resources "
            "and condition keys, as euare-policylint does: findings go to stderr, and one at or "
            f"above --fail-on keeps the document from being sent (exit {refused})",
        ),
        fail_on(
            "with --lint, the lowest level of finding (info, warning or error) that keeps the "
            "document from being sent",
            expose_value=False,
            callback=_lint_setting,
        ),
    ]


def document_options(api: str | None = None, file_first: bool = False) -> list[Decorator]:
    """-o JSON / -f FILE (- is standard input; ``file_first``: listed in that order), and
    :func:`lint_options`: a policy document, read and checked by :class:`Document` when the
    verb runs, and sent as ``api`` (if given); DOCUMENT_CHOICE makes one of -o/-f required."""
    given = [
        option(
            "-o",
            "--policy-content",
            api=api,
            metavar="JSON",
            type=Document(TEXT),
            help="the policy document itself",
        ),
        option(
            "-f",
            "--policy-document",
            api=api,
            metavar="FILE",
            type=Document(FILE),
            help="file holding the policy document (- reads standard input)",
        ),
    ]
    return [*(given[::-1] if file_first else given), *lint_options()]


def policy_document() -> list[Decorator]:
    """-p POLICY with -o JSON / -f FILE: an inline policy's name and document, sent as
    PolicyName and PolicyDocument."""
    return [policy_name(), *document_options("PolicyDocument")]
