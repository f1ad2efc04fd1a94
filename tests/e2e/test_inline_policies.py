"""Inline policies for users and groups (roles share the same factory and are tested with roles),
and the user/group rename verbs."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import Home, one_error_line

DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}],
}
KINDS = {"user": ("create_user", "UserName", "-u"), "group": ("create_group", "GroupName", "-g")}


def make(iam: Any, kind: str, name: str) -> None:
    create, param, _ = KINDS[kind]
    getattr(iam, create)(**{param: name})


def stored(iam: Any, kind: str, name: str, policy: str) -> Any:
    _, param, _ = KINDS[kind]
    return getattr(iam, f"get_{kind}_policy")(**{param: name, "PolicyName": policy})[
        "PolicyDocument"
    ]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_addpolicy_builds_and_sends_the_document(home: Home, iam: Any, kind: str) -> None:
    make(iam, kind, "e1")
    result = home.run(
        f"{kind}addpolicy",
        KINDS[kind][2],
        "e1",
        "-p",
        "built",
        "-e",
        "Allow",
        "-a",
        "iam:Get*",
        "-r",
        "*",
        "-o",
    )
    assert result.returncode == 0, result.stderr
    assert stored(iam, kind, "e1", "built") == json.loads(result.stdout)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_uploadpolicy_then_getpolicy_round_trip(home: Home, iam: Any, kind: str) -> None:
    make(iam, kind, "e1")
    up = home.run(f"{kind}uploadpolicy", "e1", "-p", "doc", "-o", json.dumps(DOC))
    assert up.returncode == 0, up.stderr
    assert stored(iam, kind, "e1", "doc") == DOC
    got = home.run(f"{kind}getpolicy", "e1", "-p", "doc")
    assert json.loads(got.stdout) == DOC and len(got.lines) == 1
    pretty = home.run(f"{kind}getpolicy", "e1", "-p", "doc", "--pretty-print")
    assert json.loads(pretty.stdout) == DOC and len(pretty.lines) > 3


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_listpolicies_names_documents_and_filter(home: Home, iam: Any, kind: str) -> None:
    make(iam, kind, "e1")
    _, param, _ = KINDS[kind]
    for name in ("alpha", "beta"):
        getattr(iam, f"put_{kind}_policy")(
            **{param: "e1", "PolicyName": name, "PolicyDocument": json.dumps(DOC)}
        )
    trailer = ["IsTruncated: false"] if kind == "user" else []
    assert home.run(f"{kind}listpolicies", "e1").lines == ["alpha", "beta", *trailer]
    verbose = home.run(f"{kind}listpolicies", "e1", "-v").lines
    assert verbose[0] == "alpha" and json.loads(verbose[1]) == DOC and verbose[2] == "beta"
    only = home.run(f"{kind}listpolicies", "e1", "-p", "beta", "-v").lines
    assert [json.loads(only[0])] == [DOC] and only[1:] == trailer


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_delpolicy(home: Home, iam: Any, kind: str) -> None:
    make(iam, kind, "e1")
    _, param, _ = KINDS[kind]
    getattr(iam, f"put_{kind}_policy")(
        **{param: "e1", "PolicyName": "gone", "PolicyDocument": json.dumps(DOC)}
    )
    assert home.run(f"{kind}delpolicy", "e1", "-p", "gone").returncode == 0
    assert getattr(iam, f"list_{kind}_policies")(**{param: "e1"})["PolicyNames"] == []


def test_uploadpolicy_refuses_a_document_that_is_not_a_policy(home: Home, iam: Any) -> None:
    make(iam, "user", "e1")
    bad = {"Statement": [{"Effect": "allow", "Action": "s3:*", "Resource": "*"}]}
    line = one_error_line(
        home.run("useruploadpolicy", "e1", "-p", "x", "-o", json.dumps(bad)),
        "useruploadpolicy",
        status=2,
    )
    assert "Statement[0].Effect must be Allow or Deny" in line
    assert iam.list_user_policies(UserName="e1")["PolicyNames"] == []


def test_decode_handles_encoded_text_and_parsed_documents() -> None:
    """IAM returns documents URL-encoded on the wire, and boto3 may hand them over parsed."""
    from euare.policy.documents import decode

    assert json.loads(decode(quote(json.dumps(DOC)))) == DOC
    assert json.loads(decode(DOC)) == DOC


def test_usermod_renames_and_moves(home: Home, iam: Any) -> None:
    iam.create_user(UserName="old")
    result = home.run("usermod", "-u", "old", "-n", "new", "-p", "/moved/")
    assert result.returncode == 0, result.stderr
    assert iam.get_user(UserName="new")["User"]["Path"] == "/moved/"


def test_groupmod_renames(home: Home, iam: Any) -> None:
    iam.create_group(GroupName="old")
    assert home.run("groupmod", "old", "--new-group-name", "new").returncode == 0
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["new"]


def test_userlistgroups(home: Home, iam: Any) -> None:
    iam.create_user(UserName="u")
    for group in ("g1", "g2"):
        iam.create_group(GroupName=group)
        iam.add_user_to_group(UserName="u", GroupName=group)
    expected = sorted(g["Arn"] for g in iam.list_groups()["Groups"])
    assert sorted(home.run("userlistgroups", "u").lines) == expected
