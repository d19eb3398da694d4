"""The model lifecycle driven by the platform's decisions: a recalibrated challenger (bands
recomputed from decided accounts, weighted against the queue's selection bias)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from risk.settings import Settings
from risk.store.audit import append_audit
from risk.store.exploration import labelled_decisions
from risk.store.runs import get_run
from risk.vocab import DECISION_LABELS
from training.errors import ChallengerWorseError, StackedChampionError, TrainingDataError

if TYPE_CHECKING:
    from features.snapshot import Snapshot
    from models.scorer import RiskScorer
    from training.recalibration import Recalibration


def decided_sample(decisions: pd.DataFrame, model_name: str, model_version: str) -> pd.DataFrame:
    """One row per decided account: its label (its newest confirm/dismiss, any run) and the
    score and inclusion probability of its newest decision on a run of the model given."""
    newest = decisions.drop_duplicates("account_id", keep="last")
    labels = newest.set_index("account_id")["decision"].map(DECISION_LABELS).rename("label")
    on_model = decisions[
        (decisions["model_name"] == model_name) & (decisions["model_version"] == model_version)
    ].drop_duplicates("account_id", keep="last")
    sample = on_model.set_index("account_id")[["run_id", "score", "inclusion_probability"]]
    return sample.join(labels, how="inner").reset_index()


def recalibrate_challenger(
    *, engine: Engine, settings: Settings, actor: str, reason: str | None = None
) -> Recalibration:
    """Recompute the champion's bands from decided accounts and register them as @challenger,
    the evidence logged in MLflow and the action in the audit log."""
    # lazy: MLflow and LightGBM (5 s) load only when a challenger is made, not with the API
    from training.recalibration import champion_files, recalibrate, register_challenger

    base, files = champion_files(
        f"{settings.model_name}@{settings.model_alias}", settings.tracking_uri
    )
    sample = decided_sample(labelled_decisions(engine), base.name, base.version)
    old = json.loads(Path(files["thresholds"]).read_text(encoding="utf-8"))
    result = recalibrate(sample, base, old, settings.band_precisions)
    why = reason or f"bands recalibrated on {len(sample)} decided accounts by {actor}"
    with tempfile.TemporaryDirectory(prefix="recalibration-") as staging:
        result = register_challenger(
            result,
            files,
            tracking_uri=settings.tracking_uri,
            experiment=settings.model_name,
            artifact_root=settings.artifacts_dir if settings.mlflow_tracking_uri is None else None,
            staging_dir=Path(staging),
            reason=why,
        )
    assert result.version is not None  # register_challenger always sets it
    append_audit(
        engine,
        actor=actor,
        action="model.recalibrate",
        target=f"{base.name}/{result.version.version}",
        details={
            "base_version": base.version,
            "challenger_version": result.version.version,
            "mlflow_run_id": result.version.run_id,
            "reason": why,
            "thresholds_before": result.evidence["thresholds_before"],
            "thresholds_after": result.thresholds,
            "decided_accounts": result.evidence["decided_accounts"],
            "exploration_decisions": result.evidence["exploration_decisions"],
        },
    )
    return result


@dataclass(frozen=True)
class Retrained:
    """A challenger boosted further from the champion on the platform's decisions."""

    base_version: str
    version: str
    mlflow_run_id: str
    evidence: dict[str, Any]


# Reads a run's stored feature values for some accounts (None: the run kept none to read)
StoredValues = Callable[[str, list[str]], "pd.DataFrame | None"]


def point_in_time_table(
    snapshot: Snapshot, decisions: pd.DataFrame, stored: StoredValues | None = None
) -> pd.DataFrame:
    """Per decided account of the snapshot: its features as of the run of its newest decision,
    its label (that decision), its weight (1 / inclusion probability, 1 outside exploration) and
    the platform prior its run's scores were adjusted to (``platform_prior`` of ``decisions``,
    NaN when absent). ``stored`` reads a run's values file (what the run scored: no rebuild);
    runs without one have the snapshot's features rebuilt as of the run."""
    newest = decisions.drop_duplicates("account_id", keep="last")
    # the snapshot's million ids tested against the decided few, not the other way round
    # (pandas' Arrow-string isin walks its argument in Python: 14 s at 1M accounts)
    snapshot_ids = snapshot.accounts["account_id"]
    present = snapshot_ids[snapshot_ids.isin(newest["account_id"])]
    newest = newest[newest["account_id"].isin(present)]
    networks: pd.Series | None = None
    parts = []
    for (_, as_of), group in newest.groupby([_run_key(newest), "as_of"], sort=True):
        accounts = group["account_id"].tolist()
        part = None
        if stored is not None and "run_id" in group:
            part = stored(str(group["run_id"].iloc[0]), accounts)
        if part is None:
            part = _rebuilt(snapshot, as_of, accounts)
        elif "network_id" not in part:
            networks = _network_ids(snapshot) if networks is None else networks
            part = part.assign(network_id=networks.reindex(part.index).to_numpy())
        kept = group.set_index("account_id").loc[part.index]
        parts.append(
            part.assign(
                label=kept["decision"].map(DECISION_LABELS).astype("int64"),
                weight=1.0 / kept["inclusion_probability"].fillna(1.0),
                platform_prior=kept.get("platform_prior", float("nan")),
            )
        )
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts)


