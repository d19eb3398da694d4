"""Champion vs challenger on the platform: the nightly shadow run (the challenger scores the
same snapshot as of the same time; moderators keep the champion's scores), the comparison
people read before promoting, and promotion as a logged, audited human action."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from models.errors import ModelNotFoundError
from risk.errors import RunNotFoundError, StoreInputError
from risk.scoring import ShadowSummary, shadow_score
from risk.settings import Settings
from risk.store.audit import append_audit
from risk.store.exploration import labelled_decisions
from risk.store.runs import get_run
from risk.store.shadow import latest_shadowed_run, run_scores, shadow_of
from risk.vocab import DECISION_LABELS, FLAGGED_BANDS


@dataclass(frozen=True)
class ModelComparison:
    """What changes if the challenger replaces the champion, measured on one run."""

    run_id: str
    as_of: str
    champion: str  # name/version
    challenger: str
    accounts: int
    changed_band: int
    band_changes: dict[str, dict[str, int]]  # champion band -> challenger band -> accounts
    flagged: dict[str, int]  # accounts at high or critical, per model
    decisions_since: int  # accounts decided on this run or later (newest decision each)
    agreement: dict[str, float | None]  # share of those where "flagged" matches the decision
    decided_accounts: int  # accounts of the run with a label (newest decision, any run)
    k: int
    precision_at_k: dict[str, float | None]  # among decided accounts, the top k by each model

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def shadow_run(
    *, settings: Settings, run_id: str, snapshot_dir: Path | None = None
) -> ShadowSummary | None:
    """Score a published run again with @challenger and store it (None: no challenger, or the
    challenger is the model that scored the run)."""
    try:
        return shadow_score(
            run_id=run_id,
            store_url=settings.store_url,
            tracking_uri=settings.tracking_uri,
            model_name=settings.model_name,
            snapshot_dir=snapshot_dir,
        )
    except ModelNotFoundError:
        return None


def _share(hits: pd.Series) -> float | None:
    return None if hits.empty else float(hits.mean())


def compare_models(*, engine: Engine, run_id: str | None = None, k: int = 100) -> ModelComparison:
    """Champion vs challenger on a run with a shadow run (default: the newest one)."""
    chosen = run_id or latest_shadowed_run(engine)
    found = None if chosen is None else shadow_of(engine, chosen)
    run = None if chosen is None else get_run(engine, chosen)
    if found is None or run is None:
        raise RunNotFoundError("no shadow run to compare: score with a @challenger registered")
    head, shadow = found
    both = run_scores(engine, run.id).merge(
        shadow, on="account_id", suffixes=("_champion", "_challenger")
    )
    band_changes: dict[str, dict[str, int]] = {}
    for (before, after), count in both.groupby(["band_champion", "band_challenger"]).size().items():
        band_changes.setdefault(str(before), {})[str(after)] = int(count)
    decisions = labelled_decisions(engine)
    label = (
        decisions.drop_duplicates("account_id", keep="last")
        .set_index("account_id")["decision"]
        .map(DECISION_LABELS)
    )
    decided = both.set_index("account_id").join(label.rename("label"), how="inner")
    since = decisions[pd.to_datetime(decisions["decided_at"], utc=True) >= pd.Timestamp(run.as_of)]
    since_label = (
        since.drop_duplicates("account_id", keep="last")
        .set_index("account_id")["decision"]
        .map(DECISION_LABELS)
    )
    recent = both.set_index("account_id").join(since_label.rename("label"), how="inner")
    top = min(k, len(decided))
    return ModelComparison(
        run_id=run.id,
        as_of=run.as_of.isoformat(),
        champion=f"{run.model_name}/{run.model_version}",
        challenger=f"{head['model_name']}/{head['model_version']}",
        accounts=len(both),
        changed_band=int((both["band_champion"] != both["band_challenger"]).sum()),
        band_changes=band_changes,
        flagged={
            m: int(both[f"band_{m}"].isin(FLAGGED_BANDS).sum()) for m in ("champion", "challenger")
        },
        decisions_since=len(recent),
        agreement={
            m: _share(recent[f"band_{m}"].isin(FLAGGED_BANDS) == (recent["label"] == 1))
            for m in ("champion", "challenger")
        },
        decided_accounts=len(decided),
        k=top,
        precision_at_k={
            m: _share(decided.nlargest(top, f"score_{m}")["label"]) if top else None
            for m in ("champion", "challenger")
        },
    )


def promote_challenger(
    *, engine: Engine, settings: Settings, actor: str, reason: str, run_id: str | None = None
) -> dict[str, Any]:
    """Move @champion to the challenger, a person's decision: who, why and the comparison
    attached to the version in MLflow and to the audit log."""
    # lazy: MLflow (3 s) loads only when someone promotes
    import mlflow

    # lazy: the registry helpers come with MLflow
    from models.mlflow_io import current_alias_version, set_alias

    if len(reason.strip()) < 10:
        raise StoreInputError("promotion needs a reason (at least 10 characters): why this model")
    evidence = compare_models(engine=engine, run_id=run_id, k=settings.review_capacity)
    client = mlflow.MlflowClient(
        tracking_uri=settings.tracking_uri, registry_uri=settings.tracking_uri
    )
    name = settings.model_name
    challenger = current_alias_version(client, name, "challenger")
    if challenger is None or f"{name}/{challenger}" != evidence.challenger:
        raise StoreInputError(
            f"@challenger is {challenger}, but the newest shadow run compared"
            f" {evidence.challenger}: score a shadow run with the current challenger first"
        )
    change = set_alias(client, name, settings.model_alias, challenger, f"{actor}: {reason}")
    client.set_model_version_tag(
        name, challenger, "promotion.evidence", str(evidence.to_dict())[:5000]
    )
    client.set_model_version_tag(name, challenger, "promotion.by", actor)
    record = {
        "model": name,
        "version": challenger,
        "previous_champion": change.previous_version,
        "reason": reason,
        "evidence": evidence.to_dict(),
    }
    append_audit(
        engine, actor=actor, action="model.promote", target=f"{name}/{challenger}", details=record
    )
    return record
