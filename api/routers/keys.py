"""API keys (admin): list, create (the key is shown once), revoke."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from api.deps import AuthorizedKey, EngineDep, StateDep
from api.errors import error_responses
from api.schemas import CreatedKeyOut, KeyIn, KeyOut
from risk.service.keys import create_key, list_keys, revoke_key

router = APIRouter(tags=["keys"])


@router.get("/v1/keys", response_model=list[KeyOut])
def get_keys(key: AuthorizedKey, engine: EngineDep) -> list[dict[str, Any]]:
    """Every key (never the keys themselves nor their hashes)."""
    return [{**k.to_dict(), "active": k.active} for k in list_keys(engine=engine)]


@router.post(
    "/v1/keys",
    response_model=CreatedKeyOut,
    status_code=201,
    responses=error_responses(409, e409="A key with this name exists already."),
)
def post_key(body: KeyIn, key: AuthorizedKey, engine: EngineDep) -> dict[str, Any]:
    """Create a key; the response is the only time it is shown."""
    plaintext, record = create_key(engine=engine, role=body.role, name=body.name, actor=key.name)
    return {**record.to_dict(), "active": record.active, "key": plaintext}


@router.post(
    "/v1/keys/{name}/revoke",
    response_model=KeyOut,
    responses=error_responses(404, e404="No key with this name."),
)
def post_revoke(
    name: Annotated[str, Path(min_length=1, max_length=100)], key: AuthorizedKey, state: StateDep
) -> dict[str, Any]:
    """Revoke a key by name (idempotent; other workers stop accepting it within 2 s)."""
    record = revoke_key(engine=state.engine, name=name, actor=key.name, cache=state.keys)
    return {**record.to_dict(), "active": record.active}
