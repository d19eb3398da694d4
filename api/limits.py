"""Request limits, applied before any route reads the request (a pure ASGI middleware).

- A NUL byte anywhere in the path, a query parameter or the body is a 422 naming where: no
  database can store it (PostgreSQL refuses it in text) and no id or note needs it.
- A body is read only after its sender is known: on ``/v1`` a valid API key, on the console a
  live session (the sign-in form excepted), so a client without either cannot make the server
  read a large body; and no body may exceed ``max_body_bytes`` (413), declared or streamed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from risk.service.keys import console_session_key

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Percent-encoded NUL in a form body, and JSON's escape of it.
_NUL_MARKERS = (b"\x00", b"%00", b"\\u0000")
_CONSOLE_OPEN = frozenset({"/console/login"})
SESSION_COOKIE = "mlr_console_session"  # api.console.auth.SESSION_COOKIE (no import cycle)


def nul_in_target(scope: Scope) -> str | None:
    """Where the path or query string carries a NUL byte, or None."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    if b"\x00" in unquote_to_bytes(raw_path):
        return "the path contains a NUL byte"
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return f"query parameter {name.replace(chr(0), '')!r} contains a NUL byte"
    return None


class RequestGuard:
    """NUL bytes refused, bodies read only from known senders and only up to a size."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = nul_in_target(scope)
        if refusal is not None:
            await error_response(422, refusal)(scope, receive, send)
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        state = scope["app"].state.risk
        cap: int = state.settings.max_body_bytes
        early = await self._before_body(scope, headers, state, cap)
        if early is not None:
            await early(scope, receive, send)
            return
        await self._guarded(scope, receive, send, cap)

    async def _before_body(self, scope: Scope, headers: Headers, state: Any, cap: int) -> Any:
        """A response sent without reading the body (unknown sender, declared too large)."""
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            return error_response(413, f"the request body is larger than {cap} bytes")
        path: str = scope["path"]
        if path.startswith("/v1/") and not await _known_key(headers, state):
            return error_response(
                401,
                "missing, invalid or revoked API key: send 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if (
            path.startswith("/console/")
            and path not in _CONSOLE_OPEN
            and not await _live_session(headers, state)
        ):
            return RedirectResponse("/console/login", status_code=303)
        return None

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        """Read the body (at most ``cap`` bytes), refuse a NUL byte in text, replay it."""
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > cap:
                too_large = f"the request body is larger than {cap} bytes"
                await error_response(413, too_large)(scope, receive, send)
                return
            more = bool(message.get("more_body", False))
        content_type = Headers(scope=scope).get("content-type", "").lower()
        textual = not content_type.startswith("multipart/")
        if textual and any(marker in body.lower() for marker in _NUL_MARKERS):
            await error_response(422, "the request body contains a NUL byte")(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


async def _known_key(headers: Headers, state: Any) -> bool:
    """The Bearer key is active (the key cache first, else the store in the thread pool)."""
    scheme, _, key = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        return False
    if state.keys.cached(key) is not None:
        return True
    return await run_in_threadpool(state.keys.authenticate, state.engine, key) is not None


async def _live_session(headers: Headers, state: Any) -> bool:
    """The console session cookie names a live session."""
    session = _cookie(headers, SESSION_COOKIE)
    if not session:
        return False
    found = await run_in_threadpool(console_session_key, engine=state.engine, session_id=session)
    return found is not None


def _cookie(headers: Headers, name: str) -> str | None:
    """One cookie's value from the Cookie header."""
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None
