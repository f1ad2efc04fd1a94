"""ARNs: the caller's account, and the ARN of an entity given by name."""

from __future__ import annotations

from typing import Any

from euare.call.context import Call
from euare.core.errors import EuareError, UsageError, describe


def arn_of(item: dict[str, Any]) -> str:
    return str(item["Arn"])


def caller_account(call: Call, hint: str = "give an ARN instead") -> tuple[str, str]:
    """The caller's (partition, account id), asked for once per call; ``hint`` ends the error
    when neither STS nor IAM says.

    STS GetCallerIdentity needs no permission, so it is asked first. With ``-U`` the STS request
    goes to that (IAM) URL too, which a real IAM endpoint refuses; IAM GetUser (no name: the
    caller) then gives the account from the caller's ARN, which works for users and the root.
    """
    if call.account is not None:
        return call.account
    try:
        caller = call.request("GetCallerIdentity", service="sts")
        arn, account = str(caller["Arn"]), str(caller["Account"])
    except Exception as exc:
        first = describe(exc)
        try:
            arn = str(call.request("GetUser")["User"]["Arn"])
            account = arn.split(":")[4]
        except Exception:
            raise EuareError(
                f"cannot find the caller's account: STS GetCallerIdentity failed "
                f"({first.message}); {hint}",
                code=first.code,
            ) from exc
    found = (arn.split(":")[1] if arn.startswith("arn:") else "aws", account)
    call.account = found
    return found


def split_name(given: str) -> tuple[str, str]:
    """``/team/NAME`` (or ``team/NAME``) to ``("/team/", "NAME")``; a bare name is under ``/``.

    The path is kept as given, so that ``policy_arn`` of the same text names the same policy.
    """
    head, _, name = given.lstrip("/").rpartition("/")
    if not name:
        raise UsageError(f"{given!r} ends with '/' and so names no policy")
    return (f"/{head}/" if head else "/"), name


def policy_arn(call: Call, given: str) -> str:
    """An ARN as is; a name (``NAME`` or ``/PATH/NAME``) as the caller's account's policy:
    ``arn:PARTITION:iam::ACCOUNT:policy/PATH/NAME``."""
    return account_arn(call, "policy", given.lstrip("/"))


def account_arn(call: Call, kind: str, given: str) -> str:
    """An ARN as is; a name as the caller's account's ``kind`` (``policy``, ``saml-provider``):
    ``arn:PARTITION:iam::ACCOUNT:KIND/NAME``."""
    if given.startswith("arn:"):
        return given
    partition, account = caller_account(call)
    return f"arn:{partition}:iam::{account}:{kind}/{given}"


NO_ACCOUNT = (
    "failed to determine account ID; set account-id for the user in configuration or "
    "EC2_USER_ID in the environment"
)


def role_account(call: Call) -> tuple[str, str]:
    """(partition, account ID) for a role named without its account: EC2_USER_ID's account, as in
    euca2ools, else the caller's own (where euca2ools gave up)."""
    account = (call.env.get("EC2_USER_ID") or "").strip()
    if account:
        return "aws", account
    try:
        return caller_account(call)
    except EuareError as exc:
        raise UsageError(f"{NO_ACCOUNT} ({exc.message})") from None


def role_arn(call: Call, given: str) -> str:
    """The ARN of the role given as ``NAME``, ``role/NAME``, ``ACCOUNT:NAME``, a partial ARN
    (``iam::ACCOUNT:role/NAME``, ``aws:iam::ACCOUNT:role/NAME``) or an ARN (taken as is).

    As in euca2ools, the missing leading parts of ``arn:aws:iam::ACCOUNT:role/NAME`` are filled
    in, and ``role/`` is put before a name that lacks it. A role without its account is in
    :func:`role_account`'s. Text that fits none of these forms is taken as a name (IAM then
    says what is wrong with it), so the result is always a role's ARN.
    """
    if given.startswith("arn:"):
        return given
    parts = given.split(":")
    # Aligned from the right with arn:PARTITION:iam:REGION:ACCOUNT:RESOURCE.
    fields = dict(enumerate(parts, start=6 - len(parts)))
    if (
        len(parts) > 5
        or fields.get(1) == ""
        or fields.get(2, "iam") != "iam"
        or fields.get(3, "") != ""
    ):
        fields = {5: given}
    name = fields[5].removeprefix("role/")
    partition, account = fields.get(1, "aws"), fields.get(4, "")
    if not account:
        found_partition, account = role_account(call)
        partition = fields.get(1, found_partition)
    return f"arn:{partition}:iam::{account}:role/{name}"
