"""The verb table: every ``euare-*`` verb and the family module that declares it.

This table is the single list of verbs. The console scripts in pyproject.toml, the README's verb
list and docs/cli-reference.md are generated from it (``python -m euare.verbs``), and tests check
that they agree.
"""

from __future__ import annotations

import importlib

import click

FAMILIES: dict[str, tuple[str, ...]] = {
    "users": (
        "usercreate",
        "userdel",
        "userlistbypath",
        "usergetattributes",
    ),
    "keys": ("useraddkey", "userdelkey", "usermodkey", "userlistkeys"),
    "login": (
        "useraddloginprofile",
        "usergetloginprofile",
        "usermodloginprofile",
        "userdelloginprofile",
    ),
    "groups": (
        "groupcreate",
        "groupdel",
        "grouplistbypath",
        "grouplistusers",
        "groupadduser",
        "groupremoveuser",
        "groupaddpolicy",
        "groupuploadpolicy",
    ),
    "account": ("accountaliascreate", "accountaliasdelete", "accountaliaslist"),
}

VERBS: dict[str, str] = {verb: family for family, verbs in FAMILIES.items() for verb in verbs}
TOOLS: dict[str, str] = {"sandbox": "euare.sandbox:main"}


def command(name: str) -> click.Command:
    """The click command of verb ``name``, importing only its own family module."""
    from euare.cli import COMMANDS

    if name not in COMMANDS:
        importlib.import_module(f"euare.verbs.{VERBS[name]}")
    return COMMANDS[name]


def scripts() -> dict[str, str]:
    """The ``[project.scripts]`` table: one console script per verb, plus the tools."""
    table = {f"euare-{verb}": f"euare.entry:{verb}" for verb in sorted(VERBS)}
    table.update({f"euare-{name}": target for name, target in TOOLS.items()})
    table["euare"] = "euare.entry:euare"
    return dict(sorted(table.items()))
