"""euare.policy.arnmatch: whether a policy's Resource could match an ARN template, held against a
plain recursive reference written from the definition, for one template and for many compiled
together (so that no template's bits leak into its neighbour's); and the catalogue's templates
as AWS writes them (two forms of one type, a literal ``*``)."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from euare.policy import arnmatch, catalogue
from euare.policy.lint import lint
from tests.conftest import budget

# --- a reference: the definition, read literally ---------------------------------------------

_EXCLUDED = {"Partition": ":", "Region": ":", "Account": ":", "BucketName": ":/"}


def _policy(pattern: str) -> list[tuple[str, str]]:
    """("lit", c), ("one", ""), ("any", ""): a Resource's characters, ``*``, ``?``; a policy
    variable is any text, except ${*}, ${?} and ${$}, which are that character."""
    out: list[tuple[str, str]] = []
    for variable, char in re.findall(r"(\$\{[^}]*\})|(.)", pattern.lower(), re.DOTALL):
        if variable:
            inner = variable[2:-1]
            out.append(("lit", inner) if inner in ("*", "?", "$") else ("any", ""))
        elif char in "*?":
            out.append(("any", "") if char == "*" else ("one", ""))
        else:
            out.append(("lit", char))
    return out


def _template(template: str) -> list[tuple[str, str]]:
    """("lit", c) or ("gap", forbidden characters): a placeholder, or a literal ``*`` (any)."""
    out: list[tuple[str, str]] = []
    for name, char in re.findall(r"\$\{([^}]*)\}|(.)", template, re.DOTALL):
        if name or not char:
            out.append(("gap", _EXCLUDED.get(name, "")))
        else:
            out.append(("gap", "") if char == "*" else ("lit", char.lower()))
    return out


def reference(pattern: str, template: str) -> bool:
    """Is there a string both match? Each step takes the next thing of either side."""
    p, t = _policy(pattern), _template(template)

    @functools.cache
    def rest(i: int, j: int) -> bool:
        if i == len(p) and j == len(t):
            return True
        if j < len(t) and t[j][0] == "gap":
            if rest(i, j + 1):  # the placeholder holds nothing more
                return True
            kind, char = p[i] if i < len(p) else ("end", "")
            holds = kind == "one" or (kind == "lit" and char not in t[j][1])
            if holds and rest(i + 1, j):  # it holds the Resource's next character
                return True
        if i < len(p) and p[i][0] == "any":
            if rest(i + 1, j):  # the * holds nothing more
                return True
            if j < len(t) and rest(i, j + 1):  # it holds the template's next thing whole
                return True
        if i < len(p) and j < len(t) and p[i][0] != "any" and t[j][0] == "lit":
            return (p[i][0] == "one" or p[i][1] == t[j][1]) and rest(i + 1, j + 1)
        return False

    return rest(0, 0)


# --- generated patterns and templates ----------------------------------------------------------

_PATTERN_PARTS = st.sampled_from(
    ["a", "b", "B", ":", "/", "*", "?", "${aws:username}", "${*}", "${?}", "*a", "b/"]
)
_TEMPLATE_PARTS = st.sampled_from(
    ["a", "b", ":", "/", "*", "${Partition}", "${Account}", "${BucketName}", "${Name}", "ab"]
)
patterns = st.lists(_PATTERN_PARTS, max_size=8).map("".join)
templates = st.lists(_TEMPLATE_PARTS, min_size=1, max_size=7).map("".join)


@settings(max_examples=budget(4), deadline=None)
@given(patterns, templates)
def test_one_template_matches_as_the_reference_says(pattern: str, template: str) -> None:
    assert arnmatch.could_match(pattern, template) is reference(pattern, template)


@settings(max_examples=budget(2), deadline=None)
@given(patterns, st.lists(templates, min_size=1, max_size=12, unique=True))
def test_templates_compiled_together_match_each_as_alone(pattern: str, group: list[str]) -> None:
    """All at once, as the lint reads a Resource against every template of its statement."""
    found = arnmatch.Automaton.compile(group).run(arnmatch.resource_tokens(pattern))
    assert found == {t for t in group if reference(pattern, t)}


@settings(deadline=None)
@given(st.lists(st.sampled_from(["s3", "iam", "ec2", "*", "s?", "${aws:x}"]), max_size=4))
def test_matched_reads_each_resource_against_its_own_service(services: list[str]) -> None:
    """The index by service loses nothing: the same as every pair compared."""
    group = frozenset(
        {
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            "arn:${Partition}:s3:::${BucketName}",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
            "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}",
            "arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}",
        }
    )
    resources = [f"arn:aws:{s}:::b/x" for s in services]
    resources += [f"arn:aws:{s}::1:role/r" for s in services]
    expected = {t for t in group if any(reference(r, t) for r in resources)}
    assert arnmatch.matched(resources, group) == expected


@pytest.mark.parametrize(
    ("pattern", "globbed", "expected"),
    [
        ("Describe*", ["describea", "describeb", "getobject"], {"describea", "describeb"}),
        ("*object", ["getobject", "putobject", "getobjects"], {"getobject", "putobject"}),
        ("get?bject", ["getobject", "getobjects"], {"getobject"}),
        ("*", ["a", "b"], {"a", "b"}),
        ("x*", ["a", "b"], set()),
    ],
)
def test_action_patterns_read_against_names(
    pattern: str, globbed: list[str], expected: set[str]
) -> None:
    found = arnmatch.Automaton.compile(globbed).run(arnmatch.glob_tokens(pattern))
    assert found == expected


# --- the catalogue's templates as AWS writes them -----------------------------------------------


def test_a_resource_type_with_two_forms_of_arn_takes_either() -> None:
    """AWS gives lex's bot two ARNs ("bot/ID" and "bot:NAME"), in one field: both count."""
    assert len(catalogue.resource_templates("lex", "CreateBotChannel") or ()) == 2
    for arn in ("arn:aws:lex:us-east-1:123456789012:bot/ABC", "arn:aws:lex:*:*:bot:OrderFlowers"):
        document = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "lex:CreateBotChannel", "Resource": arn}],
        }
        assert lint(document) == [], arn


def test_a_literal_star_in_a_template_is_any_text() -> None:
    """amplifybackend's backend is ".../backend/${AppId}/*": any name may follow."""
    template = catalogue.resource_templates("amplifybackend", "CloneBackend") or ()
    assert any(t.endswith("/*") for t in template)
    arn = "arn:aws:amplifybackend:us-east-1:123456789012:/backend/app1/environments/dev"
    assert any(catalogue.could_match(arn, t) for t in template)
    assert not any(catalogue.could_match("arn:aws:amplifybackend:::/other", t) for t in template)
