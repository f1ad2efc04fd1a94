"""``--enforce-auth``: the gate every IAM and STS request passes once it is on, deciding as IAM
does, with the same evaluator as the simulator (euare.policy.evaluate).

- Authentication: the request is signed (SigV4) with a key the account holds, active, and its
  session token if it is a session's (else ``InvalidClientTokenId``, 403), and the signature is
  right (else ``SignatureDoesNotMatch``, 403). The model knows every key from the answers that
  made it (CreateAccessKey, AssumeRole, GetSessionToken), and forgets it when it is deleted.
- Authorization (IAM User Guide, "Policy evaluation logic"): the caller's identity-based
  policies (a user's own and its groups', a role session's role's), within its permissions
  boundary, must allow the action on its resource (:mod:`resources`), with no explicit deny;
  else ``AccessDenied`` (403) in IAM's words. The principal is its ARN with its path: a user
  under /cron/ is ``user/cron/NAME``. ``sts:GetCallerIdentity`` is always allowed.
- ``sts:AssumeRole`` (IAM User Guide, "Cross-account policy evaluation logic" and "IAM roles"):
  the role's trust policy (in the role's account) must allow the caller; within one account,
  a trust policy naming the caller's own ARN is enough, one naming the account (or anyone)
  needs the caller's own policies to allow it too; from another account the caller's own
  policies (in its own account) must always allow it too.
- Every request is judged in its key's account (:class:`context.Accounts`): a key is known in
  its own account only, a caller's policies are its account's.
- Organizations (its calls, ``organizations:ACTION``): the caller's policies must allow the
  action on ``*`` (resource-level permissions and service control policies are not modelled);
  which account may make which call (the management account: CreateAccount...) moto decides.

``moto-api/reset-auth N`` turns the gate on after N more requests (moto's meaning of it); moto's
own authorization, which loses paths and refuses AssumeRole to an administrator, stays off.
"""

from __future__ import annotations

import dataclasses
import hmac
import math
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timezone

from euare.core.errors import EuareError
from euare.policy.evaluate import Decision, Policy, Request, evaluate
from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.directory import Directory, Principal, reader
from euare.sandbox.model.resources import resource
from euare.sandbox.model.state import Credential
from euare.sandbox.model.wire import Answer, Call, Refusal, text

INVALID_TOKEN = "The security token included in the request is invalid."
BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)


class Gate:
    """Off until ``reset-auth`` says after how many more requests it turns on."""

    def __init__(self) -> None:
        self.after = math.inf
        self.count = 0
        self.lock = threading.Lock()

    def set(self, given: str) -> str:
        """moto's reset-auth: on after ``given`` more requests ("inf": never); the old setting."""
        with self.lock:
            previous = str(float(self.after))
            try:
                self.after = float(given)
            except ValueError:
                raise Refusal("InvalidInput", f"{given!r} is not a number of requests") from None
            self.count = 0
        return previous

    def check(self, context: Context, call: Call) -> None:
        """Refuse ``call`` (a Refusal) unless the gate is off or IAM would allow it."""
        with self.lock:
            if self.count < self.after:
                self.count += 1
                return
        if call.service not in ("iam", "sts", "organizations"):
            return
        credential = authenticate(context, call)
        if call.action != "GetCallerIdentity":
            authorize(context, call, credential)


