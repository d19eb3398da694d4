"""Posting the console's forms from a test as a browser would: signed in through the form
(with its double-submit token), every later form with the session's CSRF token and the
console's own Origin (api/console/auth.py refuses anything else)."""

from __future__ import annotations

import re
from typing import Any

import httpx

_TOKENS: dict[int, str] = {}


def _same_site(client: httpx.Client) -> dict[str, str]:
    return {"Origin": str(client.base_url).rstrip("/")}


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


def console_sign_in(client: httpx.Client, key: str) -> httpx.Response:
    """Sign ``client`` in with ``key``; the answer of the sign-in form (303 when it worked)."""
    login = _token(client.get("/console/login").text)
    answer = client.post(
        "/console/login", data={"key": key, "csrf_token": login}, headers=_same_site(client)
    )
    if answer.status_code == 303:
        _TOKENS[id(client)] = _token(client.get("/console/runs").text)
    return answer


def console_post(
    client: httpx.Client, url: str, data: dict[str, Any] | None = None
) -> httpx.Response:
    """POST a console form as its page would: the session's CSRF token and same-site Origin."""
    form = {**(data or {}), "csrf_token": _TOKENS.get(id(client), "")}
    return client.post(url, data=form, headers=_same_site(client))
