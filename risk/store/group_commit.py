"""Group commit for the API's audited reads: one write transaction for requests arriving together.

Every account view appends to the hash-chained audit log, so each view is a write transaction,
and a write transaction per request (BEGIN IMMEDIATE, the gate, COMMIT, a thread-pool hop) cost
more than the reads themselves. Here one thread per worker process owns those transactions: it
takes every request waiting when it is free, runs them all in one transaction (each appending
its own audit entry) and commits once. A request still gets its answer only after the commit
that holds its audit entry, so no view is ever answered unaudited.

If one piece of work fails, the batch is rolled back and each of its pieces re-run in its own
transaction, so one bad request never takes the others' answers (or audit entries) with it.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from risk.store.db import write_transaction
from risk.store.gate import WriteGate

T = TypeVar("T")
Work = Callable[[Connection], Any]
log = logging.getLogger(__name__)

# Bounds one transaction (and so how long the store's write lock is held at a time).
MAX_BATCH = 64


@dataclass(frozen=True)
class _Request:
    work: Work
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]


def _settle(future: asyncio.Future[Any], outcome: Any, failed: bool) -> None:
    """Hand an outcome to a waiting request (unless the client went away meanwhile)."""
    if future.done():
        return
    if failed:
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class GroupCommitter:
    """Runs write work for async callers in shared transactions on one background thread."""

    def __init__(self, engine: Engine, gate: WriteGate, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.gate = gate
        self.max_batch = max_batch
        self._requests: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="group-commit", daemon=True)
        self._thread.start()

    async def run(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` inside a write transaction; returns once that has committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._requests.put(_Request(work, loop, future))
        return await future

    def close(self) -> None:
        """Finish the work already queued, then stop the thread."""
        self._requests.put(None)
        self._thread.join()

    def _serve(self) -> None:
        while True:
            first = self._requests.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    following = self._requests.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    self._requests.put(None)  # stop after this batch
                    break
                batch.append(following)
            self._answer(batch)

    def _answer(self, batch: list[_Request]) -> None:
        """Run the batch in one transaction; on any failure, each request in its own."""
        try:
            outcomes = [(outcome, False) for outcome in self._transaction(batch)]
        except Exception:
            outcomes = [self._alone(request) for request in batch]
        for request, (outcome, failed) in zip(batch, outcomes, strict=True):
            request.loop.call_soon_threadsafe(_settle, request.future, outcome, failed)

    def _transaction(self, batch: list[_Request]) -> list[Any]:
        with self.gate.hold(), write_transaction(self.engine) as connection:
            return [request.work(connection) for request in batch]

    def _alone(self, request: _Request) -> tuple[Any, bool]:
        try:
            return self._transaction([request])[0], False
        except Exception as error:  # handed to the request, which raises it in its handler
            return error, True
