"""Tags on the kinds moto drops them for: SAML providers, server certificates and (virtual) MFA
devices, given at creation (CreateSAMLProvider, UploadServerCertificate, CreateVirtualMFADevice
take Tags) or by Tag*/Untag*, listed by List*Tags and shown where IAM shows them
(GetSAMLProvider, GetServerCertificate, ListVirtualMFADevices); they go with the entity. And
ListInstanceProfileTags, which moto lacks though it keeps instance profiles' tags.

IAM's tag rules (IAM User Guide, "Tagging IAM resources"; each Tag* operation's errors): at most
50 tags a resource (LimitExceeded), keys of 1 to 128 characters of letters, digits, spaces and
``_.:/=+-@``, values of at most 256, no key twice in one request (keys compared ignoring case);
a tag whose key is there already replaces it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.wire import (
    Answer,
    Call,
    Refusal,
    answer,
    child,
    each,
    no_such_entity,
    q,
    response,
    tag_list,
    text,
)

LIMIT = 50
KEY = re.compile(r"[\w\s_.:/=+\-@]+")
# kind -> (the parameter naming one, how it is named in the model's state)
KINDS = {
    "SAMLProvider": "SAMLProviderArn",
    "ServerCertificate": "ServerCertificateName",
    "MFADevice": "SerialNumber",
}


def _invalid(value: str, where: str, rule: str) -> Refusal:
    return Refusal(
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
        f"constraint: Member must {rule}",
    )


def check(given: list[tuple[str, str]], keys_only: bool = False) -> None:
    """Refuse tags (or, for Untag*, keys) IAM would refuse."""
    if len(given) > LIMIT:
        raise _invalid(str(len(given)), "tags", f"have length less than or equal to {LIMIT}")
    seen = set()
    where = "tagKeys" if keys_only else "tags.X.member.key"
    for key, value in given:
        if not 1 <= len(key) <= 128:
            raise _invalid(key, where, "have length less than or equal to 128")
        if not KEY.fullmatch(key):
            raise _invalid(
                key, where, r"satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+"
            )
        if len(value) > 256:
            raise _invalid(value, "tags.X.member.value", "have length less than or equal to 256")
        if key.lower() in seen:
            raise Refusal(
                "InvalidInput",
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            )
        seen.add(key.lower())


def exists(context: Context, call: Call, kind: str, name: str) -> None:
    """NoSuchEntity, as IAM's, unless the ``kind`` named ``name`` exists."""
    if kind == "SAMLProvider":
        context.ask(call, "GetSAMLProvider", SAMLProviderArn=name)
    elif kind == "ServerCertificate":
        context.ask(call, "GetServerCertificate", ServerCertificateName=name)
    else:
        listed = context.ask(
            call, "ListVirtualMFADevices", AssignmentStatus="Any", MaxItems="1000000"
        )
        serials = {
            text(d, "SerialNumber")
            for d in each(listed, "ListVirtualMFADevicesResult", "VirtualMFADevices")
        }
        if name not in serials:
            raise no_such_entity(f"VirtualMFADevice with serial number {name} doesn't exist.")


def held(context: Context, kind: str, name: str) -> list[tuple[str, str]]:
    with context.store.lock:
        return list(context.store.tags.get((kind, name), {}).values())


def add(context: Context, kind: str, name: str, given: list[tuple[str, str]]) -> None:
    with context.store.lock:
        tags = dict(context.store.tags.get((kind, name), {}))
        for key, value in given:
            tags[key.lower()] = (key, value)
        if len(tags) > LIMIT:
            raise Refusal("LimitExceeded", f"Cannot exceed quota for TagsPerResource: {LIMIT}", 409)
        context.store.tags[(kind, name)] = tags


def forget(context: Context, kind: str, name: str) -> None:
    with context.store.lock:
        context.store.tags.pop((kind, name), None)


