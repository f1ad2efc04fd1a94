"""UpdateUser and UpdateGroup as IAM makes them: a user or group moved (NewPath) or renamed
(NewUserName, NewGroupName) keeps everything it holds under its new name and path (IAM User
Guide, "Rename an IAM user" and "Rename an IAM user group": its policies stay with it, its
groups or members too, its unique ID stays the same; IAM API Reference, UpdateUser and
UpdateGroup: EntityAlreadyExists for a name in use, NoSuchEntity for no such user or group).

What moto does otherwise, and what the model does instead:

- moto keeps a user's tags under the user's ARN, so a moved or renamed user loses them (and a
  user later made with the old name and path finds them): the model takes them off the old ARN
  and puts them on the new one.
- moto renames a user onto another one's name, replacing that user: EntityAlreadyExists.
- moto's access keys, signing certificates and SSH public keys keep the user name they were
  made under: the answers that name a key's, certificate's or SSH key's user name it as it is
  called now (ListAccessKeys, GetAccessKeyLastUsed, ListSigningCertificates, ListSSHPublicKeys,
  GetSSHPublicKey); and moto's DeleteAccessKey, which finds the key's user by that old name
  (and otherwise leaves the key on the user: it can then never be deleted), is sent while the
  user goes by that name for a moment (and whoever goes by it now, by another).
- moto changes a group's path only with a new name, and takes a NewPath alone for done: the
  model renames the group with its new path to a name of its own, then back.

These requests are served alone (:class:`context.Turns`): no other request sees the moments
in between (a user without its tags, or under a name of the model's). The model's own state
(boundaries, passwords, service-specific credentials, the gate's keys) follows every rename
(:meth:`state.Store.rename_user`)."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.wire import Answer, Call, Refusal, answer, child, each, sub, text

ALREADY = "{kind} with name {name} already exists."


def _taken(kind: str, name: str) -> Refusal:
    return Refusal("EntityAlreadyExists", ALREADY.format(kind=kind, name=name), 409)


def _exists(context: Context, call: Call, kind: str, name: str) -> bool:
    return context.request(call, f"Get{kind}", **{f"{kind}Name": name}).ok


def _spare(context: Context, call: Call, kind: str, name: str) -> str:
    """A name no user (or group) has: the model's, for a moment."""
    while True:
        spare = f"{name[:100]}.moving-{secrets.token_hex(6)}"
        if not _exists(context, call, kind, spare):
            return spare


# --- users ---------------------------------------------------------------------------------------


def move_user(context: Context, call: Call, old: str, new: str, path: str | None = None) -> None:
    """Rename user ``old`` to ``new`` (the same: no rename) and, with ``path``, move it; its
    tags and the model's state go with it. moto's refusal is raised as it is."""
    listed = context.ask(call, "ListUserTags", UserName=old)
    tags = [
        (text(t, "Key") or "", text(t, "Value") or "")
        for t in each(listed, "ListUserTagsResult", "Tags")
    ]
    if tags:
        keys = {f"TagKeys.member.{n}": key for n, (key, _) in enumerate(tags, 1)}
        context.ask(call, "UntagUser", UserName=old, **keys)
    params = {"UserName": old}
    if new != old:
        params["NewUserName"] = new
    if path:
        params["NewPath"] = path
    try:
        context.ask(call, "UpdateUser", **params)
    except Refusal:
        _tag(context, call, old, tags)
        raise
    _tag(context, call, new, tags)
    if new != old:
        context.store.rename_user(old, new)


def _tag(context: Context, call: Call, user: str, tags: list[tuple[str, str]]) -> None:
    if tags:
        given: dict[str, str] = {}
        for n, (key, value) in enumerate(tags, 1):
            given[f"Tags.member.{n}.Key"] = key
            given[f"Tags.member.{n}.Value"] = value
        context.ask(call, "TagUser", UserName=user, **given)


def update_user(context: Context, call: Call) -> Answer:
    """UpdateUser (see the module's docstring)."""
    old = call.params.get("UserName", "")
    new = call.params.get("NewUserName") or old
    context.ask(call, "GetUser", UserName=old)  # moto's NoSuchEntity, as IAM's
    if new != old and _exists(context, call, "User", new):
        raise _taken("User", new)
    move_user(context, call, old, new, call.params.get("NewPath"))
    return answer(call)


