"""Making a plan (euare.state.plan) from the account's snapshot and the desired one, and checking
it before anything is sent: the desired state must be of this account (or ``ignore_account``),
whatever it names must exist or be made, and every document must be one IAM takes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from euare.core.errors import UsageError
from euare.state.diff import compare
from euare.state.plan import DELETE, ENTITIES, REMOVE, Note, Plan
from euare.state.scope import Pattern, narrow
from euare.state.snapshot import KINDS, account_of
from euare.state.steps import Steps

PASSWORD_POLICY = (
    "MinimumPasswordLength",
    "RequireSymbols",
    "RequireNumbers",
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "AllowUsersToChangePassword",
    "MaxPasswordAge",
    "PasswordReusePrevention",
    "HardExpiry",
)
PASSWORD_FLAGS = {
    "MinimumPasswordLength": "--min-length",
    "RequireSymbols": "--require-symbols",
    "RequireNumbers": "--require-numbers",
    "RequireUppercaseCharacters": "--require-uppercase",
    "RequireLowercaseCharacters": "--require-lowercase",
    "AllowUsersToChangePassword": "--allow-users-to-change",
    "MaxPasswordAge": "--max-age",
    "PasswordReusePrevention": "--reuse-prevention",
    "HardExpiry": "--hard-expiry",
}

# What a record's field is when the record leaves it out (a desired state written by hand).
DEFAULTS: dict[str, dict[str, Any]] = {
    "Users": {"Path": "/", "Tags": [], "GroupList": [], "UserPolicyList": []},
    "Groups": {"Path": "/", "GroupPolicyList": []},
    "Roles": {"Path": "/", "Tags": [], "RolePolicyList": [], "MaxSessionDuration": 3600},
    "InstanceProfiles": {"Path": "/", "Roles": [], "Tags": []},
    "Policies": {"Path": "/", "Tags": []},
    "OpenIDConnectProviders": {"ClientIDList": [], "ThumbprintList": [], "Tags": []},
    "SAMLProviders": {"Tags": []},
    "ServerCertificates": {"Tags": []},
}
for _kind in ("Users", "Groups", "Roles"):
    DEFAULTS[_kind]["AttachedManagedPolicies"] = []
PASSWORD_DEFAULTS: dict[str, Any] = {"MinimumPasswordLength": 6}


def rebase(snapshot: Mapping[str, Any], account: str | None, to: str) -> dict[str, Any]:
    """``snapshot`` with account ``account`` replaced by ``to`` in every string: a state copied
    from another account, as this one would hold it."""
    from euare.state.diff import anonymous

    if not account or account == to:
        return dict(snapshot)
    return {**anonymous(snapshot, account, to=to), "Account": to}


def filled(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Every record with the fields it leaves out at their defaults (a path of ``/``...), and
    the password policy as IAM gives it back: each flag true or false, a number that is 0 (or
    absent) left out, ExpirePasswords (IAM's, from MaxPasswordAge) dropped."""
    found = dict(snapshot)
    for kind in KINDS:
        if kind.key in DEFAULTS and snapshot.get(kind.key) is not None:
            found[kind.key] = [{**DEFAULTS[kind.key], **r} for r in snapshot[kind.key] or []]
    policy = snapshot.get("PasswordPolicy")
    if isinstance(policy, Mapping):
        found["PasswordPolicy"] = {
            name: policy.get(name, PASSWORD_DEFAULTS.get(name, False))
            for name in PASSWORD_POLICY
            if name not in ("MaxPasswordAge", "PasswordReusePrevention") or policy.get(name)
        } | {k: v for k, v in policy.items() if k not in PASSWORD_POLICY and k != "ExpirePasswords"}
    return found


def build(
    live: Mapping[str, Any],
    desired: Mapping[str, Any],
    *,
    account: str,
    partition: str = "aws",
    prune: bool = False,
    ignored: Iterable[Pattern] = (),
    ignore_account: bool = False,
) -> Plan:
    """The plan that makes the account (snapshot ``live``, of ``account``) hold ``desired``."""
    theirs = desired.get("Account") or account_of(desired)
    if theirs and theirs != account and not ignore_account:
        raise UsageError(
            f"DESIRED is a snapshot of account {theirs}, not of this one ({account}): "
            "--ignore-account applies it here anyway, its account ID replaced by this one's"
        )
    wanted = filled(rebase(desired, str(theirs) if theirs else None, account))
    scope = narrow(filled(live), wanted, ignored)
    diff = compare(scope.live, scope.desired)
    plan = Plan(account)
    arns = _arns(scope.live, scope.desired, account, partition)
    steps = Steps(plan, scope.live, prune, arns, scope.pinned(live))
    for entity in diff.entities:
        steps.entity(entity)
    _settings(steps, diff.settings, scope.live, scope.desired, prune)
    for kind, name, why in scope.left_out:
        plan.untouched.append(Note(kind.label, name, f"{why}: never touched"))
    plan.steps.sort(key=lambda step: step.phase)  # stable: each phase keeps the order made
    _check_references(plan, scope.live, scope.desired, scope.names, arns, prune)
    return plan


