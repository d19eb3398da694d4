"""The Spark engine: the local engine's stages at lake scale.

Features are computed per network on the cluster (``features.spark``); the registered model is
broadcast to the executors, which score, band, explain and evaluate the legal indicators of
their partitions with ``mapInPandas`` through the same adapters as the local engine. The driver
collects the run table; the run (``risk.scoring.run``) then measures drift and publishes it
through the same store steps as a local run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from features.build import branch_heads
from features.loading import find_table_file, snapshot_fingerprint
from features.snapshot import Snapshot
from features.spark.build import (
    ACCOUNTS_PER_GROUP,
    checked_features,
    latest_event_time,
    local_feature_frame,
    spark_features,
)
from features.spark.networks import assign_networks
from features.spark.reading import SparkSnapshot, read_spark_snapshot
from features.spark.session import spark_session
from features.utc import utc
from models.explain_text import Reason
from risk.scoring.engine import RunInputs, Scored, ScoringEngine
from risk.scoring.model import indicators, likely_roles, reasons_fn, score_accounts
from risk.scoring.prior import for_platform
from risk.scoring.progress import StageClock
from risk.scoring.score_file import json_text
from risk.scoring.stages import ReasonsFn, explain_in_chunks
from risk.scoring.table import run_table

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from models.scorer import RiskScorer
    from risk.scoring.reuse import PreviousRun


def reasons_type() -> str:
    """Spark type of an account's reasons: ``Reason.to_dict``'s fields, in order."""
    # Structs, not JSON text: only the store and the score file encode reasons, as locally.
    spark_types = {"str": "string", "float": "double"}
    fields = ",".join(f"{f.name}:{spark_types[str(f.type)]}" for f in dataclasses.fields(Reason))
    return f"array<struct<{fields}>>"


def score_columns() -> str:
    """The columns ``score_batch`` adds (indicators as JSON text: evidence differs by rule)."""
    return (
        f"score double, band string, reasons {reasons_type()}, indicators string, "
        "role string, role_probability double"
    )


def score_batch(batch: pd.DataFrame, scorer: RiskScorer, explain: ReasonsFn) -> pd.DataFrame:
    """Score, band, reasons and role (medium and up) and indicators of a batch of feature rows."""
    features = batch.set_index(pd.Index(batch["account_id"].astype("str"), name="account_id"))
    features = features.drop(columns=["account_id"])
    model_input = features[list(scorer.feature_names)]
    scores, bands = score_accounts(model_input, scorer)
    reasons = explain_in_chunks(
        model_input, bands, explain, StageClock(), stage="reasons", chunk_size=max(len(batch), 1)
    )
    role, role_probability = likely_roles(model_input, bands, scorer)
    return batch.assign(
        score=scores.to_numpy(),
        band=bands.to_numpy(),
        reasons=reasons.to_numpy(),
        indicators=indicators(features).map(json_text).to_numpy(),
        role=role.to_numpy(),
        role_probability=role_probability.to_numpy(),
    )


def score_on_cluster(features: DataFrame, scorer: RiskScorer, spark: SparkSession) -> DataFrame:
    """Feature rows + score columns, scored on the executors with the broadcast model."""
    # lazy: pyspark is an optional extra (risk.scoring imports without it)
    from pyspark.sql.types import StructType, _parse_datatype_string

    shared = spark.sparkContext.broadcast(scorer)

    def score_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        model = shared.value
        explain = reasons_fn(model)  # one explainer per partition, not per batch
        for batch in batches:
            yield score_batch(batch, model, explain)

    extra = _parse_datatype_string(score_columns())
    assert isinstance(extra, StructType)
    schema = StructType(features.schema.fields + extra.fields)
    return features.mapInPandas(score_partition, schema=schema)


def scores_on_cluster(features: DataFrame, scorer: RiskScorer, spark: SparkSession) -> np.ndarray:
    """Every account's calibrated score, collected (what the prior-shift estimate needs)."""
    shared = spark.sparkContext.broadcast(scorer)

    def score_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        model = shared.value
        for batch in batches:
            yield pd.DataFrame({"score": model.predict_proba(batch[list(model.feature_names)])})

    collected = pd.DataFrame(
        features.mapInPandas(score_partition, schema="score double").toPandas()
    )
    return collected["score"].to_numpy(dtype="float64")


