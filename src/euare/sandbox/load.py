"""``euare-sandbox --load``: a snapshot (docs/snapshot.md) recreated in the sandbox.

The sandbox's moto serves the snapshot's account (moto reads ``MOTO_ACCOUNT_ID`` from its
process's environment on every request), so every ARN comes out as in the snapshot. Entities
are made through IAM's API in an order where whatever an entity names exists before it:
managed policies, groups, users, virtual MFA devices, roles, instance profiles, identity
providers, server certificates, aliases, the password policy. Nothing secret is kept: login
passwords are random and dropped, new keys' secrets and MFA seeds are dropped as they arrive.
What cannot be made (moto lacks it, or refuses one item) is counted, named and said on stderr;
the load goes on. A connection failure is not one item's: it ends the load.
"""

from __future__ import annotations

import json
import secrets
import string
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore import xform_name

from euare.core.errors import EuareError, describe
from euare.core.outcome import gone
from euare.sandbox.labels import (
    ALIAS,
    ATTACHED,
    FIELDS,
    INLINE,
    KEY,
    LABELS,
    LOGIN,
    MEMBERSHIP,
    MFA,
    PROFILE,
    VIRTUAL_MFA,
    Label,
    of,
)
from euare.sandbox.moto import Plan, keep_key_id
from euare.state.snapshot import KINDS, plain, tags

# Not-recreated lines name at most this many items, then say how many more.
NAMED = 5
MFA_CODES = {"AuthenticationCode1": "123456", "AuthenticationCode2": "654321"}

NAMES = {kind.key: kind.name for kind in KINDS}
# A password policy's 0 for "never", which IAM does not take (1-1095, 1-24): left out, as meant.
NEVER = ("MaxPasswordAge", "PasswordReusePrevention")


class Refused(Exception):
    """One item the sandbox cannot make, and why (no IAM call was made for it)."""


