"""Parameters: options and positionals that carry the IAM parameter they are sent as, and the
options and positionals that several verbs share, declared once."""

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
from euare.cli.documents import DEFAULT_FAIL_ON as DEFAULT_FAIL_ON
from euare.cli.documents import DOCUMENT_CHOICE as DOCUMENT_CHOICE
from euare.cli.documents import actions as actions
from euare.cli.documents import document_options as document_options
from euare.cli.documents import fail_on as fail_on
from euare.cli.documents import lint_options as lint_options
from euare.cli.documents import policy_builder as policy_builder
from euare.cli.documents import policy_document as policy_document
from euare.cli.documents import policy_name as policy_name
from euare.cli.outputs import OutputFile
from euare.cli.paramtypes import FILE as FILE
from euare.cli.paramtypes import TEXT as TEXT
from euare.cli.paramtypes import AccountArn
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


def names(kind: str) -> Completer:
    """A ``shell_complete=`` callback: the names of the account's ``kind`` (user, group, role,
    instance profile, policy) that start with what is typed. Nothing is imported, and nothing
    asked of the endpoint, until a shell's completion calls it (see euare.cli.completion)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        from euare.cli.names import names

        return names(ctx, kind, incomplete)

    return complete


USERS, GROUPS, ROLES = names("user"), names("group"), names("role")
INSTANCE_PROFILES, POLICIES = names("instance profile"), names("policy")


def user(required: bool = True, api: str | None = "UserName", new: bool = False) -> Decorator:
    """USER (``new``: the name of a user to create, which a shell does not complete)."""
    doc = "name of the user" + ("" if required else " (default: the caller)")
    complete = None if new else USERS
    return positional("USER", api, doc, "-u", "--user-name", required=required, complete=complete)


def role(new: bool = False) -> Decorator:
    complete = None if new else ROLES
    return positional(
        "ROLE", "RoleName", "name of the role", "-r", "--role-name", complete=complete
    )


def owner(thing: str) -> Decorator:
    """``-u USER``: a real option (not the dummy) naming whose ``thing`` a verb acts on."""
    return option(
        "-u",
        "--user-name",
        api="UserName",
        metavar="USER",
        help=f"user the {thing} belongs to (default: the caller)",
        shell_complete=USERS,
    )


def group(new: bool = False) -> Decorator:
    complete = None if new else GROUPS
    return positional(
        "GROUP", "GroupName", "name of the group", "-g", "--group-name", complete=complete
    )


POLICY_GIVEN = "the policy's ARN, or the name of one of the account's own policies (/PATH/NAME)"


def policy_arn(
    *decls: str, name: str = "policy", api: str | None = "PolicyArn", **kwargs: Any
) -> Decorator:
    """A managed policy named by ARN (AWS's own policies) or by name (/PATH/NAME: the caller's
    account's), made an ARN when the verb runs (:class:`PolicyArn`): the attach verbs' ``-p``,
    the boundary verbs' ``-p`` and the create verbs' ``--boundary``."""
    kwargs.setdefault("help", POLICY_GIVEN)
    return option(
        *decls,
        name,
        api=api,
        type=PolicyArn(),
        metavar="POLICY",
        shell_complete=POLICIES,
        **kwargs,
    )


def profile(new: bool = False) -> Decorator:
    """IPROFILE (``new``: the name of a profile to create, which a shell does not complete)."""
    return positional(
        "IPROFILE",
        "InstanceProfileName",
        "name of the instance profile",
        "-s",
        "--instance-profile-name",
        complete=None if new else INSTANCE_PROFILES,
    )


def the_policy(as_arn: Late | None = None) -> Decorator:
    """POLICY, sent as PolicyArn: by default made an ARN (params.PolicyArn) when the verb runs;
    ``the_policy(None)`` leaves it as given, for a verb that names it as given in messages."""
    kind = PolicyArn() if as_arn is None else as_arn
    return positional(
        "POLICY",
        "PolicyArn",
        POLICY_GIVEN,
        "--policy-name",
        "--policy-arn",
        type=kind,
        complete=POLICIES,
    )


def the_given_policy() -> Decorator:
    return positional(
        "POLICY", None, POLICY_GIVEN, "--policy-name", "--policy-arn", complete=POLICIES
    )


def oidc_provider() -> Decorator:
    return positional("OIDC", "OpenIDConnectProviderArn", "ARN of the OIDC provider")


def saml_provider() -> Decorator:
    return positional(
        "SAML",
        "SAMLProviderArn",
        "ARN of the SAML provider, or its name (in the caller's account)",
        type=AccountArn("saml-provider"),
    )


def server_cert() -> Decorator:
    return positional(
        "CERT",
        "ServerCertificateName",
        "name of the server certificate",
        "-s",
        "--server-certificate-name",
    )


def path(help: str = "path for the new entity (default: /)") -> Decorator:
    return option("-p", "--path", api="Path", metavar="PATH", help=help)


def path_prefix(what: str, api: str | None = "PathPrefix") -> Decorator:
    return option(
        "-p",
        "--path-prefix",
        api=api,
        metavar="PREFIX",
        help=f"list only {what} whose path starts with PREFIX",
    )


def verbose(help: str = "print the new entity's ARN and ID") -> Decorator:
    return option("-v", "--verbose", is_flag=True, help=help)


def tags(*flags: str, required: bool = False, help: str = "") -> Decorator:
    """``--tag KEY=VALUE`` (repeatable; ``flags`` instead: e.g. -t/--tag), sent as Tags and
    checked against IAM's limits before anything is sent (params.Tag, params.tag_set)."""
    return option(
        *(flags or ("--tag",)),
        "tags",
        api="Tags",
        metavar="KEY=VALUE",
        multiple=True,
        required=required,
        type=Tag(),
        callback=tag_set,
        help=help or "tag the new entity with KEY=VALUE (repeatable; the value may be empty)",
    )


def tag_keys() -> Decorator:
    """``-k KEY`` (repeatable, required), sent as TagKeys, checked like :func:`tags`' keys."""
    return option(
        "-k",
        "--key",
        "keys",
        api="TagKeys",
        metavar="KEY",
        multiple=True,
        required=True,
        type=Tag(key_only=True),
        callback=tag_set,
        help="key of a tag to remove (repeatable)",
    )


STATUS = IamChoice(["Active", "Inactive"])


def status(thing: str) -> Decorator:
    """``-s/--status Active|Inactive`` (required), sent as Status: a key's, a certificate's..."""
    return option(
        "-s",
        "--status",
        api="Status",
        required=True,
        type=STATUS,
        help=f"the {thing}'s new status",
    )


# --jobs (euare.call.fanout runs the pool): a small one, since IAM throttles an account's calls long
# before more would pay off, and botocore keeps 10 connections per endpoint (a thread beyond
# them would open a new one for each call). Changes go 4 at a time; an audit, which only reads,
# asks about 8 users at a time (the Throttling gate holds every thread back if IAM objects).
DEFAULT_JOBS = 4
READ_JOBS = 8
MAX_JOBS = 10


def jobs(help: str, default: int = DEFAULT_JOBS) -> Decorator:
    """``--jobs N``: how many calls a verb makes at once (1: one after another); see
    euare.call.fanout for the pool, its order and its backing off under throttling."""
    return option(
        "--jobs",
        type=click.IntRange(1, MAX_JOBS),
        default=default,
        show_default=True,
        metavar="N",
        help=help,
    )


def recursive_delete(
    what: str,
    flag: str = "-r",
    removes: str | None = None,
    lists: str | None = None,
) -> Decorator:
    """``-r``/``--recursive`` (``flag``: euca2ools' roledel says -c), ``-p``/``--pretend`` and
    ``--jobs``, for a verb that deletes through euare.ops.deletion.delete_recursively.
    ``removes`` and ``lists`` replace the help of -r and -p."""
    return apply_all(
        [
            option(
                flag,
                "--recursive",
                is_flag=True,
                help=removes
                or f"first remove everything that would keep the {what} from being deleted",
            ),
            option(
                "-p",
                "--pretend",
                is_flag=True,
                help=lists or f"list what {flag} would remove, and change nothing",
            ),
            jobs(
                f"how many calls {flag} and -p make at once (1: one after another); an item's "
                f"own steps still run in order, and the {what} is deleted after them all"
            ),
        ]
    )


def iamrc_out() -> Decorator:
    """``--iamrc-out FILE``: the new key written to FILE as a ready .iamrc, not printed."""
    return option(
        "--iamrc-out",
        type=OutputFile(secret=True, instead="give -w to print the key as a ready .iamrc"),
        metavar="FILE",
        help="write the new key to FILE as a ready .iamrc (0600, atomically; not over an "
        "existing file unless --force) and print only its ID",
    )


FORCE_IAMRC = option("--force", is_flag=True, help="replace an existing --iamrc-out file")