def authenticate(context: Context, call: Call) -> Credential:
    environ = call.environ
    header = str(environ.get("HTTP_AUTHORIZATION", ""))
    if not header.startswith("AWS4-HMAC-SHA256 "):
        raise Refusal("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
    with context.store.lock:
        credential = context.store.credentials.get(call.key_id)
    token = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
    if credential is None or not credential.active or (token or "") != credential.token:
        raise Refusal("InvalidClientTokenId", INVALID_TOKEN, 403)
    if not hmac.compare_digest(signature(call, credential), _between(header, "Signature=", ",")):
        raise Refusal("SignatureDoesNotMatch", BAD_SIGNATURE, 403)
    return credential


def _between(text: str, start: str, end: str) -> str:
    return text.partition(start)[2].partition(end)[0].strip()


def signature(call: Call, credential: Credential) -> str:
    """The SigV4 signature of ``call`` with ``credential``'s secret (botocore computes it)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    environ = call.environ
    header = str(environ["HTTP_AUTHORIZATION"])
    scope = _between(header, "Credential=", ",").split("/")
    signed = _between(header, "SignedHeaders=", ",").split(";")
    present = {
        name[5:].replace("_", "-").lower(): str(value)
        for name, value in environ.items()
        if name.startswith("HTTP_")
    }
    present["content-type"] = str(environ.get("CONTENT_TYPE", ""))
    present["content-length"] = str(environ.get("CONTENT_LENGTH", ""))
    headers = {name: present.get(name, "") for name in signed}
    query = environ.get("QUERY_STRING")
    url = f"http://{present.get('host', 'localhost')}{environ.get('PATH_INFO') or '/'}"
    request = AWSRequest(
        method=str(environ.get("REQUEST_METHOD", "POST")),
        url=url + (f"?{query}" if query else ""),
        data=call.body,
        headers=headers,
    )
    request.context["timestamp"] = headers.get("x-amz-date", "")
    secret = Credentials(credential.key_id, credential.secret, credential.token or None)
    auth = SigV4Auth(
        secret, scope[3] if len(scope) > 3 else "iam", scope[2] if len(scope) > 2 else "us-east-1"
    )
    canonical = auth.canonical_request(request)
    return str(auth.signature(auth.string_to_sign(request, canonical), request))


def _caller(directory: Directory, credential: Credential) -> tuple[Principal, str]:
    """The calling user or role, and the caller's ARN (a session's ARN for a role session)."""
    if credential.user:
        user = directory.users.get(credential.user)
        if user is None:
            raise Refusal("InvalidClientTokenId", INVALID_TOKEN, 403)
        return user, user.arn
    role = next((r for r in directory.roles.values() if r.arn == credential.role_arn), None)
    if role is None:
        raise Refusal("InvalidClientTokenId", INVALID_TOKEN, 403)
    account = role.arn.split(":")[4]
    return role, f"arn:aws:sts::{account}:assumed-role/{role.name}/{credential.session}"


def request_context(
    call: Call, principal: Principal, caller: str, credential: Credential
) -> dict[str, list[str]]:
    """The condition keys IAM gives a request of ``principal``'s."""
    now = datetime.now(timezone.utc)
    scope = _between(str(call.environ.get("HTTP_AUTHORIZATION", "")), "Credential=", ",")
    parts = scope.split("/")
    found = {
        "aws:CurrentTime": [now.strftime("%Y-%m-%dT%H:%M:%SZ")],
        "aws:EpochTime": [str(int(time.time()))],
        "aws:SecureTransport": [str(call.environ.get("wsgi.url_scheme") == "https").lower()],
        "aws:SourceIp": [str(call.environ.get("REMOTE_ADDR", "127.0.0.1"))],
        "aws:PrincipalArn": [principal.arn],
        "aws:PrincipalAccount": [principal.arn.split(":")[4]],
        "aws:PrincipalType": ["User" if principal.kind == "user" else "AssumedRole"],
        "aws:RequestedRegion": [parts[2] if len(parts) > 2 else "us-east-1"],
    }
    if principal.kind == "user":
        found["aws:username"] = [principal.name]
        found["aws:userid"] = [principal.id]
    else:
        found["aws:userid"] = [f"{principal.id}:{credential.session}"]
    for key, value in principal.tags.items():
        found[f"aws:PrincipalTag/{key}"] = [value]
    given = call.tags()
    if given:
        found["aws:TagKeys"] = [key for key, _ in given]
        for key, value in given:
            found[f"aws:RequestTag/{key}"] = [value]
    for param, key in (
        ("PermissionsBoundary", "iam:PermissionsBoundary"),
        ("PolicyArn", "iam:PolicyARN"),
        ("ExternalId", "sts:ExternalId"),
        ("RoleSessionName", "sts:RoleSessionName"),
    ):
        if call.params.get(param):
            found[key] = [call.params[param]]
    return found


def decide(
    request: Request,
    identity: Sequence[Policy],
    boundary: Sequence[Policy] = (),
    trust: Sequence[Policy] = (),
) -> Decision:
    """The evaluator's decision, leaving out any policy it cannot read (moto took it)."""
    try:
        return evaluate(request, identity, boundary, trust)
    except EuareError:

        def readable(policy: Policy) -> bool:
            try:
                evaluate(request, [policy])
            except EuareError:
                return False
            return True

        keep = [[p for p in listed if readable(p)] for listed in (identity, boundary, trust)]
        return evaluate(request, keep[0], keep[1], keep[2])


def authorize(context: Context, call: Call, credential: Credential) -> None:
    """AccessDenied (a Refusal) unless the caller's policies allow ``call``."""
    read = reader(context)
    directory = read(context, call)
    principal, caller = _caller(directory, credential)
    action = f"{call.service}:{call.action}"
    target = resource(call, context.account, directory, credential.user or None)
    keys = request_context(call, principal, caller, credential)
    request = Request(action, target, keys, principal.arn)
    identity = read.policies(context, call, principal)
    boundary = read.boundary(context, call, principal)
    own = decide(request, identity, boundary)
    if action == "sts:AssumeRole":
        _assume(context, call, request, own, caller)
        return
    if own.decision == "allowed":
        return
    if own.decision == "explicitDeny":
        why = "with an explicit deny in an identity-based policy"
    elif own.allowed_by_boundary is False:
        why = f"because no permissions boundary allows the {action} action"
    else:
        why = f"because no identity-based policy allows the {action} action"
    raise denied(caller, action, target, why)


