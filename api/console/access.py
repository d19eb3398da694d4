"""Who may open which console page, and the pages' paths (shared by the page modules)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.console.auth import ConsoleUser, check_csrf, check_same_origin
from api.console.i18n import strings
from api.console.render import error_page
from api.roles import ACCESS, ADMIN, LEAD, MODERATOR, REGULATOR

PREFIX = "/console"
# The console's roles follow api.roles.ACCESS: admins run the service and see no account data.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "queue": frozenset({MODERATOR, LEAD}),
    "account": frozenset({MODERATOR, LEAD, REGULATOR}),
    "decide": frozenset({MODERATOR, LEAD}),
    "networks": frozenset({MODERATOR, LEAD, REGULATOR}),
    "network": frozenset({MODERATOR, LEAD, REGULATOR}),
    "audit": frozenset({MODERATOR, LEAD, REGULATOR}),
    "runs": frozenset({MODERATOR, LEAD, REGULATOR, ADMIN}),
    "cases": frozenset({MODERATOR, LEAD, REGULATOR}),
    "case": frozenset({MODERATOR, LEAD, REGULATOR}),
    "case_work": frozenset({MODERATOR, LEAD}),  # claim, decide, release, close, appeals
    "approve": frozenset({LEAD}),  # four eyes
    "qa": frozenset({LEAD}),  # the blind sample and agreement per moderator
    "qa_review": frozenset({MODERATOR, LEAD}),  # take and submit a blind review
    # subscriptions and delivery log, read only: exactly who may read them through the API
    "webhooks": ACCESS[("GET", "/v1/webhooks/{subscription_id}/deliveries")],
    "reports": frozenset({REGULATOR, ADMIN}),  # as api.roles: GET /v1/reports/{run_id}
    "models": frozenset({MODERATOR, LEAD, REGULATOR, ADMIN}),  # model figures, no account data
    "monitoring": frozenset({MODERATOR, LEAD, REGULATOR, ADMIN}),  # aggregate figures only
}


def denied(request: Request, user: ConsoleUser, page_name: str) -> HTMLResponse | None:
    """A 403 page unless the user's role may open ``page_name``."""
    if user.role in PAGE_ROLES[page_name]:
        return None
    return error_page(request, user, strings(user.lang)["forbidden"], 403)


def form_denied(
    request: Request, user: ConsoleUser, sent: str, page_name: str
) -> HTMLResponse | None:
    """The gates of every state-changing console form, in one place: a same-site Origin or
    Referer and the session's CSRF token (refused by raising ConsoleRefusal), then the
    user's role (a 403 page, as ``denied``)."""
    check_same_origin(request)
    check_csrf(user.csrf, sent)
    return denied(request, user, page_name)


def account_url(account_id: str) -> str:
    """The account page's path (the id escaped)."""
    return f"{PREFIX}/accounts/{quote(account_id, safe='')}"


def network_url(network_id: str) -> str:
    """The network page's path (the id escaped)."""
    return f"{PREFIX}/networks/{quote(network_id, safe='')}"
