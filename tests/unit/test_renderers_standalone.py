"""Every text renderer can be called outside click: it takes the options that change its text
(-v, --pretty-print...) as arguments, which the verb binds when it builds its Result
(``functools.partial(key_lines, verbose=verbose)``), and never reads click's context.

Read from the source (the verb families, ops and core/render.py): a renderer is a function given
as a Result's text, as a verb's ``text=`` or ``verbose=``, or bound by functools.partial for
one, or any function of a record (its first parameter annotated Record); none may reach
``get_current_context``, directly or through a function of its module. A renderer a verb
builds at run time is a module's function, never a lambda or a function nested in the verb,
so that a test can call it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "euare"
MODULES = sorted(
    [*(SRC / "verbs").glob("*.py"), *(SRC / "ops").glob("*.py"), SRC / "core" / "render.py"]
)
TEXT_KEYWORDS = {"text", "verbose"}

Function = ast.FunctionDef | ast.Lambda


def functions(tree: ast.AST) -> dict[str, list[ast.FunctionDef]]:
    """Every function of the module, nested ones too, by name."""
    found: dict[str, list[ast.FunctionDef]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            found.setdefault(node.name, []).append(node)
    return found


def called_names(node: ast.AST) -> set[str]:
    """The names a function's body calls or passes on (a function handed to partial, say)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def asks_context(node: ast.AST) -> bool:
    return any(
        (isinstance(n, ast.Attribute) and n.attr == "get_current_context")
        or (isinstance(n, ast.Name) and n.id == "get_current_context")
        for n in ast.walk(node)
    )


def reaching(tree: ast.AST) -> set[str]:
    """The names of the module's functions that reach get_current_context."""
    defs = functions(tree)
    found = {name for name, nodes in defs.items() if any(asks_context(n) for n in nodes)}
    while True:
        more = {
            name
            for name, nodes in defs.items()
            if name not in found and any(called_names(n) & found for n in nodes)
        }
        if not more:
            return found
        found |= more


def text_expressions(tree: ast.AST) -> Iterator[tuple[ast.expr, bool]]:
    """What is given as text, each with whether a Result is given it (at run time): a Result's
    second argument or text=; a verb's text= or verbose= (its VerbSpec's, which tests reach)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        result = isinstance(node.func, ast.Name) and node.func.id == "Result"
        if result and len(node.args) > 1:
            yield node.args[1], True
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS and not isinstance(keyword.value, ast.Constant):
                yield keyword.value, result


def given(expr: ast.expr, names: dict[str, ast.expr]) -> Iterator[ast.expr]:
    """The functions an expression given as text may be: both sides of ``a if v else b``, the
    function that functools.partial binds, what a local name was assigned."""
    if isinstance(expr, ast.IfExp):
        yield from given(expr.body, names)
        yield from given(expr.orelse, names)
    elif isinstance(expr, ast.Call) and _is_partial(expr.func) and expr.args:
        yield from given(expr.args[0], names)
    elif isinstance(expr, ast.Name) and expr.id in names:
        yield from given(names[expr.id], names)
    else:
        yield expr


def _is_partial(func: ast.expr) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "partial") or (
        isinstance(func, ast.Name) and func.id == "partial"
    )


def local_assignments(tree: ast.AST) -> dict[str, ast.expr]:
    """Names assigned once to an expression (``text = functools.partial(...)``)."""
    found: dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = node.value
    return found


def of_a_record(node: ast.FunctionDef) -> bool:
    params = [*node.args.posonlyargs, *node.args.args]
    return bool(params) and "Record" in ast.unparse(params[0].annotation or ast.Constant(""))


def offenders(path: Path) -> list[str]:
    """``module:function`` for each renderer in ``path`` that reaches click's context, or is
    built inside a function where no test can call it."""
    tree = ast.parse(path.read_text(), str(path))
    defs, reach, names = functions(tree), reaching(tree), local_assignments(tree)
    nested = {
        inner.name
        for outer in ast.walk(tree)
        if isinstance(outer, ast.FunctionDef)
        for inner in ast.walk(outer)
        if isinstance(inner, ast.FunctionDef) and inner is not outer
    }
    top = {n.name for n in getattr(tree, "body", []) if isinstance(n, ast.FunctionDef)}
    found = [f"{path.stem}:{name}" for name in sorted(reach) if name in defs and any(
        of_a_record(n) for n in defs[name]
    )]
    for expr, in_result in text_expressions(tree):
        for fn in given(expr, names):
            where = f"{path.stem}:{ast.unparse(fn)[:60]}"
            if isinstance(fn, ast.Lambda):
                if asks_context(fn) or called_names(fn) & reach:
                    found.append(where)
                elif in_result:
                    found.append(f"{where} (a lambda built by a verb)")
            elif isinstance(fn, ast.Name) and fn.id in reach:
                found.append(where)
            elif isinstance(fn, ast.Name) and fn.id in nested and fn.id not in top:
                found.append(f"{where} (a function nested in a verb)")
    return sorted(set(found))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_renderer_reads_click_s_context_or_hides_in_a_verb(path: Path) -> None:
    assert offenders(path) == []


def test_the_scan_finds_a_renderer_that_reads_click_s_context(tmp_path: Path) -> None:
    """The scan itself can fail: a renderer asking click for -v, through a helper; and one
    built as a closure inside its verb."""
    module = tmp_path / "family.py"
    module.write_text(
        "import click\n"
        "def _verbose():\n"
        "    return click.get_current_context().params.get('verbose')\n"
        "def _lines(records):\n"
        "    return ['x'] if _verbose() else []\n"
        "def verb(call):\n"
        "    def inner(records):\n"
        "        return []\n"
        "    Result([{}], inner)\n"
        "    return Result([{}], _lines)\n"
        "api_verb('x', 'GetUser', 'help', text=lambda rs: [str(_verbose())])\n"
    )
    assert offenders(module) == [
        "family:_lines",
        "family:inner (a function nested in a verb)",
        "family:lambda rs: [str(_verbose())]",
    ]
