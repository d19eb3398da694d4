"""What ``/openapi.json`` and ``/docs`` tell a client: readable operation ids (the route
function's name), the real error body for 422 (FastAPI's own ``{"detail": ...}`` schema is
replaced: the service answers ``{"error": {...}}``), and Swagger UI and ReDoc from assets
served by the app itself (``fastapi-offline``: no CDN, so ``/docs`` works air-gapped)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from api.errors import error_responses

_ERROR_REF = "#/components/schemas/ErrorBody"
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
DOCS_ASSETS_URL = "/docs-assets"  # Swagger UI's and ReDoc's scripts, styles and icon


def operation_id(route: APIRoute) -> str:
    """The route function's name (``get_account``): what a generated client calls it."""
    return route.name


def declare_real_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Every 422 described with the body the service sends; FastAPI's schemas for its own
    validation body dropped (nothing refers to them any more)."""
    invalid = error_responses(422)[422]["description"]
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            response = operation.get("responses", {}).get("422")
            if response is not None:
                response["description"] = invalid
                response["content"] = {"application/json": {"schema": {"$ref": _ERROR_REF}}}
    components = schema.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION:
        components.pop(name, None)
    return schema


def duplicate_operation_ids(schema: dict[str, Any]) -> list[str]:
    """Operation ids used more than once (a generated client would lose one of them)."""
    ids = Counter(
        operation.get("operationId")
        for operations in schema.get("paths", {}).values()
        for operation in operations.values()
    )
    return sorted(str(name) for name, count in ids.items() if count > 1)


def install_openapi(app: FastAPI) -> None:
    """Post-process the app's schema once, when it is first built; duplicate ids fail it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = declare_real_errors(build())
            duplicates = duplicate_operation_ids(schema)
            if duplicates:
                raise RuntimeError(f"operation ids used twice (rename a route): {duplicates}")
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
