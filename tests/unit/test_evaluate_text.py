"""euare.policy.evaluate: where a matched statement is in its document's text (documents laid
out by hand, and IAM's own example), what is refused as no policy, the interface the sandbox's
Simulate* handlers are written against, and properties of the order of evaluation held over
generated policies."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from euare.core.errors import UsageError
from euare.policy.evaluate import (
    Decision,
    Match,
    Policy,
    Position,
    Request,
    evaluate,
)


def positions(decision: Decision) -> list[tuple[int, int, int, int]]:
    return [(m.start.line, m.start.column, m.end.line, m.end.column) for m in decision.matched]


def judge(text: str, action: str = "s3:GetObject", resource: str = "*", **context: str) -> Decision:
    return evaluate(
        Request(action, resource, {k: [v] for k, v in context.items()}),
        [Policy("PolicyInputList.1", "IAM Policy", text)],
    )


# The AWS CLI's simulate-custom-policy example (awscli/examples/iam/simulate-custom-policy.rst):
# the statement's "{" is in column 37 and its "}" in column 166; IAM answers 38 and 167.
CLI_EXAMPLE = (
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
    '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
)

PRETTY = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowAll",
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*"
        },
        {
            "Sid": "DenyLogs",
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::logs/*"
        }
    ]
}"""

SINGLE = """{
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": "codecommit:ListRepositories",
        "Resource": "*"
    }
}"""


def test_iam_s_own_example_is_placed_as_iam_places_it() -> None:
    decision = judge(
        CLI_EXAMPLE, "dynamodb:CreateBackup", **{"aws:CurrentTime": "2019-04-25T11:00:00Z"}
    )
    assert decision.decision == "allowed"
    assert decision.matched == (
        Match("PolicyInputList.1", "IAM Policy", Position(1, 38), Position(1, 167)),
    )
    assert decision.missing_context == ()


def test_the_documented_example_is_iam_s_and_placed_as_the_page_says() -> None:
    """docs/simulation.md shows IAM's example and the columns IAM answers: the same document,
    and the evaluator's answer."""
    page = (Path(__file__).parents[2] / "docs" / "simulation.md").read_text()
    assert f"    {CLI_EXAMPLE}\n" in page
    assert "`StartPosition` line 1 column 38 and `EndPosition` line 1 column 167" in page
    decision = judge(CLI_EXAMPLE, "dynamodb:CreateBackup", **{"aws:CurrentTime": "2019-05-01"})
    assert positions(decision) == [(1, 38, 1, 167)]


def test_statements_of_a_pretty_printed_document_are_placed_by_line_and_column() -> None:
    """Each statement's braces are on lines of their own, in column 9 (counted by hand)."""
    assert positions(judge(PRETTY, resource="arn:aws:s3:::data/x")) == [(4, 10, 9, 10)]
    assert positions(judge(PRETTY, resource="arn:aws:s3:::logs/x")) == [(10, 10, 15, 10)]


def test_a_statement_that_is_one_object_is_placed_too() -> None:
    """``    "Statement": {`` has its brace in column 18; ``    }`` in column 5."""
    assert positions(judge(SINGLE, "codecommit:ListRepositories")) == [(3, 19, 7, 6)]


def test_lines_end_at_crlf_and_at_cr_alone_and_a_tab_is_one_column() -> None:
    assert positions(judge(PRETTY.replace("\n", "\r\n"), resource="arn:aws:s3:::logs/x")) == [
        (10, 10, 15, 10)
    ]
    assert positions(judge(PRETTY.replace("\n", "\r"), resource="arn:aws:s3:::logs/x")) == [
        (10, 10, 15, 10)
    ]
    tabbed = '{\n\t"Statement": [\n\t\t{"Effect": "Allow", "Action": "*", "Resource": "*"}\n\t]\n}'
    assert positions(judge(tabbed)) == [(3, 4, 3, 54)]  # two tabs, then 51 characters


def test_columns_count_characters_and_strings_with_braces_are_skipped() -> None:
    """Counted by hand: ``{"Id": "café}{\\"", "Statement": `` is 32 characters (the escaped
    quote is two), the statement 51: its braces in columns 33 and 83."""
    text = '{"Id": "café}{\\"", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}'
    assert positions(judge(text)) == [(1, 34, 1, 84)]


def test_a_repeated_statement_key_places_the_one_json_keeps() -> None:
    """JSON's last value of a repeated key is the one read (json.loads), and placed: after
    `` "Statement": `` (14 characters) the statement's 51, braces in columns 15 and 65."""
    text = (
        '{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"},\n'
        ' "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}'
    )
    decision = judge(text)
    assert decision.decision == "allowed"
    assert positions(decision) == [(2, 16, 2, 66)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is empty"),
        ("{not json", "is not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"Version": "2012-10-17"}', "Statement is missing"),
        ('{"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]}', "Effect"),
        ('{"Statement": [{"Effect": "Allow", "Resource": "*"}]}', "Action or NotAction"),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringEqualz": {"k": "v"}}}]}',
            "'StringEqualz' is not a condition operator",
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",'
            ' "Condition": {"NullIfExists": {"k": "true"}}}]}',
            "is not a condition operator",
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringEquals": {"k": {"v": 1}}}}]}',
            "must be a string, a number or a boolean",
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringEquals": "k"}}]}',
            "must be an object of condition keys",
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",'
            ' "Resource": "*"}]}',
            "an identity policy cannot have",
        ),
    ],
)
def test_what_is_not_an_identity_policy_is_one_usage_error_naming_its_source(
    text: str, words: str
) -> None:
    with pytest.raises(UsageError) as refused:
        judge(text)
    assert words in refused.value.message
    assert "PolicyInputList.1" in refused.value.message
    assert "\n" not in refused.value.message
    assert refused.value.exit_code == 2


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ({"Effect": "Allow", "Action": "*", "Resource": "*"}, "Principal or NotPrincipal"),
        ({"Effect": "Allow", "Principal": 7, "Action": "*"}, "object of principals"),
        ({"Effect": "Allow", "Principal": {"AWS": []}, "Action": "*"}, "list of strings"),
    ],
)
def test_a_resource_policy_needs_a_principal(statement: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError, match=words):
        evaluate(
            Request("s3:GetObject", "*", {}),
            [],
            resource=[Policy("bucket", "resource", json.dumps({"Statement": [statement]}))],
        )


