"""The report as PDF for people: reportlab, the system CJK font (embedded), byte-reproducible."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, KeepTogether, LongTable, PageBreak, Paragraph, Spacer

from risk.report.content import ReportContent
from risk.report.i18n import BAND_NAMES, LABELS, pruned_note
from risk.report.pdf_styles import styles, table_style
from risk.vocab import Lang


class _Doc:
    """What every section builder needs: words, styles, page widths."""

    def __init__(self, content: ReportContent) -> None:
        self.c = content.to_dict()
        self.lang: Lang = content.lang
        self.t = {key: words[self.lang] for key, words in LABELS.items()}
        self.s = styles(self.lang)
        self.portrait_width = A4[0] - 2 * 42

    def p(self, text: Any, style: str = "cell") -> Any:
        return Paragraph(escape("" if text is None else str(text)), self.s[style])

    def table(self, rows: list[list[Any]], widths: list[float], **style: Any) -> Any:
        total = sum(widths)
        scaled = [w * self.portrait_width / total for w in widths]
        table = LongTable(rows, colWidths=scaled, repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style(**style))
        return table


def _num(value: Any, pattern: str = "{:,}") -> str:
    return "–" if value is None else pattern.format(value)


def _metric(value: Any) -> str:
    """A metric: counts with separators (3,969), rates as stored."""
    return _num(value, "{:,}" if isinstance(value, int) else "{}")


def _cover(d: _Doc, key_fingerprint: str) -> list[Any]:
    meta, t = d.c["meta"], d.t
    period = meta["period"]
    shown = (
        f"{period['from'] or '…'} – {period['to'] or '…'}"
        if (period["from"] or period["to"])
        else t["all_decisions"]
    )
    rows = [
        (t["platform"], meta["platform_name"]),
        (t["period"], shown),
        (t["run_id"], meta["run"]["id"]),
        (t["as_of"], meta["run"]["as_of"]),
        (t["published_at"], meta["run"]["published_at"]),
        (t["model"], f"{meta['model']['name']} / {meta['model']['version']}"),
        (t["mlflow_run"], meta["model"]["mlflow_run_id"]),
        (t["fingerprint"], meta["run"]["data_fingerprint"]),
        (t["key_fingerprint"], key_fingerprint),
        (t["generated_at"], meta["generated_at"]),
    ]
    pruned = pruned_note(meta["run"], d.lang)
    if pruned is not None:
        rows.insert(8, (t["pruned"], pruned))
    table = d.table([[d.p(k), d.p(v, "mono")] for k, v in rows], [1.3, 3], header=False)
    return [
        Spacer(1, 60),
        d.p(t["title"], "title"),
        d.p(meta["platform_name"], "subtitle"),
        table,
        Spacer(1, 14),
        d.p(t["verify_note"], "note"),
        PageBreak(),
    ]


def _summary(d: _Doc, charts: Mapping[str, bytes]) -> list[Any]:
    s, t = d.c["summary"], d.t
    bands = [[d.p(t["band"]), d.p(t["accounts"])]] + [
        [d.p(BAND_NAMES[b][d.lang]), d.p(_num(n), "num")] for b, n in s["bands"].items()
    ]
    head = [[d.p(t["accounts_scored"]), d.p(_num(s["accounts_scored"]), "num")],
            [d.p(t["networks_flagged"]), d.p(_num(s["networks_flagged"]), "num")]]  # fmt: skip
    decisions = [[d.p(t[k]) for k in ("decision", "count", "median_hours", "p90_hours")]] + [
        [
            d.p(r["label"]),
            d.p(r["count"], "num"),
            d.p(_num(r["median_hours"]), "num"),
            d.p(_num(r["p90_hours"]), "num"),
        ]
        for r in s["decisions"]
    ]
    indicators = [[d.p(t["rule"]), d.p(t["title_col"]), d.p(t["citation"]), d.p(t["accounts"]),
                   d.p(t["outside_flagged"])]]  # fmt: skip
    indicators += [
        [d.p(r["rule_id"], "small"), d.p(r["title"], "small"), d.p(r["citation"], "small"),
         d.p(_num(r["accounts"]), "num"), d.p(_num(r["outside_flagged"]), "num")]
        for r in s["indicators"]
    ]  # fmt: skip
    return [
        d.p(t["summary"], "h1"),
        d.table(head, [3, 1], header=False, numeric_from=1),
        d.p(t["band"], "h2"),
        d.table(bands, [3, 1], numeric_from=1),
        d.p(t["decisions"], "h2"),
        d.table(decisions, [2, 1, 1.5, 1.5], numeric_from=1),
        d.p(t["indicators_fired"], "h2"),
        d.table(indicators, [1.5, 2.0, 3.7, 0.8, 0.9], numeric_from=3),
        d.p(t["outside_flagged_note"], "small"),
        PageBreak(),
    ]


def _image(data: bytes, width: float) -> Any:
    reader = ImageReader(io.BytesIO(data))
    w, h = reader.getSize()
    return Image(io.BytesIO(data), width=width, height=width * h / w, hAlign="LEFT")


def _charts(d: _Doc, charts: Mapping[str, bytes]) -> list[Any]:
    return [
        d.p(d.t["charts"], "h1"),
        _image(charts["band_distribution.png"], d.portrait_width * 0.62),
        _image(charts["score_histogram.png"], d.portrait_width * 0.62),
        KeepTogether([_image(charts["top_features.png"], d.portrait_width * 0.62)]),
        KeepTogether([_image(charts["network_tiers.png"], d.portrait_width)]),
        PageBreak(),
    ]


def _model_card(d: _Doc) -> list[Any]:
    mc, t = d.c["model_card"], d.t
    data = mc["training_data"]
    parts = [[d.p(t[k]) for k in ("part", "accounts", "positives", "networks")]] + [
        [
            d.p(t.get(f"part_{p['part']}", p["part"])),
            *[d.p(_num(p.get(k)), "num") for k in ("accounts", "positives", "networks")],
        ]
        for p in data["parts"]
    ]
    metrics = [[d.p(t["metric"]), d.p(t["model"]), d.p(t["baseline"])]] + [
        [d.p(m["label"]), d.p(_metric(m["model"]), "num"), d.p(_metric(m["baseline"]), "num")]
        for m in mc["validation"]
    ]
    reliability = [[d.p(f"{t['score']} ≥"), d.p(t["mean_predicted"]), d.p(t["observed_rate"]),
                     d.p(t["accounts"])]] + [
        [d.p(r["bin_low"], "num"), d.p(r["mean_predicted"], "num"),
         d.p(r["observed_rate"], "num"), d.p(_num(r["accounts"], "{:.0f}"), "num")]
        for r in mc["reliability"]
    ]  # fmt: skip
    thresholds = [[d.p(BAND_NAMES[b][d.lang]) for b in mc["thresholds"]],
                  [d.p(f"≥ {v:.4f}", "num") for v in mc["thresholds"].values()]]  # fmt: skip
    features = [[d.p(t["feature"]), d.p(t["definition"]), d.p(t["mean_abs_shap"])]] + [
        [d.p(f["feature"], "small"), d.p(f["definition"], "small"),
         d.p(_num(f["mean_abs_shap"], "{}"), "num")]
        for f in mc["features"]
    ]  # fmt: skip
    return [
        d.p(t["model_card"], "h1"),
        d.p(t["purpose"], "h2"),
        d.p(mc["purpose"], "base"),
        d.p(t["training_data"], "h2"),
        d.p(
            f"{t['accounts']}: {data['labelled_accounts']} · {t['as_of']}: {data['as_of']} · "
            f"{t['feature']}: {data['features']}",
            "base",
        ),
        d.table(parts, [2, 1, 1, 1], numeric_from=1),
        d.p(data["label_source"], "note"),
        *([d.p(data["in_sample_note"], "note")] if data.get("in_sample_note") else []),
        d.p(t["validation"], "h2"),
        d.table(metrics, [3, 1, 1], numeric_from=1),
        d.p(t["calibration"], "h2"),
        d.table(reliability, [1, 1, 1, 1], numeric_from=0),
        d.p(t["thresholds"], "h2"),
        d.table(thresholds, [1] * len(mc["thresholds"]), numeric_from=0),
        d.p(t["features"], "h2"),
        d.table(features, [2.2, 5, 1], numeric_from=2),
        d.p(t["limitations"], "h2"),
        *[d.p(f"• {item}", "base") for item in mc["limitations"]],
        *_monitoring(d),
        # No page break here: the case register that follows starts its own (landscape)
        # page; a second break left a blank page between them.
    ]


def _monitoring(d: _Doc) -> list[Any]:
    mc, t = d.c["model_card"], d.t
    mon = mc["monitoring"]
    drifted = ", ".join(f"{x['feature']} ({x['psi']})" for x in mon["drifted_features"])
    fairness = [[d.p(t[k]) for k in ("region", "accounts", "flagged", "flag_rate", "confirmed")]]
    fairness += [
        [d.p(r["region"]), d.p(_num(r["accounts"]), "num"), d.p(_num(r["flagged"]), "num"),
         d.p(f"{r['flag_rate']:.1%}", "num"), d.p(_num(r["confirmed"]), "num")]
        for r in mc["fairness"]
    ]  # fmt: skip
    return [
        d.p(t["monitoring"], "h2"),
        d.p(f"{t['score_psi']}: {mon['score_psi']} · {t['psi_threshold']}: {mon['threshold']}",
            "base"),
        d.p(f"{t['drifted']}: {drifted or t['none']}", "base"),
        *[d.p(f"• {w}", "note") for w in mon["warnings"]],
        d.p(t["fairness"], "h2"),
        d.p(t["fairness_note"], "note"),
        d.table(fairness, [2, 1, 1, 1, 1], numeric_from=1),
    ]  # fmt: skip
