"""End-to-end scoring runs through the library function, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from models.explain_text import stored_reason_text
from models.vocab import SCHEME_ROLES
from risk.indicators.wording import indicator_text
from risk.scoring import ScoringSummary, run_scoring
from risk.scoring.score_file import SCORE_TABLE_COLUMNS
from risk.scoring.table import group_scores
from risk.vocab import EXPLAINED_BANDS, SHOWN_FEATURES
from tests.trained_world import TrainedWorld

CJK = re.compile(r"[\u4e00-\u9fff]")
INDICATOR_DATA = {"rule_id", "jurisdiction", "citation", "evidence", "params"}


def _score(world: TrainedWorld, store_url: str, out: Path | None = None) -> ScoringSummary:
    return run_scoring(
        snapshot_dir=world.snapshot_dir,
        as_of=None,
        model_ref=world.model_ref,
        store_url=store_url,
        tracking_uri=world.tracking_uri,
        out=out,
    )


def _accounts_as_of(world: TrainedWorld, summary: ScoringSummary) -> set[str]:
    accounts = pd.read_parquet(world.snapshot_dir / "accounts.parquet")
    joined = pd.to_datetime(accounts["joined_at"], utc=True) <= summary.as_of
    return set(accounts.loc[joined, "account_id"].astype(str))


def _check_published_run(world: TrainedWorld, store_url: str, summary: ScoringSummary) -> None:
    from risk.store.db import open_store
    from risk.store.runs import latest_published_run
    from risk.store.scores import get_account_score, scores_frame

    engine = open_store(store_url)
    latest = latest_published_run(engine)
    assert latest is not None and latest.id == summary.run_id
    assert latest.model_name == "mlm-risk" and latest.status == "published"
    frame = scores_frame(engine, summary.run_id)
    assert set(frame["account_id"]) == _accounts_as_of(world, summary)
    assert summary.accounts_scored == len(frame)
    assert sorted(frame["rank"]) == list(range(1, len(frame) + 1))
    assert frame.sort_values("rank")["score"].is_monotonic_decreasing
    explained = frame[frame["band"].isin(EXPLAINED_BANDS)]
    assert len(explained) > 0
    assert explained["reasons"].map(lambda r: isinstance(r, list) and len(r) > 0).all()
    # reasons are stored as data, worded when read
    stored = {"feature", "value", "contribution", "reference"}
    assert all(set(reason) == stored for reason in explained["reasons"].explode())
    assert frame["indicators"].map(lambda items: isinstance(items, list)).all()
    fired = [item for items in frame["indicators"] for item in items]
    assert fired and all(set(item) == INDICATOR_DATA for item in fired)  # no text stored
    # the likely role is stored from band medium up (the model was trained with roles)
    assert set(explained["role"]) <= set(SCHEME_ROLES) and explained["role"].notna().all()
    assert explained["role_probability"].between(1 / len(SCHEME_ROLES), 1.0).all()
    below = frame[~frame["band"].isin(EXPLAINED_BANDS)]
    assert below["role"].isna().all() and below["role_probability"].isna().all()
    # the network and branch scores: the stored scores summed per group, on every member
    indexed = frame.set_index("account_id")
    network_score = group_scores(indexed["score"], indexed["network_id"])
    assert indexed["network_score"].to_numpy() == pytest.approx(network_score.to_numpy())
    assert indexed["branch_score"].between(0.0, 1.0).all()
    assert (indexed.groupby("network_id")["network_score"].nunique() == 1).all()
    # the feature values live in the run's Parquet file, not as JSON text on the rows
    assert frame["features"].isna().all() and frame["percentiles"].isna().all()
    assert latest.id in Path(str(_values_file(engine, latest.id))).name
    first = get_account_score(engine, str(frame.iloc[0]["account_id"]))
    assert first is not None and first.features and first.percentiles
    # Every feature an account view shows is placed in the population, plus the model's strongest.
    assert set(SHOWN_FEATURES) < set(first.percentiles) <= set(first.features)
    assert all(0 <= v <= 100 for v in first.percentiles.values() if v is not None)
    assert sum(summary.counts["bands"].values()) == len(frame)
    assert set(latest.drift["feature_psi"]) and latest.drift["score_psi"] is not None
    assert {"validate", "features", "score", "reasons", "write"} <= set(latest.timings)


def _values_file(engine: Any, run_id: str) -> Path | None:
    from risk.store.run_values import values_file_of

    with engine.connect() as connection:
        return values_file_of(connection, run_id)


@pytest.mark.slow
def test_run_publishes_every_account_and_writes_the_score_table(
    trained_world: TrainedWorld, sqlite_store_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "exports" / "scores.csv"
    summary = _score(trained_world, sqlite_store_url, out)
    assert not summary.already_published
    _check_published_run(trained_world, sqlite_store_url, summary)
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(table.columns) == SCORE_TABLE_COLUMNS
    assert len(table) == summary.accounts_scored
    assert table["rank"].astype(int).tolist() == list(range(1, len(table) + 1))
    assert (table["model_version"] == summary.model_version).all()
    medium_up = table[table["band"].isin(EXPLAINED_BANDS)]
    for text in medium_up["reasons"]:
        reasons = json.loads(text)
        assert reasons and set(reasons[0]) == {"feature", "value", "contribution", "text"}
    for text in table["indicators"]:
        for item in json.loads(text):
            assert set(item) == {"rule_id", "jurisdiction", "citation", "text", "evidence"}
    assert not list(out.parent.glob(".*.tmp"))
    _check_stored_evidence_words_in_any_language(sqlite_store_url, summary.run_id, table)


def _check_stored_evidence_words_in_any_language(
    store_url: str, run_id: str, table: pd.DataFrame
) -> None:
    """What the run stored words in English and Chinese; the score file's texts are its English."""
    from risk.store.db import open_store
    from risk.store.scores import scores_frame

    frame = scores_frame(open_store(store_url), run_id).set_index("account_id")
    written = table.set_index("account_id")
    for account, row in frame[frame["band"].isin(EXPLAINED_BANDS)].iterrows():
        english = [stored_reason_text(r, "en") for r in row["reasons"]]
        chinese = [stored_reason_text(r, "zh") for r in row["reasons"]]
        assert all(english) and not any(CJK.search(text) for text in english)
        assert all(CJK.search(text) for text in chinese)
        assert [r["text"] for r in json.loads(written.loc[account, "reasons"])] == english
        file_texts = [i["text"] for i in json.loads(written.loc[account, "indicators"])]
        assert file_texts == [indicator_text(i, "en") for i in row["indicators"]]
        assert all("指标特征" in indicator_text(i, "zh") for i in row["indicators"])


