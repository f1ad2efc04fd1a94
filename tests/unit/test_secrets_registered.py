"""Secrets are registered once (euare.core.sensitive decides, euare.core.redact registers).

- No module but the redaction layer calls ``remember``: no verb registers a secret itself.
- The two hooks are registered by ``watch`` alone, and only for a client euare makes.
- Every ``register_secret`` call names an entry of the table of unmarked secrets, and is made
  where that entry says; every entry of the table is registered somewhere.
- For every IAM and STS operation euare uses, every member the models mark sensitive (and every
  member the table names), in its parameters and in its answer, is registered by the hooks of a
  client made by ``make_client`` (botocore's Stubber answers: the answer is made from the model),
  and nothing else is.
- Each entry of the table is registered by its one place, tested one by one.
"""

from __future__ import annotations

import ast
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.stub import Stubber

from euare.call.client import botocore_session, call, make_client
from euare.core import redact
from euare.core.sensitive import MEMBERS, UNMARKED
from euare.core.settings import Settings

pytestmark = pytest.mark.usefixtures("fresh_registry")

SRC = Path(__file__).resolve().parents[2] / "src" / "euare"
MODELS = {service: botocore_session().get_service_model(service) for service in ("iam", "sts")}

# Where the hooks may be registered (euare.core.redact.watch called), and why there.
WATCHERS = {
    "euare.call.client:register_hooks": "every client euare makes (make_client, the warm-up's)",
    "euare.sandbox.server:local_client": "the sandbox's own boto3 client, which sets it up",
}


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, ast.parse(path.read_text(encoding="utf-8"), str(path))


def from_redact(tree: ast.Module) -> set[str]:
    """The names a module imports from euare.core.redact (at its top or in a function)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "euare.core.redact"
        for alias in node.names
    }


@dataclass
class Calls(ast.NodeVisitor):
    """The calls of one function of euare.core.redact in one module (``wanted(...)`` where the
    module imported it, or ``redact.wanted(...)``), each with the function it is made in."""

    module: str
    wanted: str
    imported: bool
    found: list[tuple[ast.Call, str]] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)

    def _nested(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _nested

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (isinstance(func, ast.Name) and func.id == self.wanted and self.imported) or (
            isinstance(func, ast.Attribute)
            and func.attr == self.wanted
            and ast.unparse(func.value).endswith("redact")
        ):
            self.found.append((node, f"{self.module}:{'.'.join(self.scope)}"))
        self.generic_visit(node)


def calls_of(wanted: str) -> list[tuple[ast.Call, str]]:
    found = []
    for name, tree in modules():
        visitor = Calls(name, wanted, wanted in from_redact(tree))
        visitor.visit(tree)
        found += visitor.found
    return found


# --- the code: one registry, one decision ---------------------------------------------------


def test_nothing_but_the_redaction_layer_calls_remember() -> None:
    """``remember`` is the registry itself: a module that calls it (or imports it, under any
    name) decides on its own what is a secret."""
    offenders = []
    for name, tree in modules():
        if name == "euare.core.redact":
            continue
        for node in ast.walk(tree):
            if (
                (isinstance(node, ast.Name) and node.id == "remember")
                or (isinstance(node, ast.Attribute) and node.attr == "remember")
                or (isinstance(node, ast.alias) and node.name == "remember")
            ):
                offenders.append(f"{name}, line {getattr(node, 'lineno', '?')}")
    assert not offenders, f"remember outside euare.core.redact: {offenders}"


def test_the_hooks_are_registered_by_watch_alone_once_per_client() -> None:
    hooks = ("remember_params", "remember_answer")
    for name, tree in modules():
        if name in {"euare.core.redact", "euare.call.client"}:  # client re-exports one name
            continue
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert not used & set(hooks), f"{name} handles the secret hooks itself"
    watching = sorted(where for _, where in calls_of("watch"))
    assert watching == sorted(WATCHERS)


def test_every_register_secret_call_is_where_its_table_entry_says() -> None:
    made = calls_of("register_secret")
    assert made
    for node, where in made:
        first = node.args[0] if node.args else None
        assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
            f"{where}: the kind of secret must be a literal naming its table entry"
        )
        entry = UNMARKED.get(first.value)
        assert entry is not None, f"{where}: {first.value!r} is not in the table"
        assert entry.where == where, f"{first.value!r} is registered at {where}, not {entry.where}"
    places = {where for _, where in made}
    for kind, entry in UNMARKED.items():
        if entry.where is not None:
            assert entry.where in places, f"nothing registers {kind!r} at {entry.where}"


def test_a_member_of_the_table_is_not_registered_by_hand() -> None:
    with pytest.raises(KeyError):
        redact.register_secret("SessionToken", "a-session-token")
    with pytest.raises(KeyError):
        redact.register_secret("no such kind", "a-value")
    assert not redact._known


# --- the models: every secret member, in every operation euare uses --------------------------


def operations_used() -> list[tuple[str, str]]:
    """(service, operation) for every IAM and STS operation named in src/euare: as a string
    ("CreateAccessKey") or as a boto3 client's method (``iam.create_login_profile``)."""
    names = {svc: set(model.operation_names) for svc, model in MODELS.items()}
    methods = {xform_name(op): (svc, op) for svc, ops in names.items() for op in ops}
    found: set[tuple[str, str]] = set()
    for _, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found |= {(svc, node.value) for svc, ops in names.items() if node.value in ops}
            elif isinstance(node, ast.Attribute) and node.attr in methods:
                found.add(methods[node.attr])
    return sorted(found)


