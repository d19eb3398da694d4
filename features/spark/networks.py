"""Assigning every account its network (the root of its sponsorship tree) on Spark.

Pointer jumping with joins: each account points at its sponsor (a root at itself); each pass
replaces the pointer by the pointer's pointer, doubling the distance covered, so a chain of
depth d settles in about log2(d) passes. Each pass is checkpointed to keep the plan short.

The networks are those of the whole table, ignoring ``as_of``: the sponsor links known at
``as_of`` are a subset of all links, so every point-in-time network lies inside one of these and
grouping by them is exact for the per-network feature computation.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from features.errors import DataContractError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def _checked_unique(accounts: DataFrame) -> None:
    """Refuse duplicate account ids (a join would silently multiply their rows)."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    duplicate = accounts.groupBy("account_id").count().filter(F.col("count") > 1).limit(1).collect()
    if duplicate:
        raise DataContractError(
            f"accounts: account_id {duplicate[0]['account_id']!r} occurs "
            f"{duplicate[0]['count']} times (ids must be unique)"
        )


def _parents(accounts: DataFrame) -> DataFrame:
    """(account_id, parent): the sponsor when it is an account, else null (a root)."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    links = accounts.select("account_id", "sponsor_id").filter(F.col("account_id").isNotNull())
    known = links.select(F.col("account_id").alias("known_id"))
    joined = links.join(known, links["sponsor_id"] == known["known_id"], "left")
    return joined.select("account_id", F.col("known_id").alias("parent"))


def _jump(pointers: DataFrame) -> DataFrame:
    """One pass: every pointer moves to its target's pointer; ``moved`` says if it changed."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    targets = pointers.select(
        F.col("account_id").alias("target_id"), F.col("pointer").alias("target_pointer")
    )
    joined = pointers.select("account_id", "pointer").join(
        targets, F.col("pointer") == F.col("target_id"), "left"
    )
    return joined.select(
        "account_id",
        F.col("target_pointer").alias("pointer"),
        (F.col("target_pointer") != F.col("pointer")).alias("moved"),
    )


def _first_in_cycle(pointers: DataFrame, parents: DataFrame) -> str | None:
    """An account whose settled pointer is not a root (only sponsor cycles do that)."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    roots = parents.filter(F.col("parent").isNull()).select(F.col("account_id").alias("root_id"))
    lost = pointers.join(roots, pointers["pointer"] == roots["root_id"], "left_anti")
    found = lost.select("account_id").orderBy("account_id").limit(1).collect()
    return str(found[0]["account_id"]) if found else None


def assign_networks(accounts: DataFrame, *, max_passes: int | None = None) -> DataFrame:
    """(account_id, network_id) for every account; network_id is its root's account_id.

    Raises DataContractError for duplicate ids or sponsor cycles. ``max_passes`` defaults to
    log2(accounts) + 2, enough for any forest.
    """
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    _checked_unique(accounts)
    parents = _parents(accounts).localCheckpoint(eager=True)
    total = parents.count()
    passes = max_passes or math.ceil(math.log2(max(total, 2))) + 2
    pointers = parents.select(
        "account_id", F.coalesce("parent", "account_id").alias("pointer")
    ).localCheckpoint(eager=True)
    for _ in range(passes):
        jumped = _jump(pointers).localCheckpoint(eager=True)
        pointers = jumped.select("account_id", "pointer")
        if jumped.filter(F.col("moved")).limit(1).count() == 0:
            break
    stuck = _first_in_cycle(pointers, parents)
    if stuck is not None:
        raise DataContractError(
            f"accounts: sponsor_id links form a cycle (account {stuck!r} never reaches a root)"
        )
    return pointers.select("account_id", F.col("pointer").alias("network_id"))
