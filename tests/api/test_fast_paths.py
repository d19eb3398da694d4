"""The hot routes' shortcuts keep the contract: exact response shapes, audited views, key cache."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter

from api.schemas import AccountOut, ExplanationOut
from risk.service.keys import KeyCache
from tests.api.conftest import Keys, bearer
from tests.api.world import World


def _as_the_model_renders(model: type[Any], body: dict[str, Any]) -> dict[str, Any]:
    """What FastAPI's response-model pass would have sent for this body (fails if invalid);
    the model is a pydantic model or a dataclass pydantic serialises."""
    adapter = TypeAdapter(model)
    rendered = adapter.dump_python(adapter.validate_python(body), mode="json")
    assert isinstance(rendered, dict)
    return rendered


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_account_body_is_exactly_what_its_response_model_renders(
    http: httpx.Client, keys: Keys, targets: dict[str, str], lang: str
) -> None:
    account = targets["account"]
    response = http.get(
        f"/v1/accounts/{account}", params={"lang": lang}, headers=bearer(keys.regulator)
    )
    body = response.json()
    assert response.headers["content-type"] == "application/json"
    assert body == _as_the_model_renders(AccountOut, body)
    assert body["as_of"].endswith("Z")


def test_latest_decision_is_shown_in_the_same_shape(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    account = targets["unexplained"]
    path = f"/v1/accounts/{account}"
    made = []
    for decision in ("escalate", "dismiss"):
        posted = http.post(
            f"{path}/decisions", json={"decision": decision}, headers=bearer(keys.moderator2)
        )
        assert posted.status_code == 201, posted.text
        made.append(posted.json())
    body = http.get(path, headers=bearer(keys.moderator2)).json()
    assert body["decision"] == "dismiss"
    assert body == _as_the_model_renders(AccountOut, body)
    assert body["decided_at"] == made[-1]["created_at"]


def test_explanation_body_is_exactly_what_its_response_model_renders(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    path = f"/v1/accounts/{targets['account']}/explanation"
    body = http.get(path, params={"top": 5}, headers=bearer(keys.moderator)).json()
    assert body == _as_the_model_renders(ExplanationOut, body)
    assert len(body["up"]) == 5


def test_every_fast_lookup_is_audited_before_it_answers(
    http: httpx.Client, keys: Keys, targets: dict[str, str], world: World
) -> None:
    from risk.store.audit import list_audit
    from risk.store.db import open_store

    account = targets["matrix_account"]
    engine = open_store(world.store_url)
    before = len(list_audit(engine, limit=10_000, target=account, actor="reg-bo"))
    for _ in range(3):
        assert (
            http.get(f"/v1/accounts/{account}", headers=bearer(keys.regulator)).status_code == 200
        )
    entries = list_audit(engine, limit=10_000, target=account, actor="reg-bo")
    engine.dispose()
    views = [e for e in entries[: len(entries) - before] if e.action == "account.view"]
    assert len(views) == 3
    assert all(e.details == {"run_id": world.run_id, "found": True} for e in views)


def test_a_key_revoked_through_the_api_stops_working_at_once(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    made = http.post(
        "/v1/keys", json={"name": "fast-revoked", "role": "moderator"}, headers=bearer(keys.admin)
    )
    assert made.status_code == 201, made.text
    key, path = made.json()["key"], f"/v1/accounts/{targets['account']}"
    assert http.get(path, headers=bearer(key)).status_code == 200  # now cached by the worker
    revoked = http.post("/v1/keys/fast-revoked/revoke", headers=bearer(keys.admin))
    assert revoked.status_code == 200
    assert http.get(path, headers=bearer(key)).status_code == 401


class _Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_key_cache_honours_a_revocation_made_elsewhere_within_its_ttl(
    world: World, tmp_path: Any
) -> None:
    from risk.store.db import open_store
    from risk.store.keys import create_key, revoke_key

    engine = open_store(world.store_url)
    key, record = create_key(engine, role="regulator", name="cache-ttl")
    clock = _Clock()
    cache = KeyCache(ttl_seconds=2.0, clock=clock)
    assert cache.cached(key) is None
    assert cache.authenticate(engine, key) == record
    revoke_key(engine, "cache-ttl")  # e.g. by the CLI: this worker is not told
    clock.now += 1.9
    assert cache.authenticate(engine, key) == record  # still trusted inside the TTL
    clock.now += 0.2
    assert cache.cached(key) is None
    assert cache.authenticate(engine, key) is None  # re-read: revoked
    assert cache.authenticate(engine, "mlr_" + "x" * 43) is None
    assert cache.authenticate(engine, "not-a-key") is None
    engine.dispose()


def test_key_cache_forgets_a_key_by_name(world: World) -> None:
    from risk.store.db import open_store
    from risk.store.keys import create_key

    engine = open_store(world.store_url)
    key, _ = create_key(engine, role="moderator", name="cache-forget")
    cache = KeyCache(ttl_seconds=60.0, clock=_Clock())
    assert cache.authenticate(engine, key) is not None
    cache.forget("someone-else")
    assert cache.cached(key) is not None
    cache.forget("cache-forget")
    assert cache.cached(key) is None
    engine.dispose()


def test_write_gate_is_shared_by_processes_through_a_file_beside_the_store(tmp_path: Any) -> None:
    import fcntl
    import os
    import threading

    from risk.store.db import make_engine
    from risk.store.gate import gate_for

    engine = make_engine(f"sqlite:///{tmp_path / 'risk.db'}")
    gate = gate_for(engine)
    assert gate.lock_file == tmp_path / "risk.db.gate"
    entered: list[bool] = []

    def wait_for_the_gate() -> None:
        with gate.hold():
            entered.append(True)

    with gate.hold():
        # Another open file description (as another worker process has) cannot take it...
        other = os.open(tmp_path / "risk.db.gate", os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # ...and another thread of this process waits for it.
        waiter = threading.Thread(target=wait_for_the_gate)
        waiter.start()
        waiter.join(timeout=0.2)
        assert waiter.is_alive() and not entered
    waiter.join(timeout=5)
    assert entered == [True]
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once every holder has left
    os.close(other)
    gate.close()
    engine.dispose()


def test_a_locked_store_makes_the_view_wait_in_a_thread_not_on_the_event_loop(
    server: str, keys: Keys, targets: dict[str, str], world: World
) -> None:
    import sqlite3
    import threading
    import time

    # Another writer (say, a scoring run publishing) holds the store's write lock.
    writer = sqlite3.connect(world.store_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    answers: list[httpx.Response] = []
    path = f"{server}/v1/accounts/{targets['account']}"
    viewer = threading.Thread(
        target=lambda: answers.append(httpx.get(path, headers=bearer(keys.regulator), timeout=30))
    )
    try:
        viewer.start()
        time.sleep(0.3)
        assert not answers  # the view waits for the lock (its audit entry must be written)...
        started = time.perf_counter()
        assert httpx.get(f"{server}/health", timeout=5).status_code == 200
        assert time.perf_counter() - started < 1.0  # ...while the event loop keeps answering
    finally:
        writer.execute("COMMIT")
        writer.close()
    viewer.join(timeout=30)
    assert answers and answers[0].status_code == 200
    assert answers[0].json()["account_id"] == targets["account"]
