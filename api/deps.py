"""Injected dependencies: the store engine, the loaded model, the caller's key and its role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from api.errors import AuthenticationError, PermissionDeniedError
from api.roles import allowed_roles
from api.state import AppState
from risk.service.keys import ApiKeyRecord

_bearer = HTTPBearer(
    auto_error=False, description="An API key from `risk keys create`, as a Bearer token."
)


# The dependencies below that never block are ``async``: FastAPI runs a plain ``def`` dependency
# in its thread pool, a hop per dependency per request that costs more than the work itself.


async def get_state(request: Request) -> AppState:
    """The app's long-lived state (set by the lifespan)."""
    state: AppState = request.app.state.risk
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_engine(state: StateDep) -> Engine:
    """The store engine."""
    return state.engine


EngineDep = Annotated[Engine, Depends(get_engine)]


async def current_key(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKeyRecord:
    """The caller's active key (401 without one, or for an unknown or revoked key).

    Keys are cached per worker for ``risk.service.keys.KEY_TTL_SECONDS``; only a cache miss
    reads the store (in the thread pool: the event loop never waits on the database).
    """
    if credentials is None:
        raise AuthenticationError("missing API key: send 'Authorization: Bearer <key>'")
    record = state.keys.cached(credentials.credentials)
    if record is None:
        record = await run_in_threadpool(
            state.keys.authenticate, state.engine, credentials.credentials
        )
    if record is None:
        raise AuthenticationError("invalid or revoked API key")
    return record


CurrentKey = Annotated[ApiKeyRecord, Depends(current_key)]


async def authorize(request: Request, key: CurrentKey) -> ApiKeyRecord:
    """403 unless the key's role is allowed on this route by ``api.roles.ACCESS``."""
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    roles = allowed_roles(request.method, template)
    if key.role not in roles:
        shown = ", ".join(sorted(roles)) or "no role"
        raise PermissionDeniedError(
            f"role {key.role!r} may not {request.method} {template} (allowed: {shown})"
        )
    return key


def require_role(*roles: str) -> object:
    """A dependency refusing keys outside ``roles`` (for routes outside the ACCESS table)."""

    async def check(key: CurrentKey) -> ApiKeyRecord:
        if key.role not in roles:
            raise PermissionDeniedError(f"role {key.role!r} may not do this")
        return key

    return Depends(check)


AuthorizedKey = Annotated[ApiKeyRecord, Depends(authorize)]
