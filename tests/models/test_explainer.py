"""Reasons for hand-made accounts on a tiny model where the downline sales share drives risk."""

from __future__ import annotations

import json
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from features.registry import FeatureSpec
from models.explain_errors import ExplainerError, ExplainInputError
from models.explain_text import check_lang, reason_text, stored_reason_text
from models.explainer import Explainer
from models.reference import legitimate_medians

FEATURES = ["downline_sales_share", "recruits_30d", "account_age_days", "avg_order_value", "tier"]
HIDDEN = "tier"  # predictive, but its (test) spec says it is not a model reason


def _spec(name: str, unit: str, en: str, zh: str, model_input: bool = True) -> FeatureSpec:
    return FeatureSpec(
        name=name,
        dtype="float64",
        group="structure",
        unit=unit,  # type: ignore[arg-type]
        riskier="higher",
        description_en=name,
        description_zh=name,
        reason_en=en,
        reason_zh=zh,
        model_input=model_input,
    )


REGISTRY = {
    s.name: s
    for s in [
        _spec(
            "downline_sales_share",
            "share",
            "{value} of its sales go to its own downline agents "
            "(legitimate sellers: median {reference})",
            "{value}的销售额流向其自己的下线代理（正常卖家中位数：{reference}）",
        ),
        _spec(
            "recruits_30d",
            "count",
            "recruited {value} agents in 30 days (legitimate sellers: median {reference})",
            "30天内招募{value}名代理（正常卖家中位数：{reference}）",
        ),
        _spec(
            "account_age_days",
            "days",
            "account is {value} days old (legitimate sellers: median {reference})",
            "账户注册{value}天（正常卖家中位数：{reference}）",
        ),
        _spec(
            "avg_order_value",
            "money",
            "average order {value} (legitimate sellers: median {reference})",
            "平均订单金额{value}（正常卖家中位数：{reference}）",
        ),
        _spec("tier", "tier", "tier {value}", "层级{value}", model_input=False),
    ]
}


def _accounts(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "downline_sales_share": rng.beta(1, 6, n),
            "recruits_30d": rng.poisson(2, n).astype("float64"),
            "account_age_days": rng.uniform(10, 1000, n),
            "avg_order_value": rng.lognormal(4, 0.5, n),
            "tier": rng.integers(0, 6, n).astype("float64"),
        }
    )
    logit = 12 * (X["downline_sales_share"] - 0.35) + 0.3 * X["recruits_30d"] + 0.8 * X["tier"] - 3
    y = (logit + rng.logistic(size=n) > 0).astype("int64").to_numpy()
    return X, y


@pytest.fixture(scope="module")
def trained() -> tuple[lgb.Booster, dict[str, float]]:
    X, y = _accounts(4000, seed=5)
    params = {
        "objective": "binary",
        "num_leaves": 8,
        "learning_rate": 0.2,
        "seed": 3,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbose": -1,
    }
    booster = lgb.train(params, lgb.Dataset(X, y), num_boost_round=50)
    reference = X[y == 0].median().to_dict()
    return booster, reference


@pytest.fixture(scope="module")
def explainer(trained: tuple[lgb.Booster, dict[str, float]]) -> Explainer:
    booster, reference = trained
    return Explainer(booster, FEATURES, reference, REGISTRY)


RISKY = {
    "downline_sales_share": 0.92,
    "recruits_30d": 2.0,
    "account_age_days": 400.0,
    "avg_order_value": 55.0,
    "tier": 5.0,
}


def test_top_reason_names_the_downline_share_in_english(
    explainer: Explainer, trained: tuple[lgb.Booster, dict[str, float]]
) -> None:
    reference = f"{trained[1]['downline_sales_share']:.0%}"
    top = explainer.explain_one(RISKY).up[0]
    assert top.feature == "downline_sales_share"
    assert top.value == pytest.approx(0.92)
    assert top.contribution > 0
    assert top.reference == pytest.approx(trained[1]["downline_sales_share"])
    assert reason_text(REGISTRY[top.feature], top.value, top.reference, "en") == (
        f"92% of its sales go to its own downline agents (legitimate sellers: median {reference})"
    )


def test_top_reason_in_chinese_survives_json_and_utf8_files(
    explainer: Explainer, trained: tuple[lgb.Booster, dict[str, float]], tmp_path: Path
) -> None:
    reference = f"{trained[1]['downline_sales_share']:.0%}"
    top = explainer.explain_one(RISKY).up[0]
    expected = f"92%的销售额流向其自己的下线代理（正常卖家中位数：{reference}）"
    assert reason_text(REGISTRY[top.feature], top.value, top.reference, "zh") == expected
    worded = {**top.to_dict(), "text": expected}
    document = json.dumps([worded], ensure_ascii=False, allow_nan=False)
    assert "下线代理" in document
    path = tmp_path / "reasons.json"
    path.write_text(document, encoding="utf-8")
    assert "下线代理".encode() in path.read_bytes()
    assert json.loads(path.read_text(encoding="utf-8"))[0]["text"] == expected


