"""Routing every row to the group(s) whose features need it, as one frame keyed by ``group_id``.

A group is a set of whole networks (``group_id`` is a function of ``network_id``, see
``features.spark.build``): small networks share a group so that each pandas call has enough work.

An account's signals depend only on its own network's rows, except across a wholesale order
between two networks: the seller's network needs to know the buyer is an account (and when it
joined), the buyer's network needs the order as its stock purchase. So an order between two
groups goes to both, and each gets the other side's account row as a "ghost" (its sponsor
cleared so it is a tree of its own): the local code then classifies the order exactly as it does
on the whole snapshot, and ghosts' own features are dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from features.spark.reading import SparkSnapshot

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

PART = "part"  # which table a routed row comes from
OWN, GHOST, ORDER, COMMISSION = "account", "ghost", "order", "commission"
PREFIX = {"accounts": "a__", "orders": "o__", "commissions": "c__"}


def _prefixed(frame: DataFrame, table: str) -> list[Column]:
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    return [F.col(name).alias(PREFIX[table] + name) for name in frame.columns]


def _routed_orders(orders: DataFrame, groups: DataFrame) -> DataFrame:
    """Orders with ``group_id`` (seller's, and buyer's when another group)."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    seller = groups.select(F.col("account_id").alias("_s"), F.col("group_id").alias("_sn"))
    buyer = groups.select(F.col("account_id").alias("_b"), F.col("group_id").alias("_bn"))
    tagged = orders.join(seller, orders["seller_id"] == seller["_s"], "left")
    tagged = tagged.join(buyer, tagged["buyer_id"] == buyer["_b"], "left")
    targets = F.array_distinct(F.filter(F.array("_sn", "_bn"), lambda n: n.isNotNull()))
    return tagged.withColumn("group_id", F.explode(targets))


def _ghosts(routed: DataFrame, accounts: DataFrame) -> DataFrame:
    """Account rows of the other side of cross-network orders, per network that needs them."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    foreign_seller = routed.filter(F.col("_sn") != F.col("group_id")).select(
        "group_id", F.col("seller_id").alias("ghost_id")
    )
    foreign_buyer = routed.filter(
        F.col("_bn").isNotNull() & (F.col("_bn") != F.col("group_id"))
    ).select("group_id", F.col("buyer_id").alias("ghost_id"))
    needed = foreign_seller.union(foreign_buyer).distinct()
    ghosts = needed.join(accounts, needed["ghost_id"] == accounts["account_id"]).drop("ghost_id")
    return ghosts.withColumn("sponsor_id", F.lit(None).cast(accounts.schema["sponsor_id"].dataType))


def route_rows(snapshot: SparkSnapshot, groups: DataFrame) -> DataFrame:
    """One frame: (group_id, part, a__*, o__*, c__*), ready for ``groupBy("group_id")``.

    ``groups`` maps every account to its group: (account_id, group_id).
    """
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    accounts = snapshot.accounts.frame
    own = accounts.join(groups, "account_id")
    routed = _routed_orders(snapshot.orders.frame, groups)
    ghosts = _ghosts(routed, accounts)
    parts = [
        own.select("group_id", F.lit(OWN).alias(PART), *_prefixed(accounts, "accounts")),
        ghosts.select("group_id", F.lit(GHOST).alias(PART), *_prefixed(accounts, "accounts")),
        routed.select(
            "group_id",
            F.lit(ORDER).alias(PART),
            *_prefixed(snapshot.orders.frame, "orders"),
        ),
    ]
    if snapshot.commissions is not None:
        commissions = snapshot.commissions.frame
        paid = commissions.join(
            groups.withColumnRenamed("account_id", "_p"), F.col("payee_id") == F.col("_p")
        )
        parts.append(
            paid.select(
                "group_id", F.lit(COMMISSION).alias(PART), *_prefixed(commissions, "commissions")
            )
        )
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.unionByName(part, allowMissingColumns=True)
    return frame
