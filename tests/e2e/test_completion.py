"""Shell completion: the bash script, sourced in a real bash and its registered function called
as bash calls it, completes verbs, options and the names IAM holds (moto's server, names made
with boto3); a failing endpoint or missing credentials give no candidates, quickly and quietly.
zsh and fish are checked with their own ``-n`` where installed, and structurally always.

A TAB waits 2 s for names unless EUARE_COMPLETION_TIMEOUT says otherwise: these tests give it
:data:`PATIENT` seconds, so that a loaded machine does not make them miss the names; the tests
of the deadline itself set it, or leave it at its default, and measure against a TAB that asks
nothing (the same start-up, however loaded the machine)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from euare.cli.completion import programs, script
from euare.cli.table import VERBS
from tests.conftest import BIN, Home, Result, free_port

# Calls the function `complete` registered for the command word of $2, with COMP_* set as
# bash sets them (words split at blanks, the word after a trailing blank empty), then prints
# COMPREPLY, one candidate a line.
CALL = r"""
source "$1" || exit 99
spec=$(complete -p "${2%% *}") || exit 98
func=${spec#* -F }
func=${func%% *}
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
"$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


PATIENT = {"EUARE_COMPLETION_TIMEOUT": "30"}


@pytest.fixture
def bash_script(home: Home) -> Path:
    """The bash script as euare prints it (``euare completion bash``)."""
    made = home.run("euare", "completion", "bash")
    assert (made.returncode, made.stderr) == (0, ""), made
    return home.write("euare-completion.bash", made.stdout)


def bash_complete(home: Home, script_path: Path, line: str, **env: str) -> Result:
    """bash's TAB at the end of ``line``, in ``home``'s environment, :data:`PATIENT` unless
    ``env`` says otherwise (``EUARE_COMPLETION_TIMEOUT=""``: the default)."""
    bash = shutil.which("bash")
    assert bash, "bash is needed for the completion tests"
    done = subprocess.run(
        [bash, "-c", CALL, "complete-test", str(script_path), line],
        capture_output=True,
        text=True,
        env={**home.env, **PATIENT, **env},
        timeout=90,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def replies(home: Home, script_path: Path, line: str) -> list[str]:
    result = bash_complete(home, script_path, line)
    assert (result.returncode, result.stderr) == (0, ""), result
    return [reply for reply in result.lines if reply]


@pytest.fixture
def users(iam: Any) -> Iterator[None]:
    for name in ("alice", "alfred", "bob"):
        iam.create_user(UserName=name)
    yield


def test_bash_completes_a_verb_after_euare(home: Home, bash_script: Path) -> None:
    assert replies(home, bash_script, "euare usercre") == ["usercreate", "usercreatecert"]


def test_bash_completes_an_option_of_a_euare_verb_command(home: Home, bash_script: Path) -> None:
    assert replies(home, bash_script, "euare-usercreate --group") == ["--group-name"]


def test_bash_completes_a_global_option_too(home: Home, bash_script: Path) -> None:
    assert replies(home, bash_script, "euare-usercreate --no-verify") == ["--no-verify-tls"]


@pytest.mark.parametrize("line", ["euare-userdel al", "euare userdel al"])
def test_bash_completes_user_names_from_the_endpoint(
    home: Home, bash_script: Path, users: None, line: str
) -> None:
    assert replies(home, bash_script, line) == ["alfred", "alice"]


def test_a_name_that_could_drive_the_terminal_is_not_offered(
    home: Home, bash_script: Path, users: None, iam: Any
) -> None:
    """A name the server holds with a C1 control or a bidi override in it (IAM-compatible clouds
    accept more than AWS does) is never handed to the shell that lists the candidates."""
    for name in ("al\x9b2Jx", "al\u202eevil"):
        iam.create_user(UserName=name)
    assert replies(home, bash_script, "euare-userdel al") == ["alfred", "alice"]


def test_bash_completes_a_name_given_as_option_equals_value(
    home: Home, bash_script: Path, users: None
) -> None:
    """bash replaces the text after '=' only: the candidates are the names alone."""
    assert replies(home, bash_script, "euare-userdelkey --user-name=al") == ["alfred", "alice"]


TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
    '{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
)
POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("euare-groupdel a", ["admins", "auditors"]),
        ("euare-groupadduser admins -u al", ["alfred", "alice"]),
        ("euare-usercreate carol -g au", ["auditors"]),
        ("euare-roledel ap", ["app", "apps"]),
        ("euare-instanceprofileaddrole web -r app", ["app", "apps"]),
        ("euare-instanceprofiledel we", ["web", "webs"]),
        ("euare-policydel re", ["read-all", "read-some"]),
        ("euare-userattachpolicy alice -p read-s", ["read-some"]),
    ],
)
def test_bash_completes_each_kind_of_name(
    home: Home, bash_script: Path, iam: Any, users: None, line: str, expected: list[str]
) -> None:
    for group in ("admins", "auditors", "bakers"):
        iam.create_group(GroupName=group)
    for role in ("app", "apps", "batch"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    for profile in ("web", "webs", "db"):
        iam.create_instance_profile(InstanceProfileName=profile)
    for policy in ("read-all", "read-some", "write"):
        iam.create_policy(PolicyName=policy, PolicyDocument=POLICY)
    assert replies(home, bash_script, line) == expected


def test_bash_completes_a_policy_arn_after_its_last_colon(
    home: Home, bash_script: Path, iam: Any
) -> None:
    """bash replaces only the text after the word's last ':' (COMP_WORDBREAKS)."""
    arn = iam.create_policy(PolicyName="read-all", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_policy(PolicyName="write", PolicyDocument=POLICY)
    typed = arn[: arn.rindex("/") + 2]  # arn:aws:iam::ACCOUNT:policy/r
    assert replies(home, bash_script, f"euare-policydel {typed}") == ["policy/read-all"]


def test_a_user_is_not_completed_where_a_new_name_is_asked_for(
    home: Home, bash_script: Path, users: None
) -> None:
    assert replies(home, bash_script, "euare-usercreate al") == []


def timed(home: Home, script_path: Path, line: str, **env: str) -> tuple[Result, float]:
    started = time.monotonic()
    result = bash_complete(home, script_path, line, **env)
    return result, time.monotonic() - started


def asking_nothing(home: Home, script_path: Path) -> float:
    """How long a TAB takes here that asks the endpoint nothing (a new user's name): what a TAB
    costs on this machine now, before any wait."""
    for _ in range(2):  # the second: with the files the first one read in the page cache
        result, took = timed(home, script_path, "euare-usercreate al")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")
    return took


def test_a_closed_endpoint_gives_no_candidates_at_once_and_quietly(
    home: Home, bash_script: Path, users: None
) -> None:
    """Even a patient TAB (30 s) does not wait when the connection is refused."""
    base = asking_nothing(home, bash_script)
    url = f"http://127.0.0.1:{free_port()}/"
    result, took = timed(home, bash_script, "euare-userdel al", EUARE_URL=url)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")
    assert took - base < 2


def test_an_endpoint_that_never_answers_gives_up_within_the_deadline(
    home: Home, bash_script: Path
) -> None:
    """A TAB against an endpoint that takes the connection and never answers: no candidates,
    no message, after the default deadline (2 s) and no longer, over what a TAB that asks
    nothing takes. (A shorter EUARE_COMPLETION_TIMEOUT is held to in
    tests/unit/test_completion_timeout.py, where no start-up blurs it.)"""
    base = asking_nothing(home, bash_script)
    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        result, took = timed(
            home, bash_script, "euare-userdel al", EUARE_URL=url, EUARE_COMPLETION_TIMEOUT=""
        )
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")
    assert took - base < 2 + 1.5


def test_the_setting_lengthens_the_wait(home: Home, bash_script: Path) -> None:
    """EUARE_COMPLETION_TIMEOUT=6 waits longer than the default's 2 s for a silent endpoint:
    the request's own read timeout (three quarters of it) comes first, and it gives up then."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        result, took = timed(
            home, bash_script, "euare-userdel al", EUARE_URL=url, EUARE_COMPLETION_TIMEOUT="6"
        )
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")
    assert took >= 4.5


def test_no_credentials_give_no_candidates_and_no_error(
    home: Home, bash_script: Path, users: None
) -> None:
    (home.path / ".iamrc").unlink()
    result = bash_complete(home, bash_script, "euare-userdel al")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


def test_the_script_prints_nothing_when_euare_is_not_installed(
    home: Home, bash_script: Path
) -> None:
    result = bash_complete(home, bash_script, "euare-userdel al", PATH="/usr/bin:/bin")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


def test_the_bash_script_registers_every_verb_command(home: Home, bash_script: Path) -> None:
    check = 'source "$1"; shift; for n; do complete -p "$n" >/dev/null || echo "$n"; done'
    done = subprocess.run(
        ["bash", "-c", check, "check", str(bash_script), *programs()],
        capture_output=True,
        text=True,
        env=home.env,
        timeout=30,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert len(programs()) == len(VERBS) + 1


def protocol(home: Home, shell: str, line: str) -> Result:
    asked = {"_EUARE_COMPLETE": f"{shell}_complete", "COMP_LINE": line}
    return home.run("euare", env={**PATIENT, **asked}, timeout=90)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_file_option_asks_the_shell_for_file_names(home: Home, shell: str) -> None:
    result = protocol(home, shell, "euare-useruploadpolicy bob -p x -f ")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("file"), result.stdout


def test_zsh_and_fish_answers_carry_the_options_help(home: Home) -> None:
    zsh = protocol(home, "zsh", "euare-usercreate --group")
    assert zsh.lines == ["plain", "--group-name", "also add the new user to GROUP"]
    fish = protocol(home, "fish", "euare-usercreate --group")
    assert fish.lines == ["plain,--group-name\talso add the new user to GROUP"]


def test_the_zsh_script_declares_every_command_to_compdef() -> None:
    text = script("zsh")
    first = text.splitlines()[0].split()
    assert first[:2] == ["#compdef", "euare"]
    assert {"euare-usercreate", "euare-userdel", "euare-policydel"} <= set(first)
    assert set(first[1:]) == set(programs())
    # at the top level: autoloaded from $fpath, the file runs at each TAB until compdef is done
    assert any(line.startswith("compdef _euare_complete euare euare-") for line in text.split("\n"))


def test_the_fish_script_registers_every_command() -> None:
    text = script("fish")
    assert "complete -c euare-usercreate -f -a '(__euare_complete)'" in text.splitlines()
    for name in programs():
        assert f"complete -c {name} " in text


@pytest.mark.parametrize(("shell", "check"), [("zsh", ["-n"]), ("fish", ["-n"])])
def test_the_script_parses_in_its_shell(tmp_path: Path, shell: str, check: list[str]) -> None:
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"{shell} is not installed here, so its script's syntax cannot be checked")
    path = tmp_path / f"euare.{shell}"
    path.write_text(script(shell))
    done = subprocess.run([program, *check, str(path)], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stderr) == (0, "")


def test_bash_script_parses() -> None:
    done = subprocess.run(["bash", "-n"], input=script("bash"), capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


def test_declaring_the_verbs_loads_neither_botocore_nor_the_completion() -> None:
    """Completion costs a normal call nothing: the callbacks import only when they run."""
    probe = (
        "import sys\n"
        "from euare.cli.table import VERBS\nfrom euare.cli.verb import command\n"
        "for verb in VERBS: command(verb)\n"
        "print(sorted(m for m in ('botocore', 'euare.cli.completion') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=BIN
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("zsh", ["plain", "--user-name=alfred", "_", "plain", "--user-name=alice", "_"]),
        ("fish", ["plain,--user-name=alfred", "plain,--user-name=alice"]),
    ],
)
def test_zsh_and_fish_get_the_whole_word_for_option_equals_value(
    home: Home, users: None, shell: str, expected: list[str]
) -> None:
    """zsh and fish replace the whole word, so a name typed after --opt= keeps its --opt=."""
    assert protocol(home, shell, "euare-userdelkey --user-name=al").lines == expected


def test_fish_completes_verbs_options_and_names_through_the_real_script(
    home: Home, users: None
) -> None:
    fish = shutil.which("fish")
    if fish is None:
        pytest.skip("fish is not installed here, so its script cannot be run")
    path = home.write("euare.fish", script("fish"))
    asks = {
        "euare usercre": ["usercreate", "usercreatecert"],
        "euare-usercreate --group": ["--group-name"],
        "euare-userdel al": ["alfred", "alice"],
        "euare userdel al": ["alfred", "alice"],
    }
    for line, expected in asks.items():
        done = subprocess.run(
            [fish, "--no-config", "-c", f"source {path}; complete -C '{line}'"],
            capture_output=True,
            text=True,
            env={**home.env, **PATIENT},
            timeout=90,
        )
        got = [out.split("\t")[0] for out in done.stdout.splitlines()]
        assert (done.returncode, got, done.stderr) == (0, expected, ""), line


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_euare_completion_prints_the_script_for_the_shell(home: Home, shell: str) -> None:
    made = home.run("euare", "completion", shell)
    assert (made.returncode, made.stderr) == (0, "")
    assert made.stdout == script(shell) and "euare-usercreate" in made.stdout


def test_euare_completion_of_an_unknown_shell_is_a_usage_error(home: Home) -> None:
    made = home.run("euare", "completion", "tcsh")
    assert made.returncode == 2 and made.stdout == ""
    assert made.stderr.splitlines()[-1].startswith("euare: error: Invalid value for")


def test_bash_completes_the_front_door_s_own_commands(home: Home, bash_script: Path) -> None:
    done = bash_complete(home, bash_script, "euare wor")
    assert done.stdout.split() == ["worker"], done


def test_bash_completes_the_verb_after_euare_help(home: Home, bash_script: Path) -> None:
    """Issue 20.8: `euare help user<TAB>` completes verb names, as `euare user<TAB>` does."""
    wanted = sorted(verb for verb in VERBS if verb.startswith("user"))
    assert sorted(replies(home, bash_script, "euare help user")) == wanted
    assert replies(home, bash_script, "euare help groupcre") == ["groupcreate"]
    assert replies(home, bash_script, "euare help xyz") == []
