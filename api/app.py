"""The app factory: a lifespan that opens the store and loads the champion model once."""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from api.console.routes import install_console
from api.deps import authorize
from api.errors import AUTH_ERRORS, install_error_handlers
from api.limits import RequestGuard
from api.metrics import Metrics, MetricsMiddleware, add_collector, service_metrics
from api.monitoring_metrics import DecisionGauges
from api.openapi import DOCS_ASSETS_URL, install_openapi, operation_id
from api.roles import ACCESS
from api.routers import (
    accounts,
    cases,
    decisions,
    health,
    keys,
    models,
    monitoring,
    networks,
    qa,
    queue,
    reports,
    runs,
    webhooks,
)
from api.state import AppState, load_champion
from risk.service.database import close_committer, open_committer, open_engine
from risk.service.report_cache import warm_reports
from risk.service.webhooks import WebhookSender
from risk.settings import Settings, get_settings

API_PREFIX = "/v1"  # every route path spells it out: the path is the roles-table key


MODEL_LOADING = "the champion model is loading"


def _load_and_freeze(state: AppState) -> None:
    """Load the champion; then move the long-lived objects out of the collector's reach."""
    load_champion(state)
    # The model, explainer and imported libraries live as long as the process: moved out of
    # the collector's reach, a full collection no longer walks them (200+ ms pauses seen).
    gc.collect()
    gc.freeze()


def _load_then_warm(state: AppState) -> None:
    """Load the champion, then build the reports: a report build started beside the load
    would hold the GIL half the time (a thread's low CPU priority does not yield the GIL)."""
    _load_and_freeze(state)
    _warm(state)


def _warm(state: AppState) -> None:
    if state.settings.warm_reports:
        warm_reports(state.settings, state.engine)


def create_served_app() -> FastAPI:
    """What ``risk serve`` runs in each worker: the app, its model loaded in the background."""
    return create_app(load_in_background=True)


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


def create_app(
    settings: Settings | None = None, *, load_model: bool = True, load_in_background: bool = False
) -> FastAPI:
    """The moderator API; ``load_model=False`` serves stored scores without a model;
    ``load_in_background``: the app serves at once (``/health`` 200, ``/ready`` 503 "loading")
    while a thread loads the champion, so a busy machine's supervisor never sees a silent
    worker."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = settings or get_settings()
        engine = open_engine(settings=chosen)
        committer = open_committer(engine=engine)
        state = AppState(settings=chosen, engine=engine, committer=committer)
        background = _warm
        if not load_model:
            state.model_error = "model loading disabled"
        elif load_in_background:
            state.model_error = MODEL_LOADING
            background = _load_then_warm
        else:
            _load_and_freeze(state)
        app.state.risk = state
        threading.Thread(target=background, args=(state,), name="start-up", daemon=True).start()
        app.state.metrics.add_source(service_metrics(state))
        add_collector(app.state.metrics, DecisionGauges(engine, chosen))
        sender = WebhookSender(engine, chosen).start()  # case events to the platform
        try:
            yield
        finally:
            sender.stop()
            close_committer(committer=committer)
            state.engine.dispose()

    app = FastAPIOffline(
        title="mlm-risk moderator API",
        version="1",
        description=(
            "Scores, reasons, networks and decisions for reviewing pyramid-style selling. "
            "Every /v1 route needs `Authorization: Bearer KEY`; every error is "
            '`{"error": {"code", "message", "details"?}}`.'
        ),
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        static_url=DOCS_ASSETS_URL,
    )
    app.state.metrics = Metrics()
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    # Outermost: NUL bytes refused, bodies read only from known senders and up to a size.
    app.add_middleware(RequestGuard)
    install_error_handlers(app)
    app.include_router(health.router)
    # Every /v1 route passes ``authorize``: a valid key whose role api.roles.ACCESS allows.
    routers = (
        accounts,
        queue,
        networks,
        decisions,
        cases,
        qa,
        webhooks,
        runs,
        keys,
        reports,
        models,
        monitoring,
    )
    for module in routers:
        app.include_router(module.router, dependencies=[Depends(authorize)], responses=AUTH_ERRORS)
    install_console(app)  # /console pages (cookie sign-in, own role checks) and /console/static
    install_openapi(app)
    check_access_table(app)
    return app
