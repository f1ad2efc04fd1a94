"""Two decisions made in one place, held over the whole of src/euare by reading its syntax:

* what a failure means (gone, throttled, unsupported, a conflict...): no module but
  core/errors.py (which reads IAM's answer) and core/outcome.py (which says what it means)
  compares an error's code or HTTP status with anything, or keeps a collection of error codes;
  everyone else asks euare.core.outcome;
* waiting between tries: no module but core/retry.py sleeps in a loop; everyone else asks
  euare.core.retry.

The checkers are also run on small pieces of code that break each rule, so that a checker that
found nothing because it looked at nothing would fail too."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import euare
from euare.core import outcome

PACKAGE = Path(euare.__file__).resolve().parent

CODE_DECIDERS = {"core/errors.py", "core/outcome.py"}
SLEEPERS = {"core/retry.py"}

# Every error code outcome's table knows (its *_CODES collections).
KNOWN_CODES = frozenset(
    code
    for name, value in vars(outcome).items()
    if name.endswith("_CODES") and isinstance(value, (set, frozenset))
    for code in value
)

# What an error's code or status is read from: an error's ``.code`` (an exception's, or what
# errors.describe made of it), IAM's answer's Error, Code and HTTPStatusCode, botocore's
# http response's status_code.
_ANSWER_KEYS = {"Error", "Code", "HTTPStatusCode"}
_CARRIERS = {"int", "str"}  # int(status): still the status


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        yield name, ast.parse(path.read_text(encoding="utf-8"), filename=name)


def _is_describe(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id == "describe")
        or (isinstance(node.func, ast.Attribute) and node.func.attr == "describe")
    )


class _CodeReader(ast.NodeVisitor):
    """Finds, in one module, every comparison of an error's code or status, and every
    collection of error codes. Names are followed through assignments within the module
    (``err = describe(exc)``, ``code = err.code``, ``status = int(...)``)."""

    def __init__(self) -> None:
        self.errors: set[str] = set()  # names bound to an error (except ... as X, describe())
        self.codes: set[str] = set()  # names bound to a code or a status
        self.found: list[tuple[int, str]] = []

    # --- what an expression is -----------------------------------------------------------

    def _error(self, node: ast.AST) -> bool:
        return _is_describe(node) or (isinstance(node, ast.Name) and node.id in self.errors)

    def _code(self, node: ast.AST | None) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Name):
            return node.id in self.codes
        if isinstance(node, ast.Attribute):
            return (node.attr == "code" and self._error(node.value)) or node.attr == "status_code"
        if isinstance(node, ast.Subscript):
            key = node.slice
            return isinstance(key, ast.Constant) and key.value in _ANSWER_KEYS
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get" and node.args:
                key = node.args[0]
                return isinstance(key, ast.Constant) and key.value in _ANSWER_KEYS
            if isinstance(func, ast.Name) and func.id in _CARRIERS and node.args:
                return self._code(node.args[0])
            return False
        if isinstance(node, ast.BoolOp):  # (x.get("Error") or {}).get("Code"), status or 0
            return any(self._code(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return self._code(node.body) or self._code(node.orelse)
        return False

    @staticmethod
    def _codes_collection(node: ast.AST | None) -> bool:
        """A literal set, frozenset, list or tuple holding a code outcome knows."""
        if (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.func, ast.Name)
            and node.func.id in {"frozenset", "set", "tuple", "list"}
        ):
            return _CodeReader._codes_collection(node.args[0])
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            return any(isinstance(e, ast.Constant) and e.value in KNOWN_CODES for e in node.elts)
        return False

    # --- bindings --------------------------------------------------------------------------

    def _bind(self, target: ast.AST, value: ast.AST | None) -> None:
        if not isinstance(target, ast.Name):
            return
        if value is not None and self._error(value):
            self.errors.add(target.id)
        elif self._code(value):
            self.codes.add(target.id)
        if target.id.endswith("_CODES") and isinstance(
            value, (ast.Set, ast.List, ast.Tuple, ast.Call)
        ):
            self.found.append((target.lineno, f"defines {target.id}"))

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._bind(node.target, node.value)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind(node.target, node.value)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.errors.add(node.name)
        self.generic_visit(node)

    # --- what is flagged -------------------------------------------------------------------

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        against_none = all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops) and any(
            isinstance(o, ast.Constant) and o.value is None for o in operands
        )
        if not against_none and any(self._code(o) for o in operands):
            self.found.append((node.lineno, "compares an error's code or status"))
        elif any(
            (isinstance(o, ast.Constant) and o.value in KNOWN_CODES) or self._codes_collection(o)
            for o in operands
        ):
            self.found.append((node.lineno, "compares with an error code"))
        self.generic_visit(node)

    def visit_Match(self, node: ast.Match) -> None:
        if self._code(node.subject):
            self.found.append((node.lineno, "matches an error's code or status"))
        self.generic_visit(node)

    def visit_Set(self, node: ast.Set) -> None:
        self._collection(node)

    def visit_List(self, node: ast.List) -> None:
        self._collection(node)

    def visit_Tuple(self, node: ast.Tuple) -> None:
        self._collection(node)

    def _collection(self, node: ast.Set | ast.List | ast.Tuple) -> None:
        if self._codes_collection(node):
            self.found.append((node.lineno, "holds error codes"))
        self.generic_visit(node)


def code_decisions(tree: ast.Module) -> list[tuple[int, str]]:
    """Where ``tree`` decides on an error's code or status itself."""
    reader = _CodeReader()
    # twice: a name bound after its first use (in a later function) is known the second time
    reader.visit(tree)
    reader.found = []
    reader.visit(tree)
    return sorted(set(reader.found))


