"""``euare`` as a click group: ``euare VERB ARGS`` is ``euare-VERB ARGS``; --help, --version,
help VERB and did-you-mean."""

from __future__ import annotations

from typing import Any

import pytest

from euare import __version__
from euare.cli.table import FAMILIES, VERBS, title
from tests.conftest import Home

pytestmark = pytest.mark.in_process  # the euare command itself

SAMPLE = [
    ["userlistbypath"],
    ["usergetattributes", "alice", "--format", "json"],
    ["userlistgroups", "-u", "alice"],
    ["userdel", "nobody"],  # NoSuchEntity: one line, exit 1
    ["usercreate", "--no-such-flag"],  # a usage error: exit 2
    ["groupadduser", "admins"],  # a missing option: exit 2
    ["groupdel", "-p", "admins"],
    ["userlistbypath", "--help"],
    ["usercreate", "--version"],
]


@pytest.mark.parametrize("argv", SAMPLE, ids=[" ".join(a) for a in SAMPLE])
def test_euare_verb_is_euare_dash_verb(home: Home, iam: Any, argv: list[str]) -> None:
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="admins")
    iam.add_user_to_group(UserName="alice", GroupName="admins")
    dashed = home.run(argv[0], *argv[1:])
    spaced = home.run("euare", *argv)
    assert spaced == dashed
    assert dashed.returncode in (0, 1, 2) and (dashed.stdout or dashed.stderr)


def test_a_change_through_euare_verb_is_made(home: Home, iam: Any) -> None:
    assert home.run("euare", "groupcreate", "-g", "ops").returncode == 0
    assert iam.get_group(GroupName="ops")["Group"]["GroupName"] == "ops"


def test_version(home: Home) -> None:
    done = home.run("euare", "--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"euare {__version__}\n", "")


def test_help_lists_every_verb_grouped_by_family_with_its_summary(home: Home) -> None:
    done = home.run("euare", "--help")
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    headers = [line[:-1] for line in lines if line.endswith(":") and not line.startswith(" ")]
    families = [title(f) for f in FAMILIES]
    assert [h for h in headers if h in families] == families
    listed = {line.split()[0] for line in lines if line.startswith("  ") and line.split()}
    assert set(VERBS) <= listed
    row = next(line for line in lines if line.split()[:1] == ["groupcreate"])
    assert "Create" in row  # its summary, beside it
    section = lines.index("Users:")
    assert lines[section + 1].split()[0] == FAMILIES["users"][0]
    assert home.run("euare").stdout == done.stdout  # euare alone: the same


def test_help_verb_is_the_verb_s_help(home: Home) -> None:
    assert home.run("euare", "help", "usercreate") == home.run("usercreate", "--help")


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["usercreat"], "euare: error: no such verb: usercreat (did you mean usercreate, "),
        (["help", "usrcreate"], "euare: error: no such verb: usrcreate (did you mean usercreate"),
        (["xyzzy"], "euare: error: no such verb: xyzzy (euare --help lists them)"),
        (["createuser"], "euare: error: no such verb: createuser (did you mean usercreate, "),
        (["create-user"], "euare: error: no such verb: create-user (did you mean usercreate, "),
        (["delete-user"], "euare: error: no such verb: delete-user (did you mean userdel?)"),
    ],
)
def test_a_mistyped_verb_gets_suggestions(home: Home, argv: list[str], line: str) -> None:
    done = home.run("euare", *argv)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith(line), done.stderr
    assert "Traceback" not in done.stderr
