"""Readiness: can this API answer moderators right now, and if not, why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from features.errors import ServiceError
from risk.store.runs import latest_published_run


def readiness(
    engine: Engine, *, model_version: str | None, model_error: str | None
) -> dict[str, Any]:
    """Store reachable, a run published, the champion loaded; ``reasons`` says what is missing."""
    reasons: list[str] = []
    run_id = None
    store_ok = True
    try:
        run = latest_published_run(engine)
        if run is None:
            reasons.append("no scoring run is published yet: run `risk score`")
        else:
            run_id = run.id
    except (SQLAlchemyError, ServiceError) as error:
        store_ok = False
        reasons.append(f"store unreachable: {error}")
    if model_version is None:
        reasons.append(f"no model loaded: {model_error or 'unknown reason'}")
    return {
        "ready": not reasons,
        "store": store_ok,
        "model": model_version is not None,
        "model_version": model_version,
        "run_id": run_id,
        "reasons": reasons,
    }
