"""Column-wise JSON for feature frames: exact float round trip (the API re-explains from it)."""

from __future__ import annotations

import json
import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.store.bulk import json_object_texts, json_texts


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(width=64), min_size=1, max_size=20),
    st.text(min_size=1, max_size=8).filter(lambda n: n != "count"),
)
def test_feature_frame_json_round_trips_every_finite_float(values: list[float], name: str) -> None:
    texts = json_object_texts(pd.DataFrame({name: values, "count": range(len(values))}))
    for value, text in zip(values, texts, strict=True):
        decoded = json.loads(text)  # also proves the text is valid JSON (names escaped)
        expected = value if math.isfinite(value) else None
        assert decoded[name] == expected
        assert list(decoded) == [name, "count"]


def test_json_texts_keeps_null_and_unescaped_chinese() -> None:
    assert json_texts([None, [], {"理由": "拉人头"}]) == [None, "[]", '{"理由":"拉人头"}']
