"""A snapshot read back (euare.state.check through snapshot.loads): every field the readers
use is of its type, else one usage error naming it by its path; nesting is bounded.

The property tests run euare-accountdiff and euare-sandbox --load in process (the same entry
points the console scripts call), over a snapshot holding every field of every kind with one
field changed to a value of another JSON type: each must be exit 2 and one line naming that
field, never a traceback or "unexpected AttributeError".
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from euare.call.context import Call
from euare.cli.run import run
from euare.core.errors import UsageError
from euare.sandbox import command as sandbox
from euare.state.check import ANY, DOCUMENT, MAX_DEPTH, ListOf, Record, Spec
from euare.state.snapshot import FORMAT, KINDS, loads

ROOT = Path(__file__).resolve().parents[2]
ARN = "arn:aws:iam::123456789012"
WHEN = "2026-11-30T01:02:03Z"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}
TAGS = [{"Key": "team", "Value": "blue"}]
BOUNDARY = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": f"{ARN}:policy/b"}
ATTACHED = [{"PolicyName": "b", "PolicyArn": f"{ARN}:policy/b"}]

# Every field of every kind, as euare-accountsnapshot writes them (docs/snapshot.md).
RICH: dict[str, Any] = {  # (unshared below: each record its own lists)
    "Format": FORMAT,
    "Taken": WHEN,
    "Account": "123456789012",
    "AccountAliases": ["prod"],
    "PasswordPolicy": {
        "MinimumPasswordLength": 14,
        "RequireSymbols": True,
        "RequireNumbers": True,
        "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True,
        "ExpirePasswords": True,
        "MaxPasswordAge": 90,
        "PasswordReusePrevention": 5,
        "HardExpiry": False,
    },
    "Users": [
        {
            "UserName": "alice",
            "UserId": "AIDAALICE",
            "Path": "/",
            "Arn": f"{ARN}:user/alice",
            "CreateDate": WHEN,
            "PermissionsBoundary": BOUNDARY,
            "Tags": TAGS,
            "GroupList": ["ops"],
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": POLICY}],
            "AttachedManagedPolicies": ATTACHED,
            "AccessKeys": [{"AccessKeyId": "AKIAALICE", "Status": "Active", "CreateDate": WHEN}],
            "MFADevices": [{"SerialNumber": f"{ARN}:mfa/alice", "EnableDate": WHEN}],
            "LoginProfile": {"CreateDate": WHEN, "PasswordResetRequired": False},
        }
    ],
    "Groups": [
        {
            "GroupName": "ops",
            "GroupId": "AGPAOPS",
            "Path": "/",
            "Arn": f"{ARN}:group/ops",
            "CreateDate": WHEN,
            "GroupPolicyList": [{"PolicyName": "p", "PolicyDocument": POLICY}],
            "AttachedManagedPolicies": ATTACHED,
        }
    ],
    "Roles": [
        {
            "RoleName": "web",
            "RoleId": "AROAWEB",
            "Path": "/",
            "Arn": f"{ARN}:role/web",
            "CreateDate": WHEN,
            "Description": "the web tier",
            "MaxSessionDuration": 3600,
            "PermissionsBoundary": BOUNDARY,
            "AssumeRolePolicyDocument": POLICY,
            "Tags": TAGS,
            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": POLICY}],
            "AttachedManagedPolicies": ATTACHED,
        }
    ],
    "InstanceProfiles": [
        {
            "InstanceProfileName": "web",
            "InstanceProfileId": "AIPAWEB",
            "Path": "/",
            "Arn": f"{ARN}:instance-profile/web",
            "CreateDate": WHEN,
            "Roles": ["web"],
            "Tags": TAGS,
        }
    ],
    "Policies": [
        {
            "PolicyName": "b",
            "PolicyId": "ANPAB",
            "Path": "/",
            "Arn": f"{ARN}:policy/b",
            "Description": "a boundary",
            "IsAttachable": True,
            "DefaultVersionId": "v1",
            "Document": POLICY,
            "AttachmentCount": 2,
            "PermissionsBoundaryUsageCount": 2,
            "CreateDate": WHEN,
            "UpdateDate": WHEN,
            "Tags": TAGS,
        }
    ],
    "VirtualMFADevices": [
        {"SerialNumber": f"{ARN}:mfa/alice", "UserName": "alice", "EnableDate": WHEN}
    ],
    "OpenIDConnectProviders": [
        {
            "Url": "token.example.com",
            "Arn": f"{ARN}:oidc-provider/token.example.com",
            "ClientIDList": ["sts.amazonaws.com"],
            "ThumbprintList": ["a" * 40],
            "CreateDate": WHEN,
            "Tags": TAGS,
        }
    ],
    "SAMLProviders": [
        {
            "Name": "okta",
            "Arn": f"{ARN}:saml-provider/okta",
            "SAMLMetadataDocument": "<EntityDescriptor/>",
            "ValidUntil": WHEN,
            "CreateDate": WHEN,
            "Tags": TAGS,
        }
    ],
    "ServerCertificates": [
        {
            "ServerCertificateName": "www",
            "Path": "/",
            "ServerCertificateId": "ASCAWWW",
            "Arn": f"{ARN}:server-certificate/www",
            "UploadDate": WHEN,
            "Expiration": WHEN,
            "CertificateBody": "-----BEGIN CERTIFICATE-----",
            "CertificateChain": "-----BEGIN CERTIFICATE-----",
            "Tags": TAGS,
        }
    ],
}
RICH = json.loads(json.dumps(RICH))


def spec_fields(spec: Spec, path: str = "") -> set[str]:
    """Every field the check knows, as ``Users[].Tags[].Key``."""
    if isinstance(spec, ListOf):
        return spec_fields(spec.item, path + "[]")
    if isinstance(spec, Record):
        found = set()
        for name, member in spec.fields.items():
            at = f"{path}.{name}" if path else name
            found |= {at} | spec_fields(member, at)
        return found
    return set()


def document_fields(spec: Spec = DOCUMENT, path: str = "") -> set[str]:
    """The fields that hold a document (any JSON): nothing inside one is checked."""
    return {p for p in spec_fields(spec, path) if _spec_at(p) == ANY}


def _spec_at(path: str) -> Spec:
    spec: Spec = DOCUMENT
    for part in re.findall(r"\[\]|[^.\[\]]+", path):
        if part == "[]":
            assert isinstance(spec, ListOf)
            spec = spec.item
        else:
            assert isinstance(spec, Record)
            spec = spec.fields[part]
    return spec


def value_paths(
    value: Any, path: str = "", documents: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str]]:
    """Every field and list item of ``value`` (not inside a document): (its path, as an error
    names it, ``Users[0].Tags``; the same with ``[]`` for indexes, as spec_fields names it)."""
    shape = re.sub(r"\[\d+\]", "[]", path)
    if path:
        yield path, shape
    if shape in documents:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from value_paths(item, f"{path}.{key}" if path else key, documents)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from value_paths(item, f"{path}[{n}]", documents)


DOCUMENTS = frozenset(document_fields())
PATHS = sorted(p for p, shape in value_paths(RICH, documents=DOCUMENTS) if shape not in DOCUMENTS)


def test_the_rich_snapshot_holds_every_field_the_check_knows() -> None:
    """And no other: so that the property tests below change every field there is."""
    fields = {shape for _, shape in value_paths(RICH, documents=DOCUMENTS)}
    assert {f for f in fields if not f.endswith("[]")} == spec_fields(DOCUMENT)
    assert loads(json.dumps(RICH), "rich.json") == RICH


def test_every_kind_and_every_field_in_the_docs_is_checked() -> None:
    """docs/snapshot.md's table (and its paragraph on users) names each kind's fields: each is
    in the check, so a field added to the format cannot go unchecked."""
    text = (ROOT / "docs" / "snapshot.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)` \| (.*) \|$", text, re.M))
    assert set(table) >= {k.key for k in KINDS}
    for key, row in table.items():
        named = set(re.findall(r"`(\w+)`", row)) - {"euare-snapshot"}
        spec = DOCUMENT.fields[key]
        fields = {p.split(".")[-1] for p in spec_fields(spec)} | set(
            spec.item.fields if isinstance(spec, ListOf) and isinstance(spec.item, Record) else ()
        )
        assert named <= fields | {"accountdiff", "sandbox"}, (key, named - fields)
    user = re.search(r"^A user is (.*?)\n\n", text, re.M | re.S)
    assert user is not None
    named = set(re.findall(r"`(\w+)`", user.group(1))) - {"Taken"}  # (a key's age: to Taken)
    assert named <= {p.split(".")[-1] for p in spec_fields(DOCUMENT.fields["Users"])}


# --- one field of another type ------------------------------------------------------------------

OTHERS: list[Any] = [{}, {"k": "v"}, [], "x", 7, 1.5, True, [7], ["x"], [{}], [[]]]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    return "object"


def wrong(original: Any, other: Any) -> bool:
    """Whether ``other`` is of another type than ``original`` (a list: whose items are)."""
    if isinstance(original, list) and isinstance(other, list):
        return bool(original and other) and _kind(original[0]) != _kind(other[0])
    return _kind(original) != _kind(other)


def put(document: dict[str, Any], path: str, value: Any) -> None:
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"\d+(?=\])|[^.\[\]]+", path)]
    holder: Any = document
    for part in parts[:-1]:
        holder = holder[part]
    holder[parts[-1]] = value


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, Any, str]:
    path = draw(st.sampled_from(PATHS))
    holder: Any = RICH
    for part in re.findall(r"\d+(?=\])|[^.\[\]]+", path):
        holder = holder[int(part) if part.isdigit() else part]
    other = draw(st.sampled_from([o for o in OTHERS if wrong(holder, o)]))
    changed = copy.deepcopy(RICH)
    put(changed, path, other)
    return path, other, json.dumps(changed)


def the_error(code: int, err: str, path: str) -> None:
    lines = err.splitlines()
    assert code == 2, err
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "unexpected" not in lines[0], lines[0]
    if path == "Format":
        assert 'no "Format"' in lines[0]
    else:
        assert f"is not a snapshot: {path}" in lines[0], (path, lines[0])


@pytest.fixture(scope="module")
def rich_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("snapshots") / "rich.json"
    path.write_text(json.dumps(RICH))
    return path


def accountdiff(*args: str, stdin: str = "") -> tuple[int, str]:
    call = Call(
        "euare-accountdiff",
        {"HOME": "/nonexistent"},
        io.StringIO(stdin),
        io.StringIO(),
        io.StringIO(),
    )
    code = run("accountdiff", list(args), call)
    assert isinstance(call.stderr, io.StringIO)
    return code, call.stderr.getvalue()


def sandbox_load(snapshot: str, directory: Path) -> tuple[int, str]:
    """``euare-sandbox --load - DIR -- true`` in process, the snapshot on standard input; a
    snapshot it accepts never gets as far as starting moto (that would be a failure here)."""

    def accepted(*_: Any) -> int:
        raise AssertionError("the snapshot was accepted")

    err = io.StringIO()
    argv = ["euare-sandbox", "--load", "-", str(directory), "--", "true"]
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stderr(err))
        stack.enter_context(pytest.MonkeyPatch.context()).setattr(sandbox, "_serve", accepted)
        stack.enter_context(pytest.MonkeyPatch.context()).setattr(sys, "argv", argv)
        stack.enter_context(pytest.MonkeyPatch.context()).setattr(
            sys, "stdin", io.StringIO(snapshot)
        )
        code = sandbox.main()
    return code, err.getvalue()


def test_the_rich_snapshot_is_read_by_both(rich_file: Path, tmp_path: Path) -> None:
    assert accountdiff(str(rich_file), str(rich_file)) == (0, "")
    code, err = sandbox_load(json.dumps(RICH), tmp_path / "sb")
    assert code == 1 and "the snapshot was accepted" in err  # as far as starting the sandbox


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations(), st.booleans())
def test_a_field_of_another_type_is_one_usage_error_naming_it_accountdiff(
    rich_file: Path, mutation: tuple[str, Any, str], old: bool
) -> None:
    path, _, text = mutation
    args = ("-", str(rich_file)) if old else (str(rich_file), "-")
    the_error(*accountdiff(*args, stdin=text), path)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations())
def test_a_field_of_another_type_is_one_usage_error_naming_it_sandbox(
    rich_file: Path, mutation: tuple[str, Any, str]
) -> None:
    path, _, text = mutation
    the_error(*sandbox_load(text, rich_file.parent / "sb"), path)


@pytest.mark.parametrize("path", ["Users[0].UserName", "Roles[0].RoleName", "Users[0].Tags[0].Key"])
def test_a_missing_name_is_one_usage_error(rich_file: Path, path: str) -> None:
    changed = copy.deepcopy(RICH)
    put(changed, path, None)
    code, err = accountdiff(str(rich_file), "-", stdin=json.dumps(changed))
    the_error(code, err, path)
    assert "is missing" in err


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 5000])
def test_deep_nesting_is_one_usage_error(rich_file: Path, depth: int) -> None:
    """900 levels parse (json's own limit is about 1000), but walking them would not; deeper
    ones do not even parse. Either is a usage error."""
    text = json.dumps(RICH).replace('"Path": "/"', '"Path": ' + "[" * depth + "]" * depth, 1)
    code, err = accountdiff(str(rich_file), "-", stdin=text)
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "nested" in err and "unexpected" not in err
    code, err = sandbox_load(text, rich_file.parent / "sb")
    assert code == 2 and "nested" in err and len(err.splitlines()) == 1, err


def test_documents_may_be_any_json_and_unknown_fields_are_kept() -> None:
    changed = copy.deepcopy(RICH)
    changed["Roles"][0]["AssumeRolePolicyDocument"] = "kept as IAM stored it"
    changed["Users"][0]["UserPolicyList"][0]["PolicyDocument"] = [1, {"a": None}]
    changed["Users"][0]["SomethingNew"] = {"from": ["a later version"]}
    changed["PasswordPolicy"] = None
    assert loads(json.dumps(changed), "x") == changed


def test_the_error_names_the_origin() -> None:
    changed = copy.deepcopy(RICH)
    changed["Users"] = {}
    with pytest.raises(UsageError) as caught:
        loads(json.dumps(changed), "prod.json")
    assert caught.value.message == "prod.json is not a snapshot: Users is an object, not a list"