def tagger(kind: str):  # type: ignore[no-untyped-def]
    param = KINDS[kind]

    def tag(context: Context, call: Call) -> Answer:
        name = call.params.get(param, "")
        given = call.tags()
        check(given)
        exists(context, call, kind, name)
        add(context, kind, name, given)
        return answer(call)

    def untag(context: Context, call: Call) -> Answer:
        name = call.params.get(param, "")
        keys = call.members("TagKeys")
        check([(key, "") for key in keys], keys_only=True)
        exists(context, call, kind, name)
        with context.store.lock:
            tags = context.store.tags.get((kind, name), {})
            for key in keys:
                tags.pop(key.lower(), None)
        return answer(call)

    def listed(context: Context, call: Call) -> Answer:
        name = call.params.get(param, "")
        exists(context, call, kind, name)
        root, result = response(call)
        tag_list(result, "Tags", held(context, kind, name))
        return answer(call, root)

    return tag, untag, listed


def _place(parent: ET.Element | None, ns: str, tags: list[tuple[str, str]]) -> None:
    """``tags`` as ``parent``'s Tags (none: no Tags element)."""
    if parent is None:
        return
    old = parent.find(q(ns, "Tags"))
    if old is not None:
        parent.remove(old)
    if tags:
        tag_list(parent, "Tags", tags)


def created(kind: str, name_of):  # type: ignore[no-untyped-def]
    """Tags given at creation, kept once the entity is made."""

    def keep(context: Context, call: Call, done: Answer) -> Answer:
        given = call.tags()
        if given:
            add(context, kind, name_of(call, done), given)
        return done

    return keep


def check_created(context: Context, call: Call) -> None:
    check(call.tags())


def show_saml(context: Context, call: Call, done: Answer) -> Answer:
    arn = call.params.get("SAMLProviderArn", "")
    _place(done.result(), call.ns, held(context, "SAMLProvider", arn))
    return done.rewritten()


def show_certificate(context: Context, call: Call, done: Answer) -> Answer:
    name = call.params.get("ServerCertificateName", "")
    _place(
        child(done.result(), "ServerCertificate"), call.ns, held(context, "ServerCertificate", name)
    )
    return done.rewritten()


def show_devices(context: Context, call: Call, done: Answer) -> Answer:
    for device in each(done.result(), "VirtualMFADevices"):
        serial = text(device, "SerialNumber") or ""
        _place(device, call.ns, held(context, "MFADevice", serial))
    return done.rewritten()


def instance_profile_tags(context: Context, call: Call) -> Answer:
    """ListInstanceProfileTags: the tags GetInstanceProfile shows."""
    got = context.ask(
        call, "GetInstanceProfile", InstanceProfileName=call.params.get("InstanceProfileName", "")
    )
    profile = child(got, "GetInstanceProfileResult", "InstanceProfile")
    tags = [(text(t, "Key") or "", text(t, "Value") or "") for t in each(profile, "Tags")]
    root, result = response(call)
    tag_list(result, "Tags", tags)
    return answer(call, root)


def deleted(kind: str):  # type: ignore[no-untyped-def]
    def drop(context: Context, call: Call, done: Answer) -> Answer:
        forget(context, kind, call.params.get(KINDS[kind], ""))
        return done

    return drop


def register(rules: Rules) -> None:
    for kind in KINDS:
        tag, untag, listed = tagger(kind)
        rules.serve(f"Tag{kind}")(tag)
        rules.serve(f"Untag{kind}")(untag)
        rules.serve(f"List{kind}Tags")(listed)
    rules.check("CreateSAMLProvider", "UploadServerCertificate", "CreateVirtualMFADevice")(
        check_created
    )
    rules.edit("CreateSAMLProvider")(
        created("SAMLProvider", lambda c, a: text(a.result(), "SAMLProviderArn") or "")
    )
    rules.edit("UploadServerCertificate")(
        created("ServerCertificate", lambda c, a: c.params.get("ServerCertificateName", ""))
    )
    rules.edit("CreateVirtualMFADevice")(
        created(
            "MFADevice", lambda c, a: text(a.result(), "VirtualMFADevice", "SerialNumber") or ""
        )
    )
    rules.edit("GetSAMLProvider")(show_saml)
    rules.edit("GetServerCertificate")(show_certificate)
    rules.edit("ListVirtualMFADevices")(show_devices)
    rules.edit("DeleteSAMLProvider")(deleted("SAMLProvider"))
    rules.edit("DeleteServerCertificate")(deleted("ServerCertificate"))
    rules.edit("DeleteVirtualMFADevice")(deleted("MFADevice"))
    rules.serve("ListInstanceProfileTags")(instance_profile_tags)
