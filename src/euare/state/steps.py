"""The steps of a plan (euare.state.plan), kind by kind: each entity added, changed or removed in
the comparison of the account with the desired state becomes the euare commands, and the IAM
calls, that make it so (docs/apply.md, "What it manages").

Every step is made by :meth:`Steps.add`, given the command line and the call together, so the
dry run's script and the apply cannot say different things. What no step can change is noted
instead: credentials (access keys, passwords, MFA devices, certificates: reported, never
applied), entities not in the desired state (kept without ``--prune``), and what IAM cannot
change in place (a role's path, a managed policy's path or description).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from euare.state.diff import ADDED, CHANGED, REMOVED, Change, Entity
from euare.state.plan import (
    ATTACH,
    CREATE,
    DELETE,
    DELETE_POLICIES,
    DETACH,
    ENTITIES,
    POLICIES,
    POLICYDEL,
    REMOVE,
    USERDEL,
    VERSION,
    Note,
    Plan,
    Step,
    tag_words,
    text_of,
    words,
)

CREDENTIALS = frozenset({"AccessKeys", "MFADevices", "LoginProfile"})
# Fields that follow from others (an ARN from the path and name; a SAML provider's ValidUntil
# from its metadata) and are never sent.
DERIVED = frozenset({"Arn", "ValidUntil", "IsAttachable"})
# Fields some step makes as DESIRED has them (the others are reported, not applied).
MANAGED = frozenset(
    {"Path", "Tags", "PermissionsBoundary", "GroupList", "AttachedManagedPolicies"}
    | {"UserPolicyList", "GroupPolicyList", "RolePolicyList", "Roles"}
    | {"Description", "MaxSessionDuration", "AssumeRolePolicyDocument", "Document"}
    | {"ClientIDList", "ThumbprintList", "SAMLMetadataDocument"}
)
# Fields IAM cannot change once the entity exists.
FIXED = {"Roles": ("Path",), "InstanceProfiles": ("Path",), "Policies": ("Path", "Description")}
# Per kind: the verb prefix of its commands, what IAM calls it in operations, the parameter that
# names it, and whether its commands take its ARN.
OWNERS = {
    "Users": ("user", "User", "UserName"),
    "Groups": ("group", "Group", "GroupName"),
    "Roles": ("role", "Role", "RoleName"),
    "InstanceProfiles": ("instanceprofile", "InstanceProfile", "InstanceProfileName"),
    "Policies": ("policy", "Policy", "PolicyArn"),
    "OpenIDConnectProviders": ("oidcprovider", "OpenIDConnectProvider", "OpenIDConnectProviderArn"),
    "SAMLProviders": ("samlprovider", "SAMLProvider", "SAMLProviderArn"),
    "ServerCertificates": ("servercert", "ServerCertificate", "ServerCertificateName"),
}


class Steps:
    """Builds ``plan``'s steps; ``arns`` gives the ARN of an entity by kind and name, on the
    side that has it (the account's, else the desired one's as it will be made)."""

    def __init__(
        self,
        plan: Plan,
        live: Mapping[str, Any],
        prune: bool,
        arns: Mapping[tuple[str, str], str],
        pinned: Mapping[str, set[str]] | None = None,
    ) -> None:
        self.plan, self.live, self.prune, self.arns = plan, live, prune, arns
        self.pinned = pinned or {}
        self.seen: set[tuple[str, str]] = set()

    def add(
        self,
        phase: int,
        entity: tuple[str, str],
        says: str,
        operation: str,
        params: Mapping[str, Any],
        argv: Iterable[str],
        how: str = "call",
        *,
        stdin: str | None = None,
    ) -> None:
        """One step of ``entity`` (its kind's label, its name): its lane. A step already made
        (the same call: a membership both a user and a pruned group take away) is made once."""
        import json

        key = (operation, json.dumps(params, sort_keys=True, default=str))
        if key in self.seen:
            return
        self.seen.add(key)
        kind, name = entity
        argv = tuple(argv)
        argv = (f"euare-{argv[0]}", *argv[1:])
        self.plan.steps.append(
            Step(
                phase, f"{kind} {name}", kind, name, says, operation, dict(params), argv, stdin, how
            )
        )

    def note(self, notes: list[Note], entity: Entity, what: str) -> None:
        notes.append(Note(entity.kind.label, entity.name, what))

    def owner(self, entity: Entity) -> tuple[str, str, dict[str, str], str]:
        """(command prefix, operation noun, {parameter: value} naming it, how commands name it)."""
        prefix, noun, param = OWNERS[entity.kind.key]
        value = self.arns[(entity.kind.key, entity.name)] if param.endswith("Arn") else entity.name
        return prefix, noun, {param: value}, value

    # --- an entity -------------------------------------------------------------------------------

    def entity(self, entity: Entity) -> None:
        key = entity.kind.key
        if key in ("VirtualMFADevices",):
            self.note(self.plan.held, entity, "a virtual MFA device is a credential: not applied")
            return
        if entity.sign == REMOVED:
            self.removed(entity)
            return
        if key == "ServerCertificates" and entity.sign == ADDED:
            self.note(self.plan.held, entity, "a certificate is a credential: never created")
            return
        if entity.sign == ADDED:
            self.create(entity)
        changes = [c for c in entity.changes if c.field not in DERIVED]
        if entity.sign == CHANGED:
            fixed = [c.field for c in changes if c.field in FIXED.get(key, ())]
            for name in sorted(set(fixed)):
                self.note(
                    self.plan.held,
                    entity,
                    f"{name} cannot be changed in place (IAM has no call for it): delete the "
                    f"{entity.kind.label} and apply again",
                )
            changes = [c for c in changes if c.field not in fixed]
        self.changes(entity, changes, made=entity.sign == ADDED)

    def changes(self, entity: Entity, changes: list[Change], made: bool) -> None:
        """The steps of ``changes`` (for an entity just made: what its create did not set)."""
        key, record = entity.kind.key, entity.record
        fields = {c.field for c in changes}
        credentials = sorted(fields & CREDENTIALS)
        if credentials:
            self.note(
                self.plan.held,
                entity,
                f"{', '.join(credentials)}: credentials are not state; reported, not applied",
            )
        unknown = sorted(fields - MANAGED - CREDENTIALS)
        if unknown and key != "ServerCertificates":
            self.note(
                self.plan.held, entity, f"{', '.join(unknown)}: not managed; reported, not applied"
            )
        tags = [c for c in changes if c.field == "Tags"]
        for change in changes:
            if change.field == "Path" and key in ("Users", "Groups") and not made:
                prefix, noun, named, shown = self.owner(entity)
                path = record.get("Path") or "/"
                self.add(
                    ENTITIES,
                    (entity.kind.label, entity.name),
                    f"move {entity.kind.label} {entity.name} to path {path}",
                    f"Update{noun}",
                    {**named, "NewPath": path},
                    [f"{prefix}mod", shown, "-p", path],
                )
        if tags and not made:  # after a move: the tags are the entity's wherever it is
            self.tags(entity, tags)
        if key == "Roles" and not made:
            if fields & {"Description", "MaxSessionDuration"}:
                self.role_settings(entity)
            if "AssumeRolePolicyDocument" in fields:
                self.trust(entity)
        if (
            key == "Roles"
            and made
            and (record.get("MaxSessionDuration") or 3600, record.get("Description"))
            != (3600, None)
        ):
            self.role_settings(entity)
        if "PermissionsBoundary" in fields and not made:
            self.boundary(entity)
        if key == "Policies" and "Document" in fields and not made:
            self.version(entity)
        for change in changes:
            self.item(entity, change, made)
        if key == "OpenIDConnectProviders" and "ThumbprintList" in fields and not made:
            _, _, named, shown = self.owner(entity)
            prints = list(record.get("ThumbprintList") or [])
            self.add(
                ENTITIES,
                (entity.kind.label, entity.name),
                f"set the thumbprints of {entity.kind.label} {entity.name}",
                "UpdateOpenIDConnectProviderThumbprint",
                {**named, "ThumbprintList": prints},
                ["oidcproviderchangethumbprint", shown, *words("-t", prints)],
            )
        if key == "SAMLProviders" and "SAMLMetadataDocument" in fields and not made:
            _, _, named, shown = self.owner(entity)
            metadata = str(record.get("SAMLMetadataDocument") or "")
            self.add(
                ENTITIES,
                (entity.kind.label, entity.name),
                f"give {entity.kind.label} {entity.name} new metadata",
                "UpdateSAMLProvider",
                {**named, "SAMLMetadataDocument": metadata},
                ["samlprovidermod", shown, "-f", "-"],
                stdin=metadata,
            )
        if key == "ServerCertificates":
            other = sorted(fields - {"Tags"} - CREDENTIALS)
            if other:
                self.note(
                    self.plan.held,
                    entity,
                    f"{', '.join(other)}: a certificate is a credential; reported, not applied",
                )

    def item(self, entity: Entity, change: Change, made: bool) -> None:
        """A membership, an inline policy, an attachment, an instance profile's role, a client
        ID: given (phase ATTACH) or taken away (DETACH)."""
        from euare.state.relations import relation

        found = relation(entity, change, made, self.arns.get((entity.kind.key, entity.name), ""))
        if found is not None:
            self.add(*found)

    # --- fields --------------------------------------------------------------------------------

    def tags(self, entity: Entity, changes: list[Change]) -> None:
        prefix, noun, named, shown = self.owner(entity)
        wanted = {str(t["Key"]): t for t in entity.record.get("Tags") or []}
        put = sorted({c.item for c in changes if c.sign != REMOVED and c.item in wanted})
        gone = sorted(
            {c.item for c in changes if c.sign == REMOVED and c.member is None and c.item}
        )
        where = (entity.kind.label, entity.name)
        if put:
            tags = [{"Key": k, "Value": wanted[k].get("Value", "")} for k in put]
            self.add(
                ENTITIES,
                where,
                f"tag {entity.kind.label} {entity.name}: {', '.join(put)}",
                f"Tag{noun}",
                {**named, "Tags": tags},
                [f"{prefix}tag", shown, *tag_words(tags, "-t")],
            )
        if gone:
            self.add(
                ENTITIES,
                where,
                f"untag {entity.kind.label} {entity.name}: {', '.join(gone)}",
                f"Untag{noun}",
                {**named, "TagKeys": gone},
                [f"{prefix}untag", shown, *words("-k", gone)],
            )

    def role_settings(self, entity: Entity) -> None:
        record = entity.record
        description = str(record.get("Description") or "")
        duration = int(record.get("MaxSessionDuration") or 3600)
        self.add(
            ENTITIES,
            ("role", entity.name),
            f"set the description and session length of role {entity.name}",
            "UpdateRole",
            {"RoleName": entity.name, "Description": description, "MaxSessionDuration": duration},
            [
                "rolemod",
                entity.name,
                "--description",
                description,
                "--max-session-duration",
                str(duration),
            ],
        )

    def trust(self, entity: Entity) -> None:
        document = text_of(entity.record.get("AssumeRolePolicyDocument"))
        self.add(
            ENTITIES,
            ("role", entity.name),
            f"set the trust policy of role {entity.name}",
            "UpdateAssumeRolePolicy",
            {"RoleName": entity.name, "PolicyDocument": document},
            ["roleupdateassumepolicy", entity.name, "-f", "-"],
            stdin=document + "\n",
        )

    def boundary(self, entity: Entity) -> None:
        prefix, noun, named, shown = self.owner(entity)
        wanted = (entity.record.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        where = (entity.kind.label, entity.name)
        if wanted:
            self.add(
                ATTACH,
                where,
                f"give {entity.kind.label} {entity.name} the boundary {wanted}",
                f"Put{noun}PermissionsBoundary",
                {**named, "PermissionsBoundary": wanted},
                [f"{prefix}setboundary", shown, "-p", wanted],
            )
        else:
            self.add(
                DETACH,
                where,
                f"take the boundary of {entity.kind.label} {entity.name} away",
                f"Delete{noun}PermissionsBoundary",
                named,
                [f"{prefix}delboundary", shown],
                how=REMOVE,
            )

    def version(self, entity: Entity) -> None:
        arn = self.arns[("Policies", entity.name)]
        document = text_of(entity.record.get("Document"))
        self.add(
            POLICIES,
            ("managed policy", entity.name),
            f"give managed policy {entity.name} a new default version",
            "CreatePolicyVersion",
            {"PolicyArn": arn, "PolicyDocument": document, "SetAsDefault": True},
            ["policycreateversion", arn, "-o", document, "--set-as-default", "--prune"],
            how=VERSION,
        )

    # --- making and deleting -------------------------------------------------------------------

    def create(self, entity: Entity) -> None:
        """The create of ``entity``, with its tags and boundary, as its command gives them."""
        from euare.state.creates import create

        made = create(entity)
        if made is None:
            return
        phase, operation, params, argv, stdin = made
        self.add(
            phase,
            (entity.kind.label, entity.name),
            f"create {entity.kind.label} {entity.name}",
            operation,
            params,
            argv,
            how=CREATE,
            stdin=stdin,
        )

    def removed(self, entity: Entity) -> None:
        """An entity the desired state lacks: deleted with --prune (what holds it taken away
        first: see euare.state.relations), else kept."""
        key = entity.kind.key
        if key == "ServerCertificates":
            self.note(self.plan.kept, entity, "not in DESIRED, kept (certificates are credentials)")
            return
        if not self.prune:
            self.note(self.plan.kept, entity, "not in DESIRED, kept (--prune deletes it)")
            return
        held = self.arns.get((key, entity.name), entity.name) if key == "Policies" else entity.name
        if held in self.pinned.get(key, ()):
            why = "what is never touched (AWS's, CloudFormation's, --ignore'd) holds it"
            self.note(self.plan.kept, entity, f"not in DESIRED, kept: {why}")
            return
        from euare.state.relations import holders

        for found in holders(entity, self.live, self.arns.get((key, entity.name))):
            self.add(*found)
        prefix, noun, named, shown = self.owner(entity)
        where = (entity.kind.label, entity.name)
        says = f"delete {entity.kind.label} {entity.name}"
        if key == "Users":
            self.add(
                DELETE, where, says, "DeleteUser", named, ["userdel", "-r", shown], how=USERDEL
            )
        elif key == "Policies":
            self.add(
                DELETE_POLICIES,
                where,
                says,
                "DeletePolicy",
                named,
                ["policydel", "-r", shown],
                how=POLICYDEL,
            )
        else:
            self.add(
                DELETE, where, says, f"Delete{noun}", named, [f"{prefix}del", shown], how=REMOVE
            )
