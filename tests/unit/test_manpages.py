"""The man pages: the committed ones are what the click commands generate, groff renders every
one without a warning, each has its sections, and the wheel installs them under share/man/man1."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import click
import pytest

from euare.cli.helpdoc import own_params
from euare.cli.table import VERBS
from euare.cli.verb import command
from euare.manual import __main__ as generate
from euare.manual import pages as manpages

ROOT = Path(__file__).resolve().parents[2]
MAN = ROOT / "man" / "man1"
NAMES = ["euare.1", "euare-sandbox.1", *(f"euare-{verb}.1" for verb in sorted(VERBS))]
SECTIONS = [
    "NAME",
    "SYNOPSIS",
    "DESCRIPTION",
    "OPTIONS",
    "GLOBAL OPTIONS",
    "EXIT STATUS",
    "ENVIRONMENT",
    "FILES",
    "EXAMPLES",
    "SEE ALSO",
]


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return manpages.pages()


def groff(text: str, *options: str) -> subprocess.CompletedProcess[str]:
    """``text`` through ``groff -man -Tutf8`` (and ``options``)."""
    program = shutil.which("groff")
    if program is None:
        pytest.skip("groff is not installed: the man pages cannot be rendered here")
    return subprocess.run(
        [program, "-man", "-Tutf8", *options], input=text, capture_output=True, text=True
    )


def sections(page: str) -> dict[str, str]:
    """A page's roff text by section title, in order."""
    parts = re.split(r'^\.SH "([^"]*)"\n', page, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


# --- (1) the committed pages are the generated ones ----------------------------------------------


def test_generated_pages_are_one_a_verb_the_front_door_and_the_sandbox(
    generated: dict[str, str],
) -> None:
    assert sorted(generated) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_committed_page_is_current(name: str, generated: dict[str, str]) -> None:
    path = MAN / name
    assert path.exists(), f"{path} is missing: run make docs"
    assert path.read_text() == generated[name], f"{path} is stale: run make docs"


def test_no_committed_page_without_a_verb(generated: dict[str, str]) -> None:
    assert sorted(p.name for p in MAN.iterdir() if p.name not in generated) == []


def test_make_docs_reports_then_removes_a_page_of_a_verb_that_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a copy of the project, so that nothing here writes to the checkout."""
    for name in ("pyproject.toml", "README.md", "docs/cli-reference.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    man = tmp_path / "man" / "man1"
    shutil.copytree(MAN, man)
    (man / "euare-userfrobnicate.1").write_text(".TH EUARE-USERFROBNICATE 1\n")
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    monkeypatch.setattr(generate, "MAN", man)
    assert generate.main(["--check"]) == 1
    assert "euare-userfrobnicate.1 has no verb" in capsys.readouterr().err
    assert generate.main([]) == 0
    assert not (man / "euare-userfrobnicate.1").exists()
    assert generate.main(["--check"]) == 0


# --- (2) groff renders every page without a warning ----------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_page_renders_without_warnings(name: str, generated: dict[str, str]) -> None:
    done = groff(generated[name], "-ww", "-z")
    assert (done.returncode, done.stderr) == (0, "")


def test_text_that_roff_would_misread_is_printed_as_written() -> None:
    awkward = [".SH not a heading", "'br not a request", "C:\\dir\\n --flag", "zoë € `x`"]
    page = "\n".join([".TH X 1", '.SH "T"', *(manpages.text(line) + "\n.br" for line in awkward)])
    done = groff(page, "-ww", "-P-cbou")
    assert done.stderr == ""
    shown = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    assert shown[2:6] == awkward  # after the header line and the section title


# --- (3) each page has its sections, and its own options apart from the global ones ----------


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_verb_page_has_every_section(verb: str, generated: dict[str, str]) -> None:
    found = [title for title in sections(generated[f"euare-{verb}.1"]) if title in SECTIONS]
    assert found == SECTIONS


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_options_are_the_verbs_own_and_debug_is_global(
    verb: str, generated: dict[str, str]
) -> None:
    page = sections(generated[f"euare-{verb}.1"])
    cmd = command(verb)
    own = [p for p in own_params(cmd) if isinstance(p, click.Option) and not p.hidden]
    for param in own:
        for opt in param.opts:
            assert manpages.bold(opt) in page["OPTIONS"], opt
    assert manpages.bold("-h") in page["OPTIONS"]
    assert manpages.bold("--debug") not in page["OPTIONS"]
    assert manpages.bold("--debug") in page["GLOBAL OPTIONS"]


def test_name_line_is_the_first_sentence_of_the_help(generated: dict[str, str]) -> None:
    name = sections(generated["euare-usercreate.1"])["NAME"]
    assert name == (
        "euare\\-usercreate \\- create a new user, optionally adding it to a group and giving "
        "it an access key\n"
    )


def test_exit_status_names_the_verb_in_its_error_line(generated: dict[str, str]) -> None:
    status = sections(generated["euare-userdel.1"])["EXIT STATUS"]
    for code in ("0", "1", "2", "129", "130", "141", "143"):
        assert f".TP\n{code}\n" in status
    assert manpages.bold("euare-userdel: error (Code): message") in status


def test_front_page_lists_every_verb_and_the_front_door(generated: dict[str, str]) -> None:
    page = sections(generated["euare.1"])
    assert all(manpages.page_ref(f"euare-{verb}") in page["VERBS"] for verb in VERBS)
    for form in ("euare --version", "euare help VERB", "euare completion bash|zsh|fish"):
        assert manpages.words(form) in page["SYNOPSIS"]
    assert {"EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"} <= set(page)


# --- (4) the wheel installs them where man looks -------------------------------------------------


def test_wheel_installs_every_page_under_share_man_man1(tmp_path: Path) -> None:
    """Built from a copy of the project, without build isolation (no network): setuptools>=77
    comes with the test extra."""
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "src", project / "src", ignore=ignore)
    shutil.copytree(ROOT / "man", project / "man")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    command_line = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    done = subprocess.run(
        [*command_line, "--no-index", "-q", "-w", str(tmp_path / "dist"), str(project)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("euare-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        installed = {
            Path(name).name: archive.read(name).decode()
            for name in archive.namelist()
            if re.fullmatch(r"euare-[^/]+\.data/data/share/man/man1/[^/]+", name)
        }
    assert "euare-usercreate.1" in installed
    assert installed == {page.name: page.read_text() for page in MAN.iterdir()}


def test_a_verb_s_own_exit_statuses_replace_the_usual_lines(generated: dict[str, str]) -> None:
    """accountdiff's 1 means "they differ" and its failures are 2, as diff's are."""
    page = generated["euare-accountdiff.1"]
    status = page.split('.SH "EXIT STATUS"', 1)[1].split(".SH", 1)[0]
    codes = [line for line in status.splitlines() if line.isdigit()]
    assert codes == ["0", "1", "2", "129", "130", "141", "143"]
    assert "They differ" in status and "The request failed" not in status
    assert "The request failed" in generated["euare-userlistbypath.1"]


def test_the_sandbox_page_has_its_options_and_what_its_exit_status_means(
    generated: dict[str, str],
) -> None:
    page = sections(generated["euare-sandbox.1"])
    for option in ("\\-\\-load", "\\-\\-enforce\\-auth", "\\-\\-port", "\\-\\-help"):
        assert option in page["OPTIONS"], option
    assert "COMMAND" in page["EXIT STATUS"] and "iamrc" in page["FILES"]
