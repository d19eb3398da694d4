"""The case decision form, light at any size: one outcome (and action) per likely role, then
per-account overrides for the flagged accounts only (at most ``OVERRIDES_SHOWN``); every other
account takes its role's outcome. The server expands the form to one outcome per account, so
the case is still decided account by account, in one transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from risk.service.cases import Outcome, Proposal
from risk.vocab import FLAGGED_BANDS

OVERRIDES_SHOWN = 200  # the riskiest flagged accounts listed for an override
UNKNOWN_ROLE = "unknown"
NO_ACTION = "none"  # an override's "no action" (empty means: as its role)
# What a role gets by default: participants are often victims, the rest are judged.
ROLE_DEFAULTS = {"participant": "dismiss"}


def role_of(account: Any) -> str:
    return str(account.role) if account.role else UNKNOWN_ROLE


def form_view(accounts: Sequence[Any]) -> dict[str, Any]:
    """The roles present with their account counts and default outcome, and the flagged
    accounts to list for overrides (riskiest first)."""
    counts = Counter(role_of(a) for a in accounts)
    flagged = sorted(
        (a for a in accounts if a.band in FLAGGED_BANDS), key=lambda a: -float(a.score or 0)
    )
    return {
        "roles": [
            {"role": role, "accounts": n, "default": ROLE_DEFAULTS.get(role, "confirm")}
            for role, n in sorted(counts.items())
        ],
        "overrides": flagged[:OVERRIDES_SHOWN],
        "not_listed": len(accounts) - min(len(flagged), OVERRIDES_SHOWN),
    }


def _action(value: str | None) -> str | None:
    return None if not value or value == NO_ACTION else value


def form_proposal(form: Mapping[str, str], roles: Mapping[str, str | None]) -> Proposal:
    """The proposal the form means: each of the case's accounts (``roles``: account -> likely
    role) gets its override when one was chosen, else its role's outcome and action; an
    override naming an account outside the case is kept (the service refuses it by name)."""
    outcomes: list[Outcome] = []
    named = {k.removeprefix("decision:") for k in form if k.startswith("decision:")}
    for account in [*roles, *sorted(named - set(roles))]:
        role = roles.get(account) or UNKNOWN_ROLE
        decision = form.get(f"decision:{account}") or form.get(f"role_decision:{role}") or ""
        override_action = form.get(f"action:{account}")
        action = override_action if override_action else form.get(f"role_action:{role}")
        outcomes.append(Outcome(account_id=account, decision=decision, action=_action(action)))
    return Proposal(
        outcomes=outcomes,
        network_action=str(form.get("network_action") or "") or None,
        ground_kind=str(form.get("ground_kind") or ""),
        legal_ground=str(form.get("legal_ground") or "").strip(),
        statement=str(form.get("statement") or "").strip(),
    )
