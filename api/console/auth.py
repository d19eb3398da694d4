"""Console sign-in: the API key in an HttpOnly, SameSite=Strict cookie, checked on every request.

Why the key itself and not a server-side session id: the store has no session table, an
in-process session map breaks with several workers and restarts, and checking the key on every
request (through the API's key cache, ``risk.service.keys.KeyCache``) makes a revocation take
effect within ``KEY_TTL_SECONDS``, and at once in the worker that revoked it. The cookie is as
secret as the key: HttpOnly (no script reads it), SameSite=Strict plus an Origin check on POSTs
(no cross-site request carries it), Secure over HTTPS, never put in a URL, so never in an access
log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from api.console.i18n import pick_lang
from api.deps import get_state
from api.state import AppState
from risk.service.keys import ApiKeyRecord
from risk.vocab import Lang

KEY_COOKIE = "mlr_console_key"
LANG_COOKIE = "mlr_console_lang"
FLASH_COOKIE = "mlr_console_flash"
LOGIN_PATH = "/console/login"
SESSION_SECONDS = 12 * 3600  # one working day; sign in again after


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in key and the language the pages are shown in."""

    key: ApiKeyRecord
    lang: Lang

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


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_key_cookie(response: Response, request: Request, key: str) -> None:
    """Remember the key for this browser (HttpOnly, SameSite=Strict, Secure over HTTPS)."""
    response.set_cookie(
        KEY_COOKIE,
        key,
        max_age=SESSION_SECONDS,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
    )


def clear_key_cookie(response: Response) -> None:
    """Forget the key."""
    response.delete_cookie(KEY_COOKIE, path="/console", httponly=True, samesite="strict")


def check_same_origin(request: Request) -> None:
    """Refuse a state-changing request sent from another site (defence beside SameSite).

    Only the host is compared: behind a TLS-terminating proxy the scheme we see may differ.
    """
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return
    if urlsplit(origin).netloc != request.headers.get("host", request.url.netloc):
        raise HTTPException(status_code=403, detail="cross-site request refused")


def console_user(request: Request, state: Annotated[AppState, Depends(get_state)]) -> ConsoleUser:
    """The signed-in user; a missing, unknown or revoked key redirects to the sign-in page."""
    key = request.cookies.get(KEY_COOKIE)
    record = None if not key else state.keys.authenticate(state.engine, key)
    if record is None:
        raise HTTPException(status_code=303, headers={"Location": LOGIN_PATH})
    return ConsoleUser(key=record, lang=request_lang(request))


ConsoleUserDep = Annotated[ConsoleUser, Depends(console_user)]


def redirect(url: str) -> RedirectResponse:
    """A 303 See Other (after a POST, the browser GETs the target)."""
    return RedirectResponse(url, status_code=303)
