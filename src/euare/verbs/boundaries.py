"""Permissions boundaries: the managed policy that caps what a user or role may be allowed.

The policy is named as the attach verbs name it (params.policy_arn): by ARN (AWS's own policies,
``arn:aws:iam::aws:policy/PowerUserAccess``), or by name or /PATH/NAME for the account's own.
``usercreate``/``rolecreate --boundary`` set one at creation, and ``usergetattributes -v`` and
``rolegetattributes -v`` show it (:func:`boundary_lines`).
"""

from __future__ import annotations

from euare.cli import params as o
from euare.cli.helpdoc import a
from euare.cli.params import Decorator
from euare.cli.verb import api_verb

BOUNDARY_HELP = "the boundary: " + o.POLICY_GIVEN


def boundary_verbs(kind: str, entity: Decorator, example: str) -> None:
    """``{kind}setboundary`` and ``{kind}delboundary`` for ``kind`` ("user" or "role")."""
    title = kind.capitalize()
    api_verb(
        f"{kind}setboundary",
        f"Put{title}PermissionsBoundary",
        f"Set (or replace) {a(kind)}'s permissions boundary, a managed policy.",
        entity,
        o.policy_arn(
            "-p", "--policy-arn", api="PermissionsBoundary", required=True, help=BOUNDARY_HELP
        ),
        examples=(
            f"{example} -p arn:aws:iam::aws:policy/PowerUserAccess",
            f"{example} -p /ops/cap",
        ),
    )
    api_verb(
        f"{kind}delboundary",
        f"Delete{title}PermissionsBoundary",
        f"Remove {a(kind)}'s permissions boundary (the policy itself stays).",
        entity,
        examples=(example,),
    )


boundary_verbs("user", o.user(), "alice")
boundary_verbs("role", o.role(), "web-server")
