"""Permissions boundaries of users, which moto drops (it keeps roles'): set by CreateUser's
PermissionsBoundary and PutUserPermissionsBoundary, removed by DeleteUserPermissionsBoundary,
shown by GetUser and GetAccountAuthorizationDetails (not by ListUsers, which IAM documents as
leaving it out), and enforced by the gate. A boundary must be an existing managed policy, for
users and roles alike (IAM API Reference, CreateUser/CreateRole/Put*PermissionsBoundary:
NoSuchEntity "Scope ARN: ... does not exist or is not attachable.")."""

from __future__ import annotations

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
    text,
)

KIND = "PermissionsBoundaryPolicy"


def check_policy(context: Context, call: Call) -> None:
    """The boundary a request sets is an existing managed policy."""
    arn = call.params.get("PermissionsBoundary")
    if arn is None:
        return
    if not arn.startswith("arn:"):
        raise Refusal("InvalidInput", f"ARN {arn} is not valid.")
    if ":iam::aws:policy/" in arn:
        return  # AWS's managed policies are every account's (moto loads them only if told to)
    if not context.request(call, "GetPolicy", PolicyArn=arn).ok:
        raise no_such_entity(f"Scope ARN: {arn} does not exist or is not attachable.")


def boundary_element(ns: str, arn: str) -> ET.Element:
    element = ET.Element(q(ns, "PermissionsBoundary"))
    ET.SubElement(element, q(ns, "PermissionsBoundaryType")).text = KIND
    ET.SubElement(element, q(ns, "PermissionsBoundaryArn")).text = arn
    return element


def _show(context: Context, ns: str, user: ET.Element | None) -> None:
    """Put the user's boundary (if it has one) into ``user`` as IAM shows it."""
    if user is None:
        return
    with context.store.lock:
        arn = context.store.boundaries.get(text(user, "UserName") or "")
    old = child(user, "PermissionsBoundary")
    if old is not None:
        user.remove(old)
    if arn:
        tags = child(user, "Tags")
        place = list(user).index(tags) if tags is not None else len(user)
        user.insert(place, boundary_element(ns, arn))


def created(context: Context, call: Call, done: Answer) -> Answer:
    arn = call.params.get("PermissionsBoundary")
    if not arn:
        return done
    with context.store.lock:
        context.store.boundaries[call.params.get("UserName", "")] = arn
    _show(context, call.ns, child(done.result(), "User"))
    return done.rewritten()


def shown(context: Context, call: Call, done: Answer) -> Answer:
    _show(context, call.ns, child(done.result(), "User"))
    return done.rewritten()


def detailed(context: Context, call: Call, done: Answer) -> Answer:
    for user in each(done.result(), "UserDetailList"):
        _show(context, call.ns, user)
    return done.rewritten()


def _user_exists(context: Context, call: Call) -> str:
    user = call.params.get("UserName", "")
    context.ask(call, "GetUser", UserName=user)  # moto's NoSuchEntity, as IAM's
    return user


def put(context: Context, call: Call) -> Answer:
    """PutUserPermissionsBoundary."""
    user = _user_exists(context, call)
    check_policy(context, call)
    with context.store.lock:
        context.store.boundaries[user] = call.params.get("PermissionsBoundary", "")
    return answer(call)


def delete(context: Context, call: Call) -> Answer:
    """DeleteUserPermissionsBoundary."""
    user = _user_exists(context, call)
    with context.store.lock:
        context.store.boundaries.pop(user, None)
    return answer(call)


def forget(context: Context, call: Call, done: Answer) -> Answer:
    """DeleteUser: whatever the model kept of the user goes with it."""
    context.store.forget_user(call.params.get("UserName", ""))
    return done


def register(rules: Rules) -> None:
    rules.check("CreateUser", "CreateRole", "PutRolePermissionsBoundary")(check_policy)
    rules.edit("CreateUser")(created)
    rules.edit("GetUser")(shown)
    rules.edit("GetAccountAuthorizationDetails")(detailed)
    rules.serve("PutUserPermissionsBoundary")(put)
    rules.serve("DeleteUserPermissionsBoundary")(delete)
    rules.edit("DeleteUser")(forget)
