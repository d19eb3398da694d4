"""The pyfunc's own code, logged with the model so that it loads where only MLflow and the
model's ``requirements.txt`` are installed (a fresh venv, ``mlflow models serve``).

The repository keeps its top-level folders (``models``, ``features``). A model that carried
them under those names would shadow, or be shadowed by, a user's own ``models`` package. So
the model carries a copy of just the modules its pyfunc imports, under one private package
(``models.scorer`` -> ``mlm_risk_model.models.scorer``), and is logged as "models from code":
a three-line entry file that builds the pyfunc from that copy. Nothing is pickled.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from models.errors import ModelError

VENDOR_PACKAGE = "mlm_risk_model"
OUR_PACKAGES = ("models", "features")
PYFUNC_MODULE = "models.pyfunc"
ENTRY_FILE = "risk_pyfunc_entry.py"
_ROOT = Path(__file__).resolve().parent.parent  # the folder holding models/ and features/

_ENTRY = f'''"""MLflow models-from-code entry: the risk pyfunc, from the code logged with it."""

import mlflow

from {VENDOR_PACKAGE}.{PYFUNC_MODULE} import RiskPyfunc

mlflow.models.set_model(RiskPyfunc())
'''


def module_file(module: str, root: Path = _ROOT) -> Path:
    """The source file of one of our modules (a package's ``__init__.py``)."""
    base = root.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _ours(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in OUR_PACKAGES


def _imported_modules(tree: ast.Module, root: Path) -> set[str]:
    """Our modules a source imports (module level or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(_ours(alias.name) for alias in node.names):
            raise ModelError(f"`import {node.names[0].name}`: the pyfunc's code uses from-imports")
        if isinstance(node, ast.ImportFrom) and node.level == 0 and _ours(node.module):
            module = str(node.module)
            found.add(module)
            # `from models import scorer` names a submodule
            found.update(
                f"{module}.{alias.name}"
                for alias in node.names
                if module_file(f"{module}.{alias.name}", root).is_file()
            )
    return found


def module_closure(entry: str = PYFUNC_MODULE, root: Path = _ROOT) -> list[str]:
    """Every module of ours that ``entry`` needs, itself included, sorted."""
    seen: set[str] = set()
    pending = [entry]
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        tree = ast.parse(module_file(module, root).read_text(encoding="utf-8"))
        pending.extend(_imported_modules(tree, root) - seen)
    return sorted(seen)


def rewrite_imports(source: str) -> str:
    """The same source with our absolute from-imports moved under :data:`VENDOR_PACKAGE`."""
    lines = source.splitlines(keepends=True)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and _ours(node.module):
            index, column = node.lineno - 1, node.col_offset
            head, tail = lines[index][:column], lines[index][column:]
            pattern = rf"from\s+{re.escape(str(node.module))}\b"
            lines[index] = head + re.sub(
                pattern, f"from {VENDOR_PACKAGE}.{node.module}", tail, count=1
            )
    return "".join(lines)


def vendor_pyfunc_code(directory: Path, root: Path = _ROOT) -> tuple[Path, Path]:
    """Write the pyfunc's code under ``directory``: (the ``mlm_risk_model`` package to log as
    ``code_paths``, the entry file to log as ``python_model``)."""
    package = directory / VENDOR_PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text('"""The mlm-risk pyfunc\'s code."""\n', "utf-8")
    for module in module_closure(PYFUNC_MODULE, root):
        parts = module.split(".")
        for depth in range(1, len(parts)):  # every package on the way, as a plain package
            init = package.joinpath(*parts[:depth]) / "__init__.py"
            init.parent.mkdir(parents=True, exist_ok=True)
            if not init.exists():
                init.write_text("", encoding="utf-8")
        source = module_file(module, root)
        target = package.joinpath(*parts[:-1]) / source.name
        if source.name == "__init__.py":
            target = package.joinpath(*parts) / "__init__.py"
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rewrite_imports(source.read_text(encoding="utf-8")), encoding="utf-8")
    entry = directory / ENTRY_FILE
    entry.write_text(_ENTRY, encoding="utf-8")
    return package, entry


@contextmanager
def importable(directory: Path) -> Iterator[None]:
    """``directory`` on ``sys.path`` while MLflow runs the entry file at logging time; the
    vendored modules are forgotten afterwards (MLflow puts the logged copy on the path when it
    loads the model)."""
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        if str(directory) in sys.path:
            sys.path.remove(str(directory))
        for name in [n for n in sys.modules if n.split(".")[0] == VENDOR_PACKAGE]:
            del sys.modules[name]
