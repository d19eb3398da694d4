"""The map in docs/architecture.md, enforced: every import points the way the map says.

Imports are read from the source (``ast``), at module level and inside functions alike, so a
lazy import cannot hide an arrow pointing the wrong way.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("features", "models", "training", "risk", "api")

# Which of our top-level packages each package may import (itself always).
PACKAGE_IMPORTS: dict[str, frozenset[str]] = {
    "features": frozenset(),
    "models": frozenset({"features"}),
    "training": frozenset({"features", "models"}),
    "risk": frozenset({"features", "models", "training"}),
    "api": frozenset({"risk", "models", "features"}),
}

# Inside risk/: the words, settings and errors are leaves every part may use.
LEAVES = frozenset({"vocab", "settings", "errors", "jsontext"})
RISK_PARTS: dict[str, frozenset[str]] = {
    "vocab": frozenset(),
    "settings": frozenset(),
    "errors": frozenset(),
    "jsontext": frozenset(),
    "store": LEAVES,
    "indicators": LEAVES,
    "scoring": LEAVES | {"store", "indicators"},
    "cases": LEAVES | {"store"},
    "service": LEAVES | {"store", "indicators", "scoring", "cases", "report"},
    "report": LEAVES | {"store", "indicators", "service"},
    "cli": LEAVES | {"service", "scoring", "report"},
}
# api/ reaches risk/ through the service, and the leaves every part shares.
API_MAY_IMPORT = LEAVES | {"service"}
# The service reads what a run published; it runs the nightly job only through its front door.
SCORING_FRONT_DOOR = "risk.scoring"


def _modules() -> Iterator[tuple[Path, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imported(path: Path, module: str) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import of ours in a file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names = [base]
        else:
            continue
        for name in names:
            if name.split(".")[0] in PACKAGES:
                yield node.lineno, name


def _part(module: str) -> str | None:
    """The risk/ part a module belongs to (``risk.store.db`` -> ``store``)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "risk" and len(parts) > 1 else None


def _violation(source: str, target: str) -> str | None:
    """Why importing ``target`` from ``source`` breaks the map (None when it is allowed)."""
    top_source, top_target = source.split(".")[0], target.split(".")[0]
    if top_source != top_target:
        if top_target not in PACKAGE_IMPORTS[top_source]:
            return f"{top_source}/ may not import {top_target}/"
        return None
    if top_source != "risk":
        return None
    here, there = _part(source), _part(target)
    if here is None or there is None or here == there:
        return None
    if here not in RISK_PARTS:
        return f"risk/{here} is not on the map (docs/architecture.md)"
    if there not in RISK_PARTS[here]:
        return f"risk/{here} may not import risk/{there}"
    if here == "service" and there == "scoring" and target != SCORING_FRONT_DOOR:
        return "risk/service imports only risk.scoring's public entry points, not its internals"
    return None


def test_every_import_points_the_way_the_map_says() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {target} ({why})"
        for path, module in _modules()
        for line, target in _imported(path, module)
        if (why := _violation(module, target)) is not None
    ]
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(wrong)


def test_api_reaches_risk_only_through_the_service_and_the_leaves() -> None:
    direct = [
        f"{path.relative_to(ROOT)}:{line}: {target}"
        for path, module in _modules()
        if module.startswith("api.")
        for line, target in _imported(path, module)
        if (part := _part(target)) is not None
        and part not in API_MAY_IMPORT
        and not (module == "api.cli" and part == "cli")  # api.cli adds serve and demo to it
    ]
    assert not direct, "api/ must call risk.service:\n" + "\n".join(direct)


def test_every_part_of_risk_is_on_the_map() -> None:
    parts = {p.stem if p.is_file() else p.name for p in (ROOT / "risk").iterdir()}
    parts -= {"__init__", "__pycache__"}
    assert parts <= set(RISK_PARTS), f"not on the map: {sorted(parts - set(RISK_PARTS))}"


def test_the_map_names_every_package_and_part() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [f"{name}/" for name in PACKAGES if f"`{name}/`" not in text]
    missing += [f"risk/{part}" for part in RISK_PARTS if f"risk/{part}" not in text]
    assert not missing, f"docs/architecture.md does not name: {missing}"


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("models.explainer", "features.registry", True),
        ("features.build", "models.classifier", False),
        ("risk.cli.cmd_demo", "api.app", False),
        ("risk.store.db", "risk.service.keys", False),
        ("risk.service.accounts", "risk.scoring.stages", False),
        ("risk.service.demo", "risk.scoring", True),
        ("api.routers.keys", "risk.service.keys", True),
    ],
)
def test_the_checker_tells_right_from_wrong(source: str, target: str, allowed: bool) -> None:
    assert (_violation(source, target) is None) is allowed
