"""Policy building, parsing and printing."""

from __future__ import annotations

import contextlib
import io
import json

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from euare.call.context import Call
from euare.cli import params
from euare.core.errors import EuareError
from euare.policy import documents as policy


def test_build_one_statement_per_resource_with_every_action() -> None:
    doc = policy.build("Allow", ["a:1", "b:2"], ["r1", "r2", "r3"])
    assert doc["Version"] == "2012-10-17"
    assert [s["Resource"] for s in doc["Statement"]] == ["r1", "r2", "r3"]
    assert all(s["Action"] == ["a:1", "b:2"] for s in doc["Statement"])


@pytest.mark.parametrize(
    ("given", "sent"), [("allow", "Allow"), ("ALLOW", "Allow"), ("deny", "Deny"), ("Deny", "Deny")]
)
def test_an_effect_is_built_as_iam_spells_it_whatever_the_case_given(given: str, sent: str) -> None:
    """-e allow is normalised where the value is used, whatever the option's choice list hands
    over (IAM's policy language is case-sensitive)."""
    doc = policy.build(given, ["s3:*"], ["r1", "r2"])
    assert [s["Effect"] for s in doc["Statement"]] == [sent, sent]


def test_an_effect_iam_does_not_know_is_refused() -> None:
    with pytest.raises(EuareError, match="the effect must be Allow or Deny, not 'permit'") as err:
        policy.build("permit", ["s3:*"], ["*"])
    assert err.value.exit_code == 2


@given(st.integers(min_value=1, max_value=50))
def test_build_sids_are_unique(count: int) -> None:
    doc = policy.build("Deny", ["x:*"], [f"r{i}" for i in range(count)])
    sids = [s["Sid"] for s in doc["Statement"]]
    assert len(set(sids)) == count
    assert all(sid.startswith("Stmt") and sid[4:].isdigit() for sid in sids)


def test_parse_error_names_line_and_column() -> None:
    with pytest.raises(EuareError, match="line 2 column 5"):
        policy.parse("{\n    oops}", "doc")


VALID = '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'


def _read(source: str, value: str, stdin: str = "") -> str:
    """``value`` of an option of type params.Document(source), converted as a verb does."""
    call = Call("euare-x", {}, io.StringIO(stdin), io.StringIO(), io.StringIO())
    ctx = click.Context(click.Command("x"), obj=call)
    return params.Document(source).resolve(value, ctx)


def test_read_document_from_stdin() -> None:
    assert _read(params.FILE, "-", VALID) == VALID


def test_read_document_empty_is_refused() -> None:
    with pytest.raises(EuareError, match="the policy document given on the command line is empty"):
        _read(params.TEXT, "  ")


def test_decode_is_percent_decoding_only() -> None:
    assert policy.decode("%7B%22a%22%3A+1%7D") == '{"a":+1}'


def test_pretty_reindents() -> None:
    assert json.loads(policy.pretty('{"a":[1,2]}', "p")) == {"a": [1, 2]}
    with pytest.raises(EuareError, match="policy 'p' does not appear to be valid JSON"):
        policy.pretty("{", "p")


@given(st.text(max_size=200))
def test_parse_never_raises_anything_but_euare_error(text: str) -> None:
    with contextlib.suppress(EuareError):
        policy.parse(text, "x")


@pytest.mark.parametrize(
    ("document", "kind", "expected"),
    [
        ([], policy.IDENTITY, "must be a JSON object"),
        ({"Version": "2012-10-17"}, policy.IDENTITY, "Statement is missing"),
        ({"Statement": []}, policy.IDENTITY, "non-empty list"),
        (
            {"Statement": [{"Effect": "Maybe", "Action": "a", "Resource": "*"}]},
            policy.IDENTITY,
            "Statement[0].Effect must be Allow or Deny",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "a", "NotAction": "b", "Resource": "*"}]},
            policy.IDENTITY,
            "Statement[0] has both Action and NotAction",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "a"}]},
            policy.IDENTITY,
            "Statement[0] needs Resource or NotResource",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]},
            policy.TRUST,
            "Statement[0] needs Principal or NotPrincipal",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]},
            policy.IDENTITY,
            "Statement[0].Action must be a string or a list of strings",
        ),
        (
            {
                "Version": "2020-01-01",
                "Statement": {"Effect": "Allow", "Action": "a", "Resource": "*"},
            },
            policy.IDENTITY,
            "Version must be",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "a", "Resource": "*", "Bogus": 1}]},
            policy.IDENTITY,
            "Statement[0].Bogus is not a policy statement field",
        ),
    ],
)
def test_problems_name_the_offending_field(document: object, kind: str, expected: str) -> None:
    found = policy.problems(document, kind)
    assert any(expected in problem for problem in found), found


def test_valid_documents_have_no_problems() -> None:
    assert policy.problems(policy.build("Allow", ["s3:*"], ["*"])) == []
    assert policy.problems(policy.trust_policy("ec2.amazonaws.com"), policy.TRUST) == []


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["Statement", "Effect", "Action", "Resource", "Version", "x"]),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_validation_never_raises_anything_but_euare_error(document: object) -> None:
    with contextlib.suppress(EuareError):
        policy.validate(document, "doc")