USED = operations_used()


def test_the_operations_found_are_the_ones_the_verbs_use() -> None:
    assert len(USED) > 100
    assert {
        ("iam", "CreateAccessKey"),
        ("iam", "CreateLoginProfile"),  # the sandbox's load too, by its method
        ("iam", "ChangePassword"),
        ("iam", "CreateVirtualMFADevice"),
        ("iam", "EnableMFADevice"),
        ("iam", "ResetServiceSpecificCredential"),
        ("iam", "UploadServerCertificate"),
        ("sts", "AssumeRole"),
        ("sts", "GetCallerIdentity"),
    } <= set(USED)


@dataclass
class Leaf:
    value: str
    secret: bool
    path: tuple[str, ...]


@dataclass
class Maker:
    """Values of a botocore shape, every text unique (so that none holds another), each
    recorded with whether it is secret: under a member the model marks sensitive, of a shape
    it marks so, or under a member the table names. (This walk is the test's own.)"""

    leaves: list[Leaf] = field(default_factory=list)
    count: int = 0

    def text(self, shape: Any, secret: bool, path: tuple[str, ...]) -> str:
        self.count += 1
        token = f"t{self.count:06d}z"
        token += "q" * max(0, int(shape.metadata.get("min", 0)) - len(token))
        self.leaves.append(Leaf(token, secret, path))
        return token

    def make(self, shape: Any, secret: bool = False, path: tuple[str, ...] = ()) -> Any:
        secret = secret or bool(shape.metadata.get("sensitive"))
        kind = shape.type_name
        if kind == "structure":
            members = list(shape.members.items())
            if shape.metadata.get("union"):  # one member only: no union holds a secret yet
                members = members[:1]
            return {
                name: self.make(member, secret or name in MEMBERS, (*path, name))
                for name, member in members
            }
        if kind == "list":
            items = shape.metadata.get("min") or 1
            return [self.make(shape.member, secret, path) for _ in range(items)]
        if kind == "map":
            return {self.make(shape.key, secret, path): self.make(shape.value, secret, path)}
        if kind == "string":
            return self.text(shape, secret, path)
        if kind == "blob":
            return self.text(shape, secret, path).encode("ascii")
        if kind in ("integer", "long"):
            return max(1, int(shape.metadata.get("min", 1)))
        if kind in ("float", "double"):
            return 1.0
        if kind == "boolean":
            return True
        if kind == "timestamp":
            return datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
        raise AssertionError(f"no value made for a {kind}")


