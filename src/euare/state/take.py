"""Taking an account's snapshot (see euare.state.snapshot for the document, docs/snapshot.md)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

from euare.call.context import Call
from euare.core.outcome import Outcome, outcome
from euare.core.render import Record, as_text
from euare.state.snapshot import (
    FORMAT,
    account_of,
    attached,
    by,
    document,
    inline,
    pick,
    plain,
    tags,
)

T = TypeVar("T")
A = TypeVar("A")

# The fields each record keeps (IAM's own names), beyond those built here.
_USER = ("UserName", "Path", "UserId", "Arn", "CreateDate", "PermissionsBoundary")
_GROUP = ("GroupName", "Path", "GroupId", "Arn", "CreateDate")
_ROLE = (
    "RoleName",
    "Path",
    "RoleId",
    "Arn",
    "CreateDate",
    "Description",
    "MaxSessionDuration",
    "PermissionsBoundary",
)
_POLICY = (
    "PolicyName",
    "Path",
    "PolicyId",
    "Arn",
    "DefaultVersionId",
    "Description",
    "IsAttachable",
    "AttachmentCount",
    "PermissionsBoundaryUsageCount",
    "CreateDate",
    "UpdateDate",
)
_LISTED_ROLE = ("Description", "MaxSessionDuration")
_PROFILE = ("InstanceProfileName", "Path", "InstanceProfileId", "Arn", "CreateDate")
_KEY = ("AccessKeyId", "Status", "CreateDate")
_MFA = ("SerialNumber", "EnableDate")
_LOGIN = ("CreateDate", "PasswordResetRequired")
_OIDC = ("Arn", "Url", "ClientIDList", "ThumbprintList", "CreateDate")
_SAML = ("Arn", "SAMLMetadataDocument", "ValidUntil", "CreateDate")
_CERT = (
    "ServerCertificateName",
    "Path",
    "ServerCertificateId",
    "Arn",
    "UploadDate",
    "Expiration",
)
_CERT_BODY = ("CertificateBody", "CertificateChain")


# --- taking a snapshot ----------------------------------------------------------------------------


def take(call: Call, jobs: int) -> dict[str, Any]:
    """The account's snapshot through ``call``, asking about its entities ``jobs`` at a time
    (warnings, such as an API the endpoint lacks, on its stderr)."""
    from euare.call.fanout import concurrently
    from euare.core.errors import stderr_line

    client = call.client()  # made before any thread starts

    def fan(asks: Sequence[Callable[[], Any]]) -> list[Any]:
        return concurrently(asks, jobs, client)

    def warn(line: str) -> None:
        call.stderr.write(stderr_line(call.prog, f"warning: {line}") + "\n")

    return Taker(call.request, call.pages, call.responses, fan, warn).take()


class Taker:
    """Asks the account, through ``ask`` (an operation and its parameters → IAM's answer) and
    ``listing`` (an operation and the answer's list member → every item, page after page);
    ``warn`` takes a line for stderr; ``fan`` runs a list of asks, a few at a time, and gives
    their answers in order."""

    def __init__(
        self,
        ask: Callable[..., dict[str, Any]],
        listing: Callable[..., Iterable[Any]],
        pages: Callable[..., Iterable[dict[str, Any]]],
        fan: Callable[[Sequence[Callable[[], Any]]], list[Any]],
        warn: Callable[[str], None],
    ) -> None:
        self.ask, self.listing, self.pages, self.fan, self.warn = ask, listing, pages, fan, warn
        self.left_out: list[str] = []

    def optional(self, what: str, fn: Callable[[], T], absent: A) -> T | A:
        """``fn()``; ``absent`` when the entity is gone (NoSuchEntity), or when the endpoint
        lacks the API (then once a warning: ``what`` is left out)."""
        try:
            return fn()
        except Exception as exc:
            meaning = outcome(exc)
            if meaning is Outcome.GONE:
                return absent
            # The endpoint says it has no such API (an IAM-compatible cloud, an older
            # Eucalyptus): the kind is left out, with a warning, rather than failing. A page
            # that is not IAM's (a proxy's) is not taken for that: it fails.
            if meaning is Outcome.UNSUPPORTED:
                if what not in self.left_out:
                    self.left_out.append(what)
                    self.warn(f"this endpoint does not answer for {what}; they are left out")
                return absent
            raise

    def take(self, now: datetime | None = None) -> dict[str, Any]:
        moment = now or datetime.now(timezone.utc)
        details: dict[str, list[Any]] = {
            "UserDetailList": [],
            "GroupDetailList": [],
            "RoleDetailList": [],
            "Policies": [],
        }
        for page in self.pages(
            "GetAccountAuthorizationDetails",
            Filter=["User", "Role", "Group", "LocalManagedPolicy"],
        ):
            for key, items in details.items():
                items.extend(page.get(key) or [])
        users = self._users(details["UserDetailList"])
        snapshot: dict[str, Any] = {
            "Format": FORMAT,
            "Taken": as_text(moment),
            "Users": users,
            "Groups": sorted(map(_group, details["GroupDetailList"]), key=by("GroupName")),
            "Roles": self._roles(details["RoleDetailList"]),
            "Policies": self._policies(details["Policies"]),
            "InstanceProfiles": self._profiles(),
            "VirtualMFADevices": self._virtual_mfa(),
            "OpenIDConnectProviders": self._oidc(),
            "SAMLProviders": self._saml(),
            "ServerCertificates": self._certificates(),
            "AccountAliases": sorted(
                self.optional(
                    "account aliases",
                    lambda: list(self.listing("ListAccountAliases", "AccountAliases")),
                    [],
                )
            ),
            "PasswordPolicy": self.optional(
                "the password policy",
                lambda: plain(self.ask("GetAccountPasswordPolicy")["PasswordPolicy"]),
                None,
            ),
        }
        snapshot["Account"] = account_of(snapshot)
        return snapshot

    def _users(self, listed: list[Mapping[str, Any]]) -> list[Record]:
        def credentials(name: str) -> Record:
            keys = self.optional(
                "access keys",
                lambda: list(self.listing("ListAccessKeys", "AccessKeyMetadata", UserName=name)),
                [],
            )
            devices = self.optional(
                "MFA devices",
                lambda: list(self.listing("ListMFADevices", "MFADevices", UserName=name)),
                [],
            )
            login = self.optional(
                "login profiles",
                lambda: self.ask("GetLoginProfile", UserName=name)["LoginProfile"],
                None,
            )
            found: Record = {
                "AccessKeys": sorted((pick(k, _KEY) for k in keys), key=by("AccessKeyId")),
                "MFADevices": sorted((pick(d, _MFA) for d in devices), key=by("SerialNumber")),
            }
            if login is not None:
                found["LoginProfile"] = pick(login, _LOGIN)
            return found

        asks = [functools.partial(credentials, user["UserName"]) for user in listed]
        users = [
            {
                **pick(user, _USER),
                "Tags": tags(user),
                "GroupList": sorted(user.get("GroupList") or []),
                "UserPolicyList": inline(user.get("UserPolicyList")),
                "AttachedManagedPolicies": attached(user.get("AttachedManagedPolicies")),
                **found,
            }
            for user, found in zip(listed, self.fan(asks), strict=True)
        ]
        return sorted(users, key=by("UserName"))

    def _roles(self, listed: list[Mapping[str, Any]]) -> list[Record]:
        # GetAccountAuthorizationDetails leaves out a role's description and session length
        more = {r["RoleName"]: r for r in self.listing("ListRoles", "Roles")}
        roles = [
            _role({**role, **pick(more.get(role["RoleName"], {}), _LISTED_ROLE)}) for role in listed
        ]
        return sorted(roles, key=by("RoleName"))

    def _policies(self, listed: list[Mapping[str, Any]]) -> list[Record]:
        def tags_of(arn: str) -> list[Record]:
            return self.optional(
                "managed policies' tags",
                lambda: tags({"Tags": list(self.listing("ListPolicyTags", "Tags", PolicyArn=arn))}),
                [],
            )

        found = self.fan([functools.partial(tags_of, p["Arn"]) for p in listed])
        policies = []
        for policy, policy_tags in zip(listed, found, strict=True):
            record = pick(policy, _POLICY)
            record.setdefault("PolicyName", str(policy["Arn"]).rsplit("/", 1)[-1])
            default = [
                v for v in policy.get("PolicyVersionList") or [] if v.get("IsDefaultVersion")
            ]
            record["Document"] = document(default[0]["Document"]) if default else None
            record["Tags"] = policy_tags
            policies.append(record)
        return sorted(policies, key=by("PolicyName"))

    def _profiles(self) -> list[Record]:
        listed = list(self.listing("ListInstanceProfiles", "InstanceProfiles"))

        def whole(name: str) -> Mapping[str, Any] | None:
            return self.optional(
                "instance profiles' tags",
                lambda: self.ask("GetInstanceProfile", InstanceProfileName=name)["InstanceProfile"],
                None,
            )

        found = self.fan([functools.partial(whole, p["InstanceProfileName"]) for p in listed])
        profiles = [
            {
                **pick(profile, _PROFILE),
                "Roles": sorted(str(r["RoleName"]) for r in profile.get("Roles") or []),
                "Tags": tags(more if more is not None else profile),
            }
            for profile, more in zip(listed, found, strict=True)
        ]
        return sorted(profiles, key=by("InstanceProfileName"))

    def _virtual_mfa(self) -> list[Record]:
        listed = self.optional(
            "virtual MFA devices",
            lambda: list(self.listing("ListVirtualMFADevices", "VirtualMFADevices")),
            [],
        )
        devices = []
        for device in listed:  # never Base32StringSeed nor QRCodePNG: only these fields
            record = pick(device, _MFA)
            user = (device.get("User") or {}).get("UserName")
            if user:
                record["UserName"] = user
            devices.append(record)
        return sorted(devices, key=by("SerialNumber"))

    def _providers(
        self, what: str, listing: str, key: str, get: str, param: str
    ) -> list[tuple[str, Mapping[str, Any]]]:
        """Each identity provider's ARN and its description (``get``), of those ``listing``
        lists; one deleted in between is left out."""
        arns = self.optional(what, lambda: [p["Arn"] for p in self.ask(listing)[key]], [])

        def one(arn: str) -> Mapping[str, Any] | None:
            return self.optional(what, lambda: self.ask(get, **{param: arn}), None)

        found = self.fan([functools.partial(one, arn) for arn in arns])
        return [
            (arn, answer) for arn, answer in zip(arns, found, strict=True) if answer is not None
        ]

    def _oidc(self) -> list[Record]:
        providers = []
        for arn, answer in self._providers(
            "OpenID Connect providers",
            "ListOpenIDConnectProviders",
            "OpenIDConnectProviderList",
            "GetOpenIDConnectProvider",
            "OpenIDConnectProviderArn",
        ):
            record = pick({**answer, "Arn": arn}, _OIDC)
            record["Url"] = str(answer.get("Url") or arn.split(":oidc-provider/", 1)[-1])
            for listed in ("ClientIDList", "ThumbprintList"):
                record[listed] = sorted(answer.get(listed) or [])
            record["Tags"] = tags(answer)
            providers.append(record)
        return sorted(providers, key=by("Url"))

    def _saml(self) -> list[Record]:
        providers = []
        for arn, answer in self._providers(
            "SAML providers",
            "ListSAMLProviders",
            "SAMLProviderList",
            "GetSAMLProvider",
            "SAMLProviderArn",
        ):
            record = pick({**answer, "Arn": arn}, _SAML)
            record["Name"] = arn.rsplit("/", 1)[-1]
            record["Tags"] = tags(answer)
            providers.append(record)
        return sorted(providers, key=by("Name"))

    def _certificates(self) -> list[Record]:
        listed = self.optional(
            "server certificates",
            lambda: list(self.listing("ListServerCertificates", "ServerCertificateMetadataList")),
            [],
        )

        def one(name: str) -> Mapping[str, Any] | None:
            return self.optional(
                "server certificates",
                lambda: self.ask("GetServerCertificate", ServerCertificateName=name)[
                    "ServerCertificate"
                ],
                None,
            )

        found = self.fan([functools.partial(one, c["ServerCertificateName"]) for c in listed])
        certificates = []
        for metadata, whole in zip(listed, found, strict=True):
            if whole is None:  # deleted since the listing
                continue
            # the public certificate and chain only: IAM never gives the private key back
            certificates.append(
                {**pick(metadata, _CERT), **pick(whole, _CERT_BODY), "Tags": tags(whole)}
            )
        return sorted(certificates, key=by("ServerCertificateName"))


def _group(group: Mapping[str, Any]) -> Record:
    return {
        **pick(group, _GROUP),
        "GroupPolicyList": inline(group.get("GroupPolicyList")),
        "AttachedManagedPolicies": attached(group.get("AttachedManagedPolicies")),
    }


def _role(role: Mapping[str, Any]) -> Record:
    return {
        **pick(role, _ROLE),
        "AssumeRolePolicyDocument": document(role.get("AssumeRolePolicyDocument")),
        "Tags": tags(role),
        "RolePolicyList": inline(role.get("RolePolicyList")),
        "AttachedManagedPolicies": attached(role.get("AttachedManagedPolicies")),
    }