def test_reasons_skip_features_that_are_not_model_reasons(explainer: Explainer) -> None:
    X, _ = _accounts(500, seed=9)
    _, contrib = explainer.contributions(X)
    hidden = FEATURES.index(HIDDEN)
    assert np.abs(contrib[:, hidden]).max() > 0.1  # the model does use it...
    for direction in ("up", "down"):
        listed = explainer.reasons(X, top=5, direction=direction)  # type: ignore[arg-type]
        assert all(r.feature != HIDDEN for account in listed for r in account)  # ...never worded


def test_reasons_are_the_strongest_pushes_in_order(explainer: Explainer) -> None:
    X, _ = _accounts(300, seed=11)
    _, contrib = explainer.contributions(X)
    up = explainer.reasons(X, top=2)
    down = explainer.reasons(X, top=3, direction="down")
    assert len(up) == len(down) == len(X)
    shown = [i for i, name in enumerate(FEATURES) if name != HIDDEN]
    for i in range(len(X)):
        pushes = sorted((c for c in contrib[i, shown] if c > 0), reverse=True)[:2]
        assert [r.contribution for r in up[i]] == pytest.approx(pushes)
        pulls = sorted(c for c in contrib[i, shown] if c < 0)[:3]
        assert [r.contribution for r in down[i]] == pytest.approx(pulls)
        for r in up[i]:
            assert r.value == pytest.approx(X.iloc[i][r.feature])


def test_batch_and_single_account_agree(explainer: Explainer) -> None:
    X, _ = _accounts(40, seed=13)
    batch = explainer.reasons(X, top=4)
    for i in range(0, 40, 7):
        single = explainer.explain_one(X.iloc[i].to_numpy(), top=4)
        assert list(single.up) == batch[i]


def test_explain_one_adds_up_to_the_raw_score(
    explainer: Explainer, trained: tuple[lgb.Booster, dict[str, float]]
) -> None:
    booster, _ = trained
    row = np.array([[RISKY[name] for name in FEATURES]])
    one = explainer.explain_one(RISKY)
    assert one.raw_score == pytest.approx(booster.predict(row, raw_score=True)[0], abs=1e-6)
    assert all(r.contribution < 0 for r in one.down)
    assert json.loads(json.dumps(one.to_dict(), allow_nan=False))["up"][0]["feature"] == (
        "downline_sales_share"
    )


def test_frames_are_read_by_column_name_and_chunked(
    trained: tuple[lgb.Booster, dict[str, float]],
) -> None:
    booster, reference = trained
    X, _ = _accounts(50, seed=17)
    shuffled = X[FEATURES[::-1]].assign(network_id="n-1")  # other order, an extra text column
    small = Explainer(booster, FEATURES, reference, REGISTRY, chunk_rows=7)
    base, contrib = small.contributions(shuffled)
    assert contrib.shape == (50, len(FEATURES))
    raw = booster.predict(X.to_numpy(), raw_score=True)
    np.testing.assert_allclose(base + contrib.sum(axis=1), raw, atol=1e-6)


def test_missing_values_render_as_unknown_and_json_null(explainer: Explainer) -> None:
    account = {**RISKY, "avg_order_value": float("nan")}
    one = explainer.explain_one(account, top=5)
    listed = [r for r in (*one.up, *one.down) if r.feature == "avg_order_value"]
    for reason in listed:
        assert reason.to_dict()["value"] is None
        text = reason_text(REGISTRY[reason.feature], reason.value, reason.reference, "en")
        assert text.startswith("average order unknown")
    json.dumps(one.to_dict(), allow_nan=False)


def test_global_importance_and_summary_plot(explainer: Explainer, tmp_path: Path) -> None:
    X, _ = _accounts(400, seed=19)
    importance = explainer.global_importance(X)
    assert importance.index[0] == "downline_sales_share"
    assert sorted(importance.index) == sorted(FEATURES)
    assert importance.is_monotonic_decreasing
    path = explainer.summary_plot(X, tmp_path / "report" / "shap_summary.png", max_rows=200)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 5_000
    assert list(path.parent.iterdir()) == [path]


def test_stored_reference_document_medians_explain_with_unknowns(
    trained: tuple[lgb.Booster, dict[str, float]],
) -> None:
    booster, reference = trained
    document = {"features": {n: {"median_legitimate": v} for n, v in reference.items()}}
    document["features"]["avg_order_value"]["median_legitimate"] = None
    explainer = Explainer(booster, FEATURES, legitimate_medians(document), REGISTRY)
    assert explainer.book.text(3, 80.0, "en") == (
        "average order 80 (legitimate sellers: median unknown)"
    )
    assert explainer.book.text(3, 80.0, "zh") == "平均订单金额80（正常卖家中位数：未知）"


