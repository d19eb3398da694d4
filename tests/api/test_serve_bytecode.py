"""`risk serve` says when each worker would compile its libraries at every start."""

from __future__ import annotations

import py_compile
import sys
from pathlib import Path

import pytest

from api.cli import bytecode_missing


def test_a_library_without_bytecode_where_none_may_be_written_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "bigdependency"
    library.mkdir()
    (library / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert bytecode_missing("bigdependency")
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # the first start writes it
    assert not bytecode_missing("bigdependency")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    py_compile.compile(str(library / "__init__.py"))  # what UV_COMPILE_BYTECODE=1 does
    assert not bytecode_missing("bigdependency")
    assert not bytecode_missing("no_such_library_here")
