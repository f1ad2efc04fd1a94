"""Pipes, shells and locales: ``| head -1``, a reader that is gone, shell completion, and a
locale that cannot encode what IAM returned. None of them may print anything on stderr."""

from __future__ import annotations

import io
import os
import subprocess
from typing import Any

import pytest

from euare.call.context import Call
from euare.cli.run import complete_var, run
from euare.cli.table import VERBS
from tests.conftest import BIN, Home

pytestmark = pytest.mark.in_process  # pipes, shells and locales as a process of its own meets them

LONG_PATH = "/" + "p" * 198 + "/"  # 400 ARNs with it are ~100 KB, more than a pipe holds


def program(verb: str) -> str:
    return str(BIN / ("euare" if verb == "euare" else f"euare-{verb}"))


def test_listing_into_head_exits_quietly(home: Home, iam: Any) -> None:
    """``euare-userlistbypath | head -1`` over 400 users: the listing is larger than the pipe
    holds, so head has surely gone while euare still writes."""
    for n in range(400):
        iam.create_user(UserName=f"user{n:03d}", Path=LONG_PATH)
    lister = subprocess.Popen(
        [program("userlistbypath")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=home.env,
    )
    assert lister.stdout is not None and lister.stderr is not None
    head = subprocess.Popen(["head", "-1"], stdin=lister.stdout, stdout=subprocess.PIPE)
    lister.stdout.close()  # head alone holds the reading end now
    first, _ = head.communicate(timeout=60)
    errors = lister.stderr.read()
    status = lister.wait(timeout=60)
    assert first.decode().startswith("arn:aws:iam::") and LONG_PATH in first.decode()
    assert errors == b""
    assert status in (0, 141)


def into_closed_pipe(
    home: Home, verb: str, *args: str, env: dict[str, str] | None = None, stream: str = "stdout"
) -> tuple[int, bytes]:
    """Run with stdout (or stderr) on a pipe whose reader has already gone; (status, other)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [program(verb), *args],
            stdin=subprocess.DEVNULL,
            stdout=write_end if stream == "stdout" else subprocess.PIPE,
            stderr=write_end if stream == "stderr" else subprocess.PIPE,
            env={**home.env, **(env or {})},
            timeout=60,
        )
    finally:
        os.close(write_end)
    return done.returncode, done.stderr if stream == "stdout" else done.stdout


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["userlistbypath"], {}),
        (["userlistbypath", "--format", "json"], {}),
        (["usercreate", "--help"], {}),
        (["usercreate", "--version"], {}),
        (["euare"], {}),
        (["euare", "userlistbypath"], {}),
        (["usercreate"], {complete_var("euare-usercreate"): "bash_source"}),
        (["euare"], {complete_var("euare"): "bash_source"}),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else "+".join(v),
)
def test_a_reader_that_is_gone_costs_no_stderr(
    home: Home, iam: Any, argv: list[str], env: dict[str, str]
) -> None:
    iam.create_user(UserName="alice")
    status, stderr = into_closed_pipe(home, *argv, env=env)
    assert stderr == b""
    assert status in (0, 141)


def test_an_error_line_into_a_gone_reader_exits_quietly(home: Home) -> None:
    """Not 120, Python's status when its own last flush fails, and nothing on stdout."""
    status, stdout = into_closed_pipe(home, "usercreate", stream="stderr")
    assert stdout == b""
    assert status in (2, 141)


# --- shell completion -----------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["usercreate", "userlistbypath", "releaserole", "euare"])
def test_completion_script_is_printed(home: Home, verb: str) -> None:
    prog = "euare" if verb == "euare" else f"euare-{verb}"
    result = home.run(verb, env={complete_var(prog): "bash_source"})
    assert result.returncode == 0 and result.stderr == ""
    if verb == "euare":  # one script for euare and every euare-VERB: see test_completion.py
        assert "complete -o nosort -F _euare_complete euare euare-" in result.stdout
    else:
        assert f"complete -o nosort -F _{prog.replace('-', '_')}_completion {prog}" in result.stdout


def test_completion_answers_for_a_verb_and_through_the_front_door(home: Home) -> None:
    words = {"COMP_WORDS": "euare-usercreate --pa", "COMP_CWORD": "1"}
    env = {complete_var("euare-usercreate"): "bash_complete", **words}
    assert home.run("usercreate", env=env).stdout.split() == ["plain,--path"]

    words = {"COMP_WORDS": "euare usercreate --pa", "COMP_CWORD": "2"}
    env = {complete_var("euare"): "bash_complete", **words}
    assert home.run("euare", env=env).stdout.split() == ["plain,--path"]

    words = {"COMP_WORDS": "euare userlistb", "COMP_CWORD": "1"}
    env = {complete_var("euare"): "bash_complete", **words}
    assert home.run("euare", env=env).stdout.split() == ["plain,userlistbypath"]


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_prints_its_completion_script(
    verb: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """In process, for speed: click writes the script to sys.stdout itself."""
    prog = f"euare-{verb}"
    env = {complete_var(prog): "bash_source", "HOME": "/nonexistent"}
    call = Call(prog, env, io.StringIO(), io.StringIO(), io.StringIO())
    assert run(verb, [], call) == 0
    assert f"{prog}\n" in capsys.readouterr().out


# --- locales that cannot encode what IAM returned -------------------------------------------------

NOT_UTF8 = {
    "LC_ALL=C": {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    "LC_ALL=POSIX": {"LC_ALL": "POSIX", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
}
DOCUMENT = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
    '"Resource": "*", "Condition": {"StringEquals": {"aws:username": "zo\u00eb \u20ac"}}}]}'
)


@pytest.mark.parametrize("locale", sorted(NOT_UTF8))
def test_non_ascii_output_is_escaped_in_an_ascii_locale(home: Home, iam: Any, locale: str) -> None:
    """Policy documents (and, from moto, paths) can hold any character; an ASCII locale gets
    backslash escapes rather than a UnicodeEncodeError."""
    iam.create_user(UserName="alice", Path="/caf\u00e9/")
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=DOCUMENT)
    result = home.run("usergetpolicy", "alice", "-p", "p", env=NOT_UTF8[locale])
    assert result.returncode == 0 and result.stderr == ""
    assert "zo\\xeb \\u20ac" in result.stdout
    for fmt in ("text", "json", "table"):
        listed = home.run("userlistbypath", "--format", fmt, env=NOT_UTF8[locale])
        assert listed.returncode == 0 and listed.stderr == ""
        assert "/caf\\xe9/" in listed.stdout


def test_lang_c_is_utf8_on_python_3_10_and_later(home: Home, iam: Any) -> None:
    """Python coerces the C locale to UTF-8 (PEP 538/540): the characters themselves."""
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=DOCUMENT)
    result = home.run("usergetpolicy", "alice", "-p", "p", env={"LANG": "C"})
    assert result.returncode == 0 and "zo\u00eb \u20ac" in result.stdout


def test_non_ascii_in_an_error_line_in_an_ascii_locale(home: Home) -> None:
    result = home.run("usercreate", "z\u00f6e", env=NOT_UTF8["PYTHONIOENCODING=ascii"])
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert lines[0].startswith("euare-usercreate: error: ") and "z\\xf6e" in lines[0]
