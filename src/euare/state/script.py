"""A plan as a POSIX shell script (the dry run's text, docs/apply.md): a comment naming the
account and what the plan leaves alone, then ``set -e`` and one euare command a step, in the
order the steps run, so that ``sh`` runs them as the apply would, stopping at the first that
fails.

Every word is quoted for ``sh``. Text with a character a terminal would act on, or a line break,
is given as ``printf '%b'`` of its escaped form, so that a step stays one line and nothing in
it reaches the terminal that prints the script; text a command reads from its standard input
(a trust policy, SAML metadata) is piped to it the same way. Comments are made visible on one
line by the one escaping rule (euare.core.terminal), so no name can end a comment early.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

from euare.core import terminal
from euare.state.plan import PHASES, Plan, Step

# What a word may hold and stay a plain single-quoted word: printable, no line break.
_PLAIN = re.compile(r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]*\Z")


def escaped(text: str) -> str:
    """``text`` for ``printf '%b'``, single-quoted: a backslash doubled, every control
    character as ``\\0NNN``."""
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif _PLAIN.match(char) and char != "'":
            out.append(char)
        elif char == "'":
            out.append("'\\''")
        else:
            out.append("".join(f"\\0{byte:03o}" for byte in char.encode("utf-8")))
    return "'" + "".join(out) + "'"


def word(text: str) -> str:
    """``text`` as one word of a command line."""
    if _PLAIN.match(text):
        return shlex.quote(text)
    return f"\"$(printf '%b' {escaped(text)})\""


def line(step: Step) -> str:
    """The step as one line of the script."""
    command = " ".join(word(w) for w in step.argv)
    if step.stdin is None:
        return command
    return f"printf '%b' {escaped(step.stdin)} | {command}"


def records(plan: Plan) -> list[dict[str, Any]]:
    """The steps as ``--format json`` gives them: what each does, its IAM call, its command."""
    return [
        {
            "Step": number,
            "Phase": step.phase,
            "Kind": step.kind,
            "Name": step.name,
            "Description": step.says,
            "Operation": step.operation,
            "Parameters": dict(step.params),
            "Command": line(step),
        }
        for number, step in enumerate(plan.steps, 1)
    ]


def comment(text: str) -> str:
    return "# " + terminal.visible(text, one_line=True)


def lines(plan: Plan, desired: str) -> Iterator[str]:
    """The whole script (nothing at all when the plan is empty and leaves nothing alone)."""
    notes = [*plan.kept, *plan.held]
    if plan.empty and not notes:
        return
    yield "#!/bin/sh"
    count = f"{len(plan.steps)} step{'s' if len(plan.steps) != 1 else ''}"
    yield comment(f"euare-accountapply: {count} to make account {plan.account} match {desired}")
    for note in notes:
        yield comment(note.line())
    if plan.empty:
        return
    yield "set -e"
    phase = None
    for step in plan.steps:
        if step.phase != phase:
            phase = step.phase
            yield comment(f"{phase}. {PHASES[phase]}")
        yield line(step)
