"""Smaller calls moto lacks, answered as the IAM API Reference gives them:

- AddClientIDToOpenIDConnectProvider / RemoveClientIDFromOpenIDConnectProvider: both
  idempotent (adding a client ID already there, or removing one that is not, changes nothing);
  at most 100 client IDs a provider (LimitExceeded); GetOpenIDConnectProvider shows the list.
- ResyncMFADevice: the device must be one of the user's (NoSuchEntity otherwise); codes are
  taken as given (the sandbox checks no MFA code, as EnableMFADevice in moto does not).
- The calls on one's own credentials that moto refuses without a UserName (signing
  certificates, ListMFADevices, ListSSHPublicKeys): "If you do not specify a user name, IAM
  determines the user name implicitly based on the Amazon Web Services access key ID used to
  sign the request" (each operation's UserName in the IAM API Reference)."""

from __future__ import annotations

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.directory import caller_name
from euare.sandbox.model.wire import (
    Answer,
    Call,
    Refusal,
    answer,
    each,
    members,
    no_such_entity,
    q,
    text,
)

CLIENT_IDS = 100
ON_THE_CALLER = (
    "UploadSigningCertificate",
    "ListSigningCertificates",
    "UpdateSigningCertificate",
    "DeleteSigningCertificate",
    "ListMFADevices",
    "ListSSHPublicKeys",
)


def _client_ids(context: Context, call: Call, arn: str) -> list[str]:
    """The provider's client IDs now (NoSuchEntity, moto's, if there is no such provider)."""
    got = context.ask(call, "GetOpenIDConnectProvider", OpenIDConnectProviderArn=arn)
    with context.store.lock:
        kept = context.store.client_ids.get(arn)
    if kept is not None:
        return list(kept)
    return [m.text or "" for m in each(got, "GetOpenIDConnectProviderResult", "ClientIDList")]


def _client_id(call: Call) -> str:
    client = call.params.get("ClientID", "")
    if not 1 <= len(client) <= 255:
        raise Refusal(
            "ValidationError",
            f"1 validation error detected: Value '{client}' at 'clientID' failed to satisfy "
            "constraint: Member must have length less than or equal to 255",
        )
    return client


def add_client_id(context: Context, call: Call) -> Answer:
    arn = call.params.get("OpenIDConnectProviderArn", "")
    client = _client_id(call)
    listed = _client_ids(context, call, arn)
    if client not in listed:
        if len(listed) >= CLIENT_IDS:
            raise Refusal(
                "LimitExceeded",
                f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {CLIENT_IDS}",
                409,
            )
        listed.append(client)
    with context.store.lock:
        context.store.client_ids[arn] = listed
    return answer(call)


def remove_client_id(context: Context, call: Call) -> Answer:
    arn = call.params.get("OpenIDConnectProviderArn", "")
    client = _client_id(call)
    listed = [c for c in _client_ids(context, call, arn) if c != client]
    with context.store.lock:
        context.store.client_ids[arn] = listed
    return answer(call)


def show_client_ids(context: Context, call: Call, done: Answer) -> Answer:
    arn = call.params.get("OpenIDConnectProviderArn", "")
    with context.store.lock:
        kept = context.store.client_ids.get(arn)
    result = done.result()
    if kept is None or result is None:
        return done
    old = result.find(q(call.ns, "ClientIDList"))
    if old is not None:
        result.remove(old)
    members(result, "ClientIDList", kept)
    return done.rewritten()


def forget_provider(context: Context, call: Call, done: Answer) -> Answer:
    with context.store.lock:
        context.store.client_ids.pop(call.params.get("OpenIDConnectProviderArn", ""), None)
    return done


def resync(context: Context, call: Call) -> Answer:
    user = call.params.get("UserName", "")
    serial = call.params.get("SerialNumber", "")
    listed = context.ask(call, "ListMFADevices", UserName=user)
    serials = {text(d, "SerialNumber") for d in each(listed, "ListMFADevicesResult", "MFADevices")}
    if serial not in serials:
        raise no_such_entity(f"MFA device {serial} is not one of {user}'s.")
    return answer(call)


def on_the_caller(context: Context, call: Call) -> Answer:
    """The call, on the caller when it names no user."""
    if call.params.get("UserName"):
        return context.moto(call)
    params = {**call.params, "UserName": caller_name(context, call)}
    return context.moto(call.with_params(params), params)


def register(rules: Rules) -> None:
    rules.serve(*ON_THE_CALLER)(on_the_caller)
    rules.serve("AddClientIDToOpenIDConnectProvider")(add_client_id)
    rules.serve("RemoveClientIDFromOpenIDConnectProvider")(remove_client_id)
    rules.edit("GetOpenIDConnectProvider")(show_client_ids)
    rules.edit("DeleteOpenIDConnectProvider")(forget_provider)
    rules.serve("ResyncMFADevice")(resync)
