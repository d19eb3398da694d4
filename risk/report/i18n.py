"""The report's fixed words in English and Chinese (headings, labels, prose, glossary)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from risk.vocab import DECISION_CONSEQUENCES, Lang

LABELS: dict[str, dict[Lang, str]] = {
    "title": {"en": "Audit report: pyramid-selling risk", "zh": "传销风险审计报告"},
    "cover": {"en": "Cover", "zh": "封面"},
    "platform": {"en": "Platform", "zh": "平台"},
    "period": {"en": "Decision period", "zh": "处置期间"},
    "all_decisions": {"en": "all decisions on record", "zh": "全部已记录的处置"},
    "run_id": {"en": "Scoring run", "zh": "评分批次"},
    "as_of": {"en": "Data as of", "zh": "数据截止时间"},
    "published_at": {"en": "Run published", "zh": "批次发布时间"},
    "model": {"en": "Model", "zh": "模型"},
    "mlflow_run": {"en": "MLflow run", "zh": "MLflow 运行编号"},
    "fingerprint": {"en": "Data fingerprint (SHA-256)", "zh": "数据指纹（SHA-256）"},
    "generated_at": {"en": "Generated at", "zh": "生成时间"},
    "pruned": {"en": "Rows pruned", "zh": "明细清理"},
    "summary": {"en": "Summary", "zh": "概要"},
    "accounts_scored": {"en": "Accounts scored", "zh": "评分账户数"},
    "networks_flagged": {
        "en": "Networks flagged (an account at high or above)",
        "zh": "被标记网络数（含高风险及以上账户）",
    },
    "band": {"en": "Band", "zh": "风险等级"},
    "role": {"en": "Likely role", "zh": "可能角色"},
    "part_train": {"en": "train", "zh": "训练集"},
    "part_stopping": {"en": "early stopping", "zh": "早停验证集"},
    "part_calibration": {"en": "calibration", "zh": "校准集"},
    "part_test": {"en": "test (held-out networks)", "zh": "测试集（留出的网络）"},
    "outside_flagged": {"en": "Of them outside the flagged bands", "zh": "其中不在高风险等级"},
    "outside_flagged_note": {
        "en": (
            "Legal indicators are checked on every account; moderators review the accounts "
            "the model flags (bands high and critical). The accounts counted in the last "
            "column met the indicator but were scored below the flagged bands, so they were "
            "not put to a moderator in this run and are absent from the case register unless "
            "someone decided on them. An indicator alone is evidence, not a finding: a "
            "legitimate network large and deep enough meets the criminal case-filing size "
            "threshold too. These accounts can be listed on request "
            "(risk report or the API's account view)."
        ),
        "zh": (
            "法律指标对每个账户都进行检查；审核员审核的是模型判定为高风险（高、极高等级）的"
            "账户。最后一列统计的账户虽符合该指标，但模型评分低于高风险等级，因此本批次未"
            "交由审核员审核，除非已有人作出处理结论，否则不列入案件登记表。单一指标只是证据，"
            "不构成定性：规模和层级足够大的正常经营网络，同样会达到刑事立案的人数和层级标准。"
            "如需，可按要求列出这些账户（risk report 或 API 的账户视图）。"
        ),
    },
    "accounts": {"en": "Accounts", "zh": "账户数"},
    "indicators_fired": {"en": "Legal indicators met, by rule", "zh": "法律指标命中情况（按规则）"},
    "rule": {"en": "Rule", "zh": "规则"},
    "citation": {"en": "Citation", "zh": "法律依据"},
    "decisions": {"en": "Decisions taken", "zh": "处置情况"},
    "decision": {"en": "Decision", "zh": "处置"},
    "count": {"en": "Count", "zh": "数量"},
    "median_hours": {"en": "Median hours after publication", "zh": "发布后用时中位数（小时）"},
    "p90_hours": {"en": "90th percentile hours", "zh": "第90百分位用时（小时）"},
    "model_card": {"en": "Model card", "zh": "模型说明"},
    "purpose": {"en": "Purpose and intended use", "zh": "用途与预期使用方式"},
    "training_data": {"en": "Training data", "zh": "训练数据"},
    "part": {"en": "Part", "zh": "数据部分"},
    "positives": {"en": "Scheme accounts", "zh": "传销账户"},
    "networks": {"en": "Networks", "zh": "网络数"},
    "validation": {"en": "Validation metrics (held-out networks)", "zh": "验证指标（留出网络）"},
    "metric": {"en": "Metric", "zh": "指标"},
    "value": {"en": "Value", "zh": "数值"},
    "baseline": {"en": "Logistic-regression baseline", "zh": "逻辑回归基线"},
    "calibration": {"en": "Calibration (reliability)", "zh": "校准（可靠性）"},
    "mean_predicted": {"en": "Mean predicted", "zh": "平均预测概率"},
    "observed_rate": {"en": "Observed rate", "zh": "实际比例"},
    "features": {"en": "Features and their definitions", "zh": "特征及其定义"},
    "feature": {"en": "Feature", "zh": "特征"},
    "definition": {"en": "Definition", "zh": "定义"},
    "mean_abs_shap": {"en": "Mean |SHAP|", "zh": "平均|SHAP|"},
    "thresholds": {"en": "Band thresholds (calibrated score)", "zh": "风险等级阈值（校准后分数）"},
    "limitations": {"en": "Known limitations", "zh": "已知局限"},
    "monitoring": {"en": "Monitoring: drift of this run", "zh": "监测：本批次的分布漂移"},
    "score_psi": {"en": "Score PSI", "zh": "分数 PSI"},
    "psi_threshold": {"en": "PSI warning threshold", "zh": "PSI 预警阈值"},
    "drifted": {"en": "Features above the threshold", "zh": "超过阈值的特征"},
    "none": {"en": "none", "zh": "无"},
    "fairness": {"en": "Flag rates by region (fairness check)", "zh": "各地区标记率（公平性检查）"},
    "fairness_note": {
        "en": "Region is never a model feature; it is shown only to check that flag rates do not "
        "follow region for reasons the features do not explain.",
        "zh": "地区从不作为模型特征；此处列出仅用于检查标记率"
        "是否在特征无法解释的情况下随地区变化。",
    },
    "region": {"en": "Region", "zh": "地区"},
    "flagged": {"en": "Flagged (high+)", "zh": "标记（高及以上）"},
    "flag_rate": {"en": "Flag rate", "zh": "标记率"},
    "confirmed": {"en": "Confirmed", "zh": "已确认"},
    "case_register": {"en": "Case register", "zh": "案件登记表"},
    "case_register_note": {
        "en": "Every account at band high or above in this run, and every account with a decision "
        "in the period. Reasons are the model's top contributions; indicators cite the rule met. "
        "Neither is a verdict.",
        "zh": "本批次所有高风险及以上账户，以及期间内有处置记录的所有账户。"
        "理由为模型贡献最大的因素；"
        "指标注明所符合的规则。二者均非定性结论。",
    },
    "account": {"en": "Account", "zh": "账户"},
    "rank": {"en": "Rank", "zh": "排名"},
    "score": {"en": "Score", "zh": "分数"},
    "network": {"en": "Network", "zh": "网络"},
    "tier": {"en": "Tier", "zh": "层级"},
    "reasons": {"en": "Top reasons", "zh": "主要理由"},
    "indicators": {"en": "Indicators", "zh": "法律指标"},
    "reviewer": {"en": "Reviewer", "zh": "审核员"},
    "decided_at": {"en": "Decided at", "zh": "处置时间"},
    "action": {"en": "Action", "zh": "措施"},
    "charts": {"en": "Charts", "zh": "图表"},
    "chart_bands": {"en": "Accounts per band", "zh": "各风险等级账户数"},
    "chart_scores": {"en": "Score distribution", "zh": "分数分布"},
    "chart_features": {
        "en": "Top features (mean |SHAP|, held-out accounts at training)",
        "zh": "主要特征（平均|SHAP|，训练时留出账户）",
    },
    "chart_networks": {
        "en": "Riskiest flagged networks by tier (flagged / accounts · network score)",
        "zh": "网络评分最高的被标记网络的层级结构（被标记 / 账户 · 网络评分）",
    },
    "all_accounts": {"en": "all accounts", "zh": "全部账户"},
    "appendix": {"en": "Appendix", "zh": "附录"},
    "methodology": {"en": "Methodology", "zh": "方法说明"},
    "citation_table": {"en": "Legal citation table", "zh": "法律依据表"},
    "jurisdiction": {"en": "Jurisdiction", "zh": "法域"},
    "title_col": {"en": "Indicator", "zh": "指标"},
    "glossary": {"en": "Glossary", "zh": "术语表"},
    "term": {"en": "Term", "zh": "术语"},
    "verify_note": {
        "en": "Every file of this report is listed with its SHA-256 in manifest.json, signed with "
        "Ed25519 (manifest.sig, public_key.pem). Check with: risk report verify DIR",
        "zh": "本报告每个文件的 SHA-256 均列于 manifest.json，并以 Ed25519 签名（manifest.sig、"
        "public_key.pem）。校验命令：risk report verify DIR",
    },
    "pdf_register_note": {
        "en": "The PDF lists every case with its top two reasons, each cut to one line, and the "
        "numbers of the indicator rules met (key just above); full texts and citations are in "
        "case_register.csv, report.html, report.json and the appendix.",
        "zh": "PDF 列出全部案件，每案显示前两条理由（各截为一行）"
        "及所符合指标规则的编号（见紧接其上的对照）；"
        "完整文字与法律依据见 case_register.csv、report.html、report.json 与附录。",
    },
    "indicator_key": {"en": "Indicator rules", "zh": "指标规则编号"},
    "key_fingerprint": {"en": "Signing key (SHA-256)", "zh": "签名公钥（SHA-256）"},
}

BAND_NAMES: dict[str, dict[Lang, str]] = {
    "low": {"en": "low", "zh": "低"},
    "medium": {"en": "medium", "zh": "中"},
    "high": {"en": "high", "zh": "高"},
    "critical": {"en": "critical", "zh": "极高"},
}

ROLE_NAMES: dict[str, dict[Lang, str]] = {
    "organizer": {"en": "organizer", "zh": "组织者"},
    "recruiter": {"en": "recruiter", "zh": "招募者"},
    "participant": {"en": "participant", "zh": "参与者"},
}

DECISION_NAMES: dict[str, dict[Lang, str]] = {
    "confirm": {"en": "confirmed", "zh": "确认"},
    "dismiss": {"en": "dismissed", "zh": "排除"},  # the console's word too
    "escalate": {"en": "escalated", "zh": "上报"},
    "pending": {"en": "pending", "zh": "待处理"},
}

ACTIONS: dict[str, dict[Lang, str]] = {
    **{str(decision): words for decision, words in DECISION_CONSEQUENCES.items()},
    "pending": {"en": "awaiting review", "zh": "等待审核"},
}  # the consequences the console names before a decision is recorded

METRIC_NAMES: dict[str, dict[Lang, str]] = {
    "roc_auc": {"en": "ROC AUC", "zh": "ROC AUC"},
    "average_precision": {"en": "Average precision", "zh": "平均精确率"},
    "precision_at_k": {"en": "Precision at k={k}", "zh": "前 k={k} 精确率"},
    "recall_at_k": {"en": "Recall at k={k}", "zh": "前 k={k} 召回率"},
    "brier": {"en": "Brier score", "zh": "Brier 分数"},
    "ece": {"en": "Expected calibration error", "zh": "期望校准误差"},
    "accounts": {"en": "Test accounts", "zh": "测试账户数"},
    "positives": {"en": "Test scheme accounts", "zh": "测试传销账户数"},
}

PURPOSE: dict[Lang, str] = {
    "en": "Ranks seller accounts by the calibrated probability that they take part in a "
    "pyramid-style (传销化) scheme, so that human moderators review the riskiest first. A score "
    "is an indicator for review, never a verdict: every action is a moderator's decision, and a "
    "confirmed suspension carries a statement of reasons.",
    "zh": "按校准后的概率对卖家账户排序，概率表示其参与传销化经营的可能性，"
    "供人工审核员优先审核风险最高者。"
    "分数仅为审核线索，而非定性结论：每项措施均由审核员决定，确认暂停的账户均附处理理由说明。",
}

LABEL_SOURCE: dict[Lang, str] = {
    "en": "Labels: the labels table of the training snapshot (accounts known to belong to a "
    "scheme network, per network family), split by whole network so no network is on both sides.",
    "zh": "标签：训练快照中的标签表（已知属于传销网络的账户，按网络类型），按整个网络划分数据集，"
    "同一网络不会同时出现在训练和测试中。",
}

# Said when the model was trained on the very snapshot (files and as_of) this run scored.
TRAINED_ON_SCORED: dict[Lang, str] = {
    "en": "The model was trained on this same snapshot (same data fingerprint): the labelled "
    "accounts scored here were seen in training, so their scores are in-sample and read better "
    "than they would on new data. The held-out figures below are the out-of-sample measure.",
    "zh": "本模型的训练数据即为本次评分的快照（数据指纹相同）：此处评分的已标注账户在训练中出现过，"
    "其评分属于样本内结果，优于模型在新数据上的表现。下方留出集指标才是样本外的衡量。",
}

LIMITATIONS: dict[Lang, list[str]] = {
    "en": [
        "Labels come from the training platform; other compensation plans or fake-sales "
        "patterns may shift scores. Watch the drift table of every run.",
        "Scores rank accounts for review; they are not probabilities of a legal finding.",
        "Small networks and new accounts carry little evidence; their scores are noisier.",
        "Legal indicators use fixed statutory thresholds on the platform's own records; "
        "off-platform payments are invisible to them.",
    ],
    "zh": [
        "标签来自训练平台；其他奖金制度或虚假交易模式可能使分数偏移，需关注每个批次的漂移表。",
        "分数用于审核排序，并非法律认定的概率。",
        "小型网络和新账户证据较少，分数波动更大。",
        "法律指标按法定阈值基于平台自有记录计算，无法反映平台外的支付。",
    ],
}

METHODOLOGY: dict[Lang, list[str]] = {
    "en": [
        "Features: every account's signals (structure, recruitment, inventory loading, money "
        "flows, churn, network aggregates) are computed as of the run's as_of time from the "
        "platform snapshot, whose SHA-256 fingerprint is on the cover.",
        "Model: a gradient-boosted tree classifier (LightGBM) calibrated on held-out networks; "
        "bands are thresholds on the calibrated score chosen for target precisions on "
        "validation networks.",
        "Reasons: TreeSHAP contributions of each feature to the account's score, worded by the "
        "feature registry; the strongest upward contributions are shown.",
        "Legal indicators: deterministic rules with statutory thresholds, each citing its "
        "source; they describe evidence and are evaluated independently of the model.",
        "Decisions: moderators confirm, dismiss or escalate; every decision and every account "
        "view is written to a hash-chained, append-only audit log.",
        "Integrity: manifest.json lists every file's SHA-256 and is signed with Ed25519.",
    ],
    "zh": [
        "特征：根据平台快照，按批次数据截止时间计算每个账户的信号（结构、发展下线、囤货、资金流向、流失、"
        "网络汇总），快照的 SHA-256 指纹见封面。",
        "模型：梯度提升树分类器（LightGBM），在留出网络上校准；风险等级阈值按验证网络上的目标精确率确定。",
        "理由：各特征对账户分数的 TreeSHAP 贡献，由特征注册表生成文字说明，"
        "展示向上贡献最大的因素。",
        "法律指标：带有法定阈值的确定性规则，均注明出处；仅描述证据，独立于模型计算。",
        "处置：审核员可确认、排除或上报；每项处置及每次账户查看均写入哈希链式、只追加的审计日志。",
        "完整性：manifest.json 列出每个文件的 SHA-256，并以 Ed25519 签名。",
    ],
}

GLOSSARY: list[dict[str, str]] = [
    {
        "term_en": "Pyramid selling",
        "term_zh": "传销",
        "definition_en": "A scheme that pays mainly for recruiting participants or charges "
        "entry fees, rather than for sales to real consumers.",
        "definition_zh": "主要以发展人员或收取入门费计酬，"
        "而非以向真实消费者销售商品计酬的经营方式。",
    },
    {
        "term_en": "Score",
        "term_zh": "风险分数",
        "definition_en": "Calibrated probability (0-1) that an account takes part in a scheme.",
        "definition_zh": "账户参与传销的校准概率（0 至 1）。",
    },
    {
        "term_en": "Band",
        "term_zh": "风险等级",
        "definition_en": "low / medium / high / critical, by thresholds on the score.",
        "definition_zh": "按分数阈值划分的低、中、高、极高四个等级。",
    },
    {
        "term_en": "Network",
        "term_zh": "网络",
        "definition_en": "All accounts linked by sponsor relations under one root account.",
        "definition_zh": "同一根账户之下通过推荐关系相连的全部账户。",
    },
    {
        "term_en": "Tier",
        "term_zh": "层级",
        "definition_en": "Sponsor links between an account and its network's root (root = 0).",
        "definition_zh": "账户与网络根账户之间的推荐链接数（根账户为 0）。",
    },
    {
        "term_en": "Legal indicator",
        "term_zh": "法律指标",
        "definition_en": "A rule with a statutory threshold that an account's records meet; "
        "evidence for review, not a verdict.",
        "definition_zh": "账户记录所符合的带法定阈值的规则；作为审核证据，而非定性结论。",
    },
    {
        "term_en": "SHAP",
        "term_zh": "SHAP 值",
        "definition_en": "Each feature's additive contribution to a score (log-odds).",
        "definition_zh": "各特征对分数的可加贡献（对数几率）。",
    },
    {
        "term_en": "PSI",
        "term_zh": "群体稳定性指数",
        "definition_en": "Population stability index: how far a distribution moved from training.",
        "definition_zh": "衡量分布相对训练数据偏移程度的指标。",
    },
    {
        "term_en": "Statement of reasons",
        "term_zh": "处理理由说明",
        "definition_en": "The DSA Art. 17 explanation sent for a restriction, in the EU "
        "Transparency Database format.",
        "definition_zh": "依据《数字服务法》第17条对限制措施作出的说明，采用欧盟透明度数据库格式。",
    },
]


def label(key: str, lang: Lang) -> str:
    """One fixed word or phrase in ``lang``."""
    return LABELS[key][lang]


_PRUNED_NOTE: dict[Lang, str] = {
    "en": "the rows of {accounts:,} accounts at band low with no decision on record were "
    "removed ({at}); every figure in this report still counts them",
    "zh": "已清理 {accounts:,} 个低风险且无处置记录账户的明细（{at}）；"
    "本报告各项统计仍计入这些账户",
}


def pruned_note(run: Mapping[str, Any], lang: Lang) -> str | None:
    """What the cover says of a pruned run (None when no row was removed)."""
    if not run["accounts_pruned"]:
        return None
    at = run["pruned_at"] or ("pruning in progress" if lang == "en" else "清理进行中")
    return _PRUNED_NOTE[lang].format(accounts=run["accounts_pruned"], at=at)
