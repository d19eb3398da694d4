"""Regulator reports from a real scoring run: every format, PDF text, schemas, DSA statements,
verification after tampering, determinism, the CLI and the HTTP endpoint by role."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from risk.settings import Settings, get_settings
from tests.trained_world import TrainedWorld

GENERATED_AT = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
REPORT_FILES = [
    "report.pdf",
    "report.html",
    "report.json",
    "dsa/statements-001.json",
    "case_register.csv",
    "summary.csv",
    "charts/band_distribution.png",
    "charts/score_histogram.png",
    "charts/top_features.png",
    "charts/network_tiers.png",
    "schemas/report.schema.json",
    "schemas/dsa_statement.schema.json",
    "public_key.pem",
]


@dataclass(frozen=True)
class ReportWorld:
    store_url: str
    tracking_uri: str
    home: Path
    run_id: str
    decided: dict[str, str]  # account -> latest decision
    reviewers: tuple[str, ...]
    reports: dict[str, Path]  # lang -> exported directory


def _export(world: ReportWorld | None, **kwargs: object) -> list[Path]:
    from risk.report.export import export_report

    return export_report(platform_name="示例社交电商平台", generated_at=GENERATED_AT, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def report_world(
    trained_world: TrainedWorld,
    tmp_path_factory: pytest.TempPathFactory,
) -> ReportWorld:
    """A published run with decisions, and its report exported in English and Chinese."""
    from risk.scoring import run_scoring
    from risk.store.db import open_store
    from risk.store.decisions import record_decision
    from risk.store.scores import scores_frame

    root = tmp_path_factory.mktemp("report-world")
    store_url = f"sqlite:///{root / 'risk.db'}"
    summary = run_scoring(
        snapshot_dir=trained_world.snapshot_dir,
        as_of=None,
        model_ref=trained_world.model_ref,
        store_url=store_url,
        tracking_uri=trained_world.tracking_uri,
    )
    engine = open_store(store_url)
    ids = scores_frame(engine, summary.run_id)["account_id"].tolist()
    plan = [(ids[0], "confirm", "mod-alice"), (ids[1], "escalate", "mod-bob"),
            (ids[1], "confirm", "mod-alice"), (ids[2], "dismiss", "mod-bob"),
            (ids[-1], "escalate", "mod-carol")]  # fmt: skip
    for account, decision, reviewer in plan:
        record_decision(engine, account_id=account, decision=decision, note="", reviewer=reviewer)
    _open_cases_one_overdue(engine, store_url, root)
    reports = {lang: root / f"report-{lang}" for lang in ("en", "zh")}
    for lang, out in reports.items():
        _export(None, engine=engine, tracking_uri=trained_world.tracking_uri, run_id="latest",
                out_dir=out, keys_dir=root / "home" / "keys", lang=lang)  # fmt: skip
    engine.dispose()
    return ReportWorld(
        store_url, trained_world.tracking_uri, root / "home", summary.run_id,
        {a: d for a, d, _ in plan}, ("mod-alice", "mod-bob", "mod-carol"), reports,
    )  # fmt: skip


def _open_cases_one_overdue(engine: object, store_url: str, root: Path) -> None:
    """The nightly run's cases, one of them left past its (fixed, past) due time: an SLA
    breach the report must show."""
    from sqlalchemy import select, update

    from risk.service.cases import sync_cases_after_run
    from risk.store.schema import cases_table

    settings = Settings.model_validate({"home": str(root / "home"), "database_url": store_url})
    sync_cases_after_run(engine=engine, settings=settings, run_id=None)  # type: ignore[arg-type]
    with engine.begin() as connection:  # type: ignore[attr-defined]
        first = connection.execute(select(cases_table.c.id).order_by(cases_table.c.id)).first()
        assert first is not None, "the run opened no case"
        connection.execute(
            update(cases_table)
            .where(cases_table.c.id == first.id)
            .values(due_at=datetime(2026, 1, 1, tzinfo=UTC))
        )


def _json(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_format_is_produced_and_verifies(report_world: ReportWorld, lang: str) -> None:
    from risk.report.manifest import verify_report

    directory = report_world.reports[lang]
    written = sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*"))
    assert set(REPORT_FILES) | {"manifest.json", "manifest.sig"} <= set(written)
    assert (directory / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert verify_report(directory).ok


@pytest.mark.slow
def test_pdf_text_holds_the_accounts_and_chinese(report_world: ReportWorld) -> None:
    from pypdf import PdfReader

    report = _json(report_world.reports["zh"] / "report.json")
    # each page's text extracted once (pypdf takes seconds a language) and read below
    pages = {
        lang: [
            (page, page.extract_text() or "")
            for page in PdfReader(report_world.reports[lang] / "report.pdf").pages
        ]
        for lang in ("en", "zh")
    }
    text = "\n".join(page_text for _, page_text in pages["zh"])
    for phrase in ("传销风险审计报告", "案件登记表", "模型说明", "禁止传销条例", "术语表", "确认"):
        assert phrase in text, phrase
    missing = [c["account_id"] for c in report["case_register"] if c["account_id"] not in text]
    assert not missing, f"{len(missing)} registered accounts missing from the PDF: {missing[:5]}"
    first_rule = report["appendix"]["citations"][0]["rule_id"]
    assert f"1 = {first_rule}" in text  # the key to the register's rule numbers
    assert report_world.run_id in text
    english = "\n".join(page_text for _, page_text in pages["en"])
    assert "Case register" in english and "Model card" in english
    # The register points to its rule key where it is: right above the tables, not "below".
    flat = " ".join(english.split())
    assert "(key just above)" in flat and "key below" not in flat
    assert flat.index("(key just above)") < flat.index(f"1 = {first_rule}")
    # No blank page (a page holding only its running header and footer), in either language.
    for lang in ("en", "zh"):
        for number, (_, page_text) in enumerate(pages[lang], 1):
            lines = [x for x in page_text.splitlines() if x.strip()]
            body = lines[2:]  # the first two lines are the running footer
            assert body, f"{lang} page {number} is blank"
    # Counts read as counts, split names in the reader's language, the role in the register.
    assert not re.search(r"\b\d{3,}\.0\b", english), "a count printed as a float"
    assert "测试集" in text and "可能角色" in text and "Likely role" in english
    # (table cells wrap: compare without the line breaks)
    assert "其中不在高风险等级" in re.sub(r"\s+", "", text)
    assert "Of them outside the flagged bands" in " ".join(english.split())
    # The rule key on every page of the register (its landscape pages), not only the first.
    for lang in ("en", "zh"):
        wide = [
            " ".join(page_text.split())
            for page, page_text in pages[lang]
            if page.mediabox.width > page.mediabox.height
        ]
        assert len(wide) >= 2, f"{lang}: the register should span pages here"
        missing = [n for n, page in enumerate(wide, 1) if f"1 = {first_rule}" not in page]
        assert not missing, f"{lang}: register pages {missing} lack the rule key"
    # Case work: the SLA breach of the overdue case, in both languages.
    assert "SLA breaches (not decided by the due time) 1 of 1" in flat
    assert "超出处理时限（SLA）的案件" in text and "1 件中 1 件" in text


def test_charts_name_features_in_the_registrys_words() -> None:
    from risk.report.charts import feature_words

    name = "network_recruitment_commission_to_typical_order"
    english, chinese = feature_words(name, "en"), feature_words(name, "zh")
    assert name not in english and english.startswith("Recruitment bonuses")
    assert re.search(r"[\u4e00-\u9fff]", chinese) and len(chinese) <= 24


@pytest.mark.slow
def test_report_json_validates_and_registers_every_flagged_and_decided_account(
    report_world: ReportWorld,
) -> None:
    from jsonschema import Draft202012Validator

    from risk.store.db import open_store
    from risk.store.scores import scores_frame

    directory = report_world.reports["zh"]
    report = _json(directory / "report.json")
    Draft202012Validator(_json(directory / "schemas/report.schema.json")).validate(report)
    frame = scores_frame(open_store(report_world.store_url), report_world.run_id)
    flagged = set(frame.loc[frame["band"].isin(["high", "critical"]), "account_id"])
    registered = {c["account_id"]: c for c in report["case_register"]}
    assert flagged | set(report_world.decided) == set(registered)
    for account, decision in report_world.decided.items():
        assert registered[account]["decision"] == decision
    text = (directory / "report.json").read_text(encoding="utf-8")
    assert not any(name in text for name in report_world.reviewers)  # pseudonyms only
    counts = {row["decision"]: row["count"] for row in report["summary"]["decisions"]}
    assert counts == {"confirm": 2, "dismiss": 1, "escalate": 2,
                      "pending": len(flagged - set(report_world.decided))}  # fmt: skip
    assert report["model_card"]["region_is_model_feature"] is False
    assert report["charts"]["top_features"]  # the training run's mean |SHAP| was read
    assert all(f["mean_abs_shap"] is not None for f in report["model_card"]["features"])
    assert any("拉人头" in i["text"] or "符合" in i["text"]
               for c in report["case_register"] for i in c["indicators"])  # fmt: skip
    # The register names each account's likely role (as the console does) and shows at most
    # the four principal reasons.
    roles = {a: r if isinstance(r, str) else None
             for a, r in zip(frame["account_id"], frame["role"], strict=True)}  # fmt: skip
    for case in report["case_register"]:
        if case["in_run"]:
            assert case["role"] == roles[case["account_id"]]
        assert len(case["reasons"]) <= 4
    assert {"组织者", "招募者"} & {c["role_label"] for c in report["case_register"]}
    # Indicator hits outside the flagged bands are counted, and the report says why.
    unflagged = frame.loc[~frame["band"].isin(["high", "critical"]), "indicators"]
    for row in report["summary"]["indicators"]:
        hits = sum(any(i["rule_id"] == row["rule_id"] for i in items or []) for items in unflagged)
        assert row["outside_flagged"] == hits, row["rule_id"]
    assert any(row["outside_flagged"] for row in report["summary"]["indicators"])
    page = (directory / "report.html").read_text(encoding="utf-8")
    assert "其中不在高风险等级" in page and 'id="outside-flagged"' in page
    csv_header = (directory / "case_register.csv").read_text(encoding="utf-8").splitlines()[0]
    assert csv_header.startswith("account_id,rank,score,band,role,network_id")


@pytest.mark.slow
def test_dsa_statements_validate_and_cover_each_confirmed_account(
    report_world: ReportWorld,
) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

    directory = report_world.reports["en"]
    validator = Draft202012Validator(_json(directory / "schemas/dsa_statement.schema.json"))
    statements = _json(directory / "dsa/statements-001.json")["statements"]
    confirmed = sorted(a for a, d in report_world.decided.items() if d == "confirm")
    assert sorted(s["puid"].split("_")[-2] for s in statements) == confirmed
    for item in statements:
        validator.validate(item)
        assert item["category"] == "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
        assert item["category_specification"] == ["KEYWORD_PYRAMID_SCHEMES"]
        assert item["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
        assert "Main reasons:" in item["decision_facts"]
    # the Chinese report's statements are in Chinese only (one language per statement)
    chinese = _json(report_world.reports["zh"] / "dsa/statements-001.json")["statements"]
    assert [s["puid"] for s in chinese] == [s["puid"] for s in statements]
    for item in chinese:
        assert item["decision_facts"].startswith("该账户经自动风险评分标记")
        assert "Main reasons" not in item["decision_facts"]
    broken = {**statements[0], "automated_detection": "Maybe"}
    with pytest.raises(ValidationError):
        validator.validate(broken)
    missing_ground = {k: v for k, v in statements[0].items() if not k.startswith("illegal_")}
    if statements[0]["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT":
        with pytest.raises(ValidationError):
            validator.validate(missing_ground)


@pytest.mark.slow
@pytest.mark.parametrize("name", [*REPORT_FILES, "manifest.json", "manifest.sig"])
def test_verify_fails_after_any_byte_of_any_file_changes(
    report_world: ReportWorld, tmp_path: Path, name: str
) -> None:
    from risk.report.manifest import verify_report

    copy = shutil.copytree(report_world.reports["en"], tmp_path / "copy")
    target = copy / name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x20
    target.write_bytes(bytes(data))
    result = verify_report(copy)
    assert not result.ok
    if name in ("manifest.json", "manifest.sig"):
        assert not result.signature_ok
    else:
        assert result.altered == [name]


@pytest.mark.slow
def test_same_run_same_inputs_same_bytes(report_world: ReportWorld, tmp_path: Path) -> None:
    from risk.store.db import open_store

    engine = open_store(report_world.store_url)
    common = dict(engine=engine, tracking_uri=report_world.tracking_uri, run_id=report_world.run_id,
                  keys_dir=report_world.home / "keys", lang="zh")  # fmt: skip
    _export(None, out_dir=tmp_path / "again", **common)
    first = report_world.reports["zh"]
    for name in [*REPORT_FILES, "manifest.json", "manifest.sig"]:
        assert (tmp_path / "again" / name).read_bytes() == (first / name).read_bytes(), name
    from risk.report.export import export_report

    export_report(platform_name="示例社交电商平台", out_dir=tmp_path / "later",
                  generated_at=datetime(2027, 1, 1, tzinfo=UTC), **common)  # type: ignore[arg-type]  # fmt: skip
    later, before = _json(tmp_path / "later/report.json"), _json(first / "report.json")
    assert later["meta"].pop("generated_at") != before["meta"].pop("generated_at")
    assert later == before
    for name in (
        "case_register.csv",
        "summary.csv",
        "dsa/statements-001.json",
        "charts/top_features.png",
    ):
        assert (tmp_path / "later" / name).read_bytes() == (first / name).read_bytes(), name


@pytest.fixture
def cli_env(report_world: ReportWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RISK_HOME", str(report_world.home))
    monkeypatch.setenv("RISK_DATABASE_URL", report_world.store_url)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", report_world.tracking_uri)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.slow
def test_cli_exports_verifies_and_names_a_tampered_file(
    report_world: ReportWorld, cli_env: None, tmp_path: Path
) -> None:
    from risk.cli import app

    out = tmp_path / "cli-report"
    exported = CliRunner().invoke(
        app, ["report", "--run", report_world.run_id, "--lang", "zh", "--from", "2020-01-01",
              "--out", str(out), "--json"]
    )  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert str(out / "report.pdf") in json.loads(exported.stdout)["files"]
    again = CliRunner().invoke(app, ["report", "--out", str(out)])
    # In-process the ServiceError surfaces as the exception (main() turns it into exit code 2).
    assert again.exit_code != 0 and "not empty" in str(again.exception)
    ok = CliRunner().invoke(app, ["report", "verify", str(out)])
    assert ok.exit_code == 0 and "OK" in ok.output
    with (out / "case_register.csv").open("a", encoding="utf-8") as handle:
        handle.write("A9999999,1,1.0,critical\n")
    bad = CliRunner().invoke(app, ["report", "verify", str(out), "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["altered"] == ["case_register.csv"]
    unknown = CliRunner().invoke(app, ["report", "--run", "nope", "--out", str(tmp_path / "x")])
    assert unknown.exit_code != 0 and not (tmp_path / "x").exists()


def _verify_bundle(body: bytes, stem: str, into: Path) -> None:
    """Unzip a downloaded bundle: every format is there and ``risk report verify`` accepts it,
    and rejects it once a byte of the PDF changes."""
    import io
    import zipfile

    from risk.report.manifest import verify_report

    zipfile.ZipFile(io.BytesIO(body)).extractall(into)
    folder = into / stem
    names = {p.name for p in folder.iterdir()}
    assert {"report.pdf", "report.html", "report.json", "case_register.csv"} <= names
    assert {"manifest.json", "manifest.sig", "public_key.pem"} <= names
    assert verify_report(folder).ok
    pdf = folder / "report.pdf"
    pdf.write_bytes(pdf.read_bytes()[:-1] + b"#")
    assert not verify_report(folder).ok


@pytest.mark.slow
def test_regulator_and_admin_fetch_reports_moderator_gets_403(
    report_world: ReportWorld, tmp_path: Path
) -> None:
    from risk.store.db import open_store
    from risk.store.keys import create_key
    from tests.api.conftest import start_server

    engine = open_store(report_world.store_url)
    keys = {role: create_key(engine, role=role, name=f"report-{role}")[0]
            for role in ("regulator", "moderator", "admin")}  # fmt: skip
    settings = Settings.model_validate(
        {"home": str(report_world.home), "database_url": report_world.store_url,
         "mlflow_tracking_uri": report_world.tracking_uri}
    )  # fmt: skip
    server = start_server(settings, load_model=False)
    try:
        with httpx.Client(base_url=server.url, timeout=120) as http:

            def get(role: str, **params: str) -> httpx.Response:
                return http.get(f"/v1/reports/{report_world.run_id}", params=params,
                                headers={"Authorization": f"Bearer {keys[role]}"})  # fmt: skip

            pdf = get("regulator", format="pdf", lang="zh")
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
            assert pdf.headers["content-type"] == "application/pdf"
            # Built once per run and language (the start-up warm-up or the first request), the
            # other formats are answered at once from the cache, byte for byte the same.
            started = time.perf_counter()
            again = get("regulator", format="pdf", lang="zh")
            html = get("regulator", format="html", lang="zh")
            assert time.perf_counter() - started < 3.0
            assert again.content == pdf.content and html.text.startswith("<!DOCTYPE html")
            body = get("admin", format="json").json()
            assert body["meta"]["run"]["id"] == report_world.run_id
            assert get("regulator", format="csv").text.startswith("account_id,rank,score")
            bundle = get("regulator", format="bundle")
            assert bundle.headers["content-type"] == "application/zip"
            stem = f"report-{report_world.run_id}-en"
            assert f'filename="{stem}.zip"' in bundle.headers["content-disposition"]
            _verify_bundle(bundle.content, stem, tmp_path / "received")
            assert get("moderator", format="pdf").status_code == 403
            assert get("regulator", format="docx").status_code == 422
            missing = http.get("/v1/reports/no-such-run", headers={
                "Authorization": f"Bearer {keys['regulator']}"})  # fmt: skip
            assert missing.status_code == 404
    finally:
        server.stop()


@pytest.mark.slow
def test_people_see_the_exact_stored_score_cut_to_three_decimals(
    report_world: ReportWorld,
) -> None:
    from markupsafe import escape
    from pypdf import PdfReader

    from risk.service.accounts import score_text
    from risk.store.db import open_store
    from risk.store.scores import scores_frame

    frame = scores_frame(open_store(report_world.store_url), report_world.run_id)
    stored = frame.set_index("account_id")["score"]
    directory = report_world.reports["en"]
    cases = [c for c in _json(directory / "report.json")["case_register"] if c["in_run"]]
    html = (directory / "report.html").read_text(encoding="utf-8")
    pdf = "\n".join(p.extract_text() or "" for p in PdfReader(directory / "report.pdf").pages)
    for case in cases:
        assert case["score"] == stored[case["account_id"]]  # exact in the JSON
        shown = score_text(case["score"])
        assert f"{case['account_id']}\n{shown}\n" in pdf
        assert (
            f'<code>{case["account_id"]}</code></td>\n<td class="num">{escape(shown)}</td>' in html
        )
    statements = _json(directory / "dsa/statements-001.json")["statements"]
    assert statements
    for item in statements:
        shown = score_text(stored[item["puid"].split("_")[-2]])
        assert f"(score {shown}, band" in item["decision_facts"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_embeds_every_font_and_dates_itself_when_generated(
    report_world: ReportWorld, lang: str
) -> None:
    import re
    import subprocess

    from pypdf import PdfReader

    pdf = report_world.reports[lang] / "report.pdf"
    reader = PdfReader(pdf)
    assert reader.metadata is not None
    assert reader.metadata.creation_date == GENERATED_AT
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    listed = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True)
    rows = listed.stdout.splitlines()[2:]  # after the two header lines
    assert rows, listed.stdout
    for row in rows:
        # columns: name type encoding emb sub uni object ID; "emb" must be yes
        assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row), row
    assert "Helvetica" not in listed.stdout


def test_source_date_epoch_sets_the_pdf_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from risk.report.render_pdf_register import creation_epoch

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert creation_epoch("2026-07-01T08:00:00Z") == GENERATED_AT.timestamp()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert creation_epoch("2026-07-01T08:00:00Z") == 1700000000.0


@pytest.mark.slow
def test_html_report_shows_case_work_and_sla_breaches(report_world: ReportWorld) -> None:
    from html import escape

    for lang, label, value in (("en", "SLA breaches (not decided by the due time)", "1 of 1"),
                               ("zh", "超出处理时限（SLA）的案件", "1 件中 1 件")):  # fmt: skip
        page = (report_world.reports[lang] / "report.html").read_text("utf-8")
        assert 'id="case-work"' in page, lang
        row = f'<th scope="row">{escape(label)}</th><td class="num">{escape(value)}</td>'
        assert row in page, lang


@pytest.mark.slow
def test_the_report_says_the_model_was_trained_on_the_scored_snapshot(
    report_world: ReportWorld,
) -> None:
    """The trained world scores the very snapshot it trained on: the model card says so (the
    labelled accounts' scores are in-sample), in the JSON, the HTML and the PDF."""
    from pypdf import PdfReader

    for lang, words in (
        ("en", "trained on this same snapshot"),
        ("zh", "训练数据即为本次评分的快照"),
    ):
        directory = report_world.reports[lang]
        data = _json(directory / "report.json")["model_card"]["training_data"]
        assert data["trained_on_scored_snapshot"] is True
        assert words in data["in_sample_note"]
        assert words in (directory / "report.html").read_text("utf-8")
        pdf = "".join(
            "".join((page.extract_text() or "").split())
            for page in PdfReader(directory / "report.pdf").pages
        )
        assert "".join(words.split()) in pdf, lang