def _run_key(decisions: pd.DataFrame) -> pd.Series:
    """The run of each decision (its as_of when the frame names no run)."""
    column = "run_id" if "run_id" in decisions else "as_of"
    return decisions[column].astype(str)


def _rebuilt(snapshot: Snapshot, as_of: Any, accounts: list[str]) -> pd.DataFrame:
    """The snapshot's features as of a run, for the accounts that had joined by then."""
    # lazy: the feature pipeline is only needed when a model is retrained
    from features.build import build_features

    features = build_features(snapshot, pd.Timestamp(as_of))
    return features.reindex(accounts).dropna(subset=["network_id"])


def _network_ids(snapshot: Snapshot) -> pd.Series:
    """Each account's network (root of its sponsorship tree), by account id: the folds'
    groups. Taken from the whole snapshot (a tree's root joined before any of its accounts)."""
    # lazy: the feature pipeline is only needed when a model is retrained
    from features.signals.tables import sponsorship_forest

    ids = pd.Index(snapshot.accounts["account_id"].astype(str))
    forest = sponsorship_forest(snapshot.accounts, ids)
    return pd.Series(ids.to_numpy()[forest.root], index=ids)


def run_values_reader(engine: Engine, columns: list[str]) -> StoredValues:
    """A reader of the runs' values files for the model's ``columns``, with each account's
    network from the run's score rows: None for a run without a file or whose file lacks any
    of them (runs before revision 0009, another model's)."""
    # lazy: the values file module imports pyarrow, needed only when a model is retrained
    from risk.store.run_values import read_values_frame, values_columns, values_file_of
    from risk.store.scores import queue_rows

    def read(run_id: str, accounts: list[str]) -> pd.DataFrame | None:
        with engine.connect() as connection:
            path = values_file_of(connection, run_id)
        if path is None or not path.exists() or set(columns) - set(values_columns(path)):
            return None
        frame = read_values_frame(path, accounts, columns)
        # the run's own network ids: computing the snapshot's forest costs more than the read
        networks = {row.account_id: row.network_id for row in queue_rows(engine, run_id, accounts)}
        return frame.assign(network_id=frame.index.map(networks))

    return read


def run_platform_priors(engine: Engine, run_ids: list[str]) -> dict[str, float]:
    """Per run: the scheme share its scores were adjusted to (prior shift applied), else NaN."""
    priors = {}
    for run_id in run_ids:
        run = get_run(engine, run_id)
        record = ((run.drift if run else None) or {}).get("prior_shift") or {}
        applied = record.get("applied") and record.get("estimated_prior") is not None
        priors[run_id] = float(record["estimated_prior"]) if applied else float("nan")
    return priors


