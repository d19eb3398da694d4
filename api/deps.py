"""Injected dependencies: the store engine, the loaded model, the caller's key and its role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from api.errors import AuthenticationError, PermissionDeniedError
from api.roles import allowed_roles
from api.state import AppState
from risk.store.keys import authenticate
from risk.store.records import ApiKeyRecord

_bearer = HTTPBearer(
    auto_error=False, description="An API key from `risk keys create`, as a Bearer token."
)


def get_state(request: Request) -> AppState:
    """The app's long-lived state (set by the lifespan)."""
    state: AppState = request.app.state.risk
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_engine(state: StateDep) -> Engine:
    """The store engine."""
    return state.engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def current_key(
    engine: EngineDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKeyRecord:
    """The caller's active key (401 without one, or for an unknown or revoked key)."""
    if credentials is None:
        raise AuthenticationError("missing API key: send 'Authorization: Bearer <key>'")
    record = authenticate(engine, credentials.credentials)
    if record is None:
        raise AuthenticationError("invalid or revoked API key")
    return record


CurrentKey = Annotated[ApiKeyRecord, Depends(current_key)]


def authorize(request: Request, key: CurrentKey) -> ApiKeyRecord:
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

    def check(key: CurrentKey) -> ApiKeyRecord:
        if key.role not in roles:
            raise PermissionDeniedError(f"role {key.role!r} may not do this")
        return key

    return Depends(check)


AuthorizedKey = Annotated[ApiKeyRecord, Depends(authorize)]