def spark_fingerprint(snapshot: SparkSnapshot, as_of: pd.Timestamp) -> str:
    """The local engine's fingerprint when the tables are local files, so runs are shared;
    otherwise SHA-256 of the input file names Spark lists (a lake's files are immutable)."""
    directory = Path(snapshot.location)
    if "://" not in snapshot.location and all(
        Path(t.location).is_file() for t in snapshot.tables()
    ):
        files = {}
        for name in ("accounts", "orders", "commissions", "labels"):
            found = find_table_file(directory, name)
            if found is not None:
                files[name] = Path(found.path)
        empty = pd.DataFrame()
        return snapshot_fingerprint(Snapshot(empty, empty, empty, None, files), as_of)
    digest = hashlib.sha256()
    for table in snapshot.tables():
        digest.update(f"\0table:{table.name}\0".encode())
        for name in sorted(table.frame.inputFiles()):
            digest.update(name.encode() + b"\0")
    digest.update(f"\0as_of:{as_of.isoformat()}".encode())
    return digest.hexdigest()


def _reason_lists(collected: pd.Series) -> pd.Series:
    """Collected reason arrays as the local engine's lists of dicts (None below medium)."""
    values = collected.to_numpy(dtype=object)
    lists = [list(v) if isinstance(v, np.ndarray | list) else None for v in values]
    return pd.Series(lists, index=collected.index, dtype=object)


def branch_ids(snapshot: SparkSnapshot, as_of: pd.Timestamp) -> pd.Series:
    """Each account's top-level branch head, on the driver from the accounts table alone (three
    columns of one row per account: small beside the orders the cluster reads)."""
    columns = ("account_id", "sponsor_id", "joined_at")
    accounts = pd.DataFrame(snapshot.accounts.frame.select(*columns).toPandas())
    accounts["joined_at"] = pd.to_datetime(accounts["joined_at"], utc=True)
    empty = pd.DataFrame()
    return branch_heads(Snapshot(accounts, empty, empty), as_of)


def collect_scored(
    scored: DataFrame, as_of: pd.Timestamp, branch_id: pd.Series | None = None
) -> Scored:
    """(run table like the local engine's, feature table) on the driver, by account id."""
    frame = pd.DataFrame(scored.toPandas()).sort_values("account_id", kind="stable")
    features = local_feature_frame(frame)
    frame.index = features.index
    table = run_table(
        network_id=features["network_id"],
        region=features["region"],
        tier=features["tier"],
        scores=frame["score"],
        bands=frame["band"],
        as_of=as_of,
        roles=(frame["role"], frame["role_probability"]),
        branch_id=branch_id,
        reasons=_reason_lists(frame["reasons"]),
        indicators=pd.Series(
            [json.loads(text) for text in frame["indicators"].astype(object).to_numpy()],
            index=frame.index,
            dtype=object,
        ),
    )
    return Scored(table=table, features=features.drop(columns=["region"]))


class SparkEngine(ScoringEngine):
    """Features per group of networks, scores on the executors (model broadcast), on a cluster."""

    name = "spark"

    def __init__(
        self,
        *,
        spark: SparkSession | None = None,
        spark_master: str | None = None,
        accounts_per_group: int | None = None,
    ) -> None:
        self.spark = spark or spark_session(spark_master)
        self.accounts_per_group = accounts_per_group
        self._read: tuple[SparkSnapshot, pd.Timestamp, DataFrame] | None = None

    def inputs(self, snapshot_dir: str | Path, as_of: pd.Timestamp | None) -> RunInputs:
        """The raw tables, ``as_of`` and the network of every account (refusing bad input)."""
        snapshot = read_spark_snapshot(self.spark, snapshot_dir)
        moment = latest_event_time(snapshot) if as_of is None else utc(as_of)
        self._read = (snapshot, moment, assign_networks(snapshot.accounts.frame))
        fingerprint = spark_fingerprint(snapshot, moment)
        return RunInputs(as_of=moment, fingerprint=fingerprint, location=snapshot.location)

    def score(
        self,
        scorer: RiskScorer,
        clock: StageClock,
        *,
        chunk_size: int,
        prior_shift: str = "off",
        previous: PreviousRun | None = None,
    ) -> Scored:
        """Features on the cluster, then scores, bands, reasons, roles and indicators (with the
        prior-shift correction, a first pass collects every account's calibrated score). The
        executors explain every account: ``previous`` is not used (a cluster has the cores)."""
        if self._read is None:
            raise RuntimeError("SparkEngine.score before inputs: no snapshot read")
        (snapshot, as_of, networks), self._read = self._read, None
        with clock.stage("features"):
            per_group = self.accounts_per_group or ACCOUNTS_PER_GROUP
            features = spark_features(
                snapshot, as_of, networks=networks, accounts_per_group=per_group
            ).localCheckpoint(eager=True)
            # Bad cells are found per group on the executors; refuse them before any scoring.
            features = checked_features(features)
        with clock.stage("score"):
            calibrated = scorer
            scorer, prior = for_platform(
                calibrated, prior_shift, lambda: scores_on_cluster(features, calibrated, self.spark)
            )
            scored = collect_scored(
                score_on_cluster(features, scorer, self.spark), as_of, branch_ids(snapshot, as_of)
            )
            return dataclasses.replace(scored, prior_shift=prior)
