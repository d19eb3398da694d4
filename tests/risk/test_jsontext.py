"""The one JSON encoder: what every writer of JSON in the application relies on."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from risk.jsontext import canonical_json, json_bytes, json_column, json_text


def test_numpy_nan_chinese_and_timestamps_are_written_as_plain_json() -> None:
    value = {
        "score": np.float64(0.25),
        "rank": np.int64(3),
        "shares": np.array([0.5, np.nan]),
        "missing": float("nan"),
        "infinite": float("inf"),
        "text": "上线",
        "as_of": pd.Timestamp("2026-01-02T03:04:05", tz="UTC"),
    }
    text = json_text(value)
    assert "上线" in text  # not \u-escaped
    assert json.loads(text) == {
        "score": 0.25,
        "rank": 3,
        "shares": [0.5, None],
        "missing": None,
        "infinite": None,
        "text": "上线",
        "as_of": "2026-01-02T03:04:05+00:00",
    }


def test_api_bodies_end_utc_times_in_z_like_pydantic() -> None:
    moment = datetime(2026, 1, 2, tzinfo=UTC)
    assert json_bytes({"at": moment}, utc_z=True) == b'{"at":"2026-01-02T00:00:00Z"}'


def test_a_json_column_keeps_missing_values_missing() -> None:
    assert json_column(None) is None
    assert json_column(float("nan")) is None
    assert json_column([]) == "[]"
    assert json.loads(json_column([{"rule_id": "CN-1"}]) or "") == [{"rule_id": "CN-1"}]


def test_canonical_json_is_sorted_compact_and_keeps_python_float_text() -> None:
    # The audit chain hashes these bytes: they must equal what earlier versions wrote.
    value = {"b": 1e-05, "a": [np.float64(1e16), float("nan")], "c": "中"}
    assert canonical_json(value) == '{"a":[1e+16,null],"b":1e-05,"c":"中"}'
