"""The feature table of a snapshot on Spark: networks on the cluster, signals per network.

``spark_features`` returns a Spark DataFrame with one row per account that had joined by
``as_of``: ``account_id``, every registry feature (same names and types as
``features.build.build_features``), ``region`` and ``contract_error``. The signals themselves are
the local pandas code, run once per network by ``groupBy("network_id").applyInPandas``.

A group whose rows break the data contract returns one row carrying the DataContractError's
message in ``contract_error`` instead of failing its task: an exception reaches the driver only
as a worker's traceback text, a column reaches it as data. ``checked_features`` and
``collect_features`` raise it on the driver as the DataContractError it was.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from features.contract import ACCOUNTS, COMMISSIONS, ORDERS
from features.errors import DataContractError
from features.registry import REGISTRY
from features.spark.network_frame import network_features
from features.spark.networks import assign_networks
from features.spark.reading import SparkSnapshot, SparkTable
from features.spark.routing import route_rows
from features.utc import utc
from features.validation_columns import convert_timestamp
from features.validation_report import TableFile

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

ACCOUNTS_PER_GROUP = 50_000  # accounts per pandas call (more for a group holding a huge network)
SPARK_TYPES = {"int64": "bigint", "float64": "double", "str": "string"}
EVENT_TIME = {"accounts": ACCOUNTS, "orders": ORDERS, "commissions": COMMISSIONS}
CONTRACT_ERROR = "contract_error"  # null, or the contract error of the group's one row


def feature_schema() -> StructType:
    """The output schema: account_id, the registry features in registry order, region, error."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql.types import StructType, _parse_datatype_string

    schema = StructType().add("account_id", "string", nullable=False)
    for name, spec in REGISTRY.items():
        schema = schema.add(name, _parse_datatype_string(SPARK_TYPES[spec.dtype]))
    return schema.add("region", "string").add(CONTRACT_ERROR, "string")


def _latest_in_batches(column: str, spec_name: str) -> object:
    """A mapInPandas function: the latest converted event time of each batch."""
    spec = EVENT_TIME[spec_name]
    column_spec = spec.column(column)

    def latest(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            times, _ = convert_timestamp(
                column_spec, TableFile(spec_name, "", "csv"), batch[column]
            )
            found = times.max() if len(times) else pd.NaT
            yield pd.DataFrame({"t": [found]}, dtype="datetime64[us, UTC]")

    return latest


def _event_times(table: SparkTable, column: str) -> DataFrame:
    """One timestamp column ``t``: Spark's own when stored typed, else converted in pandas."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampNTZType, TimestampType

    if isinstance(table.frame.schema[column].dataType, TimestampType | TimestampNTZType):
        return table.frame.select(F.col(column).cast("timestamp").alias("t"))
    latest = _latest_in_batches(column, table.name)
    return table.frame.select(column).mapInPandas(latest, "t timestamp")  # type: ignore[arg-type]


def latest_event_time(snapshot: SparkSnapshot) -> pd.Timestamp:
    """The default ``as_of`` computed like ``Snapshot.latest_event_time``, on the cluster."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    candidates = []
    for table in snapshot.tables():
        column = EVENT_TIME[table.name].event_time
        assert column is not None
        # Epoch microseconds: Python datetimes from collect() would use the driver's zone.
        value = _event_times(table, column).agg(F.unix_micros(F.max("t"))).collect()[0][0]
        if value is not None:
            candidates.append(pd.Timestamp(value, unit="us", tz="UTC"))
    if not candidates:
        raise DataContractError(f"{snapshot.location}: the snapshot holds no event times")
    return max(candidates)


def network_groups(networks: DataFrame, accounts_per_group: int) -> DataFrame:
    """(account_id, group_id): whole networks hashed into about accounts/accounts_per_group groups.

    One pandas call per tiny network would spend its time in overhead; a group of whole networks
    is still exact (networks are independent) and a big network simply makes its group big.
    """
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    groups = max(1, math.ceil(networks.count() / max(accounts_per_group, 1)))
    group_id = F.pmod(F.xxhash64("network_id"), F.lit(groups)).cast("bigint")
    return networks.select("account_id", group_id.alias("group_id"))


def _error_row(message: str) -> pd.DataFrame:
    """The one output row of a group that broke the data contract: its message, no features."""
    names = ["account_id", *REGISTRY, "region"]
    row = pd.DataFrame({name: pd.Series([None], dtype=object) for name in names})
    return row.assign(account_id="", **{CONTRACT_ERROR: message})


def group_features(group: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The group's feature rows, or its contract error as a row (see the module docstring)."""
    try:
        features = network_features(group, as_of)
    except DataContractError as error:
        return _error_row(error.message)
    return features.assign(**{CONTRACT_ERROR: None})


def _raise_reported(message: object) -> None:
    """Raise the contract error a group reported (None: nothing reported)."""
    if message is not None and not pd.isna(message):
        raise DataContractError(str(message))


def checked_features(features: DataFrame) -> DataFrame:
    """The features without the error column; a group's contract error raised (checkpoint first)."""
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import functions as F

    first = features.agg(F.min(CONTRACT_ERROR)).first()
    _raise_reported(None if first is None else first[0])
    return features.drop(CONTRACT_ERROR)


def spark_features(
    snapshot: SparkSnapshot,
    as_of: pd.Timestamp,
    *,
    networks: DataFrame | None = None,
    accounts_per_group: int = ACCOUNTS_PER_GROUP,
) -> DataFrame:
    """Features of every account joined by ``as_of``, computed per group of networks."""
    as_of = utc(as_of)
    networks = assign_networks(snapshot.accounts.frame) if networks is None else networks
    routed = route_rows(snapshot, network_groups(networks, accounts_per_group))

    def per_group(group: pd.DataFrame) -> pd.DataFrame:
        return group_features(group, as_of)

    return routed.groupBy("group_id").applyInPandas(per_group, schema=feature_schema())


def collect_features(features: DataFrame) -> pd.DataFrame:
    """The Spark feature table as the local one (by sorted account_id); raises contract errors."""
    frame = pd.DataFrame(features.toPandas())
    if CONTRACT_ERROR in frame.columns:
        _raise_reported(frame[CONTRACT_ERROR].dropna().min())
    return local_feature_frame(frame)


def local_feature_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Collected rows -> registry columns (+ region) by sorted account_id, local dtypes."""
    frame = frame.sort_values("account_id", kind="stable")
    index = pd.Index(frame["account_id"].astype("str"), name="account_id")
    columns = {}
    for name, spec in REGISTRY.items():
        values = frame[name].to_numpy()
        columns[name] = (
            pd.array(values, dtype="str") if spec.dtype == "str" else values.astype(spec.dtype)
        )
    columns["region"] = pd.array(frame["region"].fillna("").to_numpy(), dtype="str")
    return pd.DataFrame(columns, index=index)
