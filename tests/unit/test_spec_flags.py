"""Every flag the compatibility spec lists for a verb exists; the visible ones are in --help.

The spec (shared/reference/euare-verbs.md, §6) records euca2ools 3.4's interface. It lives
beside the repository, so the flags it names per verb are extracted into
tests/data/euare-verbs-flags.json (by tests/data/extract_spec_flags.py), which this test reads.
Dummy flags (no-ops that let `X -u alice` parse like `X alice`) must be accepted but stay out of
--help, as in euca2ools. Eucalyptus-only verbs and flags are left out on purpose.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
import pytest

from euare.cli.table import VERBS
from euare.cli.verb import command

SPEC = Path(__file__).resolve().parents[1] / "data" / "euare-verbs-flags.json"
EUCA_ONLY_FLAGS = {
    "--as-account",
    "--show-extra",
    "-R",
    "--recursive-euca",
    "--enabled",
    "--pwd-expires",
    "--reg-status",
    "--show-empty-fields",
    "--debugger",
}

BLOCKS: dict[str, dict[str, Any]] = json.loads(SPEC.read_text())["verbs"]


def spec_flags(verb: str) -> tuple[set[str], set[str]]:
    """(real flags, dummy flags) the spec names for ``verb``."""
    real, dummy = set(BLOCKS[verb]["flags"]), set(BLOCKS[verb]["dummy"])
    return real - dummy - EUCA_ONLY_FLAGS, dummy - EUCA_ONLY_FLAGS


def test_the_spec_is_there_and_covers_our_verbs() -> None:
    """Every verb of the spec that is not Eucalyptus-only is one of ours."""
    assert len(BLOCKS) >= 80, f"{SPEC} lists only {len(BLOCKS)} verbs"
    missing = sorted(v for v in BLOCKS if v not in VERBS and not BLOCKS[v]["eucalyptus_only"])
    assert missing == []


@pytest.mark.parametrize("verb", sorted(v for v in VERBS if v in BLOCKS))
def test_spec_flags_exist_and_show_in_help(verb: str) -> None:
    cmd = command(verb)
    # the verb's own settings (-h), or click would cache a --help-only option on the command
    with click.Context(cmd, info_name=f"euare-{verb}", **cmd.context_settings) as ctx:
        help_text = cmd.get_help(ctx)
    accepted = {
        opt
        for p in cmd.params
        if isinstance(p, click.Option)
        for opt in (*p.opts, *p.secondary_opts)
    }
    real, dummy = spec_flags(verb)
    for flag in sorted(real):
        assert flag in accepted, f"euare-{verb} lacks {flag}"
        option = next(p for p in cmd.params if isinstance(p, click.Option) and flag in p.opts)
        if not option.hidden:
            assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", help_text), (
                f"euare-{verb} --help does not name {flag}"
            )
    for flag in sorted(dummy):
        assert flag in accepted, f"euare-{verb} does not accept the dummy {flag}"
