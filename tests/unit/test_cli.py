"""In-process checks of the verb machinery: parsing, usage errors, rendering, error lines."""

from __future__ import annotations

import io
from typing import Any

import pytest

from euare.call.context import Call
from euare.cli.run import run
from euare.core.errors import EuareError, PartialFailure, describe, error_line
from euare.core.render import Result, render


def call_with(env: dict[str, str] | None = None, stdin: str = "") -> Call:
    return Call(
        "euare-test",
        env or {"HOME": "/nonexistent"},
        io.StringIO(stdin),
        io.StringIO(),
        io.StringIO(),
    )


def run_in_process(verb: str, *args: str) -> tuple[int, str, str]:
    call = call_with()
    code = run(verb, list(args), call)
    out, err = call.stdout, call.stderr
    assert isinstance(out, io.StringIO) and isinstance(err, io.StringIO)
    return code, out.getvalue(), err.getvalue()


def test_missing_required_option_is_a_usage_error() -> None:
    code, out, err = run_in_process("groupadduser", "ops")
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == "euare-groupadduser: error: Missing option '-u' / '--user-name'."


def test_unknown_flag_is_a_usage_error() -> None:
    code, _, err = run_in_process("usercreate", "alice", "--no-such-flag")
    assert code == 2
    assert "--no-such-flag" in err.splitlines()[-1]


def test_bad_choice_is_a_usage_error() -> None:
    code, _, err = run_in_process(
        "groupaddpolicy", "g", "-p", "p", "-e", "Maybe", "-a", "x", "-r", "y"
    )
    assert code == 2 and "Maybe" in err


def test_only_one_of_i_and_s_is_refused_before_any_request() -> None:
    code, _, err = run_in_process("userlistbypath", "-I", "AKIAONLYKEY")
    assert code == 1
    assert err == "euare-userlistbypath: error: missing secret key; please supply one with -S\n"


def test_version_and_help_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """click writes help and version to the process's stdout, so capsys reads them."""
    assert run_in_process("usercreate", "--version")[0] == 0
    assert capsys.readouterr().out.startswith("euare ")
    assert run_in_process("userdel", "-h")[0] == 0
    out = capsys.readouterr().out
    assert "-r, --recursive" in out and "-p, --pretend" in out


def test_dummy_flags_are_hidden_from_help(capsys: pytest.CaptureFixture[str]) -> None:
    run_in_process("usercreate", "--help")
    assert "--user-name" not in capsys.readouterr().out.split("Options:")[1]


def test_error_line_forms() -> None:
    assert (
        error_line("euare-x", EuareError("boom", code="Throttling"))
        == "euare-x: error (Throttling): boom"
    )
    assert error_line("euare-x", EuareError("boom")) == "euare-x: error: boom"


def test_partial_failure_lists_done_and_not_done() -> None:
    failure = PartialFailure(EuareError("no", code="NoSuchEntity"), ["a", "b"], ["c", "d"])
    assert failure.message == "no -- done: a; b -- not done: c; d"
    assert failure.code == "NoSuchEntity"


@pytest.mark.parametrize("exc", [ValueError("x"), KeyError("k"), RuntimeError("r\nsecond")])
def test_unexpected_exceptions_become_one_line(exc: Exception) -> None:
    line = error_line("euare-x", describe(exc))
    assert "\n" not in line and line.startswith("euare-x: error: unexpected ")


def test_os_error_names_the_file() -> None:
    err = describe(FileNotFoundError(2, "No such file or directory", "/x"))
    assert err.message == "No such file or directory: /x"


def test_render_formats() -> None:
    result = Result([{"Arn": "a1", "Id": "i1"}, {"Arn": "a2", "Id": "i2"}])
    out: Any = io.StringIO()
    render(result, "text", out)
    assert out.getvalue() == "a1\ni1\na2\ni2\n"
    out = io.StringIO()
    render(result, "json", out)
    assert '"Arn": "a2"' in out.getvalue()
    out = io.StringIO()
    render(result, "table", out)
    assert out.getvalue().splitlines()[0].split() == ["Arn", "Id"]


@pytest.mark.parametrize("columns", ["", "30", "60", "79", "150", "-3", "wide"])
def test_the_help_width_is_the_one_click_would_take(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """euare finds the terminal's width itself (click would import shutil for it): the same
    width, from COLUMNS or the terminal, as click's own formatter takes with our maximum."""
    from click.formatting import HelpFormatter

    from euare.cli.options import MAX_HELP_WIDTH, help_width

    monkeypatch.setenv("COLUMNS", columns)
    assert help_width({"COLUMNS": columns}) == HelpFormatter(max_width=MAX_HELP_WIDTH).width


@pytest.mark.parametrize("columns", ["60", "200"])
def test_help_is_what_click_prints_for_the_terminal(
    columns: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """click prints --help on the process's own stdout; click's own width (shutil's) gives
    the same text."""
    from euare.cli.verb import command

    monkeypatch.setenv("COLUMNS", columns)
    assert run("usercreate", ["--help"], call_with({"COLUMNS": columns})) == 0
    printed = capsys.readouterr().out
    cmd = command("usercreate")
    with cmd.make_context("euare-usercreate", ["alice"]) as ctx:
        assert printed == cmd.get_help(ctx) + "\n"
    assert (max(map(len, printed.splitlines())) > 80) == (columns == "200")
