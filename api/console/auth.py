"""Console sign-in: a server-side session whose random id is the cookie, a CSRF token on every
state-changing form, and an Origin/Referer check on every POST.

The session id (32 random bytes) is all the browser holds; the store keeps only its SHA-256,
bound to the API key, with an expiry. Signing out ends it in the store, and revoking the key
voids it at once (``risk.service.keys.console_session_key`` checks the key on every request).
The cookie is HttpOnly, SameSite=Strict, path /console, and Secure when the request came over
HTTPS (directly or through a proxy that says so in X-Forwarded-Proto). Each form carries a
token derived from the session id (``csrf_token``): a page on another site can neither read the
cookie nor compute the token. The sign-in form, before any session, pairs a random cookie with
the same value in the form (double submit). A POST whose Origin is another host, ``null``, or
absent without a same-host Referer is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from api.console.i18n import pick_lang
from api.deps import get_state
from api.state import AppState
from risk.service.keys import ApiKeyRecord, console_session_key
from risk.vocab import Lang

SESSION_COOKIE = "mlr_console_session"
LOGIN_CSRF_COOKIE = "mlr_console_login_csrf"
LANG_COOKIE = "mlr_console_lang"
FLASH_COOKIE = "mlr_console_flash"
LOGIN_PATH = "/console/login"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in key and the language the pages are shown in."""

    key: ApiKeyRecord
    lang: Lang
    csrf: str  # the token this session's forms carry

    @property
    def name(self) -> str:
        """The key's name: the actor in the audit log."""
        return self.key.name

    @property
    def role(self) -> str:
        """moderator, regulator or admin."""
        return self.key.role


def request_lang(request: Request) -> Lang:
    """``?lang=`` when given, else the remembered choice, else English."""
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def is_https(request: Request) -> bool:
    """Served over HTTPS: directly, or behind a proxy that terminated TLS and says so."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _cookie(response: Response, request: Request, name: str, value: str, seconds: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def set_session_cookie(
    response: Response, request: Request, session_id: str, life: timedelta
) -> None:
    """Hand the browser its session id (HttpOnly, SameSite=Strict, Secure over HTTPS)."""
    _cookie(response, request, SESSION_COOKIE, session_id, int(life.total_seconds()))


def clear_session_cookie(response: Response) -> None:
    """Drop the session cookie (the session itself is ended in the store)."""
    response.delete_cookie(SESSION_COOKIE, path="/console", httponly=True, samesite="strict")


def csrf_token(session_id: str) -> str:
    """The token a session's forms carry: derived from the secret session id, so a page that
    cannot read the cookie cannot compute it."""
    return hashlib.sha256(b"mlr-console-csrf:" + session_id.encode("utf-8")).hexdigest()


def login_csrf(request: Request) -> str:
    """The sign-in form's token: the browser's (from its cookie) or a new random one."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def set_login_csrf(response: Response, request: Request, token: str) -> None:
    """The sign-in token's cookie, the form carrying the same value (double submit)."""
    _cookie(response, request, LOGIN_CSRF_COOKIE, token, 3600)


def clear_login_csrf(response: Response) -> None:
    """Drop the sign-in token once signed in."""
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console", httponly=True, samesite="strict")


class ConsoleRefusal(HTTPException):
    """A state-changing request refused (forgery suspected); shown as a console page whose
    message (``message_key`` in the i18n catalog) is in the reader's language."""

    def __init__(self, message_key: str, reason: str) -> None:
        super().__init__(status_code=403, detail=f"request refused: {reason}")
        self.message_key = message_key


def _refuse(reason: str, message_key: str = "origin_refused") -> ConsoleRefusal:
    return ConsoleRefusal(message_key, reason)


def check_same_origin(request: Request) -> None:
    """Refuse a state-changing request unless it provably comes from this site: its Origin
    (else its Referer) names this host; ``null``, another host, or neither is refused.

    Only the host is compared: behind a TLS-terminating proxy the scheme we see may differ.
    """
    host = request.headers.get("host", request.url.netloc)
    origin = request.headers.get("origin")
    if origin is not None:
        if origin == "null" or urlsplit(origin).netloc != host:
            raise _refuse("cross-site origin")
        return
    referer = request.headers.get("referer")
    if referer is None or urlsplit(referer).netloc != host:
        raise _refuse("no same-site Origin or Referer")


def check_csrf(expected: str | None, sent: str | None) -> None:
    """Refuse a form whose CSRF token is missing or not this session's."""
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise _refuse("missing or wrong CSRF token (reload the page)", "csrf_refused")


def console_user(request: Request, state: Annotated[AppState, Depends(get_state)]) -> ConsoleUser:
    """The signed-in user; no live session (unknown, ended, expired, key revoked) redirects to
    the sign-in page."""
    session_id = request.cookies.get(SESSION_COOKIE)
    record = (
        None if not session_id else console_session_key(engine=state.engine, session_id=session_id)
    )
    if record is None or session_id is None:
        raise HTTPException(status_code=303, headers={"Location": LOGIN_PATH})
    return ConsoleUser(key=record, lang=request_lang(request), csrf=csrf_token(session_id))


ConsoleUserDep = Annotated[ConsoleUser, Depends(console_user)]


def redirect(url: str) -> RedirectResponse:
    """A 303 See Other (after a POST, the browser GETs the target)."""
    return RedirectResponse(url, status_code=303)
