"""The shape of the composite verbs and the operations they share: a verb takes the call, then
its options by keyword only; no function of the verb families, of ops or of the call context
runs past ~40 lines or takes more than 6 parameters. A verb's own keyword-only parameters are
exempt from the count: they are its command-line options, which click passes by name.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "euare"
MODULES = sorted(
    [*(SRC / "verbs").glob("*.py"), *(SRC / "ops").glob("*.py"), SRC / "call" / "context.py"]
)
MAX_LINES = 40
MAX_PARAMS = 6
# Functions allowed past the limits, each with its reason.
EXEMPT = {
    # the listing an identity provider is looked for in: operation, key, the answer's key and
    # the ARN's suffix are four strings, each given by keyword
    "finds.listed_arn",
}


def composite_verbs() -> dict[str, object]:
    from euare.cli.spec import SPECS
    from euare.cli.table import VERBS

    for family in sorted(set(VERBS.values())):
        importlib.import_module(f"euare.verbs.{family}")
    return {name: spec.runs for name, spec in SPECS.items() if spec.runs is not None}


@pytest.mark.parametrize("verb", sorted(composite_verbs()))
def test_a_composite_verb_takes_the_call_then_its_options_by_keyword(verb: str) -> None:
    runs = composite_verbs()[verb]
    assert callable(runs)
    first, *rest = inspect.signature(runs).parameters.values()
    assert first.name == "call"
    kinds = {p.kind for p in rest}
    assert kinds <= {inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD}, verb


def is_verb(node: ast.FunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "verb"
        for d in node.decorator_list
    )


def body_lines(node: ast.FunctionDef) -> int:
    """Lines from the first statement after the docstring to the end."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:] or body
    return (node.end_lineno or node.lineno) - body[0].lineno + 1


def oversized(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.FunctionDef):
            continue
        args = node.args
        params = [*args.posonlyargs, *args.args, *([] if is_verb(node) else args.kwonlyargs)]
        params = [p for p in params if p.arg not in ("self", "cls")]
        if f"{path.stem}.{node.name}" in EXEMPT:
            continue
        if body_lines(node) > MAX_LINES or len(params) > MAX_PARAMS:
            found.append(f"{path.stem}.{node.name}: {body_lines(node)} lines, {len(params)}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_function_is_long_or_takes_many_parameters(path: Path) -> None:
    assert oversized(path) == []


def test_the_size_check_can_fail(tmp_path: Path) -> None:
    long = tmp_path / "long.py"
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_LINES + 1))
    long.write_text(
        f"def long():\n{body}\n"
        "def many(a, b, c, d, e, f, g):\n    pass\n"
        "@verb('x', 'help')\ndef options(call, *, a, b, c, d, e, f, g):\n    pass\n"
    )
    assert oversized(long) == [f"long.long: {MAX_LINES + 1} lines, 0", "long.many: 1 lines, 7"]
