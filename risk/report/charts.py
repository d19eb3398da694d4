"""Charts as PNG bytes with fixed metadata, so the same numbers give the same bytes."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from features.registry import REGISTRY
from risk.report.fonts import cjk_font_path
from risk.report.i18n import BAND_NAMES, label
from risk.vocab import Lang

BAND_COLOURS = {"low": "#8fbf8f", "medium": "#f2c14e", "high": "#f08a4b", "critical": "#c0392b"}
_PNG_METADATA = {"Software": None}  # no version string, no timestamp in the file


def _figure(width: float, height: float) -> Any:
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _font(lang: Lang) -> Any:
    """FontProperties of the CJK font (it carries Latin glyphs too, so one font for both)."""
    return FontProperties(fname=str(cjk_font_path()), size=9)


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata=_PNG_METADATA)
    return buffer.getvalue()


def _style(axes: Any, font: Any) -> None:
    for text in (*axes.get_xticklabels(), *axes.get_yticklabels()):
        text.set_fontproperties(font)
    axes.spines[["top", "right"]].set_visible(False)


def band_chart(bands: Mapping[str, int], lang: Lang) -> bytes:
    """Accounts per band (bars, counts written on them)."""
    font = _font(lang)
    figure = _figure(5.2, 2.6)
    axes = figure.add_subplot()
    names = list(BAND_NAMES)
    values = [int(bands.get(b, 0)) for b in names]
    bars = axes.bar(
        [BAND_NAMES[b][lang] for b in names], values, color=[BAND_COLOURS[b] for b in names]
    )
    axes.bar_label(bars, labels=[f"{v:,}" for v in values], fontproperties=font)
    axes.set_ylabel(label("accounts", lang), fontproperties=font)
    axes.set_title(label("chart_bands", lang), fontproperties=font)
    axes.margins(y=0.15)
    _style(axes, font)
    return _png(figure)


def score_histogram(
    histogram: Mapping[str, Any], thresholds: Mapping[str, Any], lang: Lang
) -> bytes:
    """Accounts per score bin, with the band thresholds as dashed lines."""
    font = _font(lang)
    figure = _figure(5.2, 2.6)
    axes = figure.add_subplot()
    edges, counts = histogram["edges"], histogram["counts"]
    axes.bar(
        edges[:-1],
        counts,
        width=edges[1] - edges[0],
        align="edge",
        color="#5b7db1",
        edgecolor="white",
    )
    for band, value in thresholds.items():
        if value is not None and band in BAND_COLOURS:
            axes.axvline(float(value), color=BAND_COLOURS[band], linestyle="--", linewidth=1.2)
            axes.text(
                float(value),
                max(counts or [1]) * 0.98,
                f" {BAND_NAMES[band][lang]}",
                fontproperties=font,
                color=BAND_COLOURS[band],
                va="top",
            )
    axes.set_yscale("symlog", linthresh=10)
    axes.set_xlabel(label("score", lang), fontproperties=font)
    axes.set_ylabel(label("accounts", lang), fontproperties=font)
    axes.set_title(label("chart_scores", lang), fontproperties=font)
    _style(axes, font)
    return _png(figure)


def feature_words(name: str, lang: Lang) -> str:
    """A feature as the registry describes it (not its code name), cut at a word to fit a
    chart label (Chinese characters are twice as wide)."""
    limit = 24 if lang == "zh" else 46
    spec = REGISTRY.get(name)
    if spec is None:
        return name
    text = (spec.description_zh if lang == "zh" else spec.description_en).rstrip("。.")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if lang == "en" and " " in cut else cut) + "…"


def feature_chart(top: list[Mapping[str, Any]], lang: Lang) -> bytes:
    """Mean |SHAP| per feature, strongest on top."""
    font = _font(lang)
    rows = [r for r in reversed(top) if float(r["mean_abs_shap"]) > 0]
    figure = _figure(5.2, 0.8 + 0.24 * max(len(rows), 1))
    axes = figure.add_subplot()
    axes.barh(
        [feature_words(str(r["feature"]), lang) for r in rows],
        [float(r["mean_abs_shap"]) for r in rows],
        color="#5b7db1",
    )
    axes.set_xlabel(label("mean_abs_shap", lang), fontproperties=font)
    # Over the whole figure, not the axes: long feature labels push the axes right and a
    # centred axes title was cut off at the left edge.
    figure.suptitle(label("chart_features", lang), fontproperties=font)
    _style(axes, font)
    return _png(figure)


def network_chart(networks: list[Mapping[str, Any]], lang: Lang) -> bytes:
    """One pyramid per network: accounts per tier (grey), flagged ones (red), root on top."""
    font = _font(lang)
    count = max(len(networks), 1)
    figure = _figure(2.0 * count + 0.6, 2.8)
    for index, network in enumerate(networks or [{"network_id": "-", "tiers": []}]):
        axes = figure.add_subplot(1, count, index + 1)
        tiers = network["tiers"]
        levels = [int(t["tier"]) for t in tiers]
        totals = [int(t["accounts"]) for t in tiers]
        flagged = [int(t["flagged"]) for t in tiers]
        axes.barh(levels, totals, left=[-v / 2 for v in totals], color="#d5d8dc", height=0.8)
        axes.barh(
            levels,
            flagged,
            left=[-v / 2 for v in flagged],
            color=BAND_COLOURS["critical"],
            height=0.8,
        )
        axes.invert_yaxis()
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xticks([])
        axes.set_ylabel(label("tier", lang) if index == 0 else "", fontproperties=font)
        axes.set_title(
            f"{network['network_id']}\n{network.get('flagged', 0)}/{network.get('accounts', 0)}"
            f" · {float(network.get('network_score', 0.0)):.2f}",
            fontproperties=font,
        )
        axes.spines[["top", "right", "bottom"]].set_visible(False)
        for text in axes.get_yticklabels():
            text.set_fontproperties(font)
    figure.suptitle(label("chart_networks", lang), fontproperties=font)
    return _png(figure)


def render_charts(content: Any) -> dict[str, bytes]:
    """Every chart of the report: file name -> PNG bytes."""
    charts, lang = content.charts, content.lang
    return {
        "band_distribution.png": band_chart(charts["bands"], lang),
        "score_histogram.png": score_histogram(
            charts["score_histogram"], content.model_card["thresholds"], lang
        ),
        "top_features.png": feature_chart(charts["top_features"], lang),
        "network_tiers.png": network_chart(charts["networks"], lang),
    }
