"""The lint's work grows with the document, not with the document times the catalogue (issue
19: a 121 KB policy took over five minutes). Counted, not timed: how many automata are compiled
and how many times one reads a pattern, how often difflib is asked for a suggestion. The time
itself is bench/'s (``make bench``, the ``lint`` section)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest

from euare.policy import arnmatch, catalogue
from euare.policy import names as lintnames
from euare.policy.lint import lint
from tests.support.documents import DOCUMENT_LIMIT, stress_policies, wildcard_policy

STRESS = stress_policies()


def _forget() -> None:
    """Every cache of compiled patterns and judged names, so that a count starts from cold."""
    for cached in (
        arnmatch.automaton,
        arnmatch._by_service,
        lintnames.judge,
        lintnames._names,
        catalogue.templates_of,
    ):
        forget = getattr(cached, "cache_clear", None)  # (a cache removed: nothing to forget)
        if forget is not None:
            forget()


class Work:
    """Counts of Automaton.compile and Automaton.run calls while linting."""

    def __init__(self) -> None:
        self.compiled = 0
        self.runs = 0
        self.tokens = 0


@pytest.fixture
def work() -> Iterator[Work]:
    counted = Work()
    compile_ = arnmatch.Automaton.compile
    run = arnmatch.Automaton.run

    def compiling(templates: Any) -> arnmatch.Automaton:
        counted.compiled += 1
        return compile_(templates)

    def running(self: arnmatch.Automaton, tokens: list[str]) -> set[str]:
        counted.runs += 1
        counted.tokens += len(tokens)
        return run(self, tokens)

    _forget()
    with (
        mock.patch.object(arnmatch.Automaton, "compile", staticmethod(compiling)),
        mock.patch.object(arnmatch.Automaton, "run", running),
    ):
        yield counted
    _forget()


def _measure(work: Work, document: dict[str, Any]) -> tuple[int, int, int, list[str]]:
    _forget()
    work.compiled = work.runs = work.tokens = 0
    lines = [f.line() for f in lint(document)]
    return work.compiled, work.runs, work.tokens, lines


def test_compilations_do_not_grow_with_the_resources(work: Work) -> None:
    """s3:*, ec2:* and iam:* on 50 and on 400 S3 ARNs: as many compilations for both, each
    Resource read once at most (not once per action, nor per template), the same findings."""
    small = _measure(work, wildcard_policy(50))
    large = _measure(work, wildcard_policy(400))
    assert small[0] == large[0] <= 3
    assert large[1] <= 400
    per_resource = len(arnmatch.resource_tokens("arn:aws:s3:::bk-0000/*"))
    assert large[2] <= 400 * per_resource
    assert [line.split(":")[0] for line in large[3]] == [
        "warning RESOURCE_MISMATCH $.Statement[0].Action[1]",
        "warning RESOURCE_MISMATCH $.Statement[0].Action[2]",
    ]
    assert small[3] == large[3]


def test_statements_of_the_same_actions_share_their_automata(work: Work) -> None:
    """300 statements, each ec2:* and s3:GetObject on its own bucket: the templates are
    grouped and compiled once, not once a statement."""
    statement = {"Effect": "Allow", "Action": ["s3:GetObject", "ec2:*"]}
    document = {
        "Version": "2012-10-17",
        "Statement": [{**statement, "Resource": f"arn:aws:s3:::b{i}/*"} for i in range(300)],
    }
    compiled, runs, _, lines = _measure(work, document)
    assert compiled <= 2
    assert runs <= 300
    assert len(lines) == 300  # ec2:* on an S3 object, in each


def test_a_repeated_action_pattern_is_judged_once(work: Work) -> None:
    """ec2:Describe* 1,000 times: one reading of it against ec2's actions."""
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*"] * 1000, "Resource": "*"}],
    }
    compiled, runs, _, lines = _measure(work, document)
    assert (compiled, runs, lines) == (1, 1, [])


def _strings(document: dict[str, Any]) -> set[str]:
    """Every distinct Action and Resource string of the document."""
    found: set[str] = set()
    for statement in document["Statement"]:
        for name in ("Action", "Resource"):
            value = statement.get(name, [])
            found.update([value] if isinstance(value, str) else value)
    return found


@pytest.mark.parametrize("name", sorted(STRESS))
def test_documents_at_iams_limit_cost_work_in_proportion(work: Work, name: str) -> None:
    """Each document of tests.support.documents.stress_policies, as big as IAM takes: each
    distinct Resource or action pattern read once at most, never more characters read than
    the document has, a bounded number of compilations (bench/ times them)."""
    import json

    document = STRESS[name]
    size = len(json.dumps(document))
    assert DOCUMENT_LIMIT - 200 < size <= DOCUMENT_LIMIT
    compiled, runs, tokens, lines = _measure(work, document)
    assert runs <= len(_strings(document))
    assert tokens <= size
    assert compiled <= 30
    assert lines


def _counting(calls: list[str], real: Callable[..., list[str]]) -> Callable[..., list[str]]:
    def counted(word: str, *args: Any, **kwargs: Any) -> list[str]:
        calls.append(word)
        return real(word, *args, **kwargs)

    return counted


def test_suggestions_are_sought_for_the_first_distinct_names_only() -> None:
    """60 distinct misspelt actions: each is a finding, the first HINTS with a suggestion;
    difflib is asked HINTS times, and a second lint of the same document says the same."""
    import difflib

    names = [f"ec2:DescribeInstancez{i}" for i in range(60)]
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": names + names, "Resource": "*"}],
    }
    calls: list[str] = []
    _forget()
    lintnames._closest.cache_clear()
    real = difflib.get_close_matches
    with mock.patch.object(difflib, "get_close_matches", _counting(calls, real)):
        first = lint(document)
        second = lint(document)
    assert len(calls) == lintnames.HINTS
    assert [f.code for f in first] == ["UNKNOWN_ACTION"] * 120
    hinted = [f.value for f in first if "did you mean" in f.message]
    assert hinted == names[: lintnames.HINTS] * 2  # a name repeated keeps its suggestion
    assert [f.message for f in first] == [f.message for f in second]


def test_the_suggestions_budget_is_per_document() -> None:
    """A document's own first misspelling gets its suggestion, whatever came before."""
    many = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [f"s3:GetObjectz{i}" for i in range(lintnames.HINTS + 5)],
                "Resource": "*",
            }
        ],
    }
    lint(many)
    one = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObjets", "Resource": "*"}],
    }
    assert "(did you mean s3:GetObject?)" in lint(one)[0].message
