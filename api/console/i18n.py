"""Every string the console shows, in English and Chinese (reasons and indicators come worded)."""

from __future__ import annotations

from api.console.i18n_cases import CASE_STRINGS
from risk.vocab import LANGS, Lang

STRINGS: dict[Lang, dict[str, str]] = {
    "en": {
        "app": "mlm-risk console",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "api_key": "API key",
        "key_hint": (
            "Paste the key that the command risk keys create printed. It is kept in an "
            "HttpOnly cookie."
        ),
        "bad_key": "That key is unknown or revoked.",
        "queue": "Queue",
        "audit": "Audit log",
        "runs": "Scoring runs",
        "lookup": "Open an account",
        "lookup_hint": "Account id",
        "open": "Open",
        "band": "Band",
        "region": "Region",
        "network": "Network",
        "status": "Status",
        "pending": "pending",
        "decided": "decided",
        "all": "all",
        "any": "any",
        "filter": "Filter",
        "rank": "Rank",
        "account": "Account",
        "score": "Score",
        "tier": "Tier",
        "top_reason": "Strongest reason",
        "decision": "Decision",
        "no_accounts": "No accounts match.",
        "of": "of",
        "prev": "← Prev",
        "next": "Next →",
        "run": "Run",
        "model": "Model",
        "as_of": "As of",
        "reasons": "Why this score",
        "reasons_up": "Raises the risk",
        "reasons_down": "Lowers the risk",
        "reasons_model": (
            "The signals that moved this account's score most, worked out now by the model in "
            "use; at most four, small pushes left out. Bar: how far each moved the score."
        ),
        "reasons_stored": "Reasons stored by the scoring run (no model loaded).",
        "no_reasons": "No reasons stored for this account (band low).",
        "indicators": "Legal indicators",
        "no_indicators": "No legal indicator fired.",
        "indicators_note": "Indicators are evidence for review, never a verdict.",
        "jurisdiction": "Jurisdiction",
        "citation": "Citation",
        "network_tiers": "Network by tier",
        "accounts": "Accounts",
        "flagged": "Flagged",
        "mean_score": "Mean score",
        "stock_pushed": "Stock pushed down",
        "consumer_sales": "Consumer sales",
        "commissions": "Commissions",
        "entry_fees": "Entry fees",
        "this_account": "this account",
        "network_counts": "{accounts} accounts, {flagged} flagged",
        "monitoring": "Monitoring",
        "precision_alert": (
            "Alert ({scope} {key}): band {band} precision {precision} among {decided} decided"
            " accounts, below its target {target}."
        ),
        "scope_run": "run",
        "scope_week": "week of",
        "weekly_precision": "Band precision among decided accounts, per week",
        "chart_note": (
            "Share confirmed among the accounts decided each week, per band; dashed lines are"
            " the targets. Decisions come from the top of the queue: the exploration column is"
            " the unbiased check."
        ),
        "decisions_count": "Decisions",
        "dismiss_rate": "Dismissed",
        "exploration_precision": "Exploration precision",
        "estimated_precision": "whole band ≈",
        "estimated_precision_note": (
            "Precision over all the band's accounts: exploration picks weighted by 1 / their"
            " inclusion probability (the queue's bias undone); n = what it is worth in decisions"
        ),
        "hours_to_decision": "Hours flag to decision (median)",
        "no_decisions_yet": "No decisions yet.",
        "models": "Models",
        "models_compared": (
            "Run {run} (as of {as_of}): {champion} (champion, what moderators see) and"
            " {challenger} (challenger, shadow scores) on {accounts} accounts; {changed}"
            " change band."
        ),
        "model_flagged": "Flagged (high or critical)",
        "agreement": "Agrees with decisions since ({n})",
        "precision_at_k": "Precision at {k} among {n} decided",
        "model_champion": "Champion",
        "model_challenger": "Challenger",
        "band_changes": "Band changes (rows: champion, columns: challenger)",
        "promote_note": (
            "Promotion is a person's decision: `risk models promote --reason ...` moves the"
            " champion and records who, why and these figures in the audit log."
        ),
        "no_shadow": (
            "No shadow run yet: register a challenger (`risk models recalibrate` or `risk train"
            " --labels-from-decisions`); the next nightly run scores with it too."
        ),
        "exploration": "exploration",
        "exploration_help": (
            "Drawn where the model is least sure, among accounts no one has decided: your"
            " decision teaches the model what it does not know. Decide it like any other."
        ),
        "no_network": "The account belongs to no network.",
        "sales": "Orders and sales",
        "value": "Value",
        "percentile": "Percentile",
        "meaning": "Meaning",
        "sales_note": (
            "Summary of the account's orders as of the run, kept by the scoring run. The raw "
            "orders are not in the store; see the snapshot for order-level detail."
        ),
        "decide": "Decide",
        "confirm": "confirm",
        "dismiss": "dismiss",
        "escalate": "escalate",
        "note": "Note",
        "record": "Record decision…",
        "record_hint": "You confirm what the decision does on the next page.",
        "read_only": "Read-only: regulators cannot record decisions.",
        "history": "Decision history",
        "reviewer": "Reviewer",
        "at": "At",
        "recorded": "Decision recorded",
        "latest_decision": "Latest decision",
        "none": "none",
        "chain": "Chain",
        "chain_ok": "intact",
        "chain_bad": "BROKEN",
        "verify": "Verify chain",
        "entries": "entries",
        "head": "head",
        "hash": "Hash",
        "seq": "#",
        "actor": "Actor",
        "action": "Action",
        "target": "Target",
        "details": "Details",
        "not_verified": "not verified yet",
        "started": "Started",
        "published": "Published",
        "pruned": "pruned",
        "scored": "Scored",
        "networks": "Networks",
        "min_band": "Reaching band",
        "networks_count": "{total} networks",
        "no_networks": "No networks match.",
        "networks_order": (
            "Highest network score (the mean of its top max(3, 10%) member scores) first, then "
            "most flagged (high or critical) accounts, then the highest score. Decided: "
            "accounts with a decision on record; pending: flagged accounts still to decide."
        ),
        "network_score": "Network score",
        "branch_score": "Branch score",
        "bands": "Bands",
        "top_score": "Top score",
        "depth": "Deepest tier",
        "regions": "Regions",
        "decided_accounts": "Decided",
        "flagged_pending": "Flagged pending",
        "unknown_tier": "unknown",
        "open_network": "Open the network",
        "network_in_queue": "its accounts in the queue",
        "flagged_accounts": "Flagged accounts",
        "flagged_listed": (
            "the root and likely organizers, then the riskiest of {flagged} flagged accounts "
            "({listed} listed)"
        ),
        "flagged_more": "{more} more flagged accounts are not listed here.",
        "no_flagged": "No account of this network is flagged.",
        "money_flows": "Money flows",
        "flow_stock_pushed_down": "Stock pushed down to own downline",
        "flow_consumer_sales": "Sales to consumers",
        "flow_commissions_up": "Commissions received",
        "flow_recruitment_commissions": "of which for recruiting",
        "flow_team_commissions": "of which on the team's sales",
        "flow_entry_fees": "Entry fees paid on joining",
        "flows_note": "Sums over the network's accounts as of the run (their stored features).",
        "forbidden": "Your role may not open this page.",
        "csrf_refused": "This form is out of date or was not sent from the console: nothing"
        " was recorded. Reload the page and send it again.",
        "origin_refused": "This request did not come from the console's own pages (its Origin"
        " or Referer is missing or another site's): nothing was recorded.",
        "error": "Error",
        "band_flagged": "flagged (high, critical)",
        "band_any": "any",
        "queue_count": "{total} accounts in this selection",
        "flagged_left": "{left} flagged accounts left to decide",
        "order": "Order",
        "order_priority": "organizers and recruiters first",
        "order_score": "by score",
        "order_priority_note": (
            "Likely organizers and recruiters first, then the other flagged accounts; the "
            "riskiest networks first, at most {turn} accounts of a network before the next "
            "network's turn."
        ),
        "order_score_note": "Highest score first.",
        "bad_filter": "The filter {field} cannot be {value!r}. Allowed: {allowed}.",
        "back_to_queue": "Back to the queue",
        "reports": "Report",
        "report_of_run": "The regulator report of scoring run {run} (as of {as_of}).",
        "format": "Format",
        "lang_en": "English",
        "lang_zh": "Chinese",
        "download": "Download",
        "report_pdf": "PDF (printable report)",
        "report_html": "HTML (the same report in a browser)",
        "report_csv": "CSV (case register)",
        "report_json": "JSON (machine-readable report)",
        "report_bundle": "Signed bundle (every format, verifiable with risk report verify)",
        "reports_note": (
            "Built once per run and language and kept; a new decision makes the next "
            "download build a fresh report. Reviewers appear as pseudonyms; notes are never "
            "included. Every download is written to the audit log."
        ),
        "no_report": "No scoring run is published yet.",
        "action_account_view": "viewed account",
        "action_account_explain": "explained account",
        "action_network_view": "viewed network",
        "action_decision_record": "recorded decision",
        "action_console_sign_in": "signed in",
        "action_key_create": "created key",
        "action_key_revoke": "revoked key",
        "action_report_fetch": "fetched report",
        "action_run_fail": "marked run failed",
        "action_run_prune": "pruned run",
        "action_run_publish": "published run",
        "detail_run_id": "run",
        "detail_decision_id": "decision no.",
        "detail_decision": "decision",
        "detail_score": "score",
        "detail_band": "band",
        "detail_note": "note",
        "detail_found": "found",
        "detail_accounts": "accounts",
        "detail_role": "role",
        "detail_key_prefix": "key prefix",
        "detail_format": "format",
        "detail_lang": "language",
        "detail_status": "status",
        "detail_rows_dropped": "rows dropped",
        "detail_rows_kept": "rows kept",
        "detail_started_at": "started",
        "detail_stale_after_hours": "stale after (hours)",
        "yes": "yes",
        "no": "no",
        "run_running": "running",
        "run_published": "published",
        "run_failed": "failed",
        "keyrole_moderator": "moderator",
        "keyrole_regulator": "regulator",
        "keyrole_admin": "administrator",
        "confirm_title": "Confirm the decision",
        "confirm_question": "Record “{decision}” on account",
        "consequence": "What it does",
        "confirm_button": "Record: {consequence}",
        "cancel": "Cancel, back to the account",
        "confirm_hint": "Enter records it; nothing is recorded before. Decisions are never edited.",
        "root_account": "Root account",
        "root": "root",
        "likely_organizers": "Likely organizer",
        "role_unknown": "not estimated (band medium and up, with a role model)",
        "bad_parameter": "The parameter {field} of this address is wrong: {problem}.",
        "band_low": "low",
        "band_medium": "medium",
        "band_high": "high",
        "band_critical": "critical",
        "role": "Likely role",
        "role_actionable": "organizer or recruiter",
        "role_organizer": "organizer",
        "role_recruiter": "recruiter",
        "role_participant": "participant",
        "keys": (
            "Keys: j/k move · Enter open · / filter · c/d/e decide · Ctrl+Enter submit · "
            "q queue · Esc leave field"
        ),
    },
    "zh": {
        "app": "传销风险审核台",
        "sign_in": "登录",
        "sign_out": "退出",
        "api_key": "API 密钥",
        "key_hint": "粘贴 risk keys create 命令生成的密钥，它只保存在 HttpOnly Cookie 中。",
        "bad_key": "密钥无效或已吊销。",
        "queue": "待审队列",
        "audit": "审计日志",
        "runs": "评分批次",
        "lookup": "查看账户",
        "lookup_hint": "账户 ID",
        "open": "打开",
        "band": "风险等级",
        "region": "地区",
        "network": "网络",
        "status": "状态",
        "pending": "待处理",
        "decided": "已处理",
        "all": "全部",
        "any": "不限",
        "filter": "筛选",
        "rank": "排名",
        "account": "账户",
        "score": "评分",
        "tier": "层级",
        "top_reason": "首要原因",
        "decision": "处理结论",
        "no_accounts": "没有符合条件的账户。",
        "of": "共",
        "prev": "← 上一页",
        "next": "下一页 →",
        "run": "批次",
        "model": "模型",
        "as_of": "评估时点",
        "reasons": "评分原因",
        "reasons_up": "推高风险",
        "reasons_down": "降低风险",
        "reasons_model": (
            "由当前模型即时计算的、对该账户评分影响最大的信号；最多四条，影响很小的不列出。"
            "条形长度表示其对评分的影响大小。"
        ),
        "reasons_stored": "评分批次保存的原因（未加载模型）。",
        "no_reasons": "该账户未保存原因（低风险等级）。",
        "indicators": "法律指标",
        "no_indicators": "未触发任何法律指标。",
        "indicators_note": "指标仅为审核证据，不构成定性结论。",
        "jurisdiction": "法域",
        "citation": "依据",
        "network_tiers": "网络分层",
        "accounts": "人数",
        "flagged": "高风险",
        "mean_score": "平均评分",
        "stock_pushed": "向下压货",
        "consumer_sales": "终端零售",
        "commissions": "佣金",
        "entry_fees": "入门费",
        "this_account": "本账户",
        "network_counts": "共 {accounts} 人，其中高风险 {flagged} 人",
        "monitoring": "监控",
        "precision_alert": (
            "警报（{scope} {key}）：{band}风险等级在 {decided} 个已审核账户中的精确率为"
            " {precision}，低于目标 {target}。"
        ),
        "scope_run": "批次",
        "scope_week": "自该日起一周",
        "weekly_precision": "各风险等级在已审核账户中的精确率（按周）",
        "chart_note": (
            "每周已审核账户中确认的比例（按风险等级）；虚线为目标。审核结论来自队列前列，"
            "“探索抽样精确率”一栏是无偏的核对。"
        ),
        "decisions_count": "审核数",
        "dismiss_rate": "驳回比例",
        "exploration_precision": "探索抽样精确率",
        "estimated_precision": "全等级估计 ≈",
        "estimated_precision_note": (
            "该等级全部账户的精确率估计：探索抽样按入样概率的倒数加权（消除审核队列的偏差）；"
            "n 为其相当的审核数"
        ),
        "hours_to_decision": "标记到审核（中位小时数）",
        "no_decisions_yet": "尚无审核结论。",
        "models": "模型",
        "models_compared": (
            "批次 {run}（截至 {as_of}）：{champion}（现役模型，审核员所见）与 {challenger}"
            "（候选模型，影子评分）共 {accounts} 个账户；{changed} 个账户风险等级不同。"
        ),
        "model_flagged": "高风险（高或极高）",
        "agreement": "与此后审核结论一致（{n}）",
        "precision_at_k": "已审核 {n} 个账户中前 {k} 名的精确率",
        "model_champion": "现役模型",
        "model_challenger": "候选模型",
        "band_changes": "风险等级变化（行：现役模型，列：候选模型）",
        "promote_note": (
            "启用候选模型须由人决定：`risk models promote --reason ...` 更换现役模型，"
            "并在审计日志中记录操作人、理由及以上数据。"
        ),
        "no_shadow": (
            "尚无影子评分：请先注册候选模型（`risk models recalibrate` 或 `risk train"
            " --labels-from-decisions`），下一次夜间评分会同时用它评分。"
        ),
        "exploration": "探索抽样",
        "exploration_help": (
            "从模型最没有把握、尚无人审核的账户中抽取：您的审核结论能让模型学到它不知道的情况。"
            "请像其他账户一样审核。"
        ),
        "no_network": "该账户不属于任何网络。",
        "sales": "订单与销售",
        "value": "数值",
        "percentile": "百分位",
        "meaning": "含义",
        "sales_note": (
            "评分批次保存的截至评估时点的订单汇总；库中不保存原始订单，订单明细请查看数据快照。"
        ),
        "decide": "处理",
        "confirm": "确认",
        "dismiss": "排除",
        "escalate": "上报",
        "note": "备注",
        "record": "提交结论…",
        "record_hint": "下一页会列明该结论的处理后果，确认后才会记录。",
        "read_only": "只读：监管角色不能提交处理结论。",
        "history": "处理记录",
        "reviewer": "审核人",
        "at": "时间",
        "recorded": "已记录处理结论",
        "latest_decision": "最近结论",
        "none": "无",
        "chain": "哈希链",
        "chain_ok": "完整",
        "chain_bad": "已损坏",
        "verify": "校验哈希链",
        "entries": "条",
        "head": "链头",
        "hash": "哈希",
        "seq": "序号",
        "actor": "操作人",
        "action": "操作",
        "target": "对象",
        "details": "详情",
        "not_verified": "尚未校验",
        "started": "开始",
        "published": "发布",
        "pruned": "已清理",
        "scored": "账户数",
        "networks": "网络",
        "min_band": "最高风险等级至少",
        "networks_count": "共 {total} 个网络",
        "no_networks": "没有符合条件的网络。",
        "networks_order": (
            "按网络评分（成员中最高的 max(3, 10%) 个评分的平均值）从高到低排列，其次按高风险"
            "（高、极高）账户数，再按最高评分。已处理：已有处理结论的账户；"
            "待处理：尚无结论的高风险账户。"
        ),
        "network_score": "网络评分",
        "branch_score": "分支评分",
        "bands": "风险等级分布",
        "top_score": "最高评分",
        "depth": "最深层级",
        "regions": "地区",
        "decided_accounts": "已处理",
        "flagged_pending": "高风险待处理",
        "unknown_tier": "未知",
        "open_network": "查看整个网络",
        "network_in_queue": "在待审队列中查看其账户",
        "flagged_accounts": "高风险账户",
        "flagged_listed": (
            "先列根账户和可能的组织者，再列 {flagged} 个高风险账户中风险最高者"
            "（共列出 {listed} 个）"
        ),
        "flagged_more": "另有 {more} 个高风险账户未在此列出。",
        "no_flagged": "该网络没有高风险账户。",
        "money_flows": "资金流向",
        "flow_stock_pushed_down": "向自己下线压货",
        "flow_consumer_sales": "终端零售",
        "flow_commissions_up": "所得佣金",
        "flow_recruitment_commissions": "其中：拉人头佣金",
        "flow_team_commissions": "其中：团队计酬",
        "flow_entry_fees": "加入时缴纳的入门费",
        "flows_note": "截至评估时点，该网络所有账户的合计（取自评分批次保存的特征）。",
        "forbidden": "您的角色无权打开此页面。",
        "csrf_refused": "该表单已过期或并非从控制台提交：未记录任何内容。请刷新页面后重新提交。",
        "origin_refused": "该请求并非来自控制台自身页面（Origin 或 Referer 缺失或属于其他网站）："
        "未记录任何内容。",
        "error": "错误",
        "band_flagged": "高风险（高、极高）",
        "band_any": "不限",
        "queue_count": "当前筛选共 {total} 个账户",
        "flagged_left": "尚有 {left} 个高风险账户待处理",
        "order": "排序",
        "order_priority": "组织者和招募者优先",
        "order_score": "按评分",
        "order_priority_note": (
            "先列可能的组织者和招募者，再列其他高风险账户；风险最高的网络在前，"
            "每个网络连续最多 {turn} 个账户，然后轮到下一个网络。"
        ),
        "order_score_note": "评分从高到低。",
        "bad_filter": "筛选条件 {field} 不能为 {value!r}。可选：{allowed}。",
        "back_to_queue": "返回待审队列",
        "reports": "监管报告",
        "report_of_run": "评分批次 {run}（评估时点 {as_of}）的监管报告。",
        "format": "格式",
        "lang_en": "英文",
        "lang_zh": "中文",
        "download": "下载",
        "report_pdf": "PDF（可打印报告）",
        "report_html": "HTML（在浏览器中查看同一报告）",
        "report_csv": "CSV（案件登记表）",
        "report_json": "JSON（机器可读报告）",
        "report_bundle": "签名文件包（全部格式，可用 risk report verify 校验）",
        "reports_note": (
            "每个批次和语言只生成一次并保留；有新的处理结论后，下次下载会重新生成。"
            "审核员以化名显示，备注从不导出。每次下载都会写入审计日志。"
        ),
        "no_report": "尚无已发布的评分批次。",
        "action_account_view": "查看账户",
        "action_account_explain": "解释账户评分",
        "action_network_view": "查看网络",
        "action_decision_record": "记录处理结论",
        "action_console_sign_in": "登录",
        "action_key_create": "创建密钥",
        "action_key_revoke": "吊销密钥",
        "action_report_fetch": "获取报告",
        "action_run_fail": "标记批次失败",
        "action_run_prune": "清理批次",
        "action_run_publish": "发布批次",
        "detail_run_id": "批次",
        "detail_decision_id": "结论编号",
        "detail_decision": "结论",
        "detail_score": "评分",
        "detail_band": "风险等级",
        "detail_note": "备注",
        "detail_found": "找到",
        "detail_accounts": "账户数",
        "detail_role": "角色",
        "detail_key_prefix": "密钥前缀",
        "detail_format": "格式",
        "detail_lang": "语言",
        "detail_status": "状态",
        "detail_rows_dropped": "删除行数",
        "detail_rows_kept": "保留行数",
        "detail_started_at": "开始",
        "detail_stale_after_hours": "超时（小时）",
        "yes": "是",
        "no": "否",
        "run_running": "运行中",
        "run_published": "已发布",
        "run_failed": "失败",
        "keyrole_moderator": "审核员",
        "keyrole_regulator": "监管方",
        "keyrole_admin": "管理员",
        "confirm_title": "确认处理结论",
        "confirm_question": "对以下账户记录“{decision}”：",
        "consequence": "处理后果",
        "confirm_button": "记录：{consequence}",
        "cancel": "取消，返回账户",
        "confirm_hint": "按 Enter 记录；在此之前不会记录任何内容。处理结论记录后不可修改。",
        "root_account": "根账户",
        "root": "根账户",
        "likely_organizers": "可能的组织者",
        "role_unknown": "未估计（仅对中风险及以上等级估计）",
        "bad_parameter": "此地址的参数 {field} 有误：{problem}。",
        "band_low": "低",
        "band_medium": "中",
        "band_high": "高",
        "band_critical": "极高",
        "role": "可能角色",
        "role_actionable": "组织者或招募者",
        "role_organizer": "组织者",
        "role_recruiter": "招募者",
        "role_participant": "参与者",
        "keys": (
            "快捷键：j/k 移动 · Enter 打开 · / 筛选 · c/d/e 处理 · Ctrl+Enter 提交 · "
            "q 返回队列 · Esc 离开输入框"
        ),
    },
}

for _lang in LANGS:  # the case pages' strings live beside (api.console.i18n_cases)
    STRINGS[_lang] |= CASE_STRINGS[_lang]


def pick_lang(query: str | None, cookie: str | None) -> Lang:
    """The query's language, else the remembered one, else English."""
    for candidate in (query, cookie):
        for lang in LANGS:
            if candidate == lang:
                return lang
    return "en"


def strings(lang: Lang) -> dict[str, str]:
    """The UI strings of ``lang``."""
    return STRINGS[lang]
