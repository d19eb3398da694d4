"""Rendering console pages: templates, shared context, security headers, language cookie."""

from __future__ import annotations

import math
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from api.console.auth import FLASH_COOKIE, LANG_COOKIE, ConsoleUser, request_lang
from api.console.i18n import strings
from risk.service.accounts import score_text
from risk.vocab import LANGS, Lang

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# Pages hold personal data: nothing cached, nothing framed, no script or style from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def utc_time(value: datetime | str | None) -> str:
    """``2026-06-30 23:59 UTC`` (the store's datetimes are aware UTC)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def amount(value: Any) -> str:
    """A money sum or count with thousands separators."""
    number = float(value or 0.0)
    return "–" if not math.isfinite(number) else f"{number:,.0f}"


def commands(text: str) -> Markup:
    """A note that names commands: each `risk ...` span as code, never as literal backticks
    (everything else escaped). Console strings holding backticks are shown through it
    (tests/api/test_console_text.py)."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def _currency(request: Request) -> str:
    """The platform's currency code (settings); the default before the app's state is set."""
    state = getattr(request.app.state, "risk", None)
    return str(state.settings.currency) if state is not None else "CNY"


def flash_value(decision: str, account_id: str) -> str:
    """The flash cookie's value after a decision: the decision and the account decided."""
    return quote(f"{decision}|{account_id}", safe="")


def _flash(value: str | None) -> dict[str, str] | None:
    """The flash a decision left: ``{"decision": ..., "account": ...}`` (None without one)."""
    if not value:
        return None
    decision, _, account_id = unquote(value).partition("|")
    return {"decision": decision, "account": account_id}


def _with_lang(request: Request, lang: str) -> str:
    """This page's path and query with ``lang`` set (a relative URL)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode([*items, ('lang', lang)])}"


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    """The console's Jinja2 environment (autoescaped HTML), built on first use."""
    built = Jinja2Templates(directory=str(TEMPLATES_DIR))
    built.env.filters["utc"] = utc_time
    built.env.filters["amount"] = amount
    built.env.filters["commands"] = commands
    built.env.filters["score"] = score_text
    return built


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    user: ConsoleUser | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``console/<name>`` with the shared context; remember ``?lang=``; consume a flash."""
    lang: Lang = user.lang if user is not None else request_lang(request)
    flash = request.cookies.get(FLASH_COOKIE)
    shared = {
        "t": strings(lang),
        "lang": lang,
        "user": user,
        "flash": _flash(flash),
        "path": request.url.path,
        "lang_url": {code: _with_lang(request, code) for code in LANGS},
        "currency": _currency(request),
    }
    response = templates().TemplateResponse(
        request, f"console/{name}", {**shared, **context}, status_code=status_code
    )
    response.headers.update(SECURITY_HEADERS)
    if request.query_params.get("lang") == lang:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, path="/console", samesite="strict"
        )
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/console")
    return response


def pager(
    path: str, kept: dict[str, str], page_number: int, total: int, size: int
) -> dict[str, Any]:
    """A list page's pager: its number, the last page's, and the previous and next pages' URLs
    (the filters in ``kept`` carried along)."""
    last = max(1, -(-total // size))

    def url(number: int) -> str:
        return f"{path}?{urlencode({**kept, 'page': number})}"

    return {
        "page_number": page_number,
        "last_page": last,
        "prev_url": url(page_number - 1) if page_number > 1 else None,
        "next_url": url(page_number + 1) if page_number < last else None,
    }


def error_page(
    request: Request, user: ConsoleUser | None, message: str, status_code: int
) -> HTMLResponse:
    """A plain error page in the console's frame."""
    return page(
        request,
        "error.html",
        {"message": message, "status": status_code},
        user=user,
        status_code=status_code,
    )
