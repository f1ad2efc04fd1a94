"""The check that no test leaves a file in the checkout (tests/conftest.py) sees a new file,
in a git checkout and in a plain tree, and not what .gitignore ignores."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.leftovers import checkout_files

IGNORE = ".venv/\n__pycache__/\n*.egg-info/\n/demo/\n"


def tree(root: Path) -> None:
    (root / ".gitignore").write_text(IGNORE)
    for name in ("src/euare/core/files.py", "README.md", ".venv/bin/python",
    "src/__pycache__/x.pyc"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    (root / "demo").mkdir()
    (root / "demo" / "out").write_text("x")
    (root / "src" / "demo").mkdir()
    (root / "src" / "demo" / "kept").write_text("x")  # /demo/ is anchored at the root


def new_files(root: Path) -> set[str]:
    before = checkout_files(root)
    (root / "-").write_text("a seed")
    (root / "src" / "stray.txt").write_text("x")
    (root / ".venv" / "ignored").write_text("x")
    return checkout_files(root) - before


def test_a_plain_tree(tmp_path: Path) -> None:
    tree(tmp_path)
    assert checkout_files(tmp_path) == {
        ".gitignore",
        "README.md",
        "src/euare/core/files.py",
        "src/demo/kept",
    }
    assert new_files(tmp_path) == {"-", "src/stray.txt"}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_git_checkout(tmp_path: Path) -> None:
    tree(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "README.md"], check=True)
    assert "README.md" in checkout_files(tmp_path) and ".venv/bin/python" not in checkout_files(
        tmp_path
    )
    assert new_files(tmp_path) == {"-", "src/stray.txt"}
