"""Console passwords: ChangePassword (moto has none), and the account's password policy held to
(moto keeps the policy but checks no password against it).

- ChangePassword (IAM API Reference): an IAM user changes its own password; a caller that is no
  IAM user is InvalidUserType; a user without a login profile NoSuchEntity; the old password
  must be the user's (else AccessDenied: IAM does not document its answer); the new one must
  meet the password policy; a password reset that was required no longer is.
- CreateLoginProfile, UpdateLoginProfile, ChangePassword: a password the account's policy
  refuses is PasswordPolicyViolation, "Password does not conform to the account password
  policy." (length, the four kinds of character). Reuse prevention is not modelled.

- GetAccountPasswordPolicy leaves MaxPasswordAge out when passwords never expire (ExpirePasswords
  false), and PasswordReusePrevention when any old password may be used again: IAM gives
  neither field then (its ranges, 1-1095 and 1-24, have no 0), where moto says 0, a value IAM
  (and botocore) refuse when it is sent back (``euare-sandbox --load``).

The model keeps each user's current password (from the requests that set it) to check
ChangePassword's OldPassword; nothing else reads it, and it goes with the login profile."""

from __future__ import annotations

import string
import xml.etree.ElementTree as ET

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.directory import caller_name
from euare.sandbox.model.wire import Answer, Call, Refusal, answer, child, no_such_entity, text

VIOLATION = "Password does not conform to the account password policy."
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
KINDS = {
    "RequireUppercaseCharacters": string.ascii_uppercase,
    "RequireLowercaseCharacters": string.ascii_lowercase,
    "RequireNumbers": string.digits,
    "RequireSymbols": SYMBOLS,
}


def conforms(policy: ET.Element | None, password: str) -> bool:
    """Whether ``password`` meets the password ``policy`` (GetAccountPasswordPolicy's)."""
    if policy is None:
        return True
    if len(password) < int(text(policy, "MinimumPasswordLength") or "6"):
        return False
    for flag, characters in KINDS.items():
        if text(policy, flag) == "true" and not any(c in characters for c in password):
            return False
    return True


def check_password(context: Context, call: Call, password: str) -> None:
    got = context.request(call, "GetAccountPasswordPolicy")
    policy = child(got.root, "GetAccountPasswordPolicyResult", "PasswordPolicy") if got.ok else None
    if not conforms(policy, password):
        raise Refusal("PasswordPolicyViolation", VIOLATION)


def check_profile(context: Context, call: Call) -> None:
    password = call.params.get("Password")
    if password is not None:
        check_password(context, call, password)


def remembered(context: Context, call: Call, done: Answer) -> Answer:
    password = call.params.get("Password")
    if password is not None:
        with context.store.lock:
            context.store.passwords[call.params.get("UserName", "")] = password
    return done


def forgotten(context: Context, call: Call, done: Answer) -> Answer:
    with context.store.lock:
        context.store.passwords.pop(call.params.get("UserName", ""), None)
    return done


def change(context: Context, call: Call) -> Answer:
    """ChangePassword (see the module's docstring)."""
    try:
        user = caller_name(context, call)
    except Refusal:
        raise Refusal(
            "InvalidUserType",
            "The request was rejected because the type of user for the transaction was incorrect.",
        ) from None
    if not context.request(call, "GetLoginProfile", UserName=user).ok:
        raise no_such_entity(f"Login profile for {user} not found")
    with context.store.lock:
        current = context.store.passwords.get(user)
    if current is None or call.params.get("OldPassword") != current:
        raise Refusal("AccessDenied", "The old password is incorrect.", 403)
    new = call.params.get("NewPassword", "")
    check_password(context, call, new)
    context.ask(
        call, "UpdateLoginProfile", UserName=user, Password=new, PasswordResetRequired="false"
    )
    with context.store.lock:
        context.store.passwords[user] = new
    return answer(call)


def policy_as_iam_gives_it(context: Context, call: Call, done: Answer) -> Answer:
    """GetAccountPasswordPolicy without a 0 for "never" (see the module's docstring)."""
    policy = child(done.result(), "PasswordPolicy")
    if policy is None:
        return done
    for name in ("MaxPasswordAge", "PasswordReusePrevention"):
        found = child(policy, name)
        if found is not None and (found.text or "0").strip() in ("", "0"):
            policy.remove(found)
    return done.rewritten()


def register(rules: Rules) -> None:
    rules.check("CreateLoginProfile", "UpdateLoginProfile")(check_profile)
    rules.edit("CreateLoginProfile", "UpdateLoginProfile")(remembered)
    rules.edit("DeleteLoginProfile")(forgotten)
    rules.serve("ChangePassword")(change)
    rules.edit("GetAccountPasswordPolicy")(policy_as_iam_gives_it)
