"""Every flag the compatibility spec lists for a verb exists; the visible ones are in --help.

The spec (shared/reference/euare-verbs.md, §6) records euca2ools 3.4's interface. Dummy flags
(no-ops that let `X -u alice` parse like `X alice`) must be accepted but stay out of --help, as
in euca2ools. Eucalyptus-only verbs and flags are left out on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from euare.verbs import VERBS, command

SPEC = Path(__file__).resolve().parents[3] / "shared" / "reference" / "euare-verbs.md"
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
FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w]*(?:-[\w]+)*)")


def spec_blocks() -> dict[str, str]:
    if not SPEC.exists():
        return {}
    text = SPEC.read_text()
    section = text[text.index("## 6. Per-command reference") : text.index("## 7.")]
    parts = re.split(r"\*\*euare-(\w+)\*\*", section)
    return {parts[i]: parts[i + 1].split("\n### ")[0] for i in range(1, len(parts) - 1, 2)}


def spec_flags(block: str) -> tuple[set[str], set[str]]:
    """(real flags, dummy flags) named in backticks in a verb's block."""
    real: set[str] = set()
    dummy: set[str] = set()
    for match in re.finditer(r"(dummy\s+)?(?:\*\*)?`([^`]+)`", block):
        flags = {f for f in FLAG.findall(match.group(2)) if f not in ("-",)}
        (dummy if match.group(1) else real).update(flags)
    return real - dummy - EUCA_ONLY_FLAGS, dummy - EUCA_ONLY_FLAGS


BLOCKS = spec_blocks()


def test_the_spec_is_there_and_covers_our_verbs() -> None:
    """The spec is shipped beside the repository; without it the checks below would be empty."""
    assert BLOCKS, f"{SPEC} is missing"
    missing = sorted(v for v in BLOCKS if v not in VERBS and "[E]" not in BLOCKS[v][:200])
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
    real, dummy = spec_flags(BLOCKS[verb])
    for flag in sorted(real):
        assert flag in accepted, f"euare-{verb} lacks {flag}"
        option = next(p for p in cmd.params if isinstance(p, click.Option) and flag in p.opts)
        if not option.hidden:
            assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", help_text), (
                f"euare-{verb} --help does not name {flag}"
            )
    for flag in sorted(dummy):
        assert flag in accepted, f"euare-{verb} does not accept the dummy {flag}"