def _sleeps(node: ast.AST) -> bool:
    """A call to ``time.sleep``, ``sleep`` or ``anything.sleep``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "sleep") or (
        isinstance(func, ast.Attribute) and func.attr == "sleep"
    )


def sleeps_in_loops(tree: ast.Module) -> list[int]:
    """The lines of ``tree`` that sleep inside a loop (of the same function)."""
    found: set[int] = set()

    def walk(node: ast.AST, in_loop: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                walk(child, False)
                continue
            if in_loop and _sleeps(child):
                found.add(child.lineno)
            walk(child, in_loop or isinstance(child, (ast.For, ast.While, ast.AsyncFor)))

    walk(tree, False)
    return sorted(found)


# --- the tree ---------------------------------------------------------------------------------


def test_outcome_knows_the_codes_the_checker_looks_for() -> None:
    assert {"NoSuchEntity", "Throttling", "DeleteConflict", "AccessDenied"} <= KNOWN_CODES


def test_only_errors_and_outcome_decide_on_an_error_s_code() -> None:
    found = [
        f"{name}:{line}: {what}"
        for name, tree in _modules()
        if name not in CODE_DECIDERS
        for line, what in code_decisions(tree)
    ]
    assert found == [], "ask euare.core.outcome instead:\n" + "\n".join(found)


def test_only_the_retry_helper_sleeps_in_a_loop() -> None:
    found = [
        f"{name}:{line}"
        for name, tree in _modules()
        if name not in SLEEPERS
        for line in sleeps_in_loops(tree)
    ]
    assert found == [], "wait with euare.core.retry instead:\n" + "\n".join(found)


# --- the checkers can fail --------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "def f(exc):\n    return describe(exc).code == 'NoSuchEntity'\n",
        "def f(exc):\n    err = describe(exc)\n    return err.code in ('A', 'B')\n",
        "def f(exc):\n    code = describe(exc).code\n    return code != 'X'\n",
        "def f(run):\n    try:\n        run()\n    except E as e:\n        return e.code in DONE\n",
        "def f(exc):\n    return exc.response['Error']['Code'] == 'Whatever'\n",
        "def f(exc):\n"
        "    s = exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode') or 0\n"
        "    return s >= 500\n",
        "def f(response):\n    status = int(response[0].status_code)\n    return status == 429\n",
        "def f(parsed):\n    return (parsed.get('Error') or {}).get('Code') in MINE\n",
        "def f(x):\n    return x == 'EntityAlreadyExists'\n",
        "def f(x):\n    return x in {'Throttling', 'Mine'}\n",
        "MINE = frozenset({'NotImplemented', 'Mine'})\n",
        "RETRY_CODES = ('Mine', 'Yours')\n",
        "def f(exc):\n    match describe(exc).code:\n        case 'X':\n            return 1\n",
    ],
)
def test_the_code_checker_finds_a_decision(source: str) -> None:
    assert code_decisions(ast.parse(source)) != []


@pytest.mark.parametrize(
    "source",
    [
        "def f(exc):\n    err = describe(exc)\n    return err.code is None\n",
        "def f(exc):\n    raise E('m', code=describe(exc).code)\n",
        "def f(verdict):\n    return verdict.code == 'RETIRED_SERVICE'\n",  # not an error
        "MFA = {'AuthenticationCode1': '123456'}\n",
    ],
)
def test_the_code_checker_leaves_other_code_alone(source: str) -> None:
    assert code_decisions(ast.parse(source)) == []


@pytest.mark.parametrize(
    "source",
    [
        "import time\nwhile True:\n    time.sleep(1)\n",
        "def f(sleep):\n    for i in range(3):\n        if i:\n            sleep(i)\n",
        "def f(self):\n    while self.closed():\n        self.sleep(0.1)\n",
    ],
)
def test_the_sleep_checker_finds_a_loop(source: str) -> None:
    assert sleeps_in_loops(ast.parse(source)) != []


def test_the_sleep_checker_leaves_a_single_pause_alone() -> None:
    source = "import time\ndef f():\n    time.sleep(1)\n    for i in []:\n        def g():\n"
    source += "            time.sleep(i)\n"
    assert sleeps_in_loops(ast.parse(source)) == []
