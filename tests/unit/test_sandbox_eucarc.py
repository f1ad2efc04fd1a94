"""The sandbox's eucarc is shell code a user sources: whatever DIRECTORY is called, sourcing it
in any POSIX shell runs nothing and sets each variable to its exact value. The iamrc beside it
stays euca2ools' KEY=value data, and both read back through euare's own loaders."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from euare.core.settings import parse_eucarc, parse_iamrc
from euare.sandbox.command import write_config

SHELLS = [name for name in ("bash", "sh", "dash", "zsh", "ksh") if shutil.which(name)]
KEY, SECRET = "AKIASANDBOX000000001", "s3cr/et+with=odd'chars"
# Directory names that would run a command, split a word or end a quote if left unquoted.
HOSTILE = [
    "d $(touch X)",
    "d `touch X`",
    "with space",
    'it\'s "quoted"',
    "semi;touch X;",
    "dollar $HOME and ${PATH}",
    "glob * ? [a]",
    "new\nline; touch X",
    "back\\slash",
    "-dash",
]
URLS = ["http://127.0.0.1:4567/", "http://127.0.0.1:4567/?a=1&b=$(touch X)"]
NAMES = ("EUARE_URL", "TOKEN_URL", "AWS_CREDENTIAL_FILE", "AWS_DEFAULT_REGION")


def _source(shell: str, eucarc: Path, cwd: Path) -> dict[str, str]:
    """The variables a ``shell`` that sourced ``eucarc`` holds (NUL-separated, so that any
    value, a newline included, comes back whole)."""
    script = (
        '. "$1" && for n in ' + " ".join(NAMES) + "; do "
        'printf "%s=%s\\0" "$n" "$(printenv "$n"; echo .)"; done'
    )
    done = subprocess.run(
        [shell, "-c", script, shell, str(eucarc)],
        cwd=cwd,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
        timeout=30,
    )
    assert done.returncode == 0 and done.stderr == b"", done
    pairs = [item.split(b"=", 1) for item in done.stdout.split(b"\0") if item]
    # $(...) drops trailing newlines: the ". " kept them; drop it, and printenv's own newline
    return {k.decode(): v.decode()[:-2] for k, v in pairs}


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("name", HOSTILE)
def test_sourcing_the_eucarc_runs_nothing_and_sets_exact_values(
    tmp_path: Path, shell: str, name: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    for url in URLS:
        directory = tmp_path / name
        written = write_config(directory, url, KEY, SECRET)
        assert _source(shell, directory / "eucarc", work) == written
        assert written["AWS_CREDENTIAL_FILE"] == str(directory.resolve() / "iamrc")
        assert written["EUARE_URL"] == url
        assert sorted(p.name for p in work.iterdir()) == [], "sourcing the eucarc ran a command"
        assert not (tmp_path / "X").exists() and not (directory / "X").exists()


@pytest.mark.parametrize("name", [n for n in HOSTILE if "'" not in n])
def test_the_eucarc_and_iamrc_read_back_through_euare_s_loaders(tmp_path: Path, name: str) -> None:
    """The eucarc as euare reads ~/.eucarc (data, python-dotenv): the same values; the iamrc
    as euare reads a credential file: the key and secret. (A value holding a single quote is
    written as sh writes it, 'it'"'"'s'; python-dotenv does not join such pieces, so euare's
    reader leaves that variable unset rather than misreading it.)"""
    directory = tmp_path / name
    written = write_config(directory, URLS[1], KEY, SECRET)
    eucarc = directory / "eucarc"
    parsed = parse_eucarc(eucarc.read_text(), eucarc, {}, tmp_path)
    assert {n: parsed.get(n) for n in NAMES} == written
    iamrc = parse_iamrc((directory / "iamrc").read_text())
    assert (iamrc["AWSAccessKeyId"], iamrc["AWSSecretKey"]) == (KEY, SECRET)


def test_the_comment_line_stays_one_line(tmp_path: Path) -> None:
    """A directory name holding a newline cannot end the comment that names the file."""
    directory = tmp_path / "a\nb"
    write_config(directory, URLS[0], KEY, SECRET)
    lines = (directory / "eucarc").read_text().split("\n")
    assert lines[0].startswith("# ") and lines[1].startswith("export EUARE_URL="), lines
