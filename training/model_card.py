"""The model card (Markdown) logged with every training run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

SPLIT_TEXT = {
    "grouped_test": "held-out networks (no network on both sides), features as of the snapshot",
    "out_of_time_test": "trained as of an earlier time; tested on held-out networks' accounts "
    "that joined later",
}


def _table(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (numbers to 3 decimals)."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = [
        "| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows])


def _cell(value: Any) -> str:
    """Counts as integers, rates to four decimals, missing as a dash."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:
            return "-"
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 2 else f"{value:.4f}"
    return str(value)


def _roles_section(roles: Mapping[str, Any], k: Any) -> str:
    """The role model's held-out precision/recall, confusion and its effect on the top k."""
    if not roles.get("per_role"):
        return f"No role estimate: {roles.get('note', 'no role model was trained')}."
    per_role = pd.DataFrame.from_dict(roles["per_role"], orient="index").reset_index(names="role")
    confusion = pd.DataFrame.from_dict(roles["confusion"], orient="index")
    confusion = confusion.reset_index(names="true \\ predicted")
    top: Mapping[str, float] = roles.get(f"actionable_in_top_{k}") or {}
    return f"""A second model ({roles["note"]}) estimates the role of an account if it takes
part; the queue stores it for accounts at band medium or above. Held-out scheme accounts:

{_table(per_role)}

Macro F1 {_cell(roles["macro_f1"])} (always guessing the commonest role:
{_cell(roles["baseline_macro_f1"])}). Confusion (rows: true role):

{_table(confusion)}

Organizers and recruiters among the top {k} of the held-out queue: {_cell(top.get("by_score"))}
by score, {_cell(top.get("by_score_and_role"))} when filtered to predicted organizers and
recruiters."""


SHIPPED_TEXT = {
    "lightgbm": "LightGBM alone (gradient-boosted trees, calibrated).",
    "blend": "a blend of LightGBM and the logistic regression: the weighted mean of their "
    "calibrated log-odds (weight {weight:.2f} on LightGBM), calibrated again.",
    "logistic_regression": "the logistic regression alone (the baseline itself, calibrated on "
    "the calibration networks).",
}


def _selection_section(selection: Mapping[str, Any], k: Any) -> str:
    """What ships, why, every candidate on the validation networks, and what explains it."""
    if not selection:
        return "LightGBM alone (no selection recorded)."
    kind = str(selection.get("kind"))
    text = SHIPPED_TEXT.get(kind, kind).format(weight=float(selection["weight_lightgbm"]))
    rows = [
        {
            "candidate": name,
            "weight on LightGBM": values.get("weight_lightgbm"),
            "AP": values.get("average_precision"),
            f"P@{k}": values.get(f"precision_at_{k}"),
            "ROC AUC": values.get("roc_auc"),
        }
        for name, values in dict(selection.get("validation", {})).items()
    ]
    explained = (
        "Explanations (reasons, SHAP) come from the LightGBM booster, which scores alone."
        if kind == "lightgbm"
        else "**Explanations (reasons, SHAP, the feature importance below) come from the LightGBM "
        "booster, not from the score that ships**: they say why LightGBM rates the account as it "
        "does, which is only part of the shipped score (none of it when the logistic regression "
        "ships alone). The stored score and band are the shipped model's."
    )
    fallback = (
        "\n\nThe held-out guard replaced the validation's choice: on the held-out networks the "
        "logistic regression was ahead, so it ships (the held-out figures of the shipped model "
        "are then the result of a choice between two models, mildly optimistic)."
        if selection.get("held_out_fallback")
        else ""
    )
    return f"""What scores: **{text}** Candidate `{selection.get("shipped")}`.

Chosen on the validation networks (stopping + calibration parts, never the held-out test):
{selection.get("reason")}.{fallback}

{_table(pd.DataFrame(rows))}

{explained}"""


def _prior_text(prior: Any) -> str:
    """Which scheme share the score is a probability at, and what scoring runs do about it."""
    if prior is None:
        return "No training scheme share recorded: scores are banded as calibrated."
    return (
        f"The score is calibrated at the calibration networks' scheme share, {float(prior):.1%}"
        " of accounts. A scoring run estimates the scored platform's own share from its scores"
        " (EM, Saerens et al. 2002) and adjusts every score to it before banding, so that a band"
        " keeps its precision at a platform's base rate (`risk score --prior-shift off` bands"
        " the score as calibrated); the run records the estimate."
    )


