"""``euare --help`` lists every verb (some 280 lines): on a terminal it goes through a pager, as
git's help does; into a pipe or a file, and with --no-pager, it is printed as it is.

The pager is a script standing in for less: it records the text it was given and the LESS it
was run with, and shows nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from euare.cli.table import VERBS
from tests.conftest import BIN, Home
from tests.support.terminal import on_terminal

pytestmark = pytest.mark.in_process  # help on the caller's terminal

EUARE = str(BIN / "euare")


@pytest.fixture
def pager(home: Home, tmp_path: Path) -> Path:
    """A PAGER that writes what it is given (after a LESS= line) to the file it returns."""
    paged = tmp_path / "paged.txt"
    script = tmp_path / "fake-pager"
    script.write_text(f'#!/bin/sh\n{{ echo "LESS=$LESS"; cat; }} > "{paged}"\n')
    script.chmod(0o755)
    home.env["PAGER"] = str(script)
    return paged


def _listing(text: str) -> bool:
    """Whether ``text`` is euare's whole list of verbs."""
    words = {
        line.split()[0] for line in text.splitlines() if line.startswith("  ") and line.split()
    }
    return text.startswith("Usage: euare [OPTIONS]") and set(VERBS) <= words


@pytest.mark.parametrize("args", [["--help"], [], ["help"], ["-h"]])
@pytest.mark.parametrize("worker", ["0", "1"])
def test_on_a_terminal_the_list_goes_through_the_pager(
    home: Home, pager: Path, args: list[str], worker: str
) -> None:
    """Also with the warm worker asked for: the list is shown by the process the user started,
    whose pager can read the keyboard."""
    env = {**home.env, "EUARE_WORKER": worker, "EUARE_WORKER_IDLE": "5"}
    seen = on_terminal([EUARE, *args], env)
    assert seen.returncode == 0, seen
    text = pager.read_text()
    assert text.startswith("LESS=FRX\n")  # as git: quit if it fits, keep it on the screen
    assert _listing(text.split("\n", 1)[1])
    assert "Usage:" not in seen.terminal and "usercreate" not in seen.terminal


def test_the_user_s_less_options_are_kept(home: Home, pager: Path) -> None:
    seen = on_terminal([EUARE, "--help"], {**home.env, "LESS": "-S"})
    assert seen.returncode == 0
    assert pager.read_text().startswith("LESS=-S\n")


@pytest.mark.parametrize(
    "args",
    [["--no-pager", "--help"], ["--help", "--no-pager"], ["--no-pager"], ["help", "--no-pager"]],
)
def test_no_pager_prints_the_list_on_the_terminal(home: Home, pager: Path, args: list[str]) -> None:
    seen = on_terminal([EUARE, *args], home.env)
    assert seen.returncode == 0, seen
    assert not pager.exists()
    assert _listing(seen.terminal)


@pytest.mark.parametrize(
    ("name", "value"), [("EUARE_PAGER", "cat"), ("PAGER", ""), ("PAGER", "cat")]
)
def test_a_pager_set_to_cat_or_nothing_is_no_pager(
    home: Home, pager: Path, name: str, value: str
) -> None:
    seen = on_terminal([EUARE, "--help"], {**home.env, name: value})
    assert seen.returncode == 0 and not pager.exists()
    assert _listing(seen.terminal)


def test_euare_pager_wins_over_pager(home: Home, pager: Path, tmp_path: Path) -> None:
    seen = on_terminal(
        [EUARE, "--help"],
        {**home.env, "EUARE_PAGER": str(tmp_path / "fake-pager"), "PAGER": "false"},
    )
    assert seen.returncode == 0 and _listing(pager.read_text().split("\n", 1)[1])


@pytest.mark.parametrize("args", [["--help"], [], ["help"]])
def test_into_a_pipe_the_list_is_printed_as_it_is(home: Home, pager: Path, args: list[str]) -> None:
    """Not on a terminal (a pipe, a file, cron): no pager, the whole list on stdout."""
    done = subprocess.run([EUARE, *args], capture_output=True, text=True, env=home.env, timeout=60)
    assert done.returncode == 0 and done.stderr == ""
    assert not pager.exists()
    assert _listing(done.stdout)
    piped = on_terminal([EUARE, *args], home.env, stdout=False)  # stdin a terminal, stdout not
    assert not pager.exists() and _listing(piped.stdout)


def test_no_pager_before_a_verb_runs_the_verb(home: Home) -> None:
    done = subprocess.run(
        [EUARE, "--no-pager", "groupcreate", "--help"],
        capture_output=True,
        text=True,
        env=home.env,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("Usage: euare-groupcreate ")


def test_a_verb_s_help_is_not_paged(home: Home, pager: Path) -> None:
    seen = on_terminal([EUARE, "help", "usercreate"], home.env)
    assert seen.returncode == 0 and not pager.exists()
    assert seen.terminal.startswith("Usage: euare-usercreate ")
