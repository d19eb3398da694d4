"""Generate a labelled world and write it as a snapshot directory."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from features.loading import snapshot_from_frames
from features.snapshot import Snapshot
from training.altsim.config import AltSimConfig
from training.altsim.errors import AltSimError
from training.altsim.labels import account_labels, scope_table
from training.altsim.tables import (
    accounts_table,
    commissions_table,
    hashed_ids,
    orders_table,
    paid_day,
)
from training.altsim.world import run


@dataclass(frozen=True)
class GeneratedWorld:
    snapshot: Snapshot  # labels carry ``family`` and ``scope`` (the scope root's account id)
    scopes: pd.DataFrame  # the labelling rule's measurements, one row per scope


def generate_world(config: AltSimConfig) -> GeneratedWorld:
    """Run the simulation, label it by the legal rule, and build the contract tables."""
    world = run(config)
    orders, commissions = world.ledger.orders(), world.ledger.commissions()
    paid = commissions[paid_day(world, commissions) <= config.span_days]
    scopes = scope_table(world, orders, paid)
    labels = account_labels(world, scopes, orders, paid)
    ids = hashed_ids("s", np.arange(world.agents.count), salt=config.seed * 7919 + 11)
    snapshot = snapshot_from_frames(
        accounts_table(world, ids),
        orders_table(world, orders, ids),
        commissions_table(world, commissions, ids),
        pd.DataFrame({"account_id": ids, "label": labels["label"], "role": labels["role"]}),
    )
    assert snapshot.labels is not None
    extras = {
        "family": labels["family"].astype("str").to_numpy(),
        "scope": ids[labels["scope_root"].to_numpy()],
    }
    scopes = scopes.assign(root=ids[scopes["root"].to_numpy()]).set_index("root")
    return GeneratedWorld(replace(snapshot, labels=snapshot.labels.assign(**extras)), scopes)


def simulate_world(config: AltSimConfig) -> Snapshot:
    """The labelled snapshot of a generated world."""
    return generate_world(config).snapshot


def write_world(
    snapshot: Snapshot, out_dir: Path, file_format: Literal["csv", "parquet"] = "parquet"
) -> None:
    """Write the snapshot's tables (labels with their extra columns) to a new directory,
    all or nothing: into a temporary sibling first, renamed into place at the end."""
    out_dir = Path(out_dir)
    if out_dir.exists():
        raise AltSimError(f"{out_dir}: already exists; choose a new directory")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        tables = {
            "accounts": snapshot.accounts,
            "orders": snapshot.orders,
            "commissions": snapshot.commissions,
            "labels": snapshot.labels,
        }
        for name, frame in tables.items():
            if frame is None:
                continue
            if file_format == "csv":
                frame.to_csv(staging / f"{name}.csv", index=False)
            else:
                frame.to_parquet(staging / f"{name}.parquet", index=False)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
