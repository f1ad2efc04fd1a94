"""The verb table, the console scripts, the generated reference and the IAM model agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import botocore.session
import click
import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10, the oldest pyproject allows: the same parser, from PyPI
    import tomli as tomllib

from euare.cli.params import ApiArgument, ApiOption
from euare.cli.table import VERBS, scripts
from euare.cli.verb import command

ROOT = Path(__file__).resolve().parents[2]
IAM = botocore.session.get_session().get_service_model("iam")
STS = botocore.session.get_session().get_service_model("sts")


def test_pyproject_scripts_match_the_verb_table() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert declared == scripts()


def test_generated_files_are_current() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "euare.manual", "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_has_help(verb: str) -> None:
    cmd = command(verb)
    assert cmd.help and len(cmd.help.split()) >= 3
    for param in cmd.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{verb} {param.opts} has no help"


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_api_parameters_exist_in_the_iam_model(verb: str) -> None:
    """Every parameter a verb sends by name is a member of some IAM or STS operation's input."""
    members = {
        member
        for model in (IAM, STS)
        for op in model.operation_names
        if model.operation_model(op).input_shape
        for member in model.operation_model(op).input_shape.members
    }
    for param in command(verb).params:
        if isinstance(param, (ApiOption, ApiArgument)) and param.api:
            assert param.api in members, f"{verb}: {param.api}"


OPERATION_SITES = [
    r'call\(\s*"(\w+)"',  # call.request("GetGroup", ...)
    r'\.add\([^,]+,\s*"(\w+)"',  # plan.add(description, "Op", ...)
    r'(?:api_verb|list_verb|Blocker)\(\s*"\w+",\s*"(\w+)"',
    r'\(f?"[^"]*",\s*"(\w+)",\s*\{',  # removal (description, "Op", {...})
    r'fetch_single\(\s*"(\w+)"',
]


def test_every_operation_named_in_the_verbs_exists() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src/euare/verbs").glob("*.py"))
    named = {op for site in OPERATION_SITES for op in re.findall(site, source)}
    assert len(named) > 20, named
    assert named - set(IAM.operation_names) - set(STS.operation_names) == set()


def test_readme_lists_every_verb() -> None:
    readme = (ROOT / "README.md").read_text()
    for verb in VERBS:
        assert f"euare-{verb}" in readme, verb


def _probe(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the console-script target of euare-usercreate with ``argv`` in a fresh interpreter;
    the target ends the process itself (euare.entry.leave), after the ``atexit`` function that
    says whether boto3 or botocore was imported."""
    code = (
        f"import atexit, sys; sys.argv = ['euare-usercreate', *{argv!r}]\n"
        "heavy = ('boto3', 'botocore')\n"
        "atexit.register(lambda: print('loaded', any(m in sys.modules for m in heavy)))\n"
        "from euare.entry import usercreate\n"
        "usercreate()\n"
        "print('returned')"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_help_does_not_import_boto3() -> None:
    done = _probe(["--help"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "loaded False"
    assert "returned" not in done.stdout


def test_usage_error_does_not_import_boto3() -> None:
    done = _probe([])
    assert (done.returncode, done.stdout.strip()) == (2, "loaded False"), done.stderr
