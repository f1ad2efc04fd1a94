"""Versions of a managed policy: print one, list them, create one (pruning the oldest when IAM's
limit of five is reached), make one the default, delete one. A policy is given as the other
managed-policy verbs take it (see :mod:`euare.verbs.managed_policies`)."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from euare.call.arns import policy_arn
from euare.call.context import Call
from euare.cli import params as o
from euare.cli.params import Decorator, option
from euare.cli.rules import refuse
from euare.cli.verb import api_verb, list_verb, verb
from euare.core.render import Record, Result, as_text
from euare.ops.policy_versions import create_version
from euare.policy import documents

# --- versions ------------------------------------------------------------------------------------


def _version_id(help: str, required: bool) -> Decorator:
    return option("--version-id", api="VersionId", metavar="VERSION", required=required, help=help)


@verb(
    "policygetversion",
    "Print a version of a managed policy's document (default: the version in force).",
    sends="GetPolicyVersion",
)
@o.the_given_policy()
@_version_id("the version to print, e.g. v2 (default: the policy's default version)", False)
@option("--pretty-print", is_flag=True, help="indent the policy document")
def policygetversion(
    call: Call, *, policy: str, version_id: str | None, pretty_print: bool
) -> Result:
    """Its record is IAM's PolicyVersion, whole; the text is its document as IAM stores it."""
    arn = policy_arn(call, policy)
    refuse("POLICY", arn, "GetPolicyVersion", "PolicyArn")
    version_id = (
        version_id or call.request("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"]
    )
    found = call.request("GetPolicyVersion", PolicyArn=arn, VersionId=version_id)["PolicyVersion"]
    text = functools.partial(version_lines, policy=policy, pretty_print=pretty_print)
    return Result([found], text, one=True)


def version_lines(
    records: list[Record], *, policy: str = "", pretty_print: bool = False
) -> Iterable[str]:
    """policygetversion's text: each version's document as IAM stores it (``pretty_print``:
    re-indented, ``policy`` naming it in an error)."""
    for r in records:
        document = documents.decode(r["Document"])
        yield documents.pretty(document, policy) if pretty_print else document


def _version_lines(records: list[Record]) -> Iterable[str]:
    for r in records:
        default = "true" if r["IsDefaultVersion"] else "false"
        yield f"{r['VersionId']}\t{default}\t{as_text(r['CreateDate'])}"


list_verb(
    "policylistversions",
    "ListPolicyVersions",
    "List a managed policy's versions, one a line: the version ID, whether it is the default "
    "(true or false) and when it was created, separated by tabs.",
    o.the_policy(),
    text=_version_lines,
    examples=("s3-backups",),
)


@verb(
    "policycreateversion",
    f"Give a managed policy a new version of its document and print the new version's ID. A "
    f"policy has at most {documents.MAX_VERSIONS} versions: with --prune the oldest non-default "
    "version "
    f"is deleted first when it has that many.",
    exclusive=[o.DOCUMENT_CHOICE],
    text=lambda rs: [r["VersionId"] for r in rs],
    examples=("s3-backups -f s3-backups-v2.json --set-as-default --prune",),
    sends="CreatePolicyVersion",
)
@o.the_given_policy()
@o.apply_all(o.document_options("PolicyDocument", file_first=True))
@option("--set-as-default", is_flag=True, help="make the new version the one in force")
@option(
    "--prune",
    is_flag=True,
    help=f"if the policy already has {documents.MAX_VERSIONS} versions, delete the oldest "
    "non-default one",
)
def policycreateversion(
    call: Call,
    *,
    policy: str,
    policy_document: str | None,
    policy_content: str | None,
    set_as_default: bool,
    prune: bool,
) -> Result:
    document = str(policy_content or policy_document)  # read and checked: params.Document
    arn = policy_arn(call, policy)
    refuse("POLICY", arn, "CreatePolicyVersion", "PolicyArn")
    created = create_version(call, arn, document, default=set_as_default, prune=prune, shown=policy)
    return Result([created], one=True)


api_verb(
    "policysetdefaultversion",
    "SetDefaultPolicyVersion",
    "Make a version of a managed policy the one in force.",
    o.the_policy(),
    _version_id("the version, e.g. v2", required=True),
    examples=("s3-backups --version-id v1",),
)
api_verb(
    "policydelversion",
    "DeletePolicyVersion",
    "Delete a version of a managed policy (not its default one).",
    o.the_policy(),
    _version_id("the version, e.g. v2", required=True),
)