def _arns(
    live: Mapping[str, Any], desired: Mapping[str, Any], account: str, partition: str
) -> dict[tuple[str, str], str]:
    """The ARN of every entity by (kind, name): the account's own, else as it will be made."""
    found: dict[tuple[str, str], str] = {}
    prefix = f"arn:{partition}:iam::{account}:"
    for kind in KINDS:
        for record in desired.get(kind.key) or []:
            name = str(record[kind.name])
            path = str(record.get("Path") or "/")
            if kind.key == "Policies":
                found[(kind.key, name)] = f"{prefix}policy{path}{name}"
            elif kind.key == "OpenIDConnectProviders":
                found[(kind.key, name)] = f"{prefix}oidc-provider/{name.split('://')[-1]}"
            elif kind.key == "SAMLProviders":
                found[(kind.key, name)] = f"{prefix}saml-provider/{name}"
        for record in live.get(kind.key) or []:
            if record.get("Arn"):
                found[(kind.key, str(record[kind.name]))] = str(record["Arn"])
    return found


def _settings(
    steps: Steps,
    changes: Iterable[Any],
    live: Mapping[str, Any],
    desired: Mapping[str, Any],
    prune: bool,
) -> None:
    """The account-wide settings: its alias and its password policy."""
    fields = {c.field for c in changes}
    plan = steps.plan
    if "AccountAliases" in fields:
        wanted = [str(a) for a in desired.get("AccountAliases") or []]
        had = [str(a) for a in live.get("AccountAliases") or []]
        for alias in had:
            if alias in wanted:
                continue
            if not (prune or wanted):  # replaced by another: IAM allows one alias
                plan.kept.append(Note("account alias", alias, "not in DESIRED, kept (--prune)"))
                continue
            steps.add(
                ENTITIES,
                ("account", "alias"),
                f"delete the account alias {alias}",
                "DeleteAccountAlias",
                {"AccountAlias": alias},
                ["accountaliasdelete", alias],
                how=REMOVE,
            )
        for alias in wanted:
            if alias not in had:
                steps.add(
                    ENTITIES,
                    ("account", "alias"),
                    f"create the account alias {alias}",
                    "CreateAccountAlias",
                    {"AccountAlias": alias},
                    ["accountaliascreate", alias],
                    how="create",
                )
    if "PasswordPolicy" in fields:
        policy = desired.get("PasswordPolicy")
        if policy:
            _password_policy(steps, policy)
        elif not prune:
            plan.kept.append(
                Note("account", "password policy", "not in DESIRED, kept (--prune deletes it)")
            )
        else:
            steps.add(
                DELETE,
                ("account", "password policy"),
                "delete the password policy",
                "DeleteAccountPasswordPolicy",
                {},
                ["accountdelpasswordpolicy"],
                how=REMOVE,
            )
    for name in sorted(fields - {"AccountAliases", "PasswordPolicy", "Account"}):
        plan.held.append(Note("account", name, "not managed: reported, not applied"))


def _password_policy(steps: Steps, policy: Mapping[str, Any]) -> None:
    """The whole policy, every field given: what is left out gets IAM's default."""
    params: dict[str, Any] = {}
    argv = ["accountsetpasswordpolicy"]
    for name in PASSWORD_POLICY:
        value = policy.get(name, PASSWORD_DEFAULTS.get(name))
        flag = PASSWORD_FLAGS[name]
        if name in ("MaxPasswordAge", "PasswordReusePrevention"):
            argv += [flag, str(int(value or 0))]
            if value:
                params[name] = int(value)
        elif isinstance(PASSWORD_DEFAULTS.get(name), int):
            params[name] = int(value)
            argv += [flag, str(int(value))]
        else:
            params[name] = bool(value)
            argv.append(flag if value else flag.replace("--", "--no-", 1))
    steps.add(
        ENTITIES,
        ("account", "password policy"),
        "set the password policy",
        "UpdateAccountPasswordPolicy",
        params,
        argv,
    )


def _check_references(
    plan: Plan,
    live: Mapping[str, Any],
    desired: Mapping[str, Any],
    untouched: Mapping[str, set[str]],
    arns: Mapping[tuple[str, str], str],
    prune: bool,
) -> None:
    """Refuse (exit 2, nothing sent) a desired state that names a group, role or managed
    policy of this account that will not exist once the plan has run."""

    def names(key: str, field: str) -> set[str]:
        kept = {str(r[field]) for r in live.get(key) or []} if not prune else set()
        return kept | {str(r[field]) for r in desired.get(key) or []} | untouched[key]

    groups, roles = names("Groups", "GroupName"), names("Roles", "RoleName")
    policies = {
        arns[("Policies", n)] for n in names("Policies", "PolicyName") - untouched["Policies"]
    }
    policies |= {
        str(r.get("Arn"))
        for r in live.get("Policies") or []
        if r["PolicyName"] in untouched["Policies"]
    }
    own = f":iam::{plan.account}:policy/"
    problems = []
    for user in desired.get("Users") or []:
        for group in user.get("GroupList") or []:
            if group not in groups:
                problems.append(f"user {user['UserName']} is in group {group}")
    for profile in desired.get("InstanceProfiles") or []:
        for role in profile.get("Roles") or []:
            if role not in roles:
                problems.append(
                    f"instance profile {profile['InstanceProfileName']} holds role {role}"
                )
    for key, field in (("Users", "UserName"), ("Groups", "GroupName"), ("Roles", "RoleName")):
        for record in desired.get(key) or []:
            used = [str(a.get("PolicyArn")) for a in record.get("AttachedManagedPolicies") or []]
            boundary = (record.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
            for arn in [*used, *([str(boundary)] if boundary else [])]:
                if own in arn and arn not in policies:
                    problems.append(f"{key[:-1].lower()} {record[field]} uses policy {arn}")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UsageError(
            f"DESIRED names what will not exist: {problems[0]}, which neither DESIRED nor the "
            f"account{' (without --prune)' if not prune else ''} has{more}"
        )
