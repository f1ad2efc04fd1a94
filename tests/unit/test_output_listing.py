"""Output is an interface, in process: nothing printed before a verb's first answer (issue 20.3);
a key column in every list verb's table, --query in the effective format with a table of what it
selects (20.5)."""

from __future__ import annotations

import importlib
import io
import shlex
from pathlib import Path
from typing import Any

import pytest

from euare.cli import run
from euare.context import Call
from euare.render import FORMATS
from tests.conftest import MODEL_CACHE, free_port


def all_specs() -> dict[str, Any]:
    from euare.spec import SPECS
    from euare.verbs import VERBS

    for family in sorted(set(VERBS.values())):
        importlib.import_module(f"euare.verbs.{family}")
    return SPECS


def headings() -> set[str]:
    """The verbs whose text begins with a line of its own, found by asking each text function
    for its first line with records whose first page fails."""

    class NoPage(Exception):
        pass

    def failing() -> Any:
        raise NoPage
        yield  # a generator

    found = set()
    for name, spec in all_specs().items():
        for text in (spec.text, spec.verbose_text):
            if text is None:
                continue
            try:
                next(iter(text(failing())))
                found.add(name)
            except (NoPage, StopIteration, RuntimeError):  # RuntimeError: needs a click context
                pass
    return found


def test_the_verbs_that_print_a_heading_are_known() -> None:
    assert headings() == {"grouplistbypath"}


PRINTS_WITHOUT_A_REQUEST = {"releaserole"}  # prints the shell's unset lines; asks nothing


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_verb_prints_anything_when_its_request_fails(tmp_path: Path, fmt: str) -> None:
    """Every verb (with its first --help example) against an endpoint that refuses connections:
    stdout stays empty, headings (grouplistbypath's ``groups``) included."""
    dead = f"http://127.0.0.1:{free_port()}/"
    env = {
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": MODEL_CACHE,
        "AWS_MAX_ATTEMPTS": "1",
        "EUARE_URL": dead,
        "TOKEN_URL": dead,
        "AWS_ACCESS_KEY_ID": "AKIAEUARETESTDEAD001",
        "AWS_SECRET_ACCESS_KEY": "dead/secret/0123456789abcdefghijklmnopqr",
    }
    printed = {}
    for name, spec in sorted(all_specs().items()):
        args = shlex.split(spec.examples[0]) if spec.examples else []
        call = Call(f"euare-{name}", env, io.StringIO(), io.StringIO(), io.StringIO())
        code = run(name, [*args, "--format", fmt], call)
        out = call.stdout.getvalue()  # type: ignore[attr-defined]
        if out and name not in PRINTS_WITHOUT_A_REQUEST:
            printed[name] = (code, out)
    assert printed == {}