def denied(caller: str, action: str, target: str, why: str) -> Refusal:
    message = f"User: {caller} is not authorized to perform: {action} on resource: {target}"
    return Refusal("AccessDenied", f"{message} {why}".strip(), 403)


def _assume(context: Context, call: Call, request: Request, own: Decision, caller: str) -> None:
    """sts:AssumeRole: the trust policy (the role's account's) must allow the caller, by
    naming it or its account (or anyone); the caller's own policies must allow it too unless
    the trust policy names the caller itself and the role is of the caller's account. The
    trust policy is asked as the caller, as its account's root (a statement naming the
    account) and as a stranger of the account (to tell a statement naming the caller from one
    naming anyone), whatever the evaluator makes of accounts."""
    parts = request.resource.split(":")
    home = context.elsewhere(parts[4]) if len(parts) > 5 and parts[4].isdigit() else context
    directory = reader(home)(home, call)
    role = next((r for r in directory.roles.values() if r.arn == request.resource), None)
    if role is None or not role.trust:
        return  # moto answers for a role that is not there
    trust = [Policy("AssumeRolePolicyDocument", "resource", role.trust)]
    account = (request.principal or request.resource).split(":")[4]

    def trusted(principal: str | None) -> str:
        return decide(dataclasses.replace(request, principal=principal), [], [], trust).decision

    as_caller = trusted(request.principal)
    if "explicitDeny" in (as_caller, own.decision):
        raise denied(caller, request.action, request.resource, "with an explicit deny")
    named = as_caller == "allowed" and trusted(f"arn:aws:iam::{account}:user/\0") != "allowed"
    if named and home is context:
        return
    if "allowed" not in (as_caller, trusted(f"arn:aws:iam::{account}:root")):
        raise denied(caller, request.action, request.resource, "")
    if own.decision != "allowed":
        why = f"because no identity-based policy allows the {request.action} action"
        raise denied(caller, request.action, request.resource, why)


# --- the keys the gate knows, from the answers that make and end them ---------------------------


def register(rules: Rules) -> None:
    rules.edit("CreateAccessKey")(_key_made)
    rules.edit("DeleteAccessKey")(_key_deleted)
    rules.edit("UpdateAccessKey")(_key_updated)
    rules.edit("AssumeRole")(_session_made)
    rules.edit("GetSessionToken")(_session_made)


def _key_made(context: Context, call: Call, answer: Answer) -> Answer:
    made = answer.result()
    key_id = text(made, "AccessKey", "AccessKeyId")
    if key_id:
        credential = Credential(
            key_id,
            text(made, "AccessKey", "SecretAccessKey") or "",
            user=text(made, "AccessKey", "UserName") or "",
            active=text(made, "AccessKey", "Status") != "Inactive",
        )
        with context.store.lock:
            context.store.credentials[key_id] = credential
        context.accounts.own(key_id, context.account)
    return answer


def _key_deleted(context: Context, call: Call, answer: Answer) -> Answer:
    with context.store.lock:
        context.store.credentials.pop(call.params.get("AccessKeyId", ""), None)
    return answer


def _key_updated(context: Context, call: Call, answer: Answer) -> Answer:
    with context.store.lock:
        credential = context.store.credentials.get(call.params.get("AccessKeyId", ""))
        if credential is not None:
            credential.active = call.params.get("Status") != "Inactive"
    return answer


def _session_made(context: Context, call: Call, answer: Answer) -> Answer:
    made = answer.result()
    key_id = text(made, "Credentials", "AccessKeyId")
    if not key_id:
        return answer
    credential = Credential(
        key_id,
        text(made, "Credentials", "SecretAccessKey") or "",
        token=text(made, "Credentials", "SessionToken") or "",
    )
    home = context
    if call.action == "AssumeRole":
        credential.role_arn = call.params.get("RoleArn", "")
        credential.session = call.params.get("RoleSessionName", "")
        parts = credential.role_arn.split(":")
        if len(parts) > 5 and parts[4].isdigit():
            home = context.elsewhere(parts[4])  # a session of the role's account
    else:  # GetSessionToken: the caller's own identity, for a while
        with context.store.lock:
            own = context.store.credentials.get(call.key_id)
        if own is None:
            return answer
        credential.user, credential.role_arn, credential.session = (
            own.user,
            own.role_arn,
            own.session,
        )
    with home.store.lock:
        home.store.credentials[key_id] = credential
    context.accounts.own(key_id, home.account)
    return answer
