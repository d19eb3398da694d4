"""The app factory: a lifespan that opens the store and loads the champion model once."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api.console.routes import install_console
from api.deps import authorize
from api.errors import install_error_handlers
from api.limits import RequestGuard
from api.metrics import Metrics, MetricsMiddleware
from api.roles import ACCESS
from api.routers import accounts, decisions, health, keys, networks, queue, reports, runs
from api.state import AppState, load_champion
from risk.service.database import close_committer, open_committer, open_engine
from risk.settings import Settings, get_settings

API_PREFIX = "/v1"  # every route path spells it out: the path is the roles-table key


def check_access_table(app: FastAPI) -> None:
    """Fail at start-up if a /v1 route has no entry in the roles table (or one is stale)."""
    served = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith(API_PREFIX + "/")
        for method in operations
    }
    missing, stale = served - ACCESS.keys(), ACCESS.keys() - served
    if missing or stale:
        raise RuntimeError(f"api.roles.ACCESS out of date: missing {missing}, stale {stale}")


def create_app(settings: Settings | None = None, *, load_model: bool = True) -> FastAPI:
    """The moderator API; ``load_model=False`` serves stored scores without a model."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = settings or get_settings()
        engine = open_engine(settings=chosen)
        committer = open_committer(engine=engine)
        state = AppState(settings=chosen, engine=engine, committer=committer)
        if load_model:
            load_champion(state)
        else:
            state.model_error = "model loading disabled"
        app.state.risk = state
        # The model, explainer and imported libraries live as long as the process: moved out of
        # the collector's reach, a full collection no longer walks them (200+ ms pauses seen).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            close_committer(committer=committer)
            state.engine.dispose()

    app = FastAPI(
        title="mlm-risk moderator API",
        version="1",
        description="Scores, reasons, networks and decisions for reviewing pyramid-style selling.",
        lifespan=lifespan,
    )
    app.state.metrics = Metrics()
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    # Outermost: NUL bytes refused, bodies read only from known senders and up to a size.
    app.add_middleware(RequestGuard)
    install_error_handlers(app)
    app.include_router(health.router)
    # Every /v1 route passes ``authorize``: a valid key whose role api.roles.ACCESS allows.
    for module in (accounts, queue, networks, decisions, runs, keys, reports):
        app.include_router(module.router, dependencies=[Depends(authorize)])
    install_console(app)  # /console pages (cookie sign-in, own role checks) and /console/static
    check_access_table(app)
    return app
