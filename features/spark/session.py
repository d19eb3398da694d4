"""Building the SparkSession the engine expects (UTC, Arrow, this interpreter on executors)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from features.errors import EnvironmentMissingError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Why each default: timestamps cross to pandas as naive UTC (the contract's "no zone = UTC");
# Arrow moves batches to pandas UDFs; groups carry whole networks, so allow large batches.
ENGINE_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.pandas.convertToArrowArraySafely": "true",
    "spark.sql.adaptive.enabled": "true",
}
LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.default.parallelism": "4",
}


def require_java() -> None:
    """Spark's driver runs on the JVM: a clear error (exit 6) when no Java is installed."""
    home = os.environ.get("JAVA_HOME")
    if (home and os.access(os.path.join(home, "bin", "java"), os.X_OK)) or shutil.which("java"):
        return
    raise EnvironmentMissingError(
        "--engine spark needs Java 17 (a `java` on PATH or JAVA_HOME): none was found; "
        "install a JRE (e.g. the openjdk-17-jre-headless package) or score with --engine local"
    )


def spark_session(
    master: str | None = None,
    *,
    app_name: str = "mlm-risk",
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """Get or create the session; ``master`` None keeps what spark-submit configured."""
    require_java()
    # lazy: pyspark is an optional extra (features.spark imports without it)
    from pyspark.sql import SparkSession

    if master is None or master.startswith("local"):
        # Local mode: executors are forks of this interpreter, which has the package installed.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    settings = dict(ENGINE_CONF)
    if master is not None and master.startswith("local"):
        settings |= LOCAL_CONF
    settings |= dict(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
