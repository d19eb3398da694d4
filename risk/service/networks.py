"""Networks: the flagged ones as cases, one network's accounts per tier and money flows, and
the console's network page (the view with each flagged account's decision).

A published run never changes, so a network's view in it is computed once per worker and kept
(``NetworkViewCache``): a moderator opening fifty accounts of one big network pays for it once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from risk.service.errors import NetworkNotFoundError
from risk.store.audit import append_audit
from risk.store.network_list import NetworkPage, network_decisions, networks_page
from risk.store.networks import UNKNOWN_TIER, network_groups
from risk.store.runs import latest_published_run
from risk.vocab import FLAGGED_BANDS

# Stored feature -> what it says about money crossing tiers.
FLOWS: dict[str, str] = {
    "downline_sales_amount": "stock_pushed_down",  # sold to its own downline agents
    "consumer_sales_amount": "consumer_sales",  # sold to real consumers
    "total_commission_amount": "commissions_up",  # paid to it from below and for sales
    "recruitment_commission_amount": "recruitment_commissions",
    "team_commission_amount": "team_commissions",
    "entry_fee": "entry_fees",  # paid on joining (flows up to the scheme)
}
MAX_FLAGGED_LISTED = 200
# A view is ~50 kB at most (tiers and the first 200 flagged accounts): 128 is ~6 MB a worker.
NETWORK_VIEWS_KEPT = 128


class NetworkViewCache:
    """Network views by (run id, network id), the least recently used dropped past ``size``.

    Keyed by the run, so a newly published run is never answered from an older one. Views are
    shared between requests: read them, never change them. Thread-safe (sync routes run in a
    thread pool); two requests missing at once both compute, and the last one is kept.
    """

    def __init__(self, size: int = NETWORK_VIEWS_KEPT) -> None:
        self.size = size
        self._views: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, run_id: str, network_id: str) -> dict[str, Any] | None:
        """The kept view, now the most recently used; None if not kept."""
        with self._lock:
            view = self._views.get((run_id, network_id))
            if view is not None:
                self._views.move_to_end((run_id, network_id))
            return view

    def put(self, run_id: str, network_id: str, view: dict[str, Any]) -> None:
        """Keep ``view``, dropping the least recently used past the size."""
        with self._lock:
            self._views[(run_id, network_id)] = view
            self._views.move_to_end((run_id, network_id))
            while len(self._views) > self.size:
                self._views.popitem(last=False)

    def __len__(self) -> int:
        return len(self._views)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """numpy scalars as Python numbers (the API's JSON encoder wants plain values)."""
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}


def tier_table(groups: pd.DataFrame) -> list[dict[str, Any]]:
    """Per tier: accounts, flagged accounts, mean score and the money sums."""
    flagged = groups["accounts"].where(groups["band"].isin(FLAGGED_BANDS), 0)
    per_tier = groups.assign(flagged=flagged).groupby("tier", sort=True).sum(numeric_only=True)
    table = per_tier[list(FLOWS.values())].round(2)
    table.insert(0, "accounts", per_tier["accounts"])
    table.insert(1, "flagged", per_tier["flagged"])
    table.insert(2, "mean_score", (per_tier["score_sum"] / per_tier["accounts"]).round(4))
    table = table.reset_index()
    table["tier"] = table["tier"].astype("int64")
    return [_plain(row) for row in table.to_dict(orient="records")]


def _bands(groups: pd.DataFrame) -> dict[str, int]:
    """Accounts per band, most first (ties: the band reached first by rank)."""
    per_band = groups.groupby("band").agg(accounts=("accounts", "sum"), first=("first_rank", "min"))
    ordered = per_band.sort_values(["accounts", "first"], ascending=[False, True])
    return {str(band): int(count) for band, count in ordered["accounts"].items()}


def _computed_view(engine: Engine, run_id: str, network_id: str) -> dict[str, Any] | None:
    """The network's view in the run, summed in the database; None without an account there."""
    found = network_groups(
        engine,
        network_id,
        run_id=run_id,
        money=list(FLOWS),
        flagged_bands=FLAGGED_BANDS,
        listed=MAX_FLAGGED_LISTED,
    )
    if found.groups.empty:
        return None
    groups = found.groups.rename(columns=FLOWS)
    totals = groups[list(FLOWS.values())].sum().round(2)
    return {
        "network_id": network_id,
        "run_id": run_id,
        "accounts": int(groups["accounts"].sum()),
        "flagged": int(groups.loc[groups["band"].isin(FLAGGED_BANDS), "accounts"].sum()),
        "bands": _bands(groups),
        "tiers": tier_table(groups),
        "totals": {str(k): float(v) for k, v in totals.items()},
        "flagged_accounts": found.flagged,
    }


def _kept_or_computed(
    engine: Engine, run_id: str, network_id: str, cache: NetworkViewCache | None
) -> dict[str, Any] | None:
    """The view kept in ``cache``, else computed (and kept when found)."""
    kept = None if cache is None else cache.get(run_id, network_id)
    if kept is not None:
        return kept
    view = _computed_view(engine, run_id, network_id)
    if view is not None and cache is not None:
        cache.put(run_id, network_id, view)
    return view


def network_view(
    *, engine: Engine, network_id: str, actor: str, cache: NetworkViewCache | None = None
) -> dict[str, Any]:
    """The network's accounts per tier, its flagged accounts and flows in the latest published
    run, from ``cache`` when kept there; every view is audited, kept or not."""
    latest = latest_published_run(engine)  # one indexed row: cheap beside the view
    view = None if latest is None else _kept_or_computed(engine, latest.id, network_id, cache)
    append_audit(
        engine,
        actor=actor,
        action="network.view",
        target=network_id,
        details={
            "run_id": None if view is None else view["run_id"],
            "accounts": 0 if view is None else view["accounts"],
        },
    )
    if view is None:
        raise NetworkNotFoundError(f"network {network_id!r} has no scored account in the run")
    return view


def network_list(
    *, engine: Engine, min_band: str, region: str | None, limit: int, offset: int
) -> NetworkPage:
    """The latest published run's networks reaching ``min_band``, riskiest scheme first (by
    network score, then flagged accounts: ``networks_page``).

    Not audited, like the review queue: a list shows counts, no account's data; opening a
    network or an account is audited.
    """
    return networks_page(
        engine,
        flagged_bands=FLAGGED_BANDS,
        min_band=min_band,
        region=region,
        limit=limit,
        offset=offset,
    )


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
        listed = sum(1 for account in self.flagged_accounts if account.get("flagged", True))
        return int(self.view["flagged"]) - listed

    @property
    def root(self) -> dict[str, Any] | None:
        """The network's root account as listed (the network id is its root's account id)."""
        return next((a for a in self.flagged_accounts if a.get("root")), None)

    @property
    def organizers(self) -> list[dict[str, Any]]:
        """The accounts listed whose likely role is organizer."""
        return [a for a in self.flagged_accounts if a.get("role") == "organizer"]


def network_case(
    *, engine: Engine, network_id: str, actor: str, cache: NetworkViewCache | None = None
) -> NetworkCase:
    """The network in the latest published run (audited) with its decisions read now."""
    view = network_view(engine=engine, network_id=network_id, actor=actor, cache=cache)
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
