"""Input that can't hurt, over real HTTP: NUL bytes, unknown senders' bodies, body size,
out-of-range offsets and periods, spreadsheet formulas in CSV exports."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.api.conftest import Keys, bearer
from tests.api.test_console_pages import form_token, same_site, signed_in

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/v1/queue?region=%00", "query parameter 'region'"),
        ("/v1/networks?region=a%00b", "query parameter 'region'"),
        ("/v1/decisions?account_id=%00", "query parameter 'account_id'"),
        ("/v1/accounts/a%00b", "the path"),
        ("/v1/networks/%00", "the path"),
        ("/console/?region=%00", "query parameter 'region'"),
    ],
)
def test_a_nul_byte_in_a_path_or_query_is_a_422_naming_it(
    http: httpx.Client, keys: Keys, path: str, where: str
) -> None:
    response = http.get(path, headers=bearer(keys.moderator))
    assert response.status_code == 422 and where in response.json()["error"]["message"]


def test_a_nul_byte_in_a_note_is_a_422_and_nothing_is_recorded(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    account = targets["decided_account"]
    before = http.get(
        "/v1/decisions", params={"account_id": account}, headers=bearer(keys.moderator)
    )
    refused = http.post(
        f"/v1/accounts/{account}/decisions",
        json={"decision": "confirm", "note": "a\u0000b"},
        headers=bearer(keys.moderator),
    )
    assert refused.status_code == 422 and "NUL" in refused.json()["error"]["message"]
    after = http.get(
        "/v1/decisions", params={"account_id": account}, headers=bearer(keys.moderator)
    )
    assert after.json() == before.json()


def test_a_nul_byte_in_a_console_form_is_a_422(
    server: str, keys: Keys, targets: dict[str, str]
) -> None:
    with httpx.Client(base_url=server, timeout=30, follow_redirects=False) as client:
        signed_in(client, keys.moderator2)
        url = f"/console/accounts/{targets['decided_account']}"
        token = form_token(client.get(url).text)
        refused = client.post(
            f"{url}/decisions",
            content=f"decision=confirm&note=x%00y&csrf_token={token}",
            headers={**same_site(client), "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert refused.status_code == 422


def _headers_only(server: str, head: str) -> tuple[int, float]:
    """Send a request's head but none of its declared body; the status and how fast it came."""
    parts = urlsplit(server)
    started = time.perf_counter()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(head.encode("latin-1"))
        status = int(connection.recv(200).split(b" ")[1])
    return status, time.perf_counter() - started


def test_a_body_is_never_read_before_its_sender_is_known(server: str, keys: Keys) -> None:
    host = urlsplit(server).netloc
    unknown = (
        f"POST /v1/accounts/x/decisions HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n"
    )
    status, seconds = _headers_only(server, unknown)
    assert status == 401 and seconds < 5  # answered without waiting for the 500 kB
    huge = (
        f"POST /v1/accounts/x/decisions HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {keys.moderator}\r\n"
        "Content-Type: application/json\r\nContent-Length: 300000000\r\n\r\n"
    )
    assert _headers_only(server, huge)[0] == 413
    console = (
        f"POST /console/accounts/x/decisions HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500000\r\n\r\n"
    )
    assert _headers_only(server, console)[0] == 303  # no session: to the sign-in form


def test_a_streamed_body_over_the_cap_is_a_413(http: httpx.Client, keys: Keys) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 50_000

    response = http.post(
        "/v1/accounts/x/decisions", content=chunks(), headers=bearer(keys.moderator)
    )
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/v1/queue", "/v1/networks"])
@pytest.mark.parametrize("offset", ["9223372036854775808", "-1", "1000000001"])
def test_an_offset_out_of_range_is_a_422(
    http: httpx.Client, keys: Keys, path: str, offset: str
) -> None:
    response = http.get(path, params={"offset": offset}, headers=bearer(keys.moderator))
    assert response.status_code == 422 and "offset" in response.json()["error"]["message"]


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", None), (None, "9999-12-31")])
def test_a_report_period_out_of_range_is_a_422(
    http: httpx.Client, keys: Keys, start: str | None, end: str | None
) -> None:
    params = {k: v for k, v in (("from", start), ("to", end)) if v}
    response = http.get(
        "/v1/reports/latest", params={"format": "json", **params}, headers=bearer(keys.regulator)
    )
    assert response.status_code == 422 and "outside" in response.json()["error"]["message"]


def test_csv_exports_neutralise_spreadsheet_formulas(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    account = targets["escalated_account"]
    formula = '=HYPERLINK("http://evil.example","click")'
    made = http.post(
        f"/v1/accounts/{account}/decisions",
        json={"decision": "escalate", "note": formula},
        headers=bearer(keys.moderator),
    )
    assert made.status_code in (200, 201), made.text
    exported = http.get(
        "/v1/decisions",
        params={"account_id": account, "format": "csv"},
        headers=bearer(keys.moderator),
    )
    assert "'=HYPERLINK(" in exported.text and ",=HYPERLINK(" not in exported.text
    assert ',"=HYPERLINK(' not in exported.text
