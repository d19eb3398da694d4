from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from features.contract import TABLES
from features.errors import DataContractError
from features.loading import load_snapshot, snapshot_fingerprint, snapshot_from_frames
from features.validation import validate_snapshot

# Small hand-made snapshot files, shared with test_validation.py.
ACCOUNTS_CSV = """account_id,sponsor_id,joined_at,entry_fee,left_at,region,nickname
root,,2024-01-01T00:00:00,0,,CN,boss
007,root,2024-01-02T00:00:00,399,,CN,
7,007,2024-01-03T00:00:00+08:00,0,,CN,
"""

ORDERS_CSV = """order_id,seller_id,buyer_id,created_at,amount,quantity,refunded
o1,007,7,2024-02-01T00:00:00,100.5,1,false
o2,7,c1,2024-02-02T00:00:00,20,2,true
"""

COMMISSIONS_CSV = """payee_id,source_id,amount,kind,paid_at
root,007,40,recruitment,2024-01-05T00:00:00
"""

LABELS_CSV = """account_id,label,role
root,1,organizer
7,0,legitimate
"""

BASE = {
    "accounts.csv": ACCOUNTS_CSV,
    "orders.csv": ORDERS_CSV,
    "commissions.csv": COMMISSIONS_CSV,
    "labels.csv": LABELS_CSV,
}

UTC = "datetime64[us, UTC]"


