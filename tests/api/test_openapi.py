"""``/openapi.json`` tells the truth: every error a route can answer is declared with the body
the service really sends (``{"error": {...}}``), downloads declare their media types, operation
ids are readable; a client generated from it by openapi-python-client reads every error; and
``/docs`` needs no CDN."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.roles import ACCESS
from tests.api.conftest import Keys, bearer
from tests.models.fresh_venv import requirements_venv

GENERATOR = "openapi-python-client==0.29.1"
ERROR_REF = "#/components/schemas/ErrorBody"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return create_app(load_model=False).openapi()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def _error_ref(operation: dict[str, Any], status: str) -> str:
    return str(operation["responses"][status]["content"]["application/json"]["schema"]["$ref"])


def test_every_keyed_route_declares_401_and_403_with_the_error_body(
    schema: dict[str, Any],
) -> None:
    keyed = [(m, p, o) for m, p, o in _operations(schema) if p.startswith("/v1/")]
    assert {(m, p) for m, p, _ in keyed} == set(ACCESS)
    for method, path, operation in keyed:
        for status in ("401", "403"):
            assert _error_ref(operation, status) == ERROR_REF, (method, path, status)


def test_422_is_the_real_error_body_not_fastapis_detail(schema: dict[str, Any]) -> None:
    with_422 = [(m, p, o) for m, p, o in _operations(schema) if "422" in o["responses"]]
    assert len(with_422) >= 10
    for method, path, operation in with_422:
        assert _error_ref(operation, "422") == ERROR_REF, (method, path)
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert "detail" not in json.dumps(schema["components"]["schemas"]["ErrorBody"])


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("GET", "/v1/reports/{run_id}", {"404", "409", "422"}),
        ("POST", "/v1/keys", {"409", "422"}),
        ("POST", "/v1/keys/{name}/revoke", {"404"}),
        ("GET", "/v1/accounts/{account_id}", {"404"}),
        ("GET", "/v1/accounts/{account_id}/explanation", {"404", "503"}),
        ("POST", "/v1/accounts/{account_id}/decisions", {"404", "422"}),
        ("GET", "/v1/networks/{network_id}", {"404"}),
    ],
)
def test_not_found_and_conflict_are_declared(
    schema: dict[str, Any], method: str, path: str, statuses: set[str]
) -> None:
    operation = schema["paths"][path][method.lower()]
    for status in statuses:
        assert _error_ref(operation, status) == ERROR_REF, status


def test_downloads_declare_their_media_types(schema: dict[str, Any]) -> None:
    report = schema["paths"]["/v1/reports/{run_id}"]["get"]["responses"]["200"]["content"]
    assert set(report) == {"application/pdf", "text/html", "application/json", "text/csv"} | {
        "application/zip"
    }
    assert report["application/pdf"]["schema"]["format"] == "binary"
    decisions = schema["paths"]["/v1/decisions"]["get"]["responses"]["200"]["content"]
    assert set(decisions) == {"application/json", "text/csv"}


def test_operation_ids_are_the_route_names(schema: dict[str, Any]) -> None:
    ids = {(m, p): o["operationId"] for m, p, o in _operations(schema)}
    assert ids[("GET", "/v1/accounts/{account_id}")] == "get_account"
    assert ids[("GET", "/v1/reports/{run_id}")] == "get_report"
    assert len(set(ids.values())) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z_]*", name) for name in ids.values())


def test_docs_load_their_assets_from_the_app(http: httpx.Client) -> None:
    for page in ("/docs", "/redoc"):
        html = http.get(page).text
        assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", html)
        assert assets, page
        for asset in assets:
            assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
            answer = http.get(asset)
            assert answer.status_code == 200 and len(answer.content) > 1000, asset
        assert "cdn" not in html.lower() and "googleapis" not in html.lower()


CLIENT_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
from risk_client import AuthenticatedClient
from risk_client.api.accounts import get_account, get_explanation
from risk_client.api.keys import get_keys, post_key, post_revoke
from risk_client.api.reports import get_report
from risk_client.models import ErrorBody, KeyIn
from risk_client.models.key_in_role import KeyInRole

url, keys, account = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
def client(key):
    return AuthenticatedClient(base_url=url, token=key, raise_on_unexpected_status=True)

cases = {
    "401": get_account.sync_detailed("x", client=client(keys["revoked"])),
    "403": get_keys.sync_detailed(client=client(keys["moderator"])),
    "404 account": get_account.sync_detailed("no-such-account", client=client(keys["moderator"])),
    "404 report": get_report.sync_detailed("no-such-run", client=client(keys["regulator"])),
    "404 key": post_revoke.sync_detailed("no-such-key", client=client(keys["admin"])),
    "409": post_key.sync_detailed(
        client=client(keys["admin"]), body=KeyIn(name="admin-cy", role=KeyInRole.ADMIN)
    ),
    "422": get_explanation.sync_detailed(account, client=client(keys["moderator"]), top=99),
}
def read(answer):
    error = answer.parsed.error if isinstance(answer.parsed, ErrorBody) else None
    return {
        "status": int(answer.status_code),
        "parsed": type(answer.parsed).__name__,
        "code": error and error.code,
        "message": error and error.message,
        "details": error and bool(error.details),
    }
print(json.dumps({name: read(answer) for name, answer in cases.items()}))
"""

EXPECTED = {
    "401": (401, "unauthorized"),
    "403": (403, "forbidden"),
    "404 account": (404, "not_found"),
    "404 report": (404, "not_found"),
    "404 key": (404, "not_found"),
    "409": (409, "conflict"),
    "422": (422, "invalid_input"),
}


@pytest.mark.slow
def test_a_generated_client_reads_every_error(
    server: str, http: httpx.Client, keys: Keys, targets: dict[str, str], tmp_path: Path
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"{GENERATOR}\n", encoding="utf-8")
    venv = requirements_venv(requirements)
    if venv is None:
        pytest.skip(f"{GENERATOR} is neither cached nor downloadable (no network)")
    (tmp_path / "openapi.json").write_text(http.get("/openapi.json").text, encoding="utf-8")
    config = "package_name_override: risk_client\npost_hooks: []\n"
    (tmp_path / "config.yml").write_text(config, encoding="utf-8")
    generate = [str(venv / "bin" / "openapi-python-client"), "generate", "--meta", "none"]
    options = ["--path", "openapi.json", "--output-path", "risk_client", "--config", "config.yml"]
    made = subprocess.run(
        [*generate, *options], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert made.returncode == 0, made.stdout + made.stderr
    (tmp_path / "call.py").write_text(CLIENT_SCRIPT, encoding="utf-8")
    key_names = {name: getattr(keys, name) for name in ("revoked", "moderator", "regulator")}
    key_names["admin"] = keys.admin
    arguments = [str(tmp_path), server, json.dumps(key_names), targets["account"]]
    called = subprocess.run(
        [str(venv / "bin" / "python"), "call.py", *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert called.returncode == 0, called.stderr[-3000:]
    results = json.loads(called.stdout.strip().splitlines()[-1])
    for name, (status, code) in EXPECTED.items():
        result = results[name]
        assert (result["status"], result["parsed"], result["code"]) == (status, "ErrorBody", code)
        assert result["message"], name
    assert results["422"]["details"] is True  # which field broke which rule
    # the same errors straight over HTTP: what the client parsed is what the service sent
    direct = http.get("/v1/keys", headers=bearer(keys.moderator))
    assert direct.json()["error"]["code"] == results["403"]["code"]