def _caller(context: Context, call: Call) -> str:
    """The user who signed ``call``, as the model knows its key ('' when it does not)."""
    with context.store.lock:
        credential = context.store.credentials.get(call.key_id)
    return credential.user if credential is not None else ""


def delete_access_key(context: Context, call: Call) -> Answer:
    """DeleteAccessKey, sent while the key's user goes by the name moto knows the key by."""
    user = call.params.get("UserName") or _caller(context, call)
    key_id = call.params.get("AccessKeyId", "")
    made_as = None
    if user:
        listed = context.request(call, "ListAccessKeys", UserName=user)
        if listed.ok:
            for key in each(listed.result(), "AccessKeyMetadata"):
                if text(key, "AccessKeyId") == key_id:
                    made_as = text(key, "UserName")
    if not made_as or made_as == user:
        return context.moto(call)
    other = ""  # the name the user going by ``made_as`` now takes meanwhile
    if _exists(context, call, "User", made_as):
        other = _spare(context, call, "User", made_as)
        move_user(context, call, made_as, other)
    move_user(context, call, user, made_as)
    try:
        params = {**call.params, "UserName": made_as}
        return context.moto(call.with_params(params), params)
    finally:
        move_user(context, call, made_as, user)
        if other:
            move_user(context, call, other, made_as)


def _named(items: Iterable[ET.Element | None], user: str) -> None:
    """Each item's UserName, as its user is called now."""
    for item in items:
        name = child(item, "UserName")
        if name is not None:
            name.text = user


def named_by_request(listed: str):  # type: ignore[no-untyped-def]
    """An answer listing one user's items (``listed``) names the user the request named."""

    def edit(context: Context, call: Call, done: Answer) -> Answer:
        user = call.params.get("UserName") or _caller(context, call)
        if not user:
            return done
        _named(each(done.result(), listed), user)
        return done.rewritten()

    return edit


def ssh_key_named(context: Context, call: Call, done: Answer) -> Answer:
    """GetSSHPublicKey names the user the request named."""
    _named([child(done.result(), "SSHPublicKey")], call.params.get("UserName", ""))
    return done.rewritten()


def key_last_used_named(context: Context, call: Call, done: Answer) -> Answer:
    """GetAccessKeyLastUsed names the key's user as the model knows it now."""
    with context.store.lock:
        credential = context.store.credentials.get(call.params.get("AccessKeyId", ""))
    result = done.result()
    if credential is None or not credential.user or result is None:
        return done
    name = child(result, "UserName")
    if name is None:
        name = sub(result, "UserName")
    name.text = credential.user
    return done.rewritten()


# --- groups --------------------------------------------------------------------------------------


def update_group(context: Context, call: Call) -> Answer:
    """UpdateGroup (see the module's docstring)."""
    group = call.params.get("GroupName", "")
    path = call.params.get("NewPath")
    context.ask(call, "GetGroup", GroupName=group)  # moto's NoSuchEntity, as IAM's
    if call.params.get("NewGroupName") or not path:
        return context.moto(call)
    spare = _spare(context, call, "Group", group)
    context.ask(call, "UpdateGroup", GroupName=group, NewGroupName=spare, NewPath=path)
    context.ask(call, "UpdateGroup", GroupName=spare, NewGroupName=group)
    return answer(call)


def register(rules: Rules) -> None:
    rules.serve_alone("UpdateUser", "DeleteAccessKey", "UpdateGroup")
    rules.serve("UpdateUser")(update_user)
    rules.serve("DeleteAccessKey")(delete_access_key)
    rules.edit("ListAccessKeys")(named_by_request("AccessKeyMetadata"))
    rules.edit("ListSigningCertificates")(named_by_request("Certificates"))
    rules.edit("ListSSHPublicKeys")(named_by_request("SSHPublicKeys"))
    rules.edit("GetSSHPublicKey")(ssh_key_named)
    rules.edit("GetAccessKeyLastUsed")(key_last_used_named)
    rules.serve("UpdateGroup")(update_group)