def test_the_interface_the_simulate_handlers_use() -> None:
    """Names and fields the sandbox's Simulate* handlers are written against (branch model22):
    renaming one breaks them."""
    fields = {
        Policy: ["source_id", "source_type", "text"],
        Request: ["action", "resource", "context", "principal"],
        Position: ["line", "column"],
        Match: ["source_id", "source_type", "start", "end"],
        Decision: ["decision", "matched", "missing_context", "allowed_by_boundary"],
    }
    for cls, names in fields.items():
        assert [f.name for f in dataclasses.fields(cls)] == names
    decision = evaluate(Request("s3:GetObject", "*", {}), [])
    assert decision == Decision("implicitDeny", (), (), None)


# --- properties over generated policies ------------------------------------------------------

SERVICES = ["s3", "iam", "ec2"]
names = st.text("abcXYZ", min_size=1, max_size=6)
actions = st.builds(lambda s, n: f"{s}:{n}", st.sampled_from(SERVICES), names)
patterns = st.one_of(actions, st.builds(lambda s, n: f"{s}:{n}*", st.sampled_from(SERVICES), names))
resources = st.builds(
    lambda s, account, path: f"arn:aws:{s}::{account}:{path}",
    st.sampled_from(SERVICES),
    st.sampled_from(["", "123456789012"]),
    st.text("ab/*?:", min_size=1, max_size=8),
)
statements = st.builds(
    lambda effect, action, resource: {"Effect": effect, "Action": action, "Resource": resource},
    st.sampled_from(["Allow", "Deny"]),
    st.one_of(patterns, st.just("*")),
    st.one_of(resources, st.just("*")),
)
documents = st.lists(st.lists(statements, min_size=1, max_size=4), max_size=3)


def _policies(documents: list[list[dict[str, Any]]]) -> list[Policy]:
    return [
        Policy(f"p{n}", "user", json.dumps({"Version": "2012-10-17", "Statement": statements}))
        for n, statements in enumerate(documents)
    ]


@settings(deadline=None)
@given(documents, actions, resources)
def test_an_explicit_deny_of_the_exact_request_always_wins(
    documents: list[list[dict[str, Any]]], action: str, resource: str
) -> None:
    """Eval: "An explicit deny in any of the policies overrides the allow": whatever the other
    policies say, a Deny of exactly the action and resource asked gives explicitDeny, and the
    statements listed are Deny statements, that one among them."""
    deny = {"Effect": "Deny", "Action": action, "Resource": resource}
    policies = [*_policies(documents), Policy("deny", "user", json.dumps({"Statement": deny}))]
    decision = evaluate(Request(action, resource, {}), policies)
    assert decision.decision == "explicitDeny"
    assert decision.matched[-1].source_id == "deny"


@settings(deadline=None)
@given(documents, actions, resources)
def test_without_policies_or_without_allows_nothing_is_allowed(
    documents: list[list[dict[str, Any]]], action: str, resource: str
) -> None:
    """Eval: "By default, all requests are implicitly denied": with no policy, or with only the
    Deny statements of the generated ones, nothing is allowed and nothing is listed."""
    request = Request(action, resource, {})
    assert evaluate(request, []) == Decision("implicitDeny", (), (), None)
    denies = [[s for s in d if s["Effect"] == "Deny"] for d in documents]
    decision = evaluate(request, _policies([d for d in denies if d]))
    assert decision.decision in ("implicitDeny", "explicitDeny")
    assert (decision.decision == "implicitDeny") == (decision.matched == ())


@settings(deadline=None)
@given(documents, actions, resources, st.booleans())
def test_the_case_of_actions_and_context_keys_changes_nothing(
    documents: list[list[dict[str, Any]]], action: str, resource: str, upper: bool
) -> None:
    """Action names and context key names ignore case; so does the decision."""
    conditioned = [
        [{**s, "Condition": {"StringLike": {"aws:PrincipalTag/Team": "b*"}}} for s in d]
        for d in documents
    ]
    policies = _policies(conditioned)
    asked = action.upper() if upper else action.lower()
    key = "AWS:PRINCIPALTAG/TEAM" if upper else "aws:principaltag/team"
    first = evaluate(Request(action, resource, {"aws:PrincipalTag/Team": ["blue"]}), policies)
    second = evaluate(Request(asked, resource, {key: ["blue"]}), policies)
    assert first == second
