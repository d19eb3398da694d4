"""The Arrow values file new runs write: every account reads back its own values (through the
batch index), a network reads only its accounts, a prune rewrites it, and a store's runs
written in the first format (Parquet) still read the same."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from risk.store.run_values import (
    BATCH_ROWS,
    keep_accounts,
    read_account_values,
    read_values_columns,
    read_values_frame,
    remove_values,
    write_run_values,
)


def _values(count: int) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(5)
    ids = [f"acct-{i:06d}" for i in rng.permutation(count)]  # written in no particular order
    features = pd.DataFrame(
        {
            "recruits_30d": rng.integers(0, 9, count).astype("float64"),
            "downline_size": rng.random(count),
        }
    )
    features.loc[7, "downline_size"] = np.nan
    percentiles = pd.DataFrame({"recruits_30d": np.round(rng.random(count) * 100, 1)})
    return ids, features, percentiles


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, list[str], pd.DataFrame, pd.DataFrame]:
    ids, features, percentiles = _values(BATCH_ROWS * 3 + 41)  # the last batch short
    path = tmp_path / "runs" / "r1.arrow"
    assert write_run_values(path, ids, features, percentiles) == path.stat().st_size
    return path, ids, features, percentiles


def test_the_file_is_lz4_batches_sorted_by_account_with_their_last_ids(
    written: tuple[Path, list[str], pd.DataFrame, pd.DataFrame],
) -> None:
    path, ids, _, _ = written
    reader = ipc.open_file(pa.memory_map(str(path)))
    assert reader.num_record_batches == 4
    stored = reader.read_all().column("account_id").to_pylist()
    assert stored == sorted(ids)
    last_ids = json.loads(reader.schema.metadata[b"risk.batch_last_ids"])
    assert last_ids == [stored[min(i + BATCH_ROWS, len(stored)) - 1] for i in range(0, 809, 256)]
    assert not list(path.parent.glob("*.partial"))


def test_every_account_reads_back_its_own_values(
    written: tuple[Path, list[str], pd.DataFrame, pd.DataFrame],
) -> None:
    path, ids, features, percentiles = written
    for row in range(len(ids)):
        found = read_account_values(path, ids[row])
        assert found is not None, ids[row]
        values, placed = found
        expected = features.loc[row].to_dict()
        if row == 7:
            assert values["downline_size"] is None  # NaN reads as None, as the JSON held it
            expected["downline_size"] = None
        assert values == expected
        assert placed == {"recruits_30d": percentiles.loc[row, "recruits_30d"]}
    for absent in ("", "acct-", "acct-9", "zzz", "acct-000000x"):
        assert read_account_values(path, absent) is None
    assert read_account_values(path.with_name("none.arrow"), ids[0]) is None


def test_a_network_reads_its_accounts_and_a_prune_keeps_only_the_kept(
    written: tuple[Path, list[str], pd.DataFrame, pd.DataFrame],
) -> None:
    path, ids, features, _ = written
    wanted = [ids[3], ids[700], ids[808], "not-there"]
    frame = read_values_frame(path, wanted, ["recruits_30d", "no_such_feature"])
    assert set(frame.index) == {ids[3], ids[700], ids[808]}
    assert frame.loc[ids[700], "recruits_30d"] == features.loc[700, "recruits_30d"]
    assert frame["no_such_feature"].isna().all()
    assert read_values_frame(path, ["not-there"], ["recruits_30d"]).empty
    assert keep_accounts(path, [ids[1], ids[2], ids[500]]) == 3
    assert read_account_values(path, ids[3]) is None  # the cache sees the new file
    found = read_account_values(path, ids[500])
    assert found is not None and found[0]["recruits_30d"] == features.loc[500, "recruits_30d"]
    assert len(read_values_frame(path, ids, ["downline_size"])) == 3
    remove_values(path)
    assert not path.exists()


def test_parquet_files_of_earlier_runs_read_the_same(
    written: tuple[Path, list[str], pd.DataFrame, pd.DataFrame],
) -> None:
    path, ids, features, percentiles = written
    legacy = path.with_suffix(".parquet")
    write_run_values(legacy, ids, features, percentiles)
    for row in (0, 7, 400, len(ids) - 1):
        assert read_account_values(legacy, ids[row]) == read_account_values(path, ids[row])
    columns = ["recruits_30d", "downline_size"]
    pd.testing.assert_frame_equal(
        read_values_frame(legacy, ids[:50], columns).sort_index(),
        read_values_frame(path, ids[:50], columns).sort_index(),
    )
    # what an incremental night compares its model input with, from either format
    whole = read_values_columns(path, ["downline_size", "recruits_30d", "no_such"])
    pd.testing.assert_frame_equal(whole, read_values_columns(legacy, list(whole.columns)))
    assert len(whole) == len(ids) and whole["no_such"].isna().all()
    assert whole.loc[ids[400], "downline_size"] == features.loc[400, "downline_size"]
    remove_values(path)  # a run's files go in either format
    assert not legacy.exists() and not path.exists()


def test_percentiles_are_stored_as_tenths_when_that_is_exact(tmp_path: Path) -> None:
    ids, features, percentiles = _values(600)
    percentiles["downline_size"] = np.round(np.linspace(0, 100, 600), 1)
    percentiles.loc[9, "downline_size"] = np.nan
    percentiles["odd"] = np.linspace(0, 1, 600) / 3  # not tenths: kept as floats
    path = tmp_path / "r.arrow"
    write_run_values(path, ids, features, percentiles)
    schema = ipc.open_file(pa.memory_map(str(path))).schema
    assert schema.field("percentile:recruits_30d").type == pa.uint16()
    assert schema.field("percentile:odd").type == pa.float64()
    for row in (0, 9, 333, 599):
        _, placed = read_account_values(path, ids[row])  # type: ignore[misc]
        expected = percentiles.loc[row].to_dict()
        assert placed["downline_size"] == (None if row == 9 else expected["downline_size"])
        assert placed["recruits_30d"] == expected["recruits_30d"]
        assert placed["odd"] == expected["odd"]
    columns = ["percentile:recruits_30d", "percentile:downline_size"]
    frame = read_values_frame(path, ids[:40], columns)
    expected_frame = percentiles.iloc[:40].set_axis(ids[:40])
    np.testing.assert_array_equal(
        frame.loc[ids[:40], columns[0]].to_numpy(), expected_frame["recruits_30d"].to_numpy()
    )
    assert keep_accounts(path, ids[:5]) == 5  # a prune keeps the tenths exact
    assert read_account_values(path, ids[3])[1] == {  # type: ignore[index]
        name: (None if np.isnan(value) else value)
        for name, value in percentiles.loc[3].to_dict().items()
    }
