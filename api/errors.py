"""One shape for every error: ``{"error": {"code", "message"}}`` with the right status."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ErrorBody
from features.errors import ServiceError

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_input",
    500: "internal_error",
    503: "unavailable",
}


# What each error status means on this API, as /openapi.json declares it (the body: ErrorBody).
_MEANINGS = {
    401: "No API key, or a key that is unknown or revoked (`Authorization: Bearer KEY`).",
    403: "The key's role may not use this route (see the roles table).",
    404: "The thing asked for is not there.",
    409: "The request conflicts with the current state.",
    422: "A path, query or body field breaks the rules; `details` names each one.",
    503: "The service cannot answer now (store unreachable or model not loaded).",
}
Responses = dict[int | str, dict[str, Any]]


def error_responses(*statuses: int, **meanings: str) -> Responses:
    """OpenAPI ``responses`` for error statuses, each with the real body, ``{"error": {...}}``;
    ``meanings`` (``e404="..."``) say what a status means on one route."""
    return {
        status: {
            "model": ErrorBody,
            "description": meanings.get(f"e{status}", _MEANINGS.get(status, "")),
        }
        for status in statuses
    }


# every /v1 route: it needs a key, and the key's role must be allowed
AUTH_ERRORS = error_responses(401, 403)


class AuthenticationError(ServiceError):
    """No key, or a key that is unknown or revoked."""

    http_status = 401


class PermissionDeniedError(ServiceError):
    """A valid key whose role may not use the route."""

    http_status = 403


def error_response(
    status: int, message: str, *, details: list[Any] | None = None, headers: Any = None
) -> JSONResponse:
    """The JSON error body every handler returns."""
    code = _CODES.get(status) or HTTPStatus(status).phrase.lower().replace(" ", "_")
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _count_server_error(request: Request, error: Exception) -> None:
    """A 5xx answer, counted by error class (``StoreError``: the store failed)."""
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.errors.labels(type(error).__name__).inc()


def _service_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    if error.http_status >= 500:
        _count_server_error(request, error)
    headers = {"WWW-Authenticate": "Bearer"} if error.http_status == 401 else None
    return error_response(error.http_status, error.message, headers=headers)


def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = jsonable_encoder(error.errors(), exclude={"input", "ctx", "url"})
    where = "; ".join(
        f"{'.'.join(str(p) for p in problem.get('loc', ()))}: {problem.get('msg', '')}"
        for problem in problems
    )
    return error_response(422, f"invalid request: {where}", details=problems)


def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    message = (
        error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
    )
    if error.status_code == 404 and message == "Not Found":
        message = "no such endpoint"
    return error_response(error.status_code, message, headers=error.headers)


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=error)
    _count_server_error(request, error)
    return error_response(500, "internal error (logged on the server)")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
