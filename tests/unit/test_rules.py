"""IAM's rules (euare.cli.rules) held against botocore's own models and the verb table: every
pattern a verb can send a value to has plain words, every value a verb sends from the command
line is judged as the member it is sent as, and every choice shows IAM's spelling."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from euare.call.client import botocore_session
from euare.cli.apiparams import ApiArgument, ApiOption, IamChoice
from euare.cli.helpdoc import GlobalOption
from euare.cli.outputs import OutputFile
from euare.cli.paramtypes import Late, Secret, Tag
from euare.cli.rules import RULES, member_shape, problem
from euare.cli.spec import SPECS
from euare.cli.table import VERBS
from euare.cli.verb import command

SRC = Path(__file__).resolve().parents[2] / "src" / "euare"
MODELS = {service: botocore_session().get_service_model(service) for service in ("iam", "sts")}

# The parameters whose value is not sent as it is typed, so that no member judges it while the
# command line is read, and why.
LOCAL = {
    "fail_on": "a lint level, never sent",
    "domain": "accepted for euca2ools compatibility; unused",
    "service_": "euca2ools' misspelt -s: the trust policy built from it is judged",
    "old": "a snapshot file",
    "new": "a snapshot file",
    "only": "--org: account IDs and name globs matched against the accounts, never sent",
    "skip": "--org: account IDs and name globs matched against the accounts, never sent",
    "org_role": "--org: a role name, checked as one and made the ARN AssumeRole is sent",
    "max_age": "--resume: a duration, never sent",
}
LOCAL_IN = {
    ("rolecreate", "service"): "built into the trust policy, which is judged",
    ("roleupdateassumepolicy", "service"): "built into the trust policy, which is judged",
    ("policycreate", "policy"): "/PATH/NAME: the name and the path are judged apart",
    ("policycreateversion", "policy"): "made an ARN in the verb, which judges it",
    ("policygetversion", "policy"): "made an ARN in the verb, which judges it",
    ("policysimulate", "user"): "a name or an ARN: judged as the one it is",
    ("policysimulate", "group"): "a name or an ARN: judged as the one it is",
    ("policysimulate", "role"): "a name or an ARN: judged as the one it is",
    ("accountapply", "ignore"): "patterns matched against the snapshots, never sent",
    ("accountsnapshot", "split"): "a directory written, never sent",
}
BUILT = {"effect", "actions", "resources"}  # an inline policy built from them is judged


def verb_params() -> Iterator[tuple[str, click.Parameter]]:
    for verb in sorted(VERBS):
        for param in command(verb).params:
            if not isinstance(param, GlobalOption) and param.name not in ("help", "version"):
                yield verb, param


def _sent(param: click.Parameter) -> bool:
    return isinstance(param, (ApiOption, ApiArgument)) and param.api is not None


def _text(param: click.Parameter) -> bool:
    """Whether a value of ``param`` is text the user typed (not a flag, number or local path)."""
    if isinstance(param, click.Option) and param.is_flag:
        return False
    kind = param.type
    if isinstance(kind, OutputFile):  # a local file to write: never sent
        return False
    return kind is click.STRING or isinstance(kind, (click.Choice, Late, Secret, Tag))


def test_every_value_a_verb_sends_is_judged_as_the_member_it_is_sent_as() -> None:
    unjudged = []
    for verb, param in verb_params():
        if _sent(param):
            assert isinstance(param, (ApiOption, ApiArgument))
            assert param.sent_in, (verb, param.name)
            member_shape(param.service, param.sent_in, str(param.api))  # KeyError if not one
        elif _text(param):
            inline = verb.endswith("addpolicy") and param.name in BUILT
            if not (param.name in LOCAL or (verb, param.name) in LOCAL_IN or inline):
                unjudged.append(f"{verb} {param.name}")
    assert unjudged == [], "sent unjudged (give it api=, or say why it is local)"


def _operations() -> set[tuple[str, str]]:
    """Every operation a verb can send a value to: its own, a composite verb's ``sends``, each
    parameter's, and every operation euare's source names (the ones verbs judge in their body
    too: CreateRole for instanceprofilecreate --create-role, ChangePassword, ...)."""
    found: set[tuple[str, str]] = set()
    for verb in VERBS:
        command(verb)
        spec = SPECS[verb]
        for operation in (spec.operation, spec.sends):
            if operation:
                found.add((spec.service or "iam", operation))
    for _, param in verb_params():
        if isinstance(param, (ApiOption, ApiArgument)) and param.sent_in:
            found.add((param.service, param.sent_in))
    names = {service: set(model.operation_names) for service, model in MODELS.items()}
    for path in SRC.rglob("*.py"):
        if "sandbox" in path.relative_to(SRC).parts:
            continue  # the sandbox's model answers operations; no verb sends to them from there
        for word in set(re.findall(r'"([A-Z][A-Za-z0-9]+)"', path.read_text())):
            found.update((service, word) for service in names if word in names[service])
    return found


def _patterns(shape: Any, seen: frozenset[str] = frozenset()) -> Iterator[str]:
    if shape is None or shape.name in seen:
        return
    seen |= {shape.name}
    if shape.type_name == "string" and shape.metadata.get("pattern"):
        yield shape.metadata["pattern"]
    elif shape.type_name == "list":
        yield from _patterns(shape.member, seen)
    elif shape.type_name == "structure":
        for member in shape.members.values():
            yield from _patterns(member, seen)


def test_every_pattern_a_verb_can_send_to_has_plain_words() -> None:
    reachable: set[str] = set()
    for service, operation in _operations():
        reachable.update(_patterns(MODELS[service].operation_model(operation).input_shape))
    assert len(reachable) > 15
    assert sorted(reachable - set(RULES)) == []


def test_every_rule_is_a_pattern_of_the_models() -> None:
    """A rule for a pattern the models do not have (a typo) would never be used."""
    known: set[str] = set()
    for model in MODELS.values():
        for operation in model.operation_names:
            known.update(_patterns(model.operation_model(operation).input_shape))
    assert sorted(set(RULES) - known) == []


@pytest.mark.parametrize(
    ("operation", "member", "value", "expected"),
    [
        ("CreateUser", "UserName", "alice", None),
        (
            "CreateUser",
            "UserName",
            "bad name!",
            "USER 'bad name!' is not valid: use only letters, digits and +=,.@_- (it holds ' ')",
        ),
        ("CreateUser", "UserName", "", "USER must not be empty"),
        ("CreateUser", "UserName", "u" * 65, "USER must be at most 64 characters long, not 65"),
        ("ListUsers", "PathPrefix", "/", None),
        (
            "ListUsers",
            "PathPrefix",
            "staff",
            "USER 'staff' is not valid: a path prefix begins with / and holds printable ASCII "
            "characters only (no spaces)",
        ),
        # the model's Java patterns read as Java: \u10000-\u10FFFF is beyond U+FFFF
        ("AssumeRole", "RoleArn", "arn:aws:iam::123456789012:role/🙂-team", None),
        ("AssumeRole", "RoleArn", "arn:aws:iam::123456789012:role/\x00", "is not valid"),
        ("TagUser", "Tags", [{"Key": "Team name", "Value": "Ærø"}], None),
        ("TagUser", "Tags", [{"Key": "k!", "Value": ""}], "USER (Key) 'k!' is not valid"),
        ("EnableMFADevice", "AuthenticationCode1", "12345", "must be exactly 6 characters long"),
        (
            "CreateOpenIDConnectProvider",
            "ThumbprintList",
            ["a" * 40, "b" * 39],
            "USER must be exactly 40 characters long, not 39",
        ),
        (
            "PutUserPolicy",
            "PolicyDocument",
            '{"Statement": [{"Effect": "Allow", "Action": "s3:Get€", "Resource": "*"}]}',
            "USER is not valid: use only tabs, line breaks and characters up to U+00FF",
        ),
    ],
)
def test_a_problem_is_one_plain_sentence_about_its_subject(
    operation: str, member: str, value: Any, expected: str | None
) -> None:
    service = "sts" if operation == "AssumeRole" else "iam"
    found = problem("USER", value, member_shape(service, operation, member))
    if expected is None:
        assert found is None
    else:
        assert found is not None and expected in found, found
        assert "IAM requires" not in found and "\\u" not in found


def test_a_secret_is_never_quoted_nor_measured() -> None:
    shape = member_shape("iam", "CreateLoginProfile", "Password")
    assert problem("-p/--password", "x" * 200, shape, secret=True) == (
        "-p/--password must be at most 128 characters long"
    )
    found = problem("-p/--password", "hunter€2", shape, secret=True)
    assert found is not None and "hunter" not in found and "(it holds" not in found


def test_every_choice_a_verb_sends_shows_and_sends_iams_spelling() -> None:
    seen = 0
    for verb, param in verb_params():
        kind = param.type
        if not isinstance(kind, click.Choice) or not (_sent(param) or kind.case_sensitive is False):
            continue
        seen += 1
        assert isinstance(kind, IamChoice), (verb, param.name)
        ctx = click.Context(command(verb))
        assert kind.get_metavar(param, ctx) == "[" + "|".join(kind.choices) + "]"
        for choice in kind.choices:
            assert kind.convert(choice.lower(), param, ctx) == choice
            assert kind.convert(choice.upper(), param, ctx) == choice
        with pytest.raises(click.BadParameter, match=", ".join(kind.choices)):
            kind.convert("nonsense", param, ctx)
    assert seen >= 8  # status (5 verbs), effect (3), scope, entity filter, encoding, assignment