def retrain_challenger(
    *,
    engine: Engine,
    settings: Settings,
    snapshot: Snapshot,
    actor: str,
    name: str | None = None,
    keep_worse: bool = False,
    method: str = "stack",
) -> Retrained:
    """Learn from the snapshot's decided accounts (features as of each decision's run) on top
    of the champion and register the result as @challenger, evidence in MLflow, audited.
    ``method``: ``stack`` (a platform model stacked on the champion: training.stacking) or
    ``continue`` (trees boosted on its log-odds: training.continued). A challenger that ranks
    the decided accounts worse than the champion (held out, or out of fold) is refused unless
    ``keep_worse`` (then registered with that evidence, for a human to judge)."""
    # lazy: MLflow, LightGBM and scikit-learn (5 s) load only when a model is retrained
    from models.mlflow_io import download_model_files, scorer_from_files
    from training.challenger import register_variant

    model_name = name or settings.model_name
    base, files = download_model_files(
        f"{model_name}@{settings.model_alias}", settings.tracking_uri
    )
    champion = scorer_from_files(
        files, name=base.name, version=base.version, run_id=base.run_id, model_uri=base.model_uri
    )
    if method == "continue" and champion.stack is not None:
        raise StackedChampionError(
            f"champion {base.name} version {base.version} is a stack (platform.txt, stack.json):"
            " `--method continue` would boost trees beneath its platform model, which scales"
            " them by its champion weight, so the challenger would not score as it was fitted."
            " Retrain it with `--method stack` (the default: it refits the platform model and"
            " its weights on every decision so far)"
        )
    decisions = labelled_decisions(engine)
    priors = run_platform_priors(engine, sorted(decisions["run_id"].unique()))
    table = point_in_time_table(
        snapshot,
        decisions.assign(platform_prior=decisions["run_id"].map(priors)),
        run_values_reader(engine, list(champion.feature_names)),
    )
    if table.empty:
        raise TrainingDataError(
            "no confirm/dismiss decision in the store names an account of this snapshot"
        )
    if method == "stack":
        replaced, evidence, why = _stacked(champion, table, settings.seed, actor)
    else:
        replaced, evidence, why = _boosted(champion, table, settings.seed, actor)
    if not _better(evidence) and not keep_worse:
        raise ChallengerWorseError(
            "the retrained challenger ranks the decided accounts worse than the champion"
            f" (weighted AP {evidence['challenger_average_precision']:.3f} <"
            f" {evidence['champion_average_precision']:.3f}): champion kept, nothing registered"
        )
    metrics = {k: float(v) for k, v in evidence.items() if isinstance(v, int | float)}
    with tempfile.TemporaryDirectory(prefix="retraining-") as staging:
        version = register_variant(
            base,
            files,
            replaced,
            kind="retraining",
            evidence=evidence,
            metrics=metrics,
            tracking_uri=settings.tracking_uri,
            experiment=model_name,
            artifact_root=settings.artifacts_dir if settings.mlflow_tracking_uri is None else None,
            staging_dir=Path(staging),
            reason=why,
        )
    append_audit(
        engine,
        actor=actor,
        action="model.retrain",
        target=f"{base.name}/{version.version}",
        details={"base_version": base.version, "mlflow_run_id": version.run_id, **metrics},
    )
    return Retrained(base.version, version.version, version.run_id, evidence)


def _better(evidence: dict[str, Any]) -> bool:
    """The challenger ranks the decided accounts at least as well (True without a verdict)."""
    champion = evidence.get("champion_average_precision")
    challenger = evidence.get("challenger_average_precision")
    return champion is None or challenger is None or challenger >= champion


def _boosted(
    champion: RiskScorer, table: pd.DataFrame, seed: int, actor: str
) -> tuple[dict[str, str], dict[str, Any], str]:
    """Trees added to the champion's log-odds (training.continued): artifacts, evidence, why."""
    # lazy: LightGBM and scikit-learn load only when a model is retrained
    from training.continued import continue_boosting

    fit = continue_boosting(
        replace(champion, residual=None),  # the new trees replace the champion's own
        table,
        table["label"].to_numpy(),
        table["weight"].to_numpy(dtype=float),
        table["network_id"].to_numpy(),
        seed=seed,
        platform_priors=table["platform_prior"].to_numpy(dtype=float),
    )
    why = f"boosted {fit.added_rounds} more rounds on {len(table)} decided accounts by {actor}"
    evidence = {**fit.evidence, "method": "continue"}
    return {"residual": fit.booster.model_to_string()}, evidence, why


def _stacked(
    champion: RiskScorer, table: pd.DataFrame, seed: int, actor: str
) -> tuple[dict[str, str], dict[str, Any], str]:
    """A platform model stacked on the champion's log-odds as shown (training.stacking):
    artifacts, evidence, why."""
    # lazy: LightGBM and scikit-learn load only when a model is retrained
    from training.continued import shown_log_odds
    from training.stacking import fit_platform_stack

    matrix = champion.matrix(table)
    priors = table["platform_prior"].to_numpy(dtype=float)
    base = replace(champion, stack=None)  # the new stack replaces the champion's own
    shown = shown_log_odds(base, matrix, priors)
    fit = fit_platform_stack(
        shown,
        matrix,
        table["label"].to_numpy(),
        table["network_id"].to_numpy(),
        list(champion.feature_names),
        weights=table["weight"].to_numpy(dtype=float),
        seed=seed,
    )
    # Scoring applies the stack before the run's prior shift (RiskScorer.on_platform adds it
    # again, whole): the shift the decisions' runs applied, times (a - 1), moves into the
    # intercept so that a run at the same platform prior scores as the stack was fitted.
    shift = float(np.mean(shown - shown_log_odds(base, matrix, None)))
    stack = replace(
        fit.stack, intercept=fit.stack.intercept + (fit.stack.champion_weight - 1.0) * shift
    )
    why = f"platform model stacked on {len(table)} decided accounts by {actor}"
    replaced = {"platform_model": stack.booster.model_to_string(), "stack": stack.weights_json()}
    evidence = {**fit.evidence, "method": "stack", "prior_shift_log_odds": shift}
    return replaced, {**evidence, "intercept": stack.intercept}, why
