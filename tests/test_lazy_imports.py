"""Imports inside functions only where start-up time needs them, each with a one-line reason.

A function-level import (an ``import`` statement in a function body, or
``importlib.import_module("name")`` / ``__import__("name")`` with a literal name) must carry a
``# lazy: <reason>`` comment on its own line or on the line above. A run of imports right under
one such comment shares it. ``if TYPE_CHECKING:`` blocks are not imports at run time. The CLI
modules are exempt: there start-up time is the reason by definition.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import TypeGuard

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("features", "models", "training", "risk", "api")
EXEMPT = ("risk/cli/", "api/cli.py")  # the CLI: start-up time is the reason by definition
MARK = "# lazy:"
IMPORT_CALLS = frozenset({"import_module", "__import__"})


def _lazy_comment_lines(source: str) -> set[int]:
    """Lines holding a ``# lazy: <reason>`` comment (real comments, not text in strings)."""
    return {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
        and token.string.startswith(MARK)
        and token.string.removeprefix(MARK).strip()
    }


def _is_type_checking(node: ast.stmt) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``): imports for annotations only."""
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_import_call(node: ast.AST) -> TypeGuard[ast.Call]:
    """``importlib.import_module("x")`` / ``import_module("x")`` / ``__import__("x")``."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    first = node.args[0]
    return name in IMPORT_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str)


def _import_statements(
    statements: list[ast.stmt], in_function: bool
) -> Iterator[tuple[ast.stmt, bool]]:
    """(import, whether the statement right above it is an import) for every function-level
    import statement among ``statements`` and the blocks nested in them."""
    previous: ast.stmt | None = None
    for node in statements:
        if isinstance(node, ast.Import | ast.ImportFrom):
            if in_function:
                after_import = isinstance(previous, ast.Import | ast.ImportFrom) and (
                    previous.end_lineno == node.lineno - 1
                )
                yield node, after_import
        elif not _is_type_checking(node):
            inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for block in _blocks(node):
                yield from _import_statements(block, inner)
        previous = node


def _blocks(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in a statement (bodies, else, finally, handlers, cases)."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(node, field, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for item in [*getattr(node, "handlers", []), *getattr(node, "cases", [])]:
        yield item.body


def _import_calls(tree: ast.Module) -> Iterator[ast.Call]:
    """``import_module("x")`` / ``__import__("x")`` calls with a literal name, in functions."""
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for body_node in function.body:
                for node in ast.walk(body_node):
                    if _is_import_call(node):
                        yield node


def unexplained(source: str) -> list[tuple[int, str]]:
    """(line, import) for each function-level import without a ``# lazy:`` reason."""
    tree = ast.parse(source)
    marked = _lazy_comment_lines(source)
    lines = source.splitlines()
    calls = {(call.lineno, call.col_offset): call for call in _import_calls(tree)}
    imports: list[tuple[ast.stmt | ast.Call, bool]] = [
        *_import_statements(tree.body, in_function=False),
        *((call, False) for call in calls.values()),
    ]
    explained: set[int] = set()
    found = []
    for node, after_import in imports:
        first, last = node.lineno, node.end_lineno or node.lineno
        own = any(line in marked for line in range(first, last + 1))
        above = first - 1 in marked or (after_import and first - 1 in explained)
        if own or above:
            explained.update(range(first, last + 1))
        else:
            found.append((first, lines[first - 1].strip()))
    return sorted(found)


def _modules() -> Iterator[Path]:
    for package in CHECKED:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not path.relative_to(ROOT).as_posix().startswith(EXEMPT):
                yield path


def test_every_function_level_import_says_why_it_is_lazy() -> None:
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _modules()
        for line, text in unexplained(path.read_text(encoding="utf-8"))
    ]
    assert not missing, (
        "imports inside functions need a reason (a `# lazy: ...` comment on the line or the "
        "line above), or belong at module level:\n" + "\n".join(missing)
    )


def test_the_checked_packages_exist() -> None:
    assert all((ROOT / package / "__init__.py").is_file() for package in CHECKED)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("import os\n\ndef f():\n    return os\n", []),
        ("def f():\n    import os\n", [2]),
        ("def f():\n    # lazy: optional extra\n    import os\n", []),
        ("def f():\n    import os  # lazy: optional extra\n", []),
        ("def f():\n    # lazy:\n    import os\n", [3]),  # a reason is required
        ("def f():\n    # lazy: slow\n    import os\n    import sys\n", []),  # one run, one reason
        ("def f():\n    # lazy: slow\n    import os\n\n    import sys\n", [5]),
        ("def f():\n    x = '# lazy: no'\n    import os\n", [3]),  # a string is not a comment
        ("def f():\n    if True:\n        import os\n", [3]),
        (
            "def f():\n    try:\n        import os\n    except ImportError:\n        import sys\n",
            [3, 5],
        ),
        ("class C:\n    def m(self):\n        from x import y\n", [3]),
        ("def f():\n    def g():\n        import os\n", [3]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\n", []),
        ("def f():\n    return importlib.import_module('features.registry')\n", [2]),
        ("def f(n):\n    return importlib.import_module(f'features.{n}')\n", []),  # by name
        ("def f():\n    if x:\n        y = __import__('os')\n", [3]),
    ],
)
def test_the_checker_tells_right_from_wrong(source: str, flagged: list[int]) -> None:
    assert [line for line, _ in unexplained(source)] == flagged
