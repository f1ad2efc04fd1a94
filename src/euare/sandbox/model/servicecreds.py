"""Service-specific credentials (moto has none): Create, List, Reset, Update and Delete, as the
IAM API Reference gives them. A credential is a user's, for one of the services that take them
(NotSupportedService for another), at most two a user and service (LimitExceeded); its password
is in the answers to Create and Reset only, and the model keeps no copy. Without a UserName a
call is on the caller's own credentials. DeleteUser refuses a user who holds one
(:mod:`conflicts`); they go with the user."""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timezone

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.directory import caller_name
from euare.sandbox.model.state import ServiceCredential
from euare.sandbox.model.wire import (
    Answer,
    Call,
    Refusal,
    answer,
    no_such_entity,
    response,
    sub,
)

SERVICES = ("codecommit.amazonaws.com", "cassandra.amazonaws.com", "bedrock.amazonaws.com")
PER_SERVICE = 2
ID_ALPHABET = string.ascii_uppercase + string.digits


def _user(context: Context, call: Call) -> str:
    """The user the call is about: its UserName (which must exist), else the caller."""
    user = call.params.get("UserName")
    if not user:
        return caller_name(context, call)
    context.ask(call, "GetUser", UserName=user)
    return user


def _password() -> str:
    from euare.core.redact import register_secret

    password = secrets.token_urlsafe(33)[:44]
    register_secret("sandbox password", password)
    return password


def _credential(context: Context, call: Call) -> ServiceCredential:
    user = _user(context, call)
    wanted = call.params.get("ServiceSpecificCredentialId", "")
    with context.store.lock:
        found = context.store.service_credentials.get(wanted)
    if found is None or found.user != user:
        raise no_such_entity(f"No such credential {wanted} exists for user {user}.")
    return found


def _fields(parent: object, credential: ServiceCredential, password: str | None) -> None:
    from xml.etree.ElementTree import Element

    assert isinstance(parent, Element)
    sub(parent, "CreateDate", credential.created)
    sub(parent, "ServiceName", credential.service)
    sub(parent, "ServiceUserName", credential.service_user)
    if password is not None:
        sub(parent, "ServicePassword", password)
    sub(parent, "ServiceSpecificCredentialId", credential.id)
    sub(parent, "UserName", credential.user)
    sub(parent, "Status", credential.status)


def create(context: Context, call: Call) -> Answer:
    """CreateServiceSpecificCredential."""
    user = _user(context, call)
    service = call.params.get("ServiceName", "")
    if service not in SERVICES:
        raise Refusal(
            "NotSupportedService",
            f"The specified service {service} does not support service-specific credentials.",
            404,
        )
    with context.store.lock:
        count = sum(
            1
            for c in context.store.service_credentials.values()
            if c.user == user and c.service == service
        )
        if count >= PER_SERVICE:
            raise Refusal(
                "LimitExceeded",
                "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: "
                f"{PER_SERVICE}",
                409,
            )
        credential = ServiceCredential(
            id="ACCA" + "".join(secrets.choice(ID_ALPHABET) for _ in range(17)),
            user=user,
            service=service,
            service_user=f"{user}-at-{context.account}",
            password="",
            created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        context.store.service_credentials[credential.id] = credential
    root, result = response(call)
    _fields(sub(result, "ServiceSpecificCredential"), credential, _password())
    return answer(call, root)


def listed(context: Context, call: Call) -> Answer:
    """ListServiceSpecificCredentials (the pager cuts it into pages)."""
    every = call.params.get("AllUsers", "").lower() == "true"
    user = None if every else _user(context, call)
    service = call.params.get("ServiceName")
    with context.store.lock:
        found = [
            c
            for c in context.store.service_credentials.values()
            if (user is None or c.user == user) and (not service or c.service == service)
        ]
    root, result = response(call)
    items = sub(result, "ServiceSpecificCredentials")
    for credential in found:
        member = sub(items, "member")
        _fields(member, credential, None)
    return answer(call, root)


def reset(context: Context, call: Call) -> Answer:
    """ResetServiceSpecificCredential: a new password, in the answer only."""
    credential = _credential(context, call)
    root, result = response(call)
    _fields(sub(result, "ServiceSpecificCredential"), credential, _password())
    return answer(call, root)


def update(context: Context, call: Call) -> Answer:
    """UpdateServiceSpecificCredential: Active or Inactive."""
    credential = _credential(context, call)
    status = call.params.get("Status", "")
    if status not in ("Active", "Inactive"):
        raise Refusal(
            "ValidationError",
            f"1 validation error detected: Value '{status}' at 'status' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Active, Inactive]",
        )
    with context.store.lock:
        credential.status = status
    return answer(call)


def delete(context: Context, call: Call) -> Answer:
    """DeleteServiceSpecificCredential."""
    credential = _credential(context, call)
    with context.store.lock:
        context.store.service_credentials.pop(credential.id, None)
    return answer(call)


def register(rules: Rules) -> None:
    rules.serve("CreateServiceSpecificCredential")(create)
    rules.serve("ListServiceSpecificCredentials")(listed)
    rules.serve("ResetServiceSpecificCredential")(reset)
    rules.serve("UpdateServiceSpecificCredential")(update)
    rules.serve("DeleteServiceSpecificCredential")(delete)
