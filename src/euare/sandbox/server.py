"""The sandbox's server: moto's IAM and STS applications behind the sandbox's model of IAM
(euare.sandbox.model), on 127.0.0.1 in a thread; its administrator; and the switch that makes
it check credentials and policies."""

from __future__ import annotations

import html
import threading
import urllib.request
from collections.abc import Callable
from typing import Any

from euare.core.errors import EuareError
from euare.sandbox.moto import ADMIN_PATH, Plan, random_key, remember_lookups

ADMIN = "sandbox-admin"
ADMIN_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)


def model(latency: float = 0.0) -> Any:
    """The sandbox's model of IAM in front of moto's applications (IAM, STS, and moto's
    dispatcher for anything else, moto-api included), in this process."""
    try:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            create_backend_app,
        )
    except ImportError:
        raise EuareError("the sandbox needs moto's server: pip install 'euare[sandbox]'") from None
    from euare.sandbox.model.app import Model
    from euare.sandbox.model.upstream import Upstream

    remember_lookups()
    create = _with_clear_errors(create_backend_app)
    services = {service: create(service) for service in ("iam", "sts")}
    return Model(Upstream(services, DomainDispatcherApplication(create)), latency)


class Server:
    """The sandbox's model of IAM, in front of moto, on 127.0.0.1 in a thread of this process."""

    def __init__(self, port: int, latency: float = 0.0) -> None:
        self.model = model(latency)
        from euare.sandbox.listener import Listener

        try:
            self.server = Listener(("127.0.0.1", port), self.model)
        except OSError as exc:
            raise EuareError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=10)


def _with_clear_errors(create_app: Any) -> Any:
    """An API moto leaves half-done (it raises NotImplementedError) answers as AWS would (an
    XML error, status 501), not as an HTML 500 page, so clients report it in one line instead
    of retrying it. The operations neither moto nor the model has are the model's to answer
    (euare.sandbox.model.unsupported)."""

    def not_implemented(exc: Exception) -> tuple[str, int, dict[str, str]]:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code>"
            f"<Message>{html.escape(str(exc))} in the euare sandbox</Message></Error>"
            "<RequestId>sandbox</RequestId></ErrorResponse>"
        )
        return body, 501, {"Content-Type": "text/xml"}

    def create(service: Any) -> Any:
        app = create_app(service)
        app.register_error_handler(NotImplementedError, not_implemented)
        return app

    return create


def local_client(url: str) -> Any:
    """A boto3 IAM client of the sandbox, for setting it up before it checks credentials. Like
    every client euare makes, it registers the secrets it sends and receives (a login
    profile's password, a new key's secret), so that no message can show them."""
    import boto3

    from euare.core.redact import watch

    client = boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIASANDBOXBOOTSTRAP",
        aws_secret_access_key="bootstrap",
    )
    watch(client.meta.events, "iam")
    return client


def bootstrap(url: str, name: str = ADMIN, path: str = "/") -> tuple[str, str]:
    """Create the sandbox's administrator and return its access key id and secret."""
    iam = local_client(url)
    iam.create_user(UserName=name, Path=path)
    iam.put_user_policy(UserName=name, PolicyName="administrator", PolicyDocument=ADMIN_POLICY)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def administrator(
    url: str, plan: Plan, enforce_auth: bool, warn: Callable[[str], None]
) -> tuple[str, str]:
    """The credentials the sandbox hands out for a loaded snapshot.

    Without --enforce-auth moto checks no credentials, so no IAM user is made: the account
    holds the snapshot's users and nobody else. With it, moto accepts only a key of a user of
    the account, so an administrator is made (under ADMIN_PATH, named so as not to clash with
    a loaded user) and the user is told that the account has one user more than the snapshot.
    """
    if not enforce_auth:
        return random_key()
    taken = {str(user.get("UserName")) for user in plan.snapshot.get("Users") or []}
    name, number = ADMIN, 1
    while name in taken:
        number += 1
        name = f"{ADMIN}-{number}"
    credentials = bootstrap(url, name, ADMIN_PATH)
    warn(
        f"--enforce-auth needs an IAM user for the credentials it hands out: {name} "
        f"(path {ADMIN_PATH}) is one user more than {plan.origin} has"
    )
    return credentials


def enforce_auth(url: str) -> None:
    """From now on the server checks signatures and IAM policies on every request."""
    request = urllib.request.Request(
        url.rstrip("/") + "/moto-api/reset-auth",
        data=b"0",
        headers={"Content-Type": "text/plain"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