def test_one_function_words_a_reason_from_its_spec_value_and_reference(
    explainer: Explainer, trained: tuple[lgb.Booster, dict[str, float]]
) -> None:
    spec = REGISTRY["avg_order_value"]
    assert reason_text(spec, 80.0, 55.0, "en") == "average order 80 (legitimate sellers: median 55)"
    assert reason_text(spec, None, 55.0, "zh") == "平均订单金额未知（正常卖家中位数：55）"
    assert reason_text(spec, 80.0, float("nan"), "en").endswith("median unknown)")
    column = FEATURES.index("avg_order_value")
    median = trained[1]["avg_order_value"]
    for lang in ("en", "zh"):
        assert explainer.book.text(column, 80.0, lang) == reason_text(spec, 80.0, median, lang)


def test_a_reason_is_stored_as_data_and_worded_when_read(explainer: Explainer) -> None:
    from features.registry import REGISTRY as REAL

    top = explainer.explain_one(RISKY).up[0]
    assert list(top.to_dict()) == ["feature", "value", "contribution", "reference"]
    stored = {"feature": "recruits_30d", "value": 31.0, "contribution": 0.8, "reference": 2.0}
    spec = REAL["recruits_30d"]
    for lang in ("en", "zh"):
        assert stored_reason_text(stored, lang) == reason_text(spec, 31.0, 2.0, lang)  # type: ignore[arg-type]
    assert "未知" in stored_reason_text({**stored, "reference": None}, "zh")
    # stored before runs kept the reference: its English sentence, in every language
    old = {"feature": "recruits_30d", "value": 31.0, "contribution": 0.8, "text": "Stored."}
    assert stored_reason_text(old, "zh") == "Stored."
    assert (
        stored_reason_text({**stored, "feature": "retired_feature", "text": "Old."}, "en") == "Old."
    )


def test_bad_setup_and_bad_input_are_clear_errors(
    trained: tuple[lgb.Booster, dict[str, float]], explainer: Explainer
) -> None:
    booster, reference = trained
    partial = {k: v for k, v in REGISTRY.items() if k != "recruits_30d"}
    with pytest.raises(ExplainerError, match="recruits_30d"):
        Explainer(booster, FEATURES, reference, partial)
    with pytest.raises(ExplainerError, match="booster has 5 features"):
        Explainer(booster, FEATURES[:4], reference, REGISTRY)
    with pytest.raises(ExplainInputError, match="account_age_days") as caught:
        explainer.reasons(pd.DataFrame({"downline_sales_share": [0.5]}))
    assert caught.value.http_status == 422
    with pytest.raises(ExplainInputError, match="recruits_30d"):
        explainer.explain_one({**RISKY, "recruits_30d": "many"})  # type: ignore[dict-item]
    with pytest.raises(ExplainInputError, match="language"):
        check_lang("fr")
    assert explainer.reasons(np.zeros((0, 5))) == []


def test_every_registry_template_renders_in_both_languages(tmp_path: Path) -> None:
    from features.registry import REGISTRY, model_feature_names

    names = model_feature_names()
    rng = np.random.default_rng(23)
    X = pd.DataFrame(rng.lognormal(0, 1, (600, len(names))), columns=names)
    y = (X[names[0]] * X[names[-1]] + rng.normal(size=600) > 1).astype("int64").to_numpy()
    booster = lgb.train(
        {"objective": "binary", "num_leaves": 4, "num_threads": 1, "verbose": -1, "seed": 1},
        lgb.Dataset(X, y),
        num_boost_round=10,
    )
    explainer = Explainer(booster, names, X[y == 0].median().to_dict())  # the real REGISTRY
    row, cells = X.to_numpy()[0], np.arange(len(names))  # one cell per feature: its own value
    stored = [r.to_dict() for r in explainer.book.reasons(cells, row, row)]
    assert [r["feature"] for r in stored] == names
    worded = {lang: [stored_reason_text(r, lang) for r in stored] for lang in ("en", "zh")}
    for texts in worded.values():
        assert all(text and "{" not in text for text in texts)
    zh = [{**r, "text": text} for r, text in zip(stored, worded["zh"], strict=True)]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r["text"]) for r in zh)
    path = tmp_path / "zh.json"
    path.write_text(json.dumps(zh, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    assert json.loads(path.read_bytes().decode("utf-8")) == zh
    assert REGISTRY[names[0]].reason_zh.split("{")[0] in zh[0]["text"]


def test_the_base_value_is_shaps_expected_value(
    explainer: Explainer, trained: tuple[lgb.Booster, dict[str, float]]
) -> None:
    import shap

    expected = shap.TreeExplainer(trained[0]).expected_value
    assert explainer.base_value == pytest.approx(float(np.asarray(expected).reshape(-1)[0]))
    X, _ = _accounts(50, seed=9)
    base, contrib = explainer.contributions(X)  # the batch path does use SHAP
    raw = trained[0].predict(X, raw_score=True)
    np.testing.assert_allclose(contrib.sum(axis=1) + base, raw, rtol=1e-9, atol=1e-9)
