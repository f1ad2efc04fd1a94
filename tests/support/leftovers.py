"""The files of a checkout, to tell whether a test run left one behind (tests/conftest.py).

In a git checkout: git's own list of tracked files and of untracked files it does not ignore.
Elsewhere (an unpacked sdist, say): a walk of the tree that skips what .gitignore names (its
simple patterns: NAME, NAME/, /NAME, globs) and .git itself.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from pathlib import Path


def checkout_files(root: Path) -> set[str]:
    """Every file of the checkout at ``root``, as a path relative to it."""
    listed = _git_files(root)
    return listed if listed is not None else _walked_files(root)


def _git_files(root: Path) -> set[str] | None:
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != root.resolve():
            return None
        files = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    names = {n for n in files.stdout.decode("utf-8", "surrogateescape").split("\0") if n}
    return {n for n in names if os.path.lexists(root / n)}  # not a tracked file deleted


def _ignored_patterns(root: Path) -> list[str]:
    try:
        lines = (root / ".gitignore").read_text().splitlines()
    except OSError:
        return []
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith(("#", "!"))]


def _ignored(relative: str, name: str, is_dir: bool, patterns: list[str]) -> bool:
    for pattern in patterns:
        if pattern.endswith("/"):
            if not is_dir:
                continue
            pattern = pattern[:-1]
        if pattern.startswith("/"):
            if fnmatch.fnmatch(relative, pattern[1:]):
                return True
        elif fnmatch.fnmatch(name, pattern):
            return True
    return False


def _walked_files(root: Path) -> set[str]:
    patterns = _ignored_patterns(root)
    found: set[str] = set()
    for directory, subdirs, names in os.walk(root):
        here = os.path.relpath(directory, root)
        prefix = "" if here == "." else here + "/"
        subdirs[:] = [
            d for d in subdirs if d != ".git" and not _ignored(prefix + d, d, True, patterns)
        ]
        found.update(
            prefix + n
            for n in names
            if n != ".git" and not _ignored(prefix + n, n, False, patterns)
        )
    return found