def _worlds_section(data: Mapping[str, Any], metrics: Mapping[str, Any]) -> str:
    """The generated worlds trained on beside the snapshot, and how the model ranks each."""
    worlds = data.get("worlds") or []
    if not worlds:
        return "Trained on the snapshot alone (no generated worlds)."
    held_out = metrics.get("worlds") or {}
    rows = [
        {
            "world": w["name"],
            "scheme share (target)": round(float(w["habits"]["scheme_share"] or 0.0), 3),
            "money x": round(float(w["habits"]["money"]), 2),
            "commissions": w["habits"]["commissions"],
            "cut": round(float(w["habits"]["cut"]), 2),
            "held-out AP": round(
                float(held_out.get(w["name"], {}).get("average_precision", float("nan"))), 3
            ),
        }
        for w in worlds
    ]
    return (
        f"Trained with {len(worlds)} generated worlds beside the snapshot "
        f"({data.get('world_accounts', 0):,} accounts; `training/worlds.py`), their habits drawn "
        "at random so that the model learns schemes rather than one platform's habits. "
        + _members_sentence(int(data.get("members", 1)))
        + "The metrics below are the snapshot's own held-out networks.\n\n"
        + _table(pd.DataFrame(rows))
    )


def _members_sentence(members: int) -> str:
    if members <= 1:
        return ""
    return (
        f"The model is the average of {members} boosters, each trained on the snapshot and "
        f"every {members}th world (`models/ensemble.py`): which worlds one booster sees moves "
        "its figures on an unseen platform; their average moves less. "
    )


def render_model_card(
    *,
    name: str,
    version: str,
    run_id: str,
    data: Mapping[str, Any],
    metrics: Mapping[str, Any],
    table: pd.DataFrame,
    thresholds: Mapping[str, float],
    importance: pd.Series,
    fingerprint: str,
    registry_version: str,
    promotion: str,
    selection: Mapping[str, Any] | None = None,
) -> str:
    """Intended use, data, metrics with baselines, slices, bands, limitations."""
    parts = pd.DataFrame.from_dict(dict(data["parts"]), orient="index").reset_index(names="part")
    slices = metrics.get("slices", {})
    slice_sections = [
        f"### Per {column} (grouped test)\n\n"
        + _table(pd.DataFrame.from_dict(rows, orient="index").reset_index(names=column))
        + "\n"
        for column, rows in slices.items()
    ]
    top = ", ".join(f"`{n}`" for n in importance.head(10).index)
    roles = _roles_section(metrics.get("roles") or {}, metrics.get("k"))
    splits = "\n".join(f"- `{k}`: {v}" for k, v in SPLIT_TEXT.items())
    shipped = _selection_section(selection or {}, metrics.get("k"))
    return f"""# Model card: {name} version {version}

MLflow run `{run_id}`. Data fingerprint `{fingerprint}` (SHA-256 of the snapshot files and
as_of {data["as_of"]}). Feature registry version `{registry_version}`, {data["features"]} features.

## Intended use
Ranks seller accounts by the calibrated probability that they take part in a pyramid-style
(传销化) scheme, for human moderators who review the top of the queue. It is an indicator for
review, not a verdict: every action needs a moderator's decision and a statement of reasons.

## What ships
{shipped}

## Data
{_table(parts)}

{_worlds_section(data, metrics)}

Splits are by whole network (seeded, stratified by whether a network holds scheme accounts).
{splits}

## Metrics (model and baselines)
{_table(table)}

`model` is what ships; `lightgbm` (shown when something else ships) is LightGBM alone.
Beats every baseline on the grouped test: **{metrics.get("beats_baselines")}**.
Worse than a baseline there: **{metrics.get("baseline_shortfall") or "no"}** (a model worse than
one of its own baselines on the held-out networks is registered as challenger, never champion,
unless promotion is forced).

{chr(10).join(slice_sections)}

## Roles (who in a scheme: organizer, recruiter, participant)
{roles}

## Bands (thresholds on the calibrated score, chosen on validation networks)
{_table(pd.DataFrame([thresholds]))}

{_prior_text((selection or {}).get("training_prior"))}

## Most important features (mean |SHAP| of the LightGBM booster)
{top}

## Promotion
{promotion}

## Limitations
- Labels come from the training platform; a platform with different compensation plans or
  fake-sales patterns may shift scores: watch the drift report and the per-family table.
- Weakest slices are the families with the lowest pair AUC above; small slices are noisy.
- Labels carry no time: in the out-of-time check, accounts of networks that drift later are
  labelled as schemes before they drifted.
"""
