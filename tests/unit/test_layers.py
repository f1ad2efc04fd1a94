"""The layers of src/euare, held by the import-linter contracts in pyproject.toml (`make lint`
runs them): the contracts cover every package and every verb family, and a broken one fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from euare.cli.table import FAMILIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "euare"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["type"]: contract for contract in config["contracts"]}


def test_every_package_of_euare_is_a_layer() -> None:
    layers = set(contracts()["layers"]["layers"])
    found = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    found |= {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert layers == found


def test_every_verb_family_is_held_independent() -> None:
    modules = set(contracts()["independence"]["modules"])
    assert modules == {f"euare.verbs.{family}" for family in FAMILIES}


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("core/errors.py", "import euare.verbs.users  # noqa"),  # a layer reaching up
        ("verbs/groups.py", "import euare.verbs.users  # noqa"),  # one family another
        ("cli/table.py", "import euare.cli.verb  # noqa"),  # a circle within cli
    ],
)
def test_a_broken_contract_fails_lint_imports(tmp_path: Path, module: str, line: str) -> None:
    """lint-imports on a copy of the tree with one forbidden import added, inside a function
    as euare's lazy imports are: it must fail, naming the import."""
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "euare", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = copy / "euare" / module
    target.write_text(target.read_text() + f"\n\ndef _reach() -> None:\n    {line}\n")
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0, done.stdout
    assert "BROKEN" in done.stdout


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout
