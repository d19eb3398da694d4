"""Build the ``ReportContent`` of one published scoring run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from features.utc import utc_iso
from models.mlflow_io import load_scorer
from risk.report.case_work import case_work_section
from risk.report.cases import case_register, decision_history
from risk.report.champion import champion_section
from risk.report.content import (
    Period,
    ReportContent,
    appendix,
    chart_data,
    decision_summary,
    flagged_indicator_hits,
    indicator_summary,
    resolve_run,
)
from risk.report.keys import pseudonym
from risk.report.model_card import model_card, training_artifacts, training_fingerprint
from risk.store.decisions import list_decisions
from risk.store.retention import dropped_rows
from risk.store.scores import scores_frame
from risk.vocab import FLAGGED_BANDS, Lang


def _pending(frame: pd.DataFrame, decided: set[str]) -> int:
    """Flagged accounts of the run with no decision on record up to the period's end."""
    flagged = frame.loc[frame["band"].isin(FLAGGED_BANDS), "account_id"]
    return int((~flagged.isin(decided)).sum())


def _meta(
    run: Any, scorer: Any, *, platform_name: str, period: Period, lang: Lang, generated_at: datetime
) -> dict[str, Any]:
    return {
        "platform_name": platform_name,
        "lang": lang,
        "period": period.to_dict(),
        "run": {
            "id": run.id,
            "as_of": utc_iso(run.as_of),
            "published_at": utc_iso(run.published_at),
            "data_fingerprint": run.data_fingerprint,
            "accounts_scored": int(run.accounts_scored or 0),
            "pruned_at": utc_iso(run.pruned_at),
            "accounts_pruned": int(run.pruned_rows or 0),
        },
        "model": {
            "name": run.model_name,
            "version": str(run.model_version),
            "mlflow_run_id": run.model_run_id or scorer.run_id,
        },
        "generated_at": utc_iso(generated_at),
    }


def build_content(
    *,
    engine: Engine,
    tracking_uri: str,
    run_id: str,
    period: Period,
    lang: Lang,
    platform_name: str,
    reviewer_salt: bytes,
    generated_at: datetime,
    currency: str | None = None,
) -> ReportContent:
    """Everything the report shows for one run, from the store, MLflow and the registries."""
    run = resolve_run(engine, run_id)
    frame = scores_frame(engine, run.id)
    # The rows a prune removed, tallied: the figures below count them as if still stored.
    dropped = dropped_rows(engine, run)
    decisions = list_decisions(engine, since=period.since, until=period.until)
    on_record = list_decisions(engine, until=period.until)
    scorer = load_scorer(f"{run.model_name}/{run.model_version}", tracking_uri)
    artifacts = training_artifacts(tracking_uri, run.model_run_id)
    history = decision_history(decisions, lambda name: pseudonym(name, reviewer_salt))
    confirmed = {a for a, items in history.items() if items[-1]["decision"] == "confirm"}
    counts = dict(run.counts or {})
    bands = dict(counts.get("bands", {}))
    summary = {
        "accounts_scored": int(run.accounts_scored or 0),
        "bands": bands,
        "networks_flagged": int(counts.get("networks_flagged", 0)),
        "indicators": indicator_summary(
            dict(counts.get("indicators", {})), lang, flagged_indicator_hits(frame)
        ),
        "decisions": decision_summary(
            engine, decisions, _pending(frame, {d.account_id for d in on_record}), lang
        ),
    }
    return ReportContent(
        meta=_meta(
            run,
            scorer,
            platform_name=platform_name,
            period=period,
            lang=lang,
            generated_at=generated_at,
        ),
        summary=summary,
        model_card=model_card(
            scorer=scorer,
            artifacts=artifacts,
            drift=run.drift,
            frame=frame,
            confirmed_accounts=confirmed,
            dropped=dropped,
            lang=lang,
            trained_on_scored=training_fingerprint(tracking_uri, run.model_run_id or scorer.run_id)
            == run.data_fingerprint,
        ),
        cases=case_register(frame, history, lang, currency),
        charts=chart_data(frame, bands, artifacts.get("mean_abs_shap.json", {}), dropped),
        appendix=appendix(lang),
        case_work=case_work_section(
            engine, since=period.since, until=period.until, platform_name=platform_name
        ),
        champion=champion_section(
            engine,
            run_id=run.id,
            lang=lang,
            until=period.until,
            alias=lambda name: pseudonym(name, reviewer_salt),
        ),
    )
