"""CSV for machines: the case register (one row per account) and the summary (key, value rows)."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from risk.report.content import ReportContent

CASE_COLUMNS = (
    "account_id",
    "rank",
    "score",
    "band",
    "role",
    "network_id",
    "tier",
    "reasons",
    "indicator_rule_ids",
    "citations",
    "decision",
    "reviewer",
    "decided_at",
    "action",
)


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (``=HYPERLINK(...)``), prefixed with a
    quote so it is shown as text (OWASP's CSV-injection advice); numbers are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    safe = frame.copy()
    for column in safe.select_dtypes(include=["object", "string"]).columns:
        safe[column] = safe[column].map(spreadsheet_safe)
    safe.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def render_case_csv(content: ReportContent) -> bytes:
    """``case_register.csv``: lists joined with " | " (reasons, citations) or ";" (rule ids)."""
    cases = pd.DataFrame(content.cases, columns=[*CASE_COLUMNS, "indicators", "in_run"])
    if cases.empty:
        return _csv(pd.DataFrame(columns=list(CASE_COLUMNS)))
    frame = cases.assign(
        rank=cases["rank"].astype("Int64"),
        tier=cases["tier"].astype("Int64"),
        reasons=cases["reasons"].map(lambda items: " | ".join(r["text"] for r in items)),
        indicator_rule_ids=cases["indicators"].map(
            lambda items: ";".join(i["rule_id"] for i in items)
        ),
        citations=cases["indicators"].map(
            lambda items: " | ".join(dict.fromkeys(i["citation"] for i in items))
        ),
    )
    return _csv(frame[list(CASE_COLUMNS)])


def _summary_rows(content: ReportContent) -> list[dict[str, Any]]:
    meta, summary = content.meta, content.summary
    rows: list[dict[str, Any]] = [
        {"section": "run", "key": "run_id", "value": meta["run"]["id"]},
        {"section": "run", "key": "as_of", "value": meta["run"]["as_of"]},
        {"section": "run", "key": "data_fingerprint", "value": meta["run"]["data_fingerprint"]},
        {"section": "run", "key": "pruned_at", "value": meta["run"]["pruned_at"]},
        {"section": "run", "key": "accounts_pruned", "value": meta["run"]["accounts_pruned"]},
        {"section": "model", "key": "name", "value": meta["model"]["name"]},
        {"section": "model", "key": "version", "value": meta["model"]["version"]},
        {"section": "model", "key": "mlflow_run_id", "value": meta["model"]["mlflow_run_id"]},
        {"section": "period", "key": "from", "value": meta["period"]["from"]},
        {"section": "period", "key": "to", "value": meta["period"]["to"]},
        {"section": "summary", "key": "accounts_scored", "value": summary["accounts_scored"]},
        {"section": "summary", "key": "networks_flagged", "value": summary["networks_flagged"]},
    ]
    rows += [{"section": "band", "key": b, "value": n} for b, n in summary["bands"].items()]
    rows += [
        {"section": "indicator", "key": i["rule_id"], "value": i["accounts"]}
        for i in summary["indicators"]
    ]
    for row in summary["decisions"]:
        for field in ("count", "median_hours", "p90_hours"):
            rows.append(
                {"section": f"decision.{row['decision']}", "key": field, "value": row[field]}
            )
    return rows


def render_summary_csv(content: ReportContent) -> bytes:
    """``summary.csv``: section, key, value."""
    return _csv(pd.DataFrame(_summary_rows(content), columns=["section", "key", "value"]))
