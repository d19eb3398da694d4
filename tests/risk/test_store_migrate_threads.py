"""Stores opened by several threads of one process at once all migrate (alembic's migration
context is process-global: without the store's lock they removed it under each other)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import inspect

from risk.store.db import open_store


def test_threads_opening_stores_at_once_all_migrate(tmp_path: Path) -> None:
    urls = [f"sqlite:///{tmp_path / f'store-{n}.db'}" for n in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        engines = list(pool.map(open_store, urls))
    for engine in engines:
        assert "scores" in inspect(engine).get_table_names()
        engine.dispose()
