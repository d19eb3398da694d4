"""Signing in and out of the console (the key travels in a POST body, never in a URL)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.console.auth import (
    check_same_origin,
    clear_key_cookie,
    redirect,
    request_lang,
    set_key_cookie,
)
from api.console.i18n import strings
from api.console.render import page
from api.deps import StateDep
from risk.service.keys import sign_in

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """The sign-in form."""
    return page(request, "login.html", {"error": None})


@router.post("/login")
def login(request: Request, state: StateDep, key: Annotated[str, Form(max_length=500)]) -> Response:
    """Check the key; on success remember it in the cookie and open the console."""
    check_same_origin(request)
    record = sign_in(engine=state.engine, cache=state.keys, key=key.strip())
    if record is None:
        message = strings(request_lang(request))["bad_key"]
        return page(request, "login.html", {"error": message}, status_code=401)
    response = redirect("/console/")
    set_key_cookie(response, request, key.strip())
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """Forget the key in this browser."""
    check_same_origin(request)
    response = redirect("/console/login")
    clear_key_cookie(response)
    return response
