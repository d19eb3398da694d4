"""The import arrows of ARCHITECTURE.md that keep the service the one door: ``risk`` never
imports ``api``, and ``api`` reaches ``risk`` only through its service, vocabulary, settings and
errors (``api/cli.py`` also extends the ``risk`` command)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API_MAY_IMPORT = ("risk.service", "risk.vocab", "risk.settings", "risk.errors")


def _imports(package: str) -> Iterator[tuple[str, str]]:
    """(file, imported module) for every import in the package, inside functions too."""
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                yield str(path.relative_to(ROOT)), name


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def test_risk_never_imports_api() -> None:
    upward = [(path, name) for path, name in _imports("risk") if _within(name, ("api",))]
    assert upward == []


def test_api_reaches_risk_only_through_the_service() -> None:
    allowed = {"api/cli.py": (*API_MAY_IMPORT, "risk.cli")}
    around = [
        (path, name)
        for path, name in _imports("api")
        if _within(name, ("risk",)) and not _within(name, allowed.get(path, API_MAY_IMPORT))
    ]
    assert around == []
