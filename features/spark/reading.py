"""Reading a snapshot's tables with Spark: Parquet or CSV, from a local path or any URI Spark reads.

Cells are kept raw (CSV as text, Parquet as stored), exactly like ``features.loading``; the typed
conversion runs later, per network, through the same converters the local loader uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from features.contract import ACCOUNTS, COMMISSIONS, ORDERS, TableSpec
from features.errors import DataContractError
from features.loading import FORMATS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


@dataclass(frozen=True)
class SparkTable:
    """One raw table on Spark: where it came from and in which format."""

    name: str
    location: str
    file_format: str
    frame: DataFrame


@dataclass(frozen=True)
class SparkSnapshot:
    """The raw snapshot tables (``commissions`` None when the optional table is absent)."""

    location: str
    accounts: SparkTable
    orders: SparkTable
    commissions: SparkTable | None

    def tables(self) -> list[SparkTable]:
        """The tables present, in contract order."""
        found = [self.accounts, self.orders, self.commissions]
        return [table for table in found if table is not None]


def snapshot_location(snapshot_dir: str | Path) -> str:
    """A URI stays as given; a local path becomes absolute (executors may run elsewhere)."""
    text = str(snapshot_dir)
    return text.rstrip("/") if "://" in text else str(Path(text).resolve())


def _exists(spark: SparkSession, location: str) -> bool:
    """Whether a file or directory exists, through Hadoop's FileSystem (any scheme Spark reads)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(location)
    hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
    return bool(path.getFileSystem(hadoop_conf).exists(path))


def _read(spark: SparkSession, location: str, file_format: str) -> DataFrame:
    if file_format == "parquet":
        return spark.read.parquet(location)
    # Every CSV cell as text (no schema inference): ids like "007" stay ids.
    return spark.read.options(header=True, inferSchema=False, encoding="UTF-8").csv(location)


def _contract_columns(frame: DataFrame, spec: TableSpec, location: str) -> DataFrame:
    """The contract's columns present in the table; a missing required column is refused."""
    present = set(frame.columns)
    missing = [c.name for c in spec.columns if c.required and c.name not in present]
    if missing:
        raise DataContractError(f"{location}: required column(s) {missing} missing from the table")
    return frame.select(*[c.name for c in spec.columns if c.name in present])


def read_table(spark: SparkSession, location: str, spec: TableSpec) -> SparkTable | None:
    """``NAME.parquet`` (file or directory of parts) wins over ``NAME.csv``; None if absent."""
    for file_format in FORMATS:
        candidate = f"{location}/{spec.name}.{file_format}"
        if _exists(spark, candidate):
            frame = _contract_columns(_read(spark, candidate, file_format), spec, candidate)
            return SparkTable(spec.name, candidate, file_format, frame)
    if spec.required:
        raise DataContractError(
            f"{location}: the required table {spec.name!r} is missing "
            f"({spec.name}.parquet or {spec.name}.csv)"
        )
    return None


def read_spark_snapshot(spark: SparkSession, snapshot_dir: str | Path) -> SparkSnapshot:
    """The snapshot directory's accounts, orders and (optional) commissions, raw."""
    location = snapshot_location(snapshot_dir)
    if not _exists(spark, location):
        raise DataContractError(f"{location}: no such snapshot directory")
    accounts = read_table(spark, location, ACCOUNTS)
    orders = read_table(spark, location, ORDERS)
    assert accounts is not None and orders is not None  # required tables raise when absent
    return SparkSnapshot(location, accounts, orders, read_table(spark, location, COMMISSIONS))
