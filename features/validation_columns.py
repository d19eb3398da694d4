"""Turning one raw column (CSV text or Parquet values) into its canonical dtype, noting bad cells.

Each converter returns the typed column and the problems found; a bad cell becomes missing (or
the column's default) in the typed column so that the other checks can still run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from features.contract import ID_MAX_CHARS, ColumnSpec
from features.validation_report import Problem, TableFile, rows_problem

Converted = tuple[pd.Series, list[Problem]]

TRUE_WORDS = ("true", "t", "yes", "y", "1", "1.0")
FALSE_WORDS = ("false", "f", "no", "n", "0", "0.0")


def _is_text(raw: pd.Series) -> bool:
    return bool(pd.api.types.is_string_dtype(raw) or raw.dtype == object)


def _blank(raw: pd.Series) -> np.ndarray:
    """Missing cells: null, or text that is empty once spaces are stripped."""
    missing = raw.isna().to_numpy()
    if _is_text(raw):
        empty = (_as_text(raw).str.strip() == "").fillna(True).to_numpy(dtype=bool)
        missing = missing | empty
    return missing


def _missing_required(
    spec: ColumnSpec, source: TableFile, raw: pd.Series, blank: np.ndarray
) -> list[Problem]:
    if not spec.required:
        return []
    return rows_problem(
        "missing_value", source, spec.name, blank, raw, f"{spec.name} is required but empty"
    )


def _as_text(raw: pd.Series) -> pd.Series:
    return raw.astype("str") if raw.dtype != "str" else raw


_NESTED = (list, tuple, dict, set, np.ndarray)


def _nested_cells(raw: pd.Series) -> np.ndarray:
    """Cells holding a list or structure (Parquet list/struct columns), not one value."""
    if raw.dtype != object:
        return np.zeros(len(raw), dtype=bool)
    return np.fromiter((isinstance(v, _NESTED) for v in raw), dtype=bool, count=len(raw))


def cell_checks(spec: ColumnSpec, source: TableFile, raw: pd.Series) -> Converted:
    """Cells no column may hold: lists (made missing, reported), NUL bytes; for ids, text that
    is only spaces; text longer than the store keeps. Returns the column safe to convert."""
    problems: list[Problem] = []
    nested = _nested_cells(raw)
    if nested.any():
        problems += rows_problem(
            "not_a_value", source, spec.name, nested, raw.astype("str"),
            "holds a list or structure, not a single value",
        )  # fmt: skip
        raw = raw.where(~nested)
    if not _is_text(raw) or spec.kind in ("money", "integer", "boolean", "label"):
        return raw, problems
    # pyarrow's string kernels: one pass each in C over a column of millions of cells.
    try:
        array = pa.array(raw, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed values in an object column
        array = pa.array(_as_text(raw).where(raw.notna()), type=pa.large_string(), from_pandas=True)

    def text() -> pd.Series:  # the cells as text, only to show a problem's rows
        return _as_text(raw).where(raw.notna())

    def mask(values: pa.Array) -> np.ndarray:
        return np.asarray(values.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)

    nul = mask(pc.match_substring(array, "\x00"))
    if nul.any():
        problems += rows_problem(
            "nul_byte", source, spec.name, nul, text().str.replace("\x00", "\\0", regex=False),
            "contains a NUL byte (\\0), which no id or text may hold",
        )  # fmt: skip
    if spec.kind in ("id", "optional_id"):
        trimmed = pc.utf8_trim_whitespace(array)
        spaces = mask(pc.and_(pc.equal(trimmed, ""), pc.not_equal(array, "")))
        if spaces.any():
            problems += rows_problem(
                "blank_id", source, spec.name, spaces, text(), "is only spaces, not an id"
            )
    limit = spec.max_chars or (ID_MAX_CHARS if spec.kind in ("id", "optional_id") else None)
    if limit is not None:
        long = mask(pc.greater(pc.utf8_length(array), limit))
        if long.any():
            problems += rows_problem(
                "too_long", source, spec.name, long, text().str.slice(0, 40) + "...",
                f"is longer than {limit} characters (the store keeps at most {limit})",
            )  # fmt: skip
    return raw, problems


def convert_id(spec: ColumnSpec, source: TableFile, raw: pd.Series) -> Converted:
    """Ids stay text exactly as written ("007" is not "7"); empty optional ids become NA."""
    problems: list[Problem] = []
    if not _is_text(raw):
        # Parquet written with numeric ids: leading zeros may already be lost, say so.
        problems.append(
            Problem(
                kind="id_not_text",
                severity="warning",
                file=source.file_name,
                column=spec.name,
                description=f"{spec.name} is stored as {raw.dtype}, not text; read as text, "
                "but ids like '007' may have lost their leading zeros",
            )
        )
        present = raw.dropna()
        if pd.api.types.is_float_dtype(raw) and (present == present.round()).all():
            raw = raw.astype("Int64")  # integer ids with nulls arrive as floats: 7.0 -> "7"
    blank = raw.isna().to_numpy() | (_as_text(raw) == "").fillna(True).to_numpy(dtype=bool)
    text = _as_text(raw).where(~blank) if blank.any() else _as_text(raw)
    if spec.kind == "id":
        problems += _missing_required(spec, source, raw, blank)
    return text, problems


def convert_timestamp(spec: ColumnSpec, source: TableFile, raw: pd.Series) -> Converted:
    """ISO 8601 to ``datetime64[us, UTC]``; a timestamp without a zone is UTC."""
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return raw.dt.tz_convert("UTC").astype("datetime64[us, UTC]"), []
    if pd.api.types.is_datetime64_dtype(raw):
        return raw.dt.tz_localize("UTC").astype("datetime64[us, UTC]"), []
    blank = _blank(raw)
    text = _as_text(raw).where(~blank)
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    parsed = parsed.astype("datetime64[us, UTC]")
    bad = parsed.isna().to_numpy() & ~blank
    problems = rows_problem(
        "bad_timestamp", source, spec.name, bad, raw, "not an ISO 8601 timestamp"
    )
    if spec.kind == "timestamp":
        problems += _missing_required(spec, source, raw, blank)
    return parsed.where(~bad), problems


def _numbers(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(numbers as float64, blank cells, non-empty cells that are not finite numbers)."""
    blank = _blank(raw)
    if pd.api.types.is_bool_dtype(raw):
        raw = raw.astype("int64")
    if pd.api.types.is_numeric_dtype(raw):
        numbers = raw.astype("float64")
    else:
        numbers = pd.to_numeric(_as_text(raw).where(~blank).str.strip(), errors="coerce")
        numbers = numbers.astype("float64")
    bad = ~np.isfinite(numbers.to_numpy(dtype="float64", na_value=np.nan)) & ~blank
    return numbers, blank, bad