@pytest.fixture(scope="module")
def clients() -> dict[str, Any]:
    """A client of each service as euare makes them (its hooks and all); Stubber answers."""
    return {
        service: make_client(
            Settings(
                "AKIAEXAMPLEEXAMPLE00",
                "example-signing-secret",
                None,
                "http://127.0.0.1:9/",
                "us-east-1",
                max_attempts=1,
                service=service,
            )
        )
        for service in MODELS
    }


def called(clients: dict[str, Any], service: str, operation: str) -> list[Leaf]:
    """Make ``operation``'s call with values made from the model (its answer too); the texts
    of both, each with whether it is secret."""
    model = MODELS[service].operation_model(operation)
    maker = Maker()
    params = maker.make(model.input_shape) if model.input_shape is not None else {}
    answer = maker.make(model.output_shape) if model.output_shape is not None else {}
    client = clients[service]
    with Stubber(client) as stubber:
        stubber.add_response(xform_name(operation), answer)
        call(client, operation, **params)
        stubber.assert_no_pending_responses()
    return maker.leaves


def masked(text: str) -> bool:
    return text not in redact.redact(f"[{text}]")


def registered(secret: str) -> bool:
    """Whether ``secret`` itself is in the registry (a private key would be masked by the
    PEM pattern alone)."""
    return secret in redact._known or secret in redact._short


@pytest.mark.parametrize(("service", "operation"), USED, ids=[f"{s}-{o}" for s, o in USED])
def test_every_secret_member_of_an_operation_euare_uses_is_registered_and_nothing_else(
    clients: dict[str, Any], service: str, operation: str
) -> None:
    leaves = called(clients, service, operation)
    shown = [leaf.path for leaf in leaves if leaf.secret and not masked(leaf.value)]
    assert not shown, f"{operation}: secret members not registered: {shown}"
    hidden = [leaf.path for leaf in leaves if not leaf.secret and masked(leaf.value)]
    assert not hidden, f"{operation}: members registered that are no secret: {hidden}"


def made(service: str, operation: str) -> list[Leaf]:
    """The texts of values made for ``operation``'s parameters and answer (no call made)."""
    model = MODELS[service].operation_model(operation)
    maker = Maker()
    for shape in (model.input_shape, model.output_shape):
        if shape is not None:
            maker.make(shape)
    return maker.leaves


def test_some_operations_euare_uses_have_secrets_in_their_parameters_and_answers() -> None:
    """The test above is not vacuous: the models' secrets are among what it checks."""
    secret_paths = set()
    for service, operation in USED:
        leaves = made(service, operation)
        secret_paths |= {(operation, leaf.path) for leaf in leaves if leaf.secret}
    assert {
        ("CreateAccessKey", ("AccessKey", "SecretAccessKey")),
        ("CreateLoginProfile", ("Password",)),
        ("CreateVirtualMFADevice", ("VirtualMFADevice", "Base32StringSeed")),
        ("AssumeRole", ("Credentials", "SessionToken")),
        ("UploadServerCertificate", ("PrivateKey",)),
    } <= secret_paths


# --- the table, entry by entry -------------------------------------------------------------


@pytest.mark.parametrize("member", sorted(MEMBERS))
def test_a_member_of_the_table_is_unmarked_and_registered_by_the_hooks(
    clients: dict[str, Any], member: str
) -> None:
    """Each member the table names: the models do not mark it (else the entry is no longer
    needed), the debug log's patterns know its name, and the hooks register its value in every
    operation euare uses that holds it."""
    for service, model in MODELS.items():
        for name in model.shape_names:
            shape = model.shape_for(name)
            if shape.type_name == "structure" and member in shape.members:
                marked = shape.members[member].metadata.get("sensitive")
                assert not marked, f"{service} {name}.{member} is marked now: drop the entry"
    assert member in redact.SECRET_FIELDS
    seen = 0
    for service, operation in USED:
        if not any(member in leaf.path for leaf in made(service, operation)):
            continue
        for leaf in called(clients, service, operation):
            if member in leaf.path:
                seen += 1
                assert masked(leaf.value), f"{operation} {'.'.join(leaf.path)}"
    assert seen, f"no operation euare uses holds {member}"


