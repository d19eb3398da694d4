from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from features.errors import DataContractError
from features.validation import read_valid_snapshot, validate_snapshot
from features.validation_report import Problem, ValidationReport
from risk.cli import app
from tests.features.test_loading import ACCOUNTS_CSV, ORDERS_CSV, write_snapshot

CONVENTION = "CSV line numbers, header is line 1"

# (kind, file, column, lines appended to that file, expected line, expected value).
# The base files have 3 accounts, 2 orders, 1 commission and 2 labels, so an appended row sits
# on line 5 of accounts.csv, line 4 of orders.csv, line 3 of commissions.csv, line 4 of labels.csv.
ROW_ERRORS = [
    ("missing_value", "accounts.csv", "account_id", ",root,2024-01-04,0,,CN,\n", 5, ""),
    ("bad_timestamp", "accounts.csv", "joined_at", "x1,root,yesterday,0,,CN,\n", 5, "yesterday"),
    (
        "bad_timestamp",
        "accounts.csv",
        "left_at",
        "x1,root,2024-01-04,0,2024-13-45,CN,\n",
        5,
        "2024-13-45",
    ),
    ("bad_number", "orders.csv", "amount", "o3,7,c1,2024-02-03,ten,1,false\n", 4, "ten"),
    ("bad_number", "accounts.csv", "entry_fee", "x1,root,2024-01-04,1;5,,CN,\n", 5, "1;5"),
    ("bad_integer", "orders.csv", "quantity", "o3,7,c1,2024-02-03,5,1.5,false\n", 4, "1.5"),
    ("bad_boolean", "orders.csv", "refunded", "o3,7,c1,2024-02-03,5,1,maybe\n", 4, "maybe"),
    ("bad_label", "labels.csv", "label", "007,2,participant\n", 4, "2"),
    ("duplicate_id", "accounts.csv", "account_id", "007,root,2024-01-04,0,,CN,\n", 5, "007"),
    ("duplicate_id", "orders.csv", "order_id", "o1,7,c1,2024-02-03,5,1,false\n", 4, "o1"),
    ("duplicate_id", "labels.csv", "account_id", "7,1,participant\n", 4, "7"),
    ("unknown_sponsor", "accounts.csv", "sponsor_id", "x1,nobody,2024-01-04,0,,CN,\n", 5, "nobody"),
    ("unknown_seller", "orders.csv", "seller_id", "o3,ghost,c1,2024-02-03,5,1,false\n", 4, "ghost"),
    ("unknown_payee", "commissions.csv", "payee_id", "ghost,,5,team,2024-02-01\n", 3, "ghost"),
    ("unknown_label_account", "labels.csv", "account_id", "ghost,1,organizer\n", 4, "ghost"),
    ("self_sponsorship", "accounts.csv", "sponsor_id", "x1,x1,2024-01-04,0,,CN,\n", 5, "x1"),
    (
        "sponsor_cycle",
        "accounts.csv",
        "sponsor_id",
        "x1,x2,2024-01-04,0,,,\nx2,x1,2024-01-04,0,,,\n",
        5,
        "x1",
    ),
    ("negative_entry_fee", "accounts.csv", "entry_fee", "x1,root,2024-01-04,-5,,CN,\n", 5, "-5"),
    ("non_positive_amount", "orders.csv", "amount", "o3,7,c1,2024-02-03,0,1,false\n", 4, "0"),
    ("non_positive_amount", "orders.csv", "amount", "o3,7,c1,2024-02-03,-2.5,1,false\n", 4, "-2.5"),
    ("negative_commission", "commissions.csv", "amount", "7,,-1,team,2024-02-01\n", 3, "-1"),
    ("bad_quantity", "orders.csv", "quantity", "o3,7,c1,2024-02-03,5,0,false\n", 4, "0"),
    (
        "unknown_commission_kind",
        "commissions.csv",
        "kind",
        "7,,1,pyramid,2024-02-01\n",
        3,
        "pyramid",
    ),
    ("missing_value", "commissions.csv", "kind", "7,,1,,2024-02-01\n", 3, ""),
    ("unknown_role", "labels.csv", "role", "007,1,boss\n", 4, "boss"),
]

WARNINGS = [
    ("order_before_seller_joined", "orders.csv", "o3,7,c1,2023-12-31T23:00:00,5,1,false\n", 4),
    ("unknown_commission_source", "commissions.csv", "7,stranger,1,team,2024-02-01\n", 3),
]


def _problem(report: ValidationReport, kind: str, file: str) -> Problem:
    matches = [p for p in report.problems if p.kind == kind and p.file == file]
    assert matches, f"no {kind} in {file}: {report.render()}"
    return matches[0]


