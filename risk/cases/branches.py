"""Which unit a flagged network is judged as: the whole network, or one top-level branch.

The rule (README, "Case work"): a network's scheme unit is its top-level branch (a tier-1 account,
the organizer, and its whole downline) when every flagged account of the network lies in that
one branch and the root is not flagged; otherwise the whole network. A branch case holds the
whole branch as the run scored it (every band: the organizer and all its downline), a network
case the network's accounts from band medium up. One open case per unit; a network with an
open network case keeps it (the run adds to it rather than opening a branch case beside it),
and a network case opened over a branch case still in review absorbs it (``risk.cases.absorb``).
"""

from __future__ import annotations

import pandas as pd

from risk.vocab import FLAGGED_BANDS, CaseUnit

BRANCH: CaseUnit = "branch"


def scheme_units(members: pd.DataFrame, branch_head: pd.Series | None) -> pd.Series:
    """Per flagged network (index ``network_id``): the id of the branch head that is its
    scheme unit, or None when the unit is the whole network (also when no branch is known)."""
    flagged = members[members["band"].isin(FLAGGED_BANDS)]
    networks = pd.Index(flagged["network_id"].unique(), name="network_id")
    if branch_head is None or flagged.empty:
        return pd.Series(None, index=networks, dtype=object)
    heads = flagged["account_id"].map(branch_head)
    per_network = heads.groupby(flagged["network_id"]).agg(["nunique", "first", "size"])
    known = heads.notna().groupby(flagged["network_id"]).all()
    one_branch = (per_network["nunique"] == 1) & known
    # A root is its own head: a flagged root makes the unit the network.
    not_root = per_network["first"] != per_network.index.to_series()
    unit = per_network["first"].where(one_branch & not_root, None)
    return unit.reindex(networks).astype(object).where(lambda s: s.notna(), None)


def branch_members(everyone: pd.DataFrame, branch_head: pd.Series, head: str) -> pd.DataFrame:
    """The run's accounts of ``head``'s top-level branch (the head and its whole downline)."""
    return everyone[everyone["account_id"].map(branch_head) == head]