def convert_money(spec: ColumnSpec, source: TableFile, raw: pd.Series) -> Converted:
    """Decimal money to float64; blanks in an optional column take the contract default."""
    numbers, blank, bad = _numbers(raw)
    problems = rows_problem("bad_number", source, spec.name, bad, raw, "not a decimal number")
    problems += _missing_required(spec, source, raw, blank)
    filled = numbers.where(~blank, spec.default if not spec.required else np.nan)
    return filled.where(~bad).astype("float64"), problems


def convert_integer(spec: ColumnSpec, source: TableFile, raw: pd.Series) -> Converted:
    """Whole numbers to int64; bad or blank cells take the default so the dtype stays int64."""
    numbers, blank, bad = _numbers(raw)
    values = numbers.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = bad | (~blank & np.isfinite(values) & (np.floor(values) != values))
    problems = rows_problem("bad_integer", source, spec.name, bad, raw, "not a whole number")
    problems += _missing_required(spec, source, raw, blank)
    default = float(spec.default) if isinstance(spec.default, int | float) else 0.0
    filled = np.where(blank | bad, default, values)
    return pd.Series(filled.astype("int64"), index=raw.index, name=raw.name), problems


def convert_boolean(spec: ColumnSpec, source: TableFile, raw: pd.Series) -> Converted:
    """true/false, yes/no, 1/0 (any case) to bool; blanks take the default."""
    if pd.api.types.is_bool_dtype(raw) and not raw.isna().any():
        return raw.astype("bool"), []
    blank = _blank(raw)
    words = _as_text(raw).str.strip().str.lower()
    is_true = words.isin(TRUE_WORDS).to_numpy(dtype=bool)
    bad = ~blank & ~is_true & ~words.isin(FALSE_WORDS).to_numpy(dtype=bool)
    problems = rows_problem(
        "bad_boolean", source, spec.name, bad, raw, "not a boolean (true/false, 1/0, yes/no)"
    )
    problems += _missing_required(spec, source, raw, blank)
    values = np.where(blank, bool(spec.default), is_true)
    return pd.Series(values, index=raw.index, name=raw.name, dtype="bool"), problems


def convert_label(spec: ColumnSpec, source: TableFile, raw: pd.Series) -> Converted:
    """Labels must be 0 or 1 (int8)."""
    numbers, blank, _ = _numbers(raw)
    values = numbers.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~blank & ~np.isin(values, (0.0, 1.0))
    problems = rows_problem("bad_label", source, spec.name, bad, raw, "label must be 0 or 1")
    problems += _missing_required(spec, source, raw, blank)
    clean = np.where(bad | blank, 0, values).astype("int8")
    return pd.Series(clean, index=raw.index, name=raw.name), problems


def convert_text(spec: ColumnSpec, source: TableFile, raw: pd.Series) -> Converted:
    """Free text; blanks take the default (empty string)."""
    blank = _blank(raw)
    problems = _missing_required(spec, source, raw, blank)
    default = "" if spec.default is None else str(spec.default)
    return _as_text(raw).where(~blank, default).astype("str"), problems


CONVERTERS: dict[str, Callable[[ColumnSpec, TableFile, pd.Series], Converted]] = {
    "id": convert_id,
    "optional_id": convert_id,
    "timestamp": convert_timestamp,
    "optional_timestamp": convert_timestamp,
    "money": convert_money,
    "integer": convert_integer,
    "boolean": convert_boolean,
    "text": convert_text,
    "label": convert_label,
}


def default_column(spec: ColumnSpec, index: pd.Index) -> pd.Series:
    """An absent column in its canonical dtype: the contract default, or missing if required."""
    dtypes = {
        "id": "str",
        "optional_id": "str",
        "timestamp": "datetime64[us, UTC]",
        "label": "int8",
        "text": "str",
        "money": "float64",
        "integer": "int64",
        "boolean": "bool",
        "optional_timestamp": "datetime64[us, UTC]",
    }
    value = spec.default
    if spec.kind in ("timestamp", "optional_timestamp"):
        value = pd.NaT
    elif spec.kind in ("id", "optional_id") or (spec.required and spec.kind == "money"):
        value = np.nan
    elif spec.kind == "label":
        value = 0
    elif spec.kind == "text" and value is None:
        value = ""
    return pd.Series(value, index=index, dtype=dtypes[spec.kind], name=spec.name)
