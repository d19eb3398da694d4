"""The per-run values file: typed columns sorted by account, read by account or by network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from risk.store.run_values import (
    ROW_GROUP_ROWS,
    keep_accounts,
    read_account_values,
    read_values_frame,
    remove_values,
    write_run_values,
)


def _values(count: int) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(3)
    ids = [f"a{i:06d}" for i in rng.permutation(count)]  # written in no particular order
    features = pd.DataFrame(
        {
            "recruits_30d": rng.integers(0, 9, count).astype("float64"),
            "downline_size": rng.random(count),
        }
    )
    features.loc[5, "downline_size"] = np.nan
    percentiles = pd.DataFrame({"recruits_30d": np.round(rng.random(count) * 100, 1)})
    return ids, features, percentiles


def test_every_account_reads_back_its_own_values(tmp_path: Path) -> None:
    count = ROW_GROUP_ROWS * 2 + 17  # several row groups, the last one short
    ids, features, percentiles = _values(count)
    path = tmp_path / "runs" / "r1.parquet"
    assert write_run_values(path, ids, features, percentiles) == path.stat().st_size
    file = pq.ParquetFile(path)
    assert file.metadata.num_row_groups == 3 and file.metadata.num_rows == count
    for row in (0, 5, ROW_GROUP_ROWS, count - 1):
        found = read_account_values(path, ids[row])
        assert found is not None
        values, placed = found
        assert values["recruits_30d"] == features.loc[row, "recruits_30d"]
        assert placed == {"recruits_30d": percentiles.loc[row, "recruits_30d"]}
    assert read_account_values(path, ids[5])[0]["downline_size"] is None  # type: ignore[index]
    assert read_account_values(path, "a999999") is None
    assert read_account_values(path, "") is None
    assert read_account_values(tmp_path / "none.parquet", ids[0]) is None
    assert not list(path.parent.glob("*.partial"))


def test_a_network_reads_its_accounts_and_a_prune_keeps_only_the_kept(tmp_path: Path) -> None:
    ids, features, percentiles = _values(500)
    path = tmp_path / "r2.parquet"
    write_run_values(path, ids, features, percentiles)
    wanted = [ids[3], ids[7], "not-there"]
    frame = read_values_frame(path, wanted, ["recruits_30d", "no_such_feature"])
    assert set(frame.index) == {ids[3], ids[7]}
    assert frame.loc[ids[7], "recruits_30d"] == features.loc[7, "recruits_30d"]
    assert frame["no_such_feature"].isna().all()
    assert keep_accounts(path, [ids[1], ids[2]]) == 2
    assert read_account_values(path, ids[3]) is None
    assert read_account_values(path, ids[2]) is not None  # the cache sees the new file
    remove_values(path)
    assert not path.exists()
