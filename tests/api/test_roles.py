"""Likely scheme roles over real HTTP: the account view, the queue's role filter, the console."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from models.vocab import SCHEME_ROLES
from tests.api.conftest import Keys, bearer, start_server, world_settings
from tests.api.test_console_pages import signed_in
from tests.api.world import World
from tests.trained_world import copy_tracking, register_without_roles

pytestmark = pytest.mark.slow


def test_account_shows_its_likely_role_from_band_medium_up(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    flagged = http.get(f"/v1/accounts/{targets['account']}", headers=bearer(keys.moderator))
    body = flagged.json()
    assert body["role"] in SCHEME_ROLES
    assert 1 / len(SCHEME_ROLES) <= body["role_probability"] <= 1.0
    low = http.get(f"/v1/accounts/{targets['unexplained']}", headers=bearer(keys.moderator))
    assert low.json()["band"] == "low"
    assert low.json()["role"] is None and low.json()["role_probability"] is None


def _whole_queue(http: httpx.Client, keys: Keys) -> list[dict[str, object]]:
    """Every account in the queue (status all), page by page."""
    items: list[dict[str, object]] = []
    while True:
        params = {"status": "all", "limit": 1000, "offset": len(items)}
        page = http.get("/v1/queue", params=params, headers=bearer(keys.moderator)).json()
        items += page["items"]
        if not page["items"] or len(items) >= page["total"]:
            return items


def test_queue_filters_by_likely_role(http: httpx.Client, keys: Keys) -> None:
    everyone = _whole_queue(http, keys)
    seen = {}
    for role in SCHEME_ROLES:
        page = http.get(
            "/v1/queue",
            params={"role": role, "status": "all", "limit": 1000, "order": "score"},
            headers=bearer(keys.moderator),
        ).json()
        assert {item["role"] for item in page["items"]} <= {role}
        ranks = [item["rank"] for item in page["items"]]
        assert ranks == sorted(ranks)
        seen[role] = page["total"]
    assert seen["organizer"] + seen["recruiter"] > 0
    assert sum(seen.values()) == sum(1 for item in everyone if item["role"])
    # The people moderators act on, in one queue: organizers and recruiters together.
    acting = http.get(
        "/v1/queue",
        params=[("role", "organizer"), ("role", "recruiter"), ("status", "all"), ("limit", 1000)],
        headers=bearer(keys.moderator),
    ).json()
    assert acting["total"] == seen["organizer"] + seen["recruiter"]
    assert {item["role"] for item in acting["items"]} <= {"organizer", "recruiter"}
    bad = http.get("/v1/queue", params={"role": "boss"}, headers=bearer(keys.moderator))
    assert bad.status_code == 422
    unauthenticated = http.get("/v1/queue", params={"role": "organizer"})
    assert unauthenticated.status_code == 401


@pytest.mark.parametrize(
    ("lang", "header", "organizer"),
    [("en", "Likely role", "organizer"), ("zh", "可能角色", "组织者")],
)
def test_console_queue_shows_and_filters_roles(
    server: str, keys: Keys, lang: str, header: str, organizer: str
) -> None:
    with httpx.Client(base_url=server, timeout=30, follow_redirects=False) as client:
        signed_in(client, keys.moderator)
        page = client.get("/console/", params={"role": "organizer", "status": "all", "lang": lang})
    assert page.status_code == 200
    html = page.text
    assert f"<th>{header}</th>" in html
    assert '<option value="organizer" selected>' in html
    rows = html.count('<td class="role">')
    assert rows > 0 and html.count(f'<td class="role">{organizer} (') == rows


def test_console_queue_shows_organizers_and_recruiters_together(server: str, keys: Keys) -> None:
    with httpx.Client(base_url=server, timeout=30, follow_redirects=False) as client:
        signed_in(client, keys.moderator)
        html = client.get("/console/", params={"role": "actionable", "status": "all"}).text
    assert '<option value="actionable" selected>organizer or recruiter</option>' in html
    shown = re.findall(r'<td class="role">(\w+) \(', html)
    assert shown and set(shown) <= {"organizer", "recruiter"}


def test_a_model_registered_without_a_role_model_still_serves(
    world: World, keys: Keys, targets: dict[str, str], tmp_path: Path
) -> None:
    from models.mlflow_io import load_scorer
    from risk.settings import Settings

    tracking_uri = copy_tracking(world.tracking_uri, tmp_path / "tracking")
    register_without_roles(tracking_uri, world.snapshot_dir, "before-roles", tmp_path / "staging")
    assert load_scorer("mlm-risk@before-roles", tracking_uri).role_model is None
    settings = world_settings(world, tmp_path / "home").model_dump()
    settings.update(mlflow_tracking_uri=tracking_uri, model_alias="before-roles")
    started = start_server(Settings.model_validate(settings))
    try:
        account = targets["account"]
        headers = bearer(keys.moderator)
        explained = httpx.get(f"{started.url}/v1/accounts/{account}/explanation", headers=headers)
        assert explained.status_code == 200 and explained.json()["up"]
        shown = httpx.get(f"{started.url}/v1/accounts/{account}", headers=headers)
        assert shown.status_code == 200 and shown.json()["role"] in SCHEME_ROLES  # stored run
    finally:
        started.stop()
