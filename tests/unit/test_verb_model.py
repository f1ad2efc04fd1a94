"""Every verb, read from the registry of VerbSpecs, held against botocore's own model: its
operation exists on the service it is sent to, every parameter it sends is a member of that
operation's input, every required member is supplied, and the result key is in the output."""

from __future__ import annotations

import botocore.session
import click
import pytest

from euare.cli.params import ApiArgument, ApiOption
from euare.cli.spec import SPECS, VerbSpec
from euare.cli.table import VERBS
from euare.cli.verb import command

SESSION = botocore.session.get_session()
MODELS = {service: SESSION.get_service_model(service) for service in ("iam", "sts")}


def spec_of(verb: str) -> tuple[VerbSpec, click.Command]:
    cmd = command(verb)
    return SPECS[verb], cmd


def sent(cmd: click.Command) -> set[str]:
    """The IAM parameter names the command's options and positionals are sent as."""
    return {
        p.api for p in cmd.params if isinstance(p, (ApiOption, ApiArgument)) and p.api is not None
    }


def test_every_verb_in_the_table_is_registered_once() -> None:
    for verb in VERBS:
        command(verb)
    assert set(SPECS) == set(VERBS)


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_verb_agrees_with_the_service_model(verb: str) -> None:
    spec, cmd = spec_of(verb)
    if spec.operation is None:
        assert spec.runs is not None, f"{verb} names neither an operation nor what runs it"
        return
    assert spec.service in MODELS, f"{verb}: unknown service {spec.service}"
    model = MODELS[spec.service]
    assert spec.operation in model.operation_names, f"{verb}: no {spec.operation}"
    operation = model.operation_model(spec.operation)
    members = set(operation.input_shape.members) if operation.input_shape else set()
    required = set(operation.input_shape.required_members) if operation.input_shape else set()
    assert sent(cmd) <= members, f"{verb}: {sorted(sent(cmd) - members)} not in {spec.operation}"
    assert required <= sent(cmd), f"{verb}: {sorted(required - sent(cmd))} never given"
    output = set(operation.output_shape.members) if operation.output_shape else set()
    key = spec.items_key() if spec.many else spec.result_key
    if spec.many or key not in (None, "*"):
        assert key in output, f"{verb}: {spec.operation} answers no {key}"


def test_a_verb_declared_twice_or_outside_the_table_is_refused() -> None:
    from euare.cli.spec import register

    name = next(iter(SPECS))
    with pytest.raises(TypeError, match="twice"):
        register(SPECS[name])
    with pytest.raises(TypeError, match="not in the verb table"):
        register(VerbSpec("nosuchverb", "x"))
