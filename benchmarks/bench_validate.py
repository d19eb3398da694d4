"""Benchmark: load + validate a synthetic 1M-account, 10M-order Parquet snapshot.

Usage: ``uv run python benchmarks/bench_validate.py [--accounts N] [--orders N] [--chain N]``.
Prints generation time, validation wall time, problems found and peak RSS of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from features.validation import read_valid_snapshot, validate_snapshot

START = np.datetime64("2023-01-01T00:00:00", "us")
YEAR_US = 365 * 24 * 3600 * 1_000_000


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _timestamps(offsets_us: np.ndarray) -> pa.Array:
    return pa.array(START + offsets_us.astype("timedelta64[us]"), pa.timestamp("us", tz="UTC"))


def write_accounts(directory: Path, count: int, chain: int, rng: np.random.Generator) -> None:
    """A random forest of sponsors (sponsor position < own position) plus one deep chain."""
    positions = np.arange(count)
    sponsor = (rng.random(count) * positions).astype(np.int64)
    sponsor[rng.random(count) < 0.01] = -1  # ~1% of accounts top a network
    sponsor[0] = -1
    chain_start = count - chain
    sponsor[chain_start + 1 :] = positions[chain_start:-1]  # one chain `chain` links deep
    joined = np.sort(rng.integers(0, YEAR_US, count))
    sponsor_ids = _ids("a", np.where(sponsor < 0, 0, sponsor))
    table = pa.table(
        {
            "account_id": _ids("a", positions),
            "sponsor_id": pc.if_else(
                pa.array(sponsor < 0), pa.scalar(None, pa.string()), sponsor_ids
            ),
            "joined_at": _timestamps(joined),
            "entry_fee": rng.choice([0.0, 99.0, 399.0], count),
        }
    )
    pq.write_table(table, directory / "accounts.parquet")


def write_orders(directory: Path, count: int, accounts: int, rng: np.random.Generator) -> None:
    """Orders from random sellers to consumers or other accounts, dated after the seller joined."""
    seller = rng.integers(0, accounts, count)
    buyer = rng.integers(0, accounts * 3, count)
    table = pa.table(
        {
            "order_id": _ids("o", np.arange(count)),
            "seller_id": _ids("a", seller),
            "buyer_id": _ids("u", buyer),
            "created_at": _timestamps(YEAR_US + rng.integers(0, YEAR_US, count)),
            "amount": np.round(rng.gamma(2.0, 60.0, count) + 0.01, 2),
            "quantity": rng.integers(1, 5, count),
        }
    )
    pq.write_table(table, directory / "orders.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--chain", type=int, default=100_000)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        write_accounts(directory, args.accounts, args.chain, rng)
        write_orders(directory, args.orders, args.accounts, rng)
        print(f"generated {args.accounts:,} accounts, {args.orders:,} orders "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        started = time.perf_counter()
        report = validate_snapshot(directory)
        kinds = f"{len(report.errors)} error kinds, {len(report.warnings)} warning kinds"
        print(f"validate_snapshot: {time.perf_counter() - started:.1f} s, {kinds}")
        started = time.perf_counter()
        snapshot = read_valid_snapshot(directory)
        print(f"read_valid_snapshot (load + validate): {time.perf_counter() - started:.1f} s, "
              f"{len(snapshot.accounts):,} accounts, {len(snapshot.orders):,} orders")  # fmt: skip
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(f"peak RSS: {peak_mib:,.0f} MiB")
    if not report.ok:
        print(report.render(), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