@pytest.mark.slow
def test_rerun_returns_the_published_run_without_rewriting(
    trained_world: TrainedWorld, sqlite_store_url: str, tmp_path: Path
) -> None:
    from risk.store.db import open_store
    from risk.store.runs import list_runs

    first = _score(trained_world, sqlite_store_url)
    out = tmp_path / "again.parquet"
    again = _score(trained_world, sqlite_store_url, out)
    assert again.already_published and again.run_id == first.run_id
    assert again.counts == first.counts
    runs = list_runs(open_store(sqlite_store_url))
    assert [run.id for run in runs] == [first.run_id]
    table = pd.read_parquet(out)
    assert tuple(table.columns) == SCORE_TABLE_COLUMNS and len(table) == first.accounts_scored


@pytest.mark.slow
@pytest.mark.postgres
def test_run_publishes_on_postgresql(
    trained_world: TrainedWorld,
    postgres_store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from risk.settings import get_settings

    # a PostgreSQL store keeps its runs' values files under RISK_HOME
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    try:
        summary = _score(trained_world, postgres_store_url)
    finally:
        get_settings.cache_clear()
    assert (tmp_path / "home" / "runs" / f"{summary.run_id}.arrow").exists()
    _check_published_run(trained_world, postgres_store_url, summary)
    assert _score(trained_world, postgres_store_url).run_id == summary.run_id


@pytest.mark.slow
def test_model_registered_without_role_model_scores_without_roles(
    trained_world: TrainedWorld,
) -> None:
    from dataclasses import replace

    from features.build import build_features
    from features.validation import read_valid_snapshot
    from risk.scoring.model import likely_roles, load_model, score_accounts

    snapshot = read_valid_snapshot(trained_world.snapshot_dir)
    features = build_features(snapshot, snapshot.latest_event_time())
    scorer = load_model(trained_world.model_ref, trained_world.tracking_uri)
    model_input = features[list(scorer.feature_names)]
    scores, bands = score_accounts(model_input, scorer)
    role, _ = likely_roles(model_input, bands, scorer)
    old = replace(scorer, role_model=None)
    old_role, old_probability = likely_roles(model_input, bands, old)
    assert old_role.isna().all() and old_probability.isna().all()
    pd.testing.assert_series_equal(score_accounts(model_input, old)[0], scores)
    flagged = role[bands.isin(EXPLAINED_BANDS)]
    assert len(flagged) and set(flagged) <= set(SCHEME_ROLES)
