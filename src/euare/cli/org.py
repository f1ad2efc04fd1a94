"""``--org``: the options that run an account-wide verb in every account of an AWS Organization
(or of a list of accounts), declared once for all of them (docs/organizations.md). The running
itself is :mod:`euare.cli.fleet`'s.

:func:`org_options` adds ``--org``, ``--accounts FILE``, ``--only``, ``--skip``, ``--org-role``
and ``--org-jobs`` to a verb, and hands the verb one keyword argument for all of them: ``org``,
an :class:`Org` when ``--org`` is given, else None (the verb then runs in the caller's account
as it always has). The :class:`Org` also says whether the verb's own ``-v`` was given: with it,
every text line says the account's name after its ID (docs/output.md), whichever verb it is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from euare.cli.infile import InputFile
from euare.cli.params import Decorator, apply_all, option
from euare.core.errors import UsageError

if TYPE_CHECKING:
    from euare.call.accounts import Account
    from euare.call.context import Call

DEFAULT_ORG_JOBS = 8
MAX_ORG_JOBS = 64
NAMES = ("org", "accounts_file", "only", "skip", "org_role", "org_jobs")
# The options that mean something only with --org: given without it, each is refused.
FLAGS = {
    "accounts_file": "--accounts",
    "only": "--only",
    "skip": "--skip",
    "org_role": "--org-role",
    "org_jobs": "--org-jobs",
}


@dataclass(frozen=True)
class Org:
    """What the ``--org`` options said."""

    accounts_file: str | None
    only: tuple[str, ...]
    skip: tuple[str, ...]
    role: str
    jobs: int
    verbose: bool = False  # the verb's own -v: text lines say each account's name too

    @property
    def whole(self) -> bool:
        """Whether the accounts are the organization's whole ACTIVE list (no ``--accounts``,
        ``--only`` or ``--skip``): an account missing from it has left the organization."""
        return self.accounts_file is None and not self.only and not self.skip

    def accounts(self, call: Call) -> list[Account]:
        """The accounts to work in: Organizations' ACTIVE ones, or those of ``--accounts FILE``,
        then ``--only`` and ``--skip``. Failing to list them fails the command (nothing ran)."""
        from euare.call.accounts import chosen, listed
        from euare.core.errors import EuareError, describe

        if self.accounts_file is not None:
            found = self._listed_in_file(call)
        else:
            try:
                found = list(listed(call))
            except Exception as exc:
                err = describe(exc)
                raise EuareError(
                    f"cannot list the organization's accounts ({err.message}); give "
                    "--accounts FILE where Organizations is not available to the caller",
                    code=err.code,
                    exit_code=2,  # nothing could run at all
                ) from exc
        return chosen(found, self.only, self.skip)

    def pick(self, call: Call, accounts: list[Account]) -> list[Account]:
        """``accounts`` (found another way: a directory's snapshots), narrowed to those of
        ``--accounts FILE`` when it is given, then by ``--only`` and ``--skip``."""
        from euare.call.accounts import chosen

        if self.accounts_file is not None:
            wanted = {a.id for a in self._listed_in_file(call)}
            accounts = [a for a in accounts if a.id in wanted]
        return chosen(accounts, self.only, self.skip)

    def _listed_in_file(self, call: Call) -> list[Account]:
        """The accounts of ``--accounts FILE``; one that cannot be read is a usage error."""
        from euare.call.accounts import parse_list
        from euare.core.errors import EuareError
        from euare.core.inputs import read_named

        assert self.accounts_file is not None
        try:
            text, origin = read_named(self.accounts_file, "account list", call.stdin)
        except EuareError as exc:
            raise UsageError(exc.message) from None
        return parse_list(text, origin)


def _given(values: dict[str, Any]) -> Org | None:
    """The :class:`Org` of the verb's ``values`` (its options taken out of them), or None
    without ``--org``; an option of the group given without it is refused (before anything
    is sent), also ``--org-role`` or ``--org-jobs`` typed with its default value. The verb's
    own ``verbose`` (its ``-v``, if it has one) is left in ``values``, and noted."""
    org = values.pop("org")
    taken = {name: values.pop(name) for name in NAMES[1:]}
    if not org:
        for name, flag in FLAGS.items():
            if _typed(name):
                raise UsageError(f"{flag} is for --org: give --org too")
        return None
    return Org(
        taken["accounts_file"],
        taken["only"],
        taken["skip"],
        taken["org_role"],
        taken["org_jobs"],
        verbose=bool(values.get("verbose")),
    )


def _typed(name: str) -> bool:
    """Whether option ``name`` was typed on the command line (click says where each value came
    from: a default is a value too)."""
    ctx = click.get_current_context()
    return ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE


def _role(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from euare.call.accounts import ROLE_NAME

    if not ROLE_NAME.match(value):
        raise click.BadParameter(f"{value!r} is not a role name", ctx, param)
    return value


def org_options(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--org`` group for a verb that does ``what`` ("take a snapshot"); the verb is
    given ``org`` (an :class:`Org`, or None) in place of the group's six options."""
    from euare.call.accounts import DEFAULT_ROLE

    decorators: list[Decorator] = [
        option(
            "--org",
            is_flag=True,
            help=f"{what} in every ACTIVE account of the AWS Organization (or of --accounts), "
            "entering each through --org-role; lines and records say which account "
            "(docs/organizations.md)",
        ),
        option(
            "--accounts",
            "accounts_file",
            metavar="FILE",
            type=InputFile("account list"),
            help="with --org: the accounts of FILE (one 12-digit ID a line, optionally followed "
            "by its name; # comments), instead of asking Organizations; where a directory's "
            "snapshots give the accounts, only those of FILE among them",
        ),
        option(
            "--only",
            multiple=True,
            metavar="ACCOUNT",
            help="with --org: only the accounts of this ID or name glob (repeatable)",
        ),
        option(
            "--skip",
            multiple=True,
            metavar="ACCOUNT",
            help="with --org: not the accounts of this ID or name glob (repeatable)",
        ),
        option(
            "--org-role",
            default=DEFAULT_ROLE,
            show_default=True,
            metavar="NAME",
            callback=_role,
            help="with --org: the role assumed in each account (not in the caller's own)",
        ),
        option(
            "--org-jobs",
            type=click.IntRange(1, MAX_ORG_JOBS),
            default=DEFAULT_ORG_JOBS,
            show_default=True,
            metavar="N",
            help="with --org: how many accounts to work in at once (each under its own --jobs)",
        ),
    ]

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def with_org(call: Call, **values: Any) -> Any:
            return fn(call, org=_given(values), **values)

        return apply_all(decorators)(with_org)

    return decorate
