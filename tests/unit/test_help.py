"""--help reads well: the verb's own options, then the global ones, then examples that parse."""

from __future__ import annotations

import shlex

import click
import pytest

from euare.cli.helpdoc import GlobalOption, examples
from euare.cli.spec import SPECS
from euare.cli.table import VERBS
from euare.cli.verb import command


def _help(verb: str) -> str:
    cmd = command(verb)
    settings = {**cmd.context_settings, "terminal_width": 100}
    with click.Context(cmd, info_name=f"euare-{verb}", **settings) as ctx:
        return cmd.get_help(ctx)


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_own_options_come_before_the_global_ones_and_examples_end_it(verb: str) -> None:
    text = _help(verb)
    sections = [line for line in text.splitlines() if line.endswith(":") and not line[0].isspace()]
    expected = ["Options:", "Global options:", "Examples:"]
    assert [s for s in sections if s in expected] == expected, text
    own, rest = text.split("\nGlobal options:\n")
    assert "--debug" not in own and "--debug" in rest
    first = own.split("\nOptions:\n")[1].splitlines()[0]
    assert first.lstrip().startswith("-"), first  # options only: arguments are described above
    assert "--help" in own and "--help" not in rest.split("\nExamples:\n")[0]


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_example_is_a_command_line_the_verb_accepts(verb: str) -> None:
    cmd = command(verb)
    lines = examples(cmd)
    assert lines
    for line in lines:
        prog, *args = shlex.split(line)
        assert prog == f"euare-{verb}"
        ctx = cmd.make_context(prog, args, resilient_parsing=False)  # a usage error raises
        for param in cmd.params:
            if param.required and not isinstance(param, GlobalOption):
                assert ctx.params.get(param.name or "") not in (None, ()), (line, param.name)
        for group, required in SPECS[verb].exclusive:  # checked when the verb runs
            given = [n for n in group if ctx.params.get(n) not in (None, False, ())]
            assert len(given) <= 1 and (given or not required), (line, group)


def test_own_params_without_a_context_keeps_the_short_help_option() -> None:
    """click keeps the help option of the first context that asks for it."""
    from euare.cli.helpdoc import own_params

    cmd = command("groupdel")
    names = {opt for p in own_params(cmd) for opt in getattr(p, "opts", [])}
    assert {"-h", "--help"} <= names
    with cmd.make_context("euare-groupdel", ["-h"], resilient_parsing=True) as ctx:
        assert "-h" in cmd.get_help_option_names(ctx)