def _credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from urllib.parse import quote

    from euare.core.settings import Flags, load

    secret, token, password = "secret-key-from-env", "session-token-from-env", "url-pass:/@"
    env = {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_SESSION_TOKEN": token,
        "EUARE_URL": f"https://user:{quote(password, safe='')}@iam.example.com/",
    }
    load(Flags(), env, tmp_path)
    return [secret, token, password]


def _iamrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from euare.core.settings import parse_iamrc

    parse_iamrc("AWSAccessKeyId=AKIDFILE\nAWSSecretKey=secret-key-in-a-file\n")
    return ["secret-key-in-a-file"]


def _chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from euare.call.awsfiles import chain_credentials
    from euare.call.client import new_session

    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDCHAIN")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-key-of-the-chain")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token-of-the-chain")
    assert chain_credentials(new_session(), None) is not None
    return ["secret-key-of-the-chain", "session-token-of-the-chain"]


def _assumed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from euare.call.accounts import role_credentials
    from euare.call.context import Call

    answer = {
        "Credentials": {
            "AccessKeyId": "ASIAASSUMEDROLE00001",
            "SecretAccessKey": "secret-key-of-the-assumed-role",
            "SessionToken": "session-token-of-the-assumed-role",
        }
    }
    call = Call("euare-test", {}, io.StringIO(), io.StringIO(), io.StringIO())
    monkeypatch.setattr(call, "request", lambda operation, **params: answer)
    got = role_credentials(call, "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole")
    assert got["secret_key"] == "secret-key-of-the-assumed-role"
    return ["secret-key-of-the-assumed-role", "session-token-of-the-assumed-role"]


def _typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from euare.call.context import Call

    call = Call("euare-test", {}, io.StringIO("typed-passw0rd\n"), io.StringIO(), io.StringIO())
    assert call.read_secret("New password") == "typed-passw0rd"
    return ["typed-passw0rd"]


def _given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from euare.cli.rules import refuse

    refuse("-p/--password", "given-Passw0rd!", "CreateLoginProfile", "Password")
    refuse("--mfa-code", "246813", "AssumeRole", "TokenCode", "sts")
    return ["given-Passw0rd!", "246813"]


def _misplaced_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from euare.cli.paramtypes import refuse_private_key
    from euare.core.errors import UsageError

    key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----"
    with pytest.raises(UsageError):
        refuse_private_key(f"{key}\n", "the file", "the certificate")
    return [key]


def _made_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from euare.verbs.certs import make_certificate

    _, key = make_certificate("alice", 1)
    return [key]


def _sandbox_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from euare.sandbox.model.servicecreds import _password

    return [_password()]


PLACES = {
    "sandbox password": _sandbox_password,
    "credentials": _credentials,
    "iamrc": _iamrc,
    "chain": _chain,
    "assumed": _assumed,
    "typed": _typed,
    "given": _given,
    "misplaced key": _misplaced_key,
    "made key": _made_key,
}


def test_every_value_of_the_table_has_a_test() -> None:
    assert set(PLACES) == {kind for kind, entry in UNMARKED.items() if entry.where is not None}


@pytest.mark.parametrize("kind", sorted(PLACES))
def test_a_value_of_the_table_is_registered_by_its_one_place(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert UNMARKED[kind].why
    secrets = PLACES[kind](tmp_path, monkeypatch)
    for secret in secrets:
        assert registered(secret), f"{kind}: {secret!r} is not registered"
