"""The console's network page: the (kept) network view with each flagged account's decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from risk.service.network import NetworkViewCache, network_view
from risk.store.network_list import network_decisions
from risk.store.networks import UNKNOWN_TIER
from risk.vocab import FLAGGED_BANDS


@dataclass(frozen=True)
class NetworkCase:
    """A network as the console shows it: its view and how far its review has gone."""

    view: dict[str, Any]
    flagged_accounts: list[dict[str, Any]]  # the view's, each with its latest "decision" or None
    decided: int
    flagged_pending: int

    @property
    def depth(self) -> int | None:
        """The deepest tier recorded (None when no account's tier is)."""
        known = [int(tier["tier"]) for tier in self.view["tiers"] if tier["tier"] != UNKNOWN_TIER]
        return max(known, default=None)

    @property
    def unlisted_flagged(self) -> int:
        """Flagged accounts beyond the listed ones."""
        return int(self.view["flagged"]) - len(self.flagged_accounts)


def network_case(
    engine: Engine, network_id: str, *, actor: str, cache: NetworkViewCache | None = None
) -> NetworkCase:
    """The network in the latest published run (audited) with its decisions read now."""
    view = network_view(engine, network_id, actor=actor, cache=cache)
    listed = view["flagged_accounts"]
    decisions = network_decisions(
        engine,
        run_id=view["run_id"],
        network_id=network_id,
        account_ids=[account["account_id"] for account in listed],
        flagged_bands=FLAGGED_BANDS,
    )
    return NetworkCase(
        view=view,
        # New dicts: the view is shared through the cache and stays as computed.
        flagged_accounts=[
            {**account, "decision": decisions.latest.get(account["account_id"])}
            for account in listed
        ],
        decided=decisions.decided,
        flagged_pending=int(view["flagged"]) - decisions.flagged_decided,
    )
