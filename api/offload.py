"""Audited store work of the hot routes: on the event loop when the store is free, else a thread.

On SQLite an account view is a few hundred microseconds of CPU in the process itself, and the
write gate serializes views anyway; a thread hop per request costs more than it buys, and a
thread holding the gate waits for the GIL behind the event loop. So when the gate is free this
worker runs the view right on the loop, on the no-wait engine (a locked store fails at once,
before anything is written). If the gate is taken, or the store is locked by another writer
(a scoring run publishing), the view runs in the thread pool and waits there, never on the loop.
Other stores (PostgreSQL) always use the thread pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from api.state import AppState
from risk.service.gate import WriteGate, is_locked

T = TypeVar("T")


async def run_audited(state: AppState, work: Callable[[Engine, WriteGate | None], T]) -> T:
    """``work(engine, gate)``: inline when the gate and the store are free, else in a thread."""
    if state.quick_engine is not None:
        with state.gate.hold_if_free() as free:
            if free:
                try:
                    return work(state.quick_engine, None)
                except OperationalError as error:
                    if not is_locked(error):
                        raise
    return await run_in_threadpool(work, state.engine, state.gate)
