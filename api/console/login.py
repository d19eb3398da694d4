"""Signing in and out of the console (the key travels in a POST body, never in a URL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.console.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    check_csrf,
    check_same_origin,
    clear_login_csrf,
    clear_session_cookie,
    csrf_token,
    login_csrf,
    redirect,
    request_lang,
    set_login_csrf,
    set_session_cookie,
)
from api.console.i18n import strings
from api.console.render import page
from api.deps import StateDep
from risk.service.keys import end_console_session, start_console_session

router = APIRouter()
# The CSRF token a form sends (empty when missing: refused by check_csrf, never a 422).
SentToken = Annotated[str, Form(alias=CSRF_FIELD, max_length=200)]


def _login_page(request: Request, error: str | None, status_code: int = 200) -> Response:
    """The sign-in form, its double-submit token in a hidden field and in a cookie."""
    token = login_csrf(request)
    response = page(request, "login.html", {"error": error, "csrf": token}, status_code=status_code)
    set_login_csrf(response, request, token)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """The sign-in form."""
    return _login_page(request, None)


@router.post("/login")
def login(
    request: Request,
    state: StateDep,
    key: Annotated[str, Form(max_length=500)],
    sent: SentToken = "",
) -> Response:
    """Check the key; on success start a server-side session (its id in the cookie)."""
    check_same_origin(request)
    check_csrf(request.cookies.get(LOGIN_CSRF_COOKIE), sent)
    lifetime = timedelta(minutes=state.settings.console_session_minutes)
    started = start_console_session(
        engine=state.engine, cache=state.keys, key=key.strip(), lifetime=lifetime
    )
    if started is None:
        return _login_page(request, strings(request_lang(request))["bad_key"], 401)
    response = redirect("/console/")
    set_session_cookie(response, request, started[1], lifetime)
    clear_login_csrf(response)
    return response


@router.post("/logout")
def logout(request: Request, state: StateDep, sent: SentToken = "") -> Response:
    """End the session in the store and drop its cookie."""
    check_same_origin(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        check_csrf(csrf_token(session_id), sent)
        end_console_session(engine=state.engine, session_id=session_id)
    response = redirect("/console/login")
    clear_session_cookie(response)
    return response
