"""STS's AssumeRole of a role that is not there: AWS refuses it, whoever asks and whatever
their policies (STS API Reference, AssumeRole's errors; IAM User Guide, "Troubleshooting IAM
roles": "User: ... is not authorized to perform: sts:AssumeRole on resource: ..."), with the
same AccessDenied it gives a caller the trust policy does not name, so that a caller cannot
tell a missing role from a refusal. moto hands out credentials for any role ARN; the model
refuses first, with the gate on or off (a script that enters a deleted role's account must
see the failure it will see on AWS). The role is looked for in the account its ARN names."""

from __future__ import annotations

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.wire import Call, Refusal, text


def _role_exists(context: Context, call: Call) -> None:
    arn = call.params.get("RoleArn", "")
    parts = arn.split(":", 5)
    if len(parts) < 6 or not parts[4].isdigit() or not parts[5].startswith("role/"):
        return  # moto's own answer for an ARN that is no role's (a ValidationError)
    name = parts[5].rsplit("/", 1)[-1]
    if context.elsewhere(parts[4]).request(call, "GetRole", RoleName=name).ok:
        return
    asked = context.request(call, "GetCallerIdentity", "sts")
    caller = (text(asked.root, "GetCallerIdentityResult", "Arn") if asked.ok else None) or "?"
    message = f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {arn}"
    raise Refusal("AccessDenied", message, 403)


def register(rules: Rules) -> None:
    rules.check("AssumeRole")(_role_exists)
