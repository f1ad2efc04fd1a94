"""The account's principals and their policies, as the policy evaluator takes them: read from one
GetAccountAuthorizationDetails sub-request (users with their inline policies, attachments and
groups; groups; roles with their trust policies and boundaries; customer managed policies),
users' boundaries from the model's state, and AWS managed policies' documents asked once each.
The gate (:mod:`auth`) and the simulator (:mod:`simulate`) share one reading per generation of
the account: a request that may change something makes the next one read it again."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import unquote

from euare.policy.evaluate import Policy
from euare.sandbox.model.context import Context
from euare.sandbox.model.wire import Call, each, no_such_entity, text

FILTERS = ("User", "Role", "Group", "LocalManagedPolicy")


@dataclass
class Principal:
    """A user, group or role, with what IAM evaluates for it."""

    kind: str  # "user" | "group" | "role"
    name: str
    arn: str
    id: str
    path: str
    inline: list[tuple[str, str]] = field(default_factory=list)  # (policy name, document)
    attached: list[str] = field(default_factory=list)  # managed policy ARNs
    groups: list[str] = field(default_factory=list)  # a user's groups
    boundary: str | None = None  # a boundary policy's ARN
    trust: str | None = None  # a role's trust policy
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class Directory:
    """One reading of the account."""

    users: dict[str, Principal]
    groups: dict[str, Principal]
    roles: dict[str, Principal]
    documents: dict[str, str]  # managed policy ARN -> its default version's document

    def by_arn(self, arn: str) -> Principal:
        """The user, group or role ``arn`` names; NoSuchEntity as IAM's simulator says it."""
        for table in (self.users, self.groups, self.roles):
            for principal in table.values():
                if principal.arn == arn:
                    return principal
        kind = arn.split(":", 5)[-1].split("/", 1)[0]
        name = arn.rsplit("/", 1)[-1]
        raise no_such_entity(f"The {kind} with name {name} cannot be found.")


def _document(value: str | None) -> str:
    return unquote(value or "")


def _principal(kind: str, member: ET.Element, ns_name: str) -> Principal:
    found = Principal(
        kind,
        text(member, f"{ns_name}Name") or "",
        text(member, "Arn") or "",
        text(member, f"{ns_name}Id") or "",
        text(member, "Path") or "/",
    )
    for policy in each(member, f"{ns_name}PolicyList"):
        found.inline.append(
            (text(policy, "PolicyName") or "", _document(text(policy, "PolicyDocument")))
        )
    found.attached = [text(a, "PolicyArn") or "" for a in each(member, "AttachedManagedPolicies")]
    found.tags = {text(t, "Key") or "": text(t, "Value") or "" for t in each(member, "Tags")}
    return found


def read(context: Context, call: Call) -> Directory:
    """The account as it is now (see the module's docstring)."""
    params = {f"Filter.member.{i}": name for i, name in enumerate(FILTERS, 1)}
    root = context.ask(call, "GetAccountAuthorizationDetails", **params)
    result = next(node for node in root if node.tag.endswith("Result"))
    users, groups, roles, documents = {}, {}, {}, {}
    for member in each(result, "UserDetailList"):
        user = _principal("user", member, "User")
        user.groups = [g.text or "" for g in each(member, "GroupList")]
        with context.store.lock:
            user.boundary = context.store.boundaries.get(user.name)
        users[user.name] = user
    for member in each(result, "GroupDetailList"):
        group = _principal("group", member, "Group")
        groups[group.name] = group
    for member in each(result, "RoleDetailList"):
        role = _principal("role", member, "Role")
        role.trust = _document(text(member, "AssumeRolePolicyDocument"))
        role.boundary = text(member, "PermissionsBoundary", "PermissionsBoundaryArn") or None
        roles[role.name] = role
    for member in each(result, "Policies"):
        default = text(member, "DefaultVersionId")
        for version in each(member, "PolicyVersionList"):
            if text(version, "VersionId") == default:
                documents[text(member, "Arn") or ""] = _document(text(version, "Document"))
    return Directory(users, groups, roles, documents)


class Reader:
    """The directory of the account's current generation, read once per generation; AWS
    managed policies' documents, which never change, read once."""

    def __init__(self) -> None:
        self.generation = -1
        self.directory: Directory | None = None
        self.aws_documents: dict[str, str] = {}

    def __call__(self, context: Context, call: Call) -> Directory:
        generation = context.generation
        directory = self.directory
        if directory is None or generation != self.generation:
            directory = read(context, call)
            self.directory, self.generation = directory, generation
        return directory

    def document(self, context: Context, call: Call, directory: Directory, arn: str) -> str | None:
        """The default version's document of managed policy ``arn`` (None: no such policy)."""
        if arn in directory.documents:
            return directory.documents[arn]
        if arn not in self.aws_documents:
            answer = context.request(call, "GetPolicy", PolicyArn=arn)
            if not answer.ok:
                return None
            version = text(answer.root, "GetPolicyResult", "Policy", "DefaultVersionId") or "v1"
            got = context.ask(call, "GetPolicyVersion", PolicyArn=arn, VersionId=version)
            document = text(got, "GetPolicyVersionResult", "PolicyVersion", "Document")
            self.aws_documents[arn] = _document(document)
        return self.aws_documents[arn]

    def policies(self, context: Context, call: Call, principal: Principal) -> list[Policy]:
        """Every identity-based policy that applies to ``principal``: its own inline and
        attached policies and, for a user, its groups', as the simulator names them."""
        directory = self(context, call)
        owners = [principal]
        if principal.kind == "user":
            owners += [directory.groups[g] for g in principal.groups if g in directory.groups]
        found: list[Policy] = []
        for owner in owners:
            for name, document in owner.inline:
                found.append(Policy(f"{owner.kind}_{owner.name}_{name}", owner.kind, document))
            for arn in owner.attached:
                held = self.document(context, call, directory, arn)
                if held is not None:
                    found.append(Policy(arn, managed_type(arn), held))
        return found

    def boundary(self, context: Context, call: Call, principal: Principal) -> list[Policy]:
        """``principal``'s permissions boundary as a policy list (empty: none)."""
        if not principal.boundary:
            return []
        directory = self(context, call)
        document = self.document(context, call, directory, principal.boundary)
        if document is None:
            return []
        return [Policy(principal.boundary, managed_type(principal.boundary), document)]


def managed_type(arn: str) -> str:
    """IAM's SourcePolicyType of a managed policy."""
    return "aws-managed" if ":iam::aws:policy/" in arn else "user-managed"


def reader(context: Context) -> Reader:
    """The context's one Reader (the gate's and the simulator's)."""
    found = context.cache.get("directory")
    if not isinstance(found, Reader):
        found = context.cache["directory"] = Reader()
    return found


def caller_name(context: Context, call: Call) -> str:
    """The name of the IAM user who signed ``call`` (for the calls on one's own credentials
    made without a UserName), as moto's GetCallerIdentity gives it; NoSuchEntity when the
    caller is no user of the account."""
    root = context.ask(call, "GetCallerIdentity", service="sts")
    arn = text(root, "GetCallerIdentityResult", "Arn") or ""
    if ":iam::" not in arn or ":user/" not in arn:
        raise no_such_entity("The caller is not an IAM user: name the user (UserName).")
    return arn.rsplit("/", 1)[-1]
