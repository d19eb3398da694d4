"""DSA statements of reasons from the enforcement actions the platform really took (case work):
the restriction, the legal or contractual ground and the statement of reasons the moderator
wrote, in the EU Transparency Database's statement format. Warnings and referrals restrict
nothing, so they get no statement."""

from __future__ import annotations

from typing import Any

from risk.report.dsa_fields import EU_MEMBER_STATES, LIMITS, clip, platform_slug, safe_puid

# action -> the statement's restriction field and value
RESTRICTIONS: dict[str, tuple[str, str]] = {
    "restrict_recruiting": ("decision_provision", "DECISION_PROVISION_PARTIAL_SUSPENSION"),
    "hold_payouts": ("decision_monetary", "DECISION_MONETARY_SUSPENSION"),
    "suspend": ("decision_account", "DECISION_ACCOUNT_SUSPENDED"),
    "terminate": ("decision_account", "DECISION_ACCOUNT_TERMINATED"),
}


def _grounds(action: dict[str, Any]) -> dict[str, str]:
    if action["ground_kind"] == "illegal":
        return {
            "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": clip(
                action["legal_ground"], LIMITS["illegal_content_legal_ground"]
            ),
            "illegal_content_explanation": clip(
                action["statement"], LIMITS["illegal_content_explanation"]
            ),
        }
    return {
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": clip(
            action["legal_ground"], LIMITS["incompatible_content_ground"]
        ),
        "incompatible_content_explanation": clip(
            action["statement"], LIMITS["incompatible_content_explanation"]
        ),
        "incompatible_content_illegal": "No",
    }


def _facts(action: dict[str, Any]) -> str:
    target = "the whole network" if action["scope"] == "network" else "the account"
    detected = (
        "flagged by automated risk scoring"
        if action["opened_by"] == "nightly-run"
        else "reported by a moderator"
    )
    review = ", approved by a second reviewer" if action["approved_by"] else ""
    text = (
        f"{action['statement']} The {action['unit_kind']} was {detected}; a moderator decided "
        f"to {action['action'].replace('_', ' ')} {target}{review}."
    )
    return clip(text, LIMITS["decision_facts"])


def action_statement(action: dict[str, Any], *, slug: str) -> dict[str, Any] | None:
    """One statement for an action that restricts (None for a warning or a referral)."""
    restriction = RESTRICTIONS.get(action["action"])
    if restriction is None:
        return None
    field, value = restriction
    subject = action["account_id"] or f"{action['unit_kind']}-{action['unit_id']}"
    puid = safe_puid(f"{slug}_action_{action['id']}_{subject}")
    return {
        field: value,
        "account_type": "ACCOUNT_TYPE_BUSINESS",
        **_grounds(action),
        "content_type": ["CONTENT_TYPE_OTHER"],
        "content_type_other": "Seller account and its recruitment and commission activity",
        "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "category_specification": ["KEYWORD_PYRAMID_SCHEMES"],
        "territorial_scope": list(EU_MEMBER_STATES),
        "content_date": action["opened_at"].date().isoformat(),
        "application_date": action["taken_at"].date().isoformat(),
        "decision_facts": _facts(action),
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes" if action["opened_by"] == "nightly-run" else "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": puid,
    }


def action_statements(actions: list[dict[str, Any]], *, platform_name: str) -> dict[str, Any]:
    """The multiple-statement payload for the actions that restrict."""
    slug = platform_slug(platform_name)
    made = [action_statement(action, slug=slug) for action in actions]
    return {"statements": [item for item in made if item is not None]}