def _password() -> str:
    """A password any password policy accepts; used once, never kept (the sandbox's client
    registers it as a secret as it is sent: euare.sandbox.server.local_client)."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*()-_=+")
    chosen = [secrets.choice(pool) for pool in pools for _ in range(8)]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)


def _text(document: Any) -> str:
    return document if isinstance(document, str) else json.dumps(document)


@dataclass
class Loader:
    """Recreates one snapshot through ``iam`` (a boto3 IAM client of the sandbox)."""

    iam: Any
    account: str
    made: Counter[str] = field(default_factory=Counter)
    missed: dict[tuple[Label, str], tuple[str, list[str]]] = field(default_factory=dict)
    users: set[str] = field(default_factory=set)
    virtual: set[str] = field(default_factory=set)

    def miss(self, what: Label, why: str, item: str, code: str | None = None) -> None:
        self.missed.setdefault((what, code or why), (why, []))[1].append(item)

    def attempt(self, what: Label, item: str, call: Callable[..., Any], **params: Any) -> Any:
        """``call(**params)``'s answer, or None when the sandbox refuses it: noted, not raised."""
        from botocore.exceptions import ClientError, ParamValidationError

        try:
            return call(**params)
        except (ClientError, ParamValidationError) as exc:
            err = describe(exc)
            why = f"{err.code}: {err.message}" if err.code else err.message
            if gone(exc) and ":iam::aws:policy/" in item:
                self.miss(what, "the sandbox does not know this AWS managed policy", item)
            else:
                self.miss(what, why, item, err.code or why)
        except Refused as exc:
            self.miss(what, str(exc), item)
        return None

    def lines(self) -> list[str]:
        """One line per kind of thing not recreated and why, naming the first few."""
        found = []
        for ((one, many), _), (why, items) in self.missed.items():
            names = ", ".join(items[:NAMED])
            if len(items) > NAMED:
                names += f" and {len(items) - NAMED} more"
            found.append(f"{len(items)} {one if len(items) == 1 else many} ({why}): {names}")
        return found

    def create(self, kind: str, operation: str, record: Mapping[str, Any], **more: Any) -> Any:
        """One entity of ``kind`` made by ``operation`` from the record's fields it takes."""
        model = self.iam.meta.service_model.operation_model(operation)
        params = {f: _value(f, record[f]) for f in model.input_shape.members if _has(record, f)}
        name = str(record.get(NAMES.get(kind, ""), "the account's"))
        return self.attempt(
            LABELS[kind], name, getattr(self.iam, xform_name(operation)), **{**params, **more}
        )

    # --- the kinds, in an order where whatever an entity names exists before it --------------

    def load(self, snapshot: Mapping[str, Any]) -> None:
        virtual = {str(d.get("SerialNumber")) for d in snapshot.get("VirtualMFADevices") or []}
        steps: dict[str, Callable[[Mapping[str, Any]], Any]] = {
            "Policies": lambda r: self.create(
                "Policies", "CreatePolicy", r, PolicyDocument=_text(r["Document"])
            ),
            "Groups": lambda record: self.principal("group", record),
            "Users": lambda record: self.user(record, virtual),
            "VirtualMFADevices": self.unassigned,
            "Roles": lambda record: self.principal("role", record),
            "InstanceProfiles": self.profile,
            "OpenIDConnectProviders": lambda r: self.create(
                "OpenIDConnectProviders",
                "CreateOpenIDConnectProvider",
                r,
                Url=r["Url"] if "://" in r["Url"] else "https://" + r["Url"],
            ),
            "SAMLProviders": self.saml,
            "ServerCertificates": self.certificate,
        }
        for kind, step in steps.items():
            for record in snapshot.get(kind) or []:
                try:
                    if step(record) is not None:
                        self.made[kind] += 1
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    why = f"a record not as euare-accountsnapshot writes it: {exc!r}"
                    self.miss(LABELS[kind], why, str(record.get(NAMES[kind])), "record")
        for alias in snapshot.get("AccountAliases") or []:
            self.attempt(ALIAS, str(alias), self.iam.create_account_alias, AccountAlias=alias)
        policy = snapshot.get("PasswordPolicy")
        if policy:  # its ExpirePasswords is IAM's, from MaxPasswordAge
            sent = {k: v for k, v in policy.items() if not (k in NEVER and v == 0)}
            self.create("PasswordPolicy", "UpdateAccountPasswordPolicy", sent)

    def principal(self, owner: str, record: Mapping[str, Any]) -> Any:
        """A group, user or role (``owner``), with its inline policies and attachments."""
        title = owner.title()
        made = self.create(f"{title}s", f"Create{title}", record)
        if made is None:
            return None
        name, label = record[f"{title}Name"], LABELS[f"{title}s"]
        owned = {f"{title}Name": name}
        if record.get("PermissionsBoundary"):  # kept: roles' by moto, users' by the model
            self.check(
                f"{title}s",
                record,
                ("PermissionsBoundary",),
                lambda **p: getattr(self.iam, f"get_{owner}")(**p)[title],
                **owned,
            )
        for policy in record.get(f"{title}PolicyList") or []:
            document = _text(policy["PolicyDocument"])
            self.attempt(
                of(label, INLINE),
                f"{name}/{policy['PolicyName']}",
                getattr(self.iam, f"put_{owner}_policy"),
                **owned,
                PolicyName=policy["PolicyName"],
                PolicyDocument=document,
            )
        for attached in record.get("AttachedManagedPolicies") or []:
            arn = attached["PolicyArn"]
            self.attempt(
                of(label, ATTACHED),
                f"{name} {arn}",
                getattr(self.iam, f"attach_{owner}_policy"),
                **owned,
                PolicyArn=arn,
            )
        return made

    def user(self, record: Mapping[str, Any], virtual: set[str]) -> Any:
        name = record["UserName"]
        made = self.principal("user", record)
        if made is None:
            return None
        self.users.add(name)
        for group in record.get("GroupList") or []:
            self.attempt(
                MEMBERSHIP,
                f"{name} in {group}",
                self.iam.add_user_to_group,
                UserName=name,
                GroupName=group,
            )
        if record.get("LoginProfile") is not None:
            reset = bool(record["LoginProfile"].get("PasswordResetRequired"))
            self.attempt(LOGIN, name, self.login, user=name, reset=reset)
        for key in record.get("AccessKeys") or []:
            self.key(name, key)
        for device in record.get("MFADevices") or []:
            serial = str(device["SerialNumber"])
            made_serial = (
                self.virtual_device(serial) if serial in virtual or ":mfa/" in serial else serial
            )
            self.attempt(MFA, f"{name} {serial}", self.enable, user=name, serial=made_serial)
        return made

    def login(self, user: str, reset: bool) -> bool:
        password = _password()
        self.iam.create_login_profile(UserName=user, Password=password, PasswordResetRequired=reset)
        if reset:  # moto ignores the flag when creating; it keeps it when updating
            self.iam.update_login_profile(
                UserName=user, Password=password, PasswordResetRequired=True
            )
        return True

    def key(self, user: str, record: Mapping[str, Any]) -> None:
        wanted = str(record["AccessKeyId"])
        inactive = record.get("Status") == "Inactive"
        made = self.attempt(KEY, f"{user} {wanted}", self.new_key, user=user, inactive=inactive)
        if made is None:
            return
        try:
            keep_key_id(self.account, made, wanted, record.get("CreateDate"))
        except Exception as exc:  # moto changed: the key stays, under moto's own ID
            why = f"the sandbox cannot set them ({exc!r}); those keys have new IDs"
            self.miss(of(KEY, ("ID", "IDs")), why, f"{user} {wanted}", "internals")

    def new_key(self, user: str, inactive: bool) -> str:
        # only the new key's ID is kept: the answer's secret is dropped here
        made = str(self.iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"])
        if inactive:
            self.iam.update_access_key(UserName=user, AccessKeyId=made, Status="Inactive")
        return made

    def virtual_device(self, serial: str) -> str | None:
        """Create the virtual MFA device named by ``serial`` (arn:...:mfa/PATH/NAME); its serial
        (None: not made, noted). The seed and QR code in the answer are dropped."""
        if ":mfa/" not in serial:
            self.miss(VIRTUAL_MFA, "not a virtual MFA device's ARN", serial)
            return None
        path, _, name = ("/" + serial.split(":mfa/", 1)[1]).rpartition("/")
        answer = self.attempt(
            VIRTUAL_MFA,
            serial,
            self.iam.create_virtual_mfa_device,
            VirtualMFADeviceName=name,
            Path=path + "/",
        )
        if answer is None:
            return None
        self.virtual.add(serial)
        self.made["VirtualMFADevices"] += 1
        return str(answer["VirtualMFADevice"]["SerialNumber"])

    def enable(self, user: str, serial: str | None) -> bool:
        if serial is None:
            raise Refused("its virtual MFA device was not made")
        self.iam.enable_mfa_device(UserName=user, SerialNumber=serial, **MFA_CODES)
        return True

    def unassigned(self, record: Mapping[str, Any]) -> None:
        """A virtual MFA device no recreated user named (counted when it is made)."""
        serial, user = str(record["SerialNumber"]), record.get("UserName")
        if serial in self.virtual:
            return
        made = self.virtual_device(serial)
        if made is not None and user in self.users:
            self.attempt(MFA, f"{user} {serial}", self.enable, user=user, serial=made)

    def profile(self, record: Mapping[str, Any]) -> Any:
        name = record["InstanceProfileName"]
        made = self.create("InstanceProfiles", "CreateInstanceProfile", record)
        for role in record.get("Roles") or [] if made is not None else ():
            self.attempt(
                of(PROFILE, ("role", "roles")),
                f"{name} {role}",
                self.iam.add_role_to_instance_profile,
                InstanceProfileName=name,
                RoleName=role,
            )
        return made

    def saml(self, record: Mapping[str, Any]) -> Any:
        made = self.create("SAMLProviders", "CreateSAMLProvider", record)
        if made is not None:
            self.check(
                "SAMLProviders",
                record,
                ("Tags", "ValidUntil"),
                self.iam.get_saml_provider,
                SAMLProviderArn=made["SAMLProviderArn"],
            )
        return made

    def certificate(self, record: Mapping[str, Any]) -> Any:
        # IAM never gives a private key back, so the snapshot has none; moto takes any text
        made = self.create(
            "ServerCertificates",
            "UploadServerCertificate",
            record,
            PrivateKey="none: a snapshot never holds a private key",
        )
        if made is not None:
            self.check(
                "ServerCertificates",
                record,
                ("Tags", "Expiration"),
                lambda **p: _flat(self.iam.get_server_certificate(**p)["ServerCertificate"]),
                ServerCertificateName=record["ServerCertificateName"],
            )
        return made

    def check(
        self,
        kind: str,
        record: Mapping[str, Any],
        fields: tuple[str, ...],
        get: Callable[..., Any],
        **params: Any,
    ) -> None:
        """Read the entity back (``get(**params)``) and note the ``fields`` the sandbox did not
        keep as the snapshot has them: moto ignores some, and sets some itself."""
        item = str(record[NAMES[kind]])
        kept = self.attempt(LABELS[kind], item, get, **params)
        for name in fields if kept is not None else ():
            found = _comparable(name, kept.get(name))
            if found != _comparable(name, record.get(name)):
                why = "the sandbox sets its own" if found else "the sandbox does not keep them"
                self.miss(of(LABELS[kind], FIELDS[name]), why, item)


def _flat(answer: Mapping[str, Any]) -> dict[str, Any]:
    """A server certificate as GetServerCertificate gives it, its metadata lifted up."""
    return {**answer, **(answer.get("ServerCertificateMetadata") or {})}


def _comparable(field: str, value: Any) -> Any:
    return tags({"Tags": value}) if field == "Tags" else plain(value) or None


def _has(record: Mapping[str, Any], field: str) -> bool:
    return record.get(field) not in (None, "", [], {})


def _value(field: str, value: Any) -> Any:
    """A snapshot's field as the API that makes the entity takes it."""
    if field == "PermissionsBoundary":
        return value["PermissionsBoundaryArn"]
    if field == "Tags":
        return tags({"Tags": value})
    if field.endswith("PolicyDocument"):
        return _text(value)
    return value


def load(plan: Plan, iam: Any) -> Loader:
    """Recreate ``plan``'s snapshot through ``iam``; one error when the sandbox stops answering."""
    from botocore.exceptions import BotoCoreError

    loader = Loader(iam, plan.account)
    try:
        loader.load(plan.snapshot)
    except BotoCoreError as exc:
        message = describe(exc).message
        raise EuareError(f"cannot load {plan.origin} into the sandbox: {message}") from None
    return loader


def run(plan: Plan, url: str, enforce_auth: bool, say: Callable[[str], None]) -> tuple[str, str]:
    """Load ``plan``'s snapshot into the sandbox at ``url``, say (a line for stderr) what the
    account now holds and what was not recreated, and return the credentials to hand out."""
    from euare.sandbox.server import administrator, local_client

    loader = load(plan, local_client(url))
    held = [
        f"{loader.made[kind]} {label[loader.made[kind] != 1]}"
        for kind, label in LABELS.items()
        if loader.made[kind]
    ]
    say(f"loaded {plan.origin} into account {plan.account}: " + (", ".join(held) or "no entity"))
    for line in loader.lines():
        say(f"not recreated: {line}")
    return administrator(url, plan, enforce_auth, lambda line: say(f"warning: {line}"))