def _cli(directory: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", str(directory), *extra])
    return result.exit_code, result.output


def test_clean_snapshot_is_valid_and_cli_exits_0(tmp_path: Path) -> None:
    directory = write_snapshot(tmp_path)
    report = validate_snapshot(directory)
    assert report.ok and not report.problems, report.render()
    code, output = _cli(directory)
    assert code == 0
    assert "valid, no problems found" in output


@pytest.mark.parametrize(("kind", "file", "column", "extra", "line", "value"), ROW_ERRORS)
def test_each_error_kind_names_file_line_and_value(
    tmp_path: Path, kind: str, file: str, column: str, extra: str, line: int, value: str
) -> None:
    directory = write_snapshot(tmp_path, append={file: extra})
    report = validate_snapshot(directory)
    problem = _problem(report, kind, file)
    assert problem.severity == "error" and not report.ok
    assert problem.column == column
    assert line in problem.rows
    assert value in problem.values
    assert problem.convention == CONVENTION
    code, output = _cli(directory)
    assert code == 1
    assert f"ERROR [{kind}] {file}, column {column}" in output
    assert f"line {line}: {value!r}" in output
    assert CONVENTION in output


def test_duplicate_shows_every_copy_and_cycle_lists_its_members(tmp_path: Path) -> None:
    rows = ["007,root", "x1,x2", "x2,x3", "x3,x1"]
    extra = "".join(f"{row},2024-01-04,0,,,\n" for row in rows)
    report = validate_snapshot(write_snapshot(tmp_path, append={"accounts.csv": extra}))
    assert _problem(report, "duplicate_id", "accounts.csv").rows == (3, 5)
    cycle = _problem(report, "sponsor_cycle", "accounts.csv")
    assert cycle.count == 3 and cycle.rows == (6, 7, 8)
    assert "x1 -> x2 -> x3 -> x1" in cycle.description


def test_report_shows_first_five_and_counts_all(tmp_path: Path) -> None:
    extra = "".join(f"o{n},ghost{n},c1,2024-02-03,5,1,false\n" for n in range(3, 15))
    report = validate_snapshot(write_snapshot(tmp_path, append={"orders.csv": extra}))
    problem = _problem(report, "unknown_seller", "orders.csv")
    assert problem.count == 12
    assert problem.rows == (4, 5, 6, 7, 8)
    assert problem.values == ("ghost3", "ghost4", "ghost5", "ghost6", "ghost7")
    assert "12 rows, first 5 shown" in problem.render()


def test_missing_required_file_column_and_unreadable_file(tmp_path: Path) -> None:
    no_orders = validate_snapshot(write_snapshot(tmp_path / "a", replace={"orders.csv": None}))
    assert _problem(no_orders, "missing_file", "orders.parquet or orders.csv").severity == "error"
    headless = "account_id,sponsor_id,entry_fee\nroot,,0\n007,root,0\n7,007,0\n"
    no_column = validate_snapshot(
        write_snapshot(tmp_path / "b", replace={"accounts.csv": headless})
    )
    assert _problem(no_column, "missing_column", "accounts.csv").column == "joined_at"
    ragged = write_snapshot(tmp_path / "c", append={"orders.csv": "o3,7\n"})
    assert _problem(validate_snapshot(ragged), "unreadable_file", "orders.csv")
    empty = write_snapshot(tmp_path / "d", replace={"labels.csv": ""})
    assert _problem(validate_snapshot(empty), "unreadable_file", "labels.csv")
    for directory in (tmp_path / "a", tmp_path / "b", tmp_path / "c", tmp_path / "d"):
        code, output = _cli(directory)
        assert code == 1 and "ERROR [" in output
    code, output = _cli(tmp_path / "nowhere")
    assert code == 1 and "missing_directory" in output


@pytest.mark.parametrize(("kind", "file", "extra", "line"), WARNINGS)
def test_warnings_do_not_fail(tmp_path: Path, kind: str, file: str, extra: str, line: int) -> None:
    directory = write_snapshot(tmp_path, append={file: extra})
    report = validate_snapshot(directory)
    problem = _problem(report, kind, file)
    assert report.ok and problem.severity == "warning" and problem.rows == (line,)
    code, output = _cli(directory)
    assert code == 0
    assert f"WARNING [{kind}] {file}" in output and f"line {line}" in output


def test_order_after_seller_left_is_a_warning(tmp_path: Path) -> None:
    accounts = ACCOUNTS_CSV.replace(
        "7,007,2024-01-03T00:00:00+08:00,0,,", "7,007,2024-01-03,0,2024-02-01,"
    )
    report = validate_snapshot(write_snapshot(tmp_path, replace={"accounts.csv": accounts}))
    problem = _problem(report, "order_after_seller_left", "orders.csv")
    assert report.ok and problem.rows == (3,)
    assert problem.values == ("order_id=o2, seller_id=7, created_at=2024-02-02 00:00:00+00:00",)
    assert read_valid_snapshot(tmp_path).orders["order_id"].tolist() == ["o1", "o2"]


def test_json_output_and_read_valid_snapshot_message(tmp_path: Path) -> None:
    directory = write_snapshot(
        tmp_path, append={"orders.csv": "o3,ghost,c1,2024-02-03,5,1,false\n"}
    )
    code, output = _cli(directory, "--json")
    payload = json.loads(output)
    assert code == 1 and payload["ok"] is False
    assert payload["errors"][0]["kind"] == "unknown_seller"
    assert payload["errors"][0]["rows"] == [4] and payload["errors"][0]["values"] == ["ghost"]
    with pytest.raises(DataContractError, match=r"unknown_seller.*orders.csv") as caught:
        read_valid_snapshot(directory)
    assert "line 4: 'ghost'" in caught.value.message


def test_ids_007_and_7_are_different_accounts(tmp_path: Path) -> None:
    orders = ORDERS_CSV + "o3,07,c1,2024-02-03,5,1,false\n"
    report = validate_snapshot(write_snapshot(tmp_path, replace={"orders.csv": orders}))
    assert _problem(report, "unknown_seller", "orders.csv").values == ("07",)
    assert not [p for p in report.problems if p.kind == "duplicate_id"]


def _chain_accounts(depth: int) -> pd.DataFrame:
    ids = pd.Series([f"c{n:06d}" for n in range(depth)], dtype="str")
    return pd.DataFrame(
        {"account_id": ids, "sponsor_id": ids.shift(1), "joined_at": "2024-01-01T00:00:00"}
    )


def test_deep_chain_is_accepted_and_a_cycle_inside_it_is_found(tmp_path: Path) -> None:
    accounts = _chain_accounts(100_000)
    accounts.to_csv(write_snapshot(tmp_path / "ok") / "accounts.csv", index=False)
    assert not [p for p in validate_snapshot(tmp_path / "ok").problems if "sponsor" in p.kind]
    accounts.loc[50_000, "sponsor_id"] = accounts.loc[70_000, "account_id"]
    accounts.to_csv(write_snapshot(tmp_path / "bad") / "accounts.csv", index=False)
    cycle = _problem(validate_snapshot(tmp_path / "bad"), "sponsor_cycle", "accounts.csv")
    assert cycle.count == 20_001
    assert cycle.rows[0] == 50_000 + 2 and cycle.values[0] == "c050000"
    assert "29999 more account(s) hang below a cycle" in cycle.description


@st.composite
def forests(draw: st.DrawFn) -> list[int]:
    """Sponsor positions of a random forest: each account's sponsor comes before it (or none)."""
    size = draw(st.integers(1, 40))
    return [draw(st.integers(-1, position - 1)) for position in range(size)]


def _forest_report(parents: list[int], order: list[int]) -> ValidationReport:
    # Ids mix leading zeros ("07" and "7") and rows are shuffled so file order means nothing.
    ids = [f"0{n}" if n % 2 else str(n) for n in range(len(parents))]
    rows = [(ids[n], "" if parents[n] < 0 else ids[parents[n]]) for n in order]
    text = "account_id,sponsor_id,joined_at\n" + "".join(f"{a},{s},2024-01-01\n" for a, s in rows)
    with tempfile.TemporaryDirectory() as tmp:
        directory = write_snapshot(Path(tmp), replace={"accounts.csv": text, "orders.csv": None})
        (directory / "orders.csv").write_text(ORDERS_CSV.splitlines()[0] + "\n")
        (directory / "labels.csv").unlink()
        (directory / "commissions.csv").unlink()
        return validate_snapshot(directory)


@settings(max_examples=40, deadline=None)
@given(forests(), st.data())
def test_any_random_forest_is_valid(parents: list[int], data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(len(parents))))
    report = _forest_report(parents, list(order))
    assert report.ok and not report.problems, report.render()


@settings(max_examples=40, deadline=None)
@given(forests(), st.data())
def test_a_back_edge_makes_a_reported_cycle(parents: list[int], data: st.DataObject) -> None:
    descendant = data.draw(st.integers(0, len(parents) - 1))
    path = [descendant]  # descendant and its ancestors up to its root
    while parents[path[-1]] >= 0:
        path.append(parents[path[-1]])
    ancestor_depth = data.draw(st.integers(0, len(path) - 1))
    ancestor = path[ancestor_depth]
    parents = [*parents]
    parents[ancestor] = descendant  # the ancestor now reports to someone below it
    report = _forest_report(parents, list(range(len(parents))))
    if ancestor == descendant:
        assert _problem(report, "self_sponsorship", "accounts.csv").rows == (ancestor + 2,)
        return
    cycle = _problem(report, "sponsor_cycle", "accounts.csv")
    assert cycle.count == ancestor_depth + 1
    if cycle.count <= 5:  # only the first five rows are listed
        assert {ancestor + 2, descendant + 2} <= set(cycle.rows)