def write_snapshot(
    directory: Path,
    append: dict[str, str] | None = None,
    replace: dict[str, str | None] | None = None,
) -> Path:
    """Write the base snapshot; ``append`` adds data lines, ``replace`` swaps (None drops) files."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, str | None] = {**BASE, **(replace or {})}
    for name, extra in (append or {}).items():
        files[name] = (files[name] or "") + extra
    for name, text in files.items():
        if text is not None:
            (directory / name).write_text(text, encoding="utf-8")
    return directory


def _as_parquet(csv_dir: Path, parquet_dir: Path) -> Path:
    """The same snapshot with native Parquet types (text ids, zoned timestamps, floats)."""
    parquet_dir.mkdir()
    snapshot = load_snapshot(csv_dir)
    for spec in TABLES:
        frame = getattr(snapshot, spec.name)
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False), parquet_dir / f"{spec.name}.parquet"
        )
    return parquet_dir


def test_canonical_dtypes_defaults_and_extra_columns(tmp_path: Path) -> None:
    snapshot = load_snapshot(write_snapshot(tmp_path, replace={"labels.csv": None}))
    accounts, orders = snapshot.accounts, snapshot.orders
    assert list(accounts.columns) == [
        "account_id", "sponsor_id", "joined_at", "entry_fee", "left_at", "region", "declared_level",
    ]  # fmt: skip
    assert accounts["account_id"].dtype == "str" and accounts["sponsor_id"].isna().tolist() == [
        True,
        False,
        False,
    ]
    assert accounts["joined_at"].dtype == UTC and accounts["left_at"].dtype == UTC
    assert accounts["left_at"].isna().all() and accounts["declared_level"].tolist() == ["", "", ""]
    assert accounts["entry_fee"].dtype == "float64"
    assert orders["quantity"].dtype == "int64" and orders["refunded"].tolist() == [False, True]
    assert snapshot.labels is None
    assert snapshot.files["accounts"] == tmp_path / "accounts.csv"


def test_optional_columns_and_tables_take_defaults(tmp_path: Path) -> None:
    orders = "order_id,seller_id,buyer_id,created_at,amount\no1,007,7,2024-02-01,10\n"
    directory = write_snapshot(tmp_path, replace={"orders.csv": orders, "commissions.csv": None})
    snapshot = load_snapshot(directory)
    assert snapshot.orders["quantity"].tolist() == [1] and snapshot.orders["refunded"].tolist() == [
        False
    ]
    assert len(snapshot.commissions) == 0
    assert (
        snapshot.commissions["paid_at"].dtype == UTC
        and snapshot.commissions["amount"].dtype == "float64"
    )


def test_ids_stay_text_007_is_not_7(tmp_path: Path) -> None:
    snapshot = load_snapshot(write_snapshot(tmp_path))
    assert snapshot.accounts["account_id"].tolist() == ["root", "007", "7"]
    assert snapshot.orders["seller_id"].tolist() == ["007", "7"]
    assert snapshot.accounts.loc[2, "sponsor_id"] == "007"


def test_naive_timestamps_are_utc_and_zoned_ones_convert(tmp_path: Path) -> None:
    joined = load_snapshot(write_snapshot(tmp_path)).accounts["joined_at"]
    assert joined[0] == pd.Timestamp("2024-01-01T00:00:00Z")
    assert joined[2] == pd.Timestamp("2024-01-02T16:00:00Z")  # 2024-01-03T00:00+08:00


def test_parquet_and_csv_give_the_same_frames(tmp_path: Path) -> None:
    csv_snapshot = load_snapshot(write_snapshot(tmp_path / "csv"))
    parquet_snapshot = load_snapshot(_as_parquet(tmp_path / "csv", tmp_path / "parquet"))
    for spec in TABLES:
        pd.testing.assert_frame_equal(
            getattr(csv_snapshot, spec.name), getattr(parquet_snapshot, spec.name)
        )
    assert parquet_snapshot.files["orders"].suffix == ".parquet"


def test_parquet_wins_over_csv(tmp_path: Path) -> None:
    _as_parquet(write_snapshot(tmp_path / "csv"), tmp_path / "both")
    write_snapshot(tmp_path / "both", replace={"accounts.csv": "garbage\n\x00\n"})
    snapshot = load_snapshot(tmp_path / "both")
    assert snapshot.files["accounts"].name == "accounts.parquet"
    assert validate_snapshot(tmp_path / "both").ok


def test_parquet_naive_timestamps_and_numeric_ids(tmp_path: Path) -> None:
    write_snapshot(tmp_path, replace={"accounts.csv": None})
    joined = pd.to_datetime(["2024-01-01", "2024-01-02 08:00", "2024-01-03"], format="ISO8601")
    accounts = pa.table(
        {"account_id": [1, 7, 2], "sponsor_id": [None, 1, 7], "joined_at": pa.array(joined)}
    )
    pq.write_table(accounts, tmp_path / "accounts.parquet")
    report = validate_snapshot(tmp_path)
    assert [(p.kind, p.column) for p in report.warnings if p.file == "accounts.parquet"] == [
        ("id_not_text", "account_id"),
        ("id_not_text", "sponsor_id"),
    ]
    loaded = load_snapshot(tmp_path).accounts
    assert loaded["account_id"].tolist() == ["1", "7", "2"] and loaded["sponsor_id"].tolist()[
        1:
    ] == ["1", "7"]
    assert (
        loaded["joined_at"][1] == pd.Timestamp("2024-01-02T08:00:00Z")
        and loaded["joined_at"].dtype == UTC
    )


def test_parquet_problems_use_one_based_row_numbers(tmp_path: Path) -> None:
    _as_parquet(write_snapshot(tmp_path / "csv"), tmp_path / "pq")
    orders = pd.read_parquet(tmp_path / "pq" / "orders.parquet")
    orders.loc[1, "amount"] = -3.0
    orders.to_parquet(tmp_path / "pq" / "orders.parquet", index=False)
    problem = next(
        p for p in validate_snapshot(tmp_path / "pq").errors if p.kind == "non_positive_amount"
    )
    assert problem.file == "orders.parquet" and problem.rows == (2,) and problem.values == ("-3",)
    assert (
        "row 2: '-3'" in problem.render()
        and "Parquet data rows numbered from 1" in problem.render()
    )


def test_load_snapshot_refuses_unconvertible_cells(tmp_path: Path) -> None:
    directory = write_snapshot(tmp_path, append={"orders.csv": "o3,7,c1,soon,5,1,false\n"})
    with pytest.raises(DataContractError, match=r"bad_timestamp.*orders.csv.*created_at") as caught:
        load_snapshot(directory)
    assert "line 4: 'soon'" in caught.value.message
    with pytest.raises(DataContractError, match="missing_directory"):
        load_snapshot(tmp_path / "absent")


def test_fingerprint_covers_bytes_and_as_of(tmp_path: Path) -> None:
    as_of = pd.Timestamp("2024-03-01T00:00:00Z")
    first = load_snapshot(write_snapshot(tmp_path / "a"))
    same = load_snapshot(write_snapshot(tmp_path / "b"))
    assert snapshot_fingerprint(first, as_of) == snapshot_fingerprint(same, as_of)
    assert snapshot_fingerprint(first, as_of) == snapshot_fingerprint(
        first, pd.Timestamp("2024-03-01")
    )
    assert snapshot_fingerprint(first, as_of) != snapshot_fingerprint(
        first, as_of + pd.Timedelta("1s")
    )
    changed = load_snapshot(
        write_snapshot(tmp_path / "c", append={"orders.csv": "o3,7,c1,2024-02-03,5,1,false\n"})
    )
    assert snapshot_fingerprint(changed, as_of) != snapshot_fingerprint(first, as_of)
    assert len(snapshot_fingerprint(first, as_of)) == 64


def test_in_memory_snapshot_is_canonical_and_fingerprinted(tmp_path: Path) -> None:
    disk = load_snapshot(write_snapshot(tmp_path))
    assert disk.labels is not None
    # Text cells in object columns, as a test or notebook would build them by hand.
    memory = snapshot_from_frames(
        disk.accounts.astype("object"),
        disk.orders.astype("object"),
        disk.commissions.astype("object"),
        disk.labels.astype("object"),
    )
    for spec in TABLES:
        pd.testing.assert_frame_equal(getattr(memory, spec.name), getattr(disk, spec.name))
    as_of = pd.Timestamp("2024-03-01T00:00:00Z")
    again = snapshot_from_frames(disk.accounts, disk.orders, disk.commissions, disk.labels)
    assert snapshot_fingerprint(memory, as_of) == snapshot_fingerprint(again, as_of)
    fewer = snapshot_from_frames(disk.accounts, disk.orders.iloc[:1])
    assert snapshot_fingerprint(fewer, as_of) != snapshot_fingerprint(again, as_of)
    with pytest.raises(DataContractError, match="bad_number"):
        snapshot_from_frames(disk.accounts, disk.orders.assign(amount="lots"))
