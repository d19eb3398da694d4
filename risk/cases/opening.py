"""Opening cases: the nightly run's flagged networks (one open case per unit; later runs add
accounts and raise the priority), and a moderator's case opened from any account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from risk.cases.absorb import absorb_branch_cases
from risk.cases.branches import BRANCH, branch_members, scheme_units
from risk.cases.errors import CaseNotFoundError
from risk.cases.events import case_opened
from risk.cases.history import record_event
from risk.cases.records import CaseSync
from risk.cases.sla import due_at, higher_priority, priority_rank
from risk.errors import StoreConflictError, StoreNotFoundError
from risk.store.db import write_transaction
from risk.store.runs import latest_published_in
from risk.store.schema import case_accounts_table, cases_table, scores_table
from risk.store.types import utcnow
from risk.vocab import CASE_PRIORITIES, EXPLAINED_BANDS, FLAGGED_BANDS, CaseUnit

NIGHTLY_RUN = "nightly-run"  # the actor of what the scoring run opens
_c, _a, _s = cases_table.c, case_accounts_table.c, scores_table.c
_MEMBER_COLUMNS = ("account_id", "network_id", "region", "tier", "band", "score", "role")


def _run_members(
    connection: Connection, run_id: str, *, networks: list[str] | None = None
) -> pd.DataFrame:
    """The run's accounts from band medium up that belong to a network (every band of the
    ``networks`` named: what a branch case holds)."""
    query = select(*(_s[name] for name in _MEMBER_COLUMNS)).where(
        (_s.run_id == run_id) & _s.network_id.is_not(None)
    )
    if networks is None:
        query = query.where(_s.band.in_(EXPLAINED_BANDS))
    else:
        query = query.where(_s.network_id.in_(networks))
    return pd.DataFrame(connection.execute(query).all(), columns=list(_MEMBER_COLUMNS))


def _flagged_networks(members: pd.DataFrame) -> pd.DataFrame:
    """Per network with an account in a flagged band: its priority (top band) and region."""
    flagged = members[members["band"].isin(FLAGGED_BANDS)]
    ranks = flagged["band"].map({band: i for i, band in enumerate(CASE_PRIORITIES)})
    grouped = flagged.assign(rank=ranks).groupby("network_id")
    out = grouped.agg(rank=("rank", "min"), region=("region", _most_common))
    out["priority"] = [CASE_PRIORITIES[int(rank)] for rank in out["rank"]]
    return out


def _most_common(values: pd.Series) -> str | None:
    """The most frequent non-null value (the network's region), or None."""
    counts = values.dropna().value_counts()
    return None if counts.empty else str(counts.index[0])


def _known_accounts(connection: Connection, kind: str) -> pd.DataFrame:
    """(unit_id, account_id, case_id, open) of every account already in a case of this kind."""
    query = select(_c.unit_id, _a.account_id, _c.id, _c.state != "closed").join(
        cases_table, _c.id == _a.case_id
    )
    rows = connection.execute(query.where(_c.unit_kind == kind)).all()
    return pd.DataFrame(rows, columns=["unit_id", "account_id", "case_id", "open"])


def _priorities(connection: Connection, case_ids: list[int]) -> dict[int, str]:
    """The current priority of each of these cases."""
    if not case_ids:
        return {}
    rows = connection.execute(select(_c.id, _c.priority).where(_c.id.in_(case_ids)))
    return {int(row.id): str(row.priority) for row in rows}


def _add_accounts(
    connection: Connection, case_id: int, accounts: pd.DataFrame, run_id: str | None
) -> None:
    """Insert accounts into a case (as scored in ``run_id``)."""
    if accounts.empty:
        return
    now = utcnow()
    rows = [
        {
            "case_id": case_id,
            "account_id": str(r.account_id),
            "added_at": now,
            "run_id": run_id,
            "tier": None if pd.isna(r.tier) else int(r.tier),
            "band": str(r.band),
            "score": float(r.score),
            "role": None if pd.isna(r.role) else str(r.role),
        }
        for r in accounts.itertuples(index=False)
    ]
    connection.execute(insert(case_accounts_table), rows)


def _new_case(
    connection: Connection,
    *,
    kind: CaseUnit,
    unit_id: str,
    network_id: str | None,
    region: str | None,
    priority: str,
    run_id: str | None,
    actor: str,
    sla_hours: Mapping[str, float],
) -> int:
    """Insert an open case and its ``opened`` event; its id."""
    now = utcnow()
    case_id = connection.execute(
        insert(cases_table)
        .values(
            unit_kind=kind,
            unit_id=unit_id,
            network_id=network_id,
            region=region,
            state="open",
            priority=priority,
            priority_rank=priority_rank(priority),
            opened_at=now,
            opened_by=actor,
            run_id=run_id,
            due_at=due_at(now, priority, sla_hours),
            updated_at=now,
        )
        .returning(_c.id)
    ).scalar_one()
    details = {"unit_kind": kind, "unit_id": unit_id, "priority": priority, "run_id": run_id}
    record_event(
        connection,
        case_id=case_id,
        actor=actor,
        kind="opened",
        from_state=None,
        to_state="open",
        details=details,
    )
    case_opened(connection, case_id)
    return int(case_id)


def _raise_case(
    connection: Connection,
    case_id: int,
    *,
    priority: str,
    added: int,
    run_id: str,
    sla_hours: Mapping[str, float],
) -> bool:
    """Raise an open case's priority (never lowers it) and note the accounts a run added."""
    row = connection.execute(select(cases_table).where(_c.id == case_id)).one()
    raised = higher_priority(row.priority, priority)
    if raised == row.priority and added == 0:
        return False
    connection.execute(
        update(cases_table)
        .where(_c.id == case_id)
        .values(
            priority=raised,
            priority_rank=priority_rank(raised),
            due_at=min(row.due_at, due_at(row.opened_at, raised, sla_hours)),
            run_id=run_id,
            updated_at=utcnow(),
        )
    )
    details = {"run_id": run_id, "accounts_added": added, "priority": raised}
    if raised != row.priority:
        details["priority_was"] = row.priority
    record_event(
        connection,
        case_id=case_id,
        actor=NIGHTLY_RUN,
        kind="updated",
        from_state=row.state,
        to_state=row.state,
        details=details,
    )
    return True


def sync_run_cases(
    engine: Engine,
    *,
    run_id: str | None,
    sla_hours: Mapping[str, float],
    branch_head: pd.Series | None = None,
) -> CaseSync:
    """Open a case for each scheme unit the run flags for the first time (a network, or the
    one top-level branch its flagged accounts all lie in: ``risk.cases.branches``, given each
    account's ``branch_head``); add the run's new accounts to open cases and raise their
    priority. Idempotent: a second call changes nothing. A unit whose flagged accounts were all
    in an earlier, closed case stays closed."""
    with write_transaction(engine) as connection:
        latest = latest_published_in(connection)
        run = run_id or (None if latest is None else latest.id)
        if run is None:
            raise StoreNotFoundError("no published scoring run: nothing to open cases from")
        members = _run_members(connection, run)
        networks = _flagged_networks(members)
        known = _known_accounts(connection, "network")
        # Accounts already in a case of their network drop out in one merge, not per network.
        merged = members.merge(
            known[["unit_id", "account_id"]].drop_duplicates(),
            left_on=["network_id", "account_id"],
            right_on=["unit_id", "account_id"],
            how="left",
            indicator=True,
        )
        new_by_network = dict(tuple(merged[merged["_merge"] == "left_only"].groupby("network_id")))
        still_open = known[known["open"].astype(bool)].drop_duplicates("unit_id")
        open_case_of = dict(zip(still_open["unit_id"], still_open["case_id"], strict=True))
        priority_of = _priorities(connection, list(open_case_of.values()))
        no_rows = members.iloc[0:0]
        opened: list[int] = []
        updated: list[int] = []
        added_total = 0
        heads = scheme_units(members, branch_head)
        as_branch = heads[heads.notna() & ~heads.index.isin(list(open_case_of))]
        if len(as_branch) and branch_head is not None:
            done = _sync_branches(connection, run, networks, as_branch, branch_head, sla_hours)
            opened, updated, added_total = done
            networks = networks.drop(index=as_branch.index)
        for network_id, unit in networks.iterrows():
            new = new_by_network.get(network_id, no_rows)[list(_MEMBER_COLUMNS)]
            open_ids = [open_case_of[network_id]] if network_id in open_case_of else []
            priority, region = str(unit["priority"]), unit["region"]
            if len(open_ids):
                case_id = int(open_ids[0])
                current = priority_of[case_id]
                if new.empty and higher_priority(current, priority) == current:
                    continue  # nothing new for this case (a rerun, or a quieter night)
                _add_accounts(connection, case_id, new, run)
                changed = _raise_case(
                    connection,
                    case_id,
                    priority=priority,
                    added=len(new),
                    run_id=run,
                    sla_hours=sla_hours,
                )
                updated += [case_id] if changed else []
            elif new["band"].isin(FLAGGED_BANDS).any():
                case_id = _new_case(
                    connection,
                    kind="network",
                    unit_id=str(network_id),
                    network_id=str(network_id),
                    region=region,
                    priority=priority,
                    run_id=run,
                    actor=NIGHTLY_RUN,
                    sla_hours=sla_hours,
                )
                _add_accounts(connection, case_id, new, run)
                absorb_branch_cases(
                    connection, network_id=str(network_id), into=case_id, actor=NIGHTLY_RUN
                )
                opened.append(case_id)
            else:
                continue
            added_total += len(new)
    return CaseSync(run_id=run, opened=opened, updated=updated, accounts_added=added_total)


def _sync_branches(
    connection: Connection,
    run: str,
    networks: pd.DataFrame,
    heads: pd.Series,
    branch_head: pd.Series,
    sla_hours: Mapping[str, float],
) -> tuple[list[int], list[int], int]:
    """Branch units: open a case holding the whole branch, or add the branch's new accounts
    to its open case and raise its priority. (opened, updated, accounts added)."""
    everyone = _run_members(connection, run, networks=[str(n) for n in heads.index])
    known = _known_accounts(connection, BRANCH)
    still_open = known[known["open"].astype(bool)].drop_duplicates("unit_id")
    open_case_of = dict(zip(still_open["unit_id"], still_open["case_id"], strict=True))
    opened: list[int] = []
    updated: list[int] = []
    added = 0
    for network_id, head in heads.items():
        branch = branch_members(everyone, branch_head, str(head))
        new = branch[~branch["account_id"].isin(known.loc[known["unit_id"] == head, "account_id"])]
        priority, region = (
            str(networks.at[network_id, "priority"]),
            networks.at[network_id, "region"],
        )
        if head in open_case_of:
            case_id = int(open_case_of[head])
            _add_accounts(connection, case_id, new, run)
            if _raise_case(connection, case_id, priority=priority, added=len(new), run_id=run,
                           sla_hours=sla_hours):  # fmt: skip
                updated.append(case_id)
        elif new["band"].isin(FLAGGED_BANDS).any():
            case_id = _new_case(connection, kind=BRANCH, unit_id=str(head),
                                network_id=str(network_id), region=region, priority=priority,
                                run_id=run, actor=NIGHTLY_RUN, sla_hours=sla_hours)  # fmt: skip
            _add_accounts(connection, case_id, new, run)
            opened.append(case_id)
        else:
            continue
        added += len(new)
    return opened, updated, added


def _account_row(connection: Connection, account_id: str) -> Any:
    """The account's row in the latest published run."""
    run = latest_published_in(connection)
    row = None
    if run is not None:
        query = select(*(_s[name] for name in _MEMBER_COLUMNS), _s.run_id).where(
            (_s.run_id == run.id) & (_s.account_id == account_id)
        )
        row = connection.execute(query).first()
    if row is None:
        raise CaseNotFoundError(f"account {account_id!r} has no score in the published run")
    return row


def open_case_by_hand(
    engine: Engine,
    *,
    account_id: str,
    unit_kind: CaseUnit,
    actor: str,
    sla_hours: Mapping[str, float],
    downline: frozenset[str] = frozenset(),
) -> int:
    """A moderator opens a case from an account: its network (the network's accounts from band
    medium up, and this one), or the branch it heads (this account and its whole ``downline``
    as the run scored them, every band). Refused when the unit already has an open case (the
    error names it)."""
    with write_transaction(engine) as connection:
        row = _account_row(connection, account_id)
        unit_id = row.network_id if unit_kind == "network" else account_id
        if unit_id is None:
            raise StoreConflictError(f"account {account_id!r} belongs to no network")
        existing = connection.execute(
            select(_c.id).where(
                (_c.unit_kind == unit_kind) & (_c.unit_id == unit_id) & (_c.state != "closed")
            )
        ).scalar()
        if existing is not None:
            raise StoreConflictError(f"{unit_kind} {unit_id!r} already has open case {existing}")
        members = pd.DataFrame([row], columns=[*_MEMBER_COLUMNS, "run_id"])
        if unit_kind == "network":
            everyone = _run_members(connection, row.run_id)
            everyone = everyone[everyone["network_id"] == unit_id]
            members = pd.concat([everyone, members[list(_MEMBER_COLUMNS)]])
            members = members.drop_duplicates("account_id")
        elif downline:
            everyone = _run_members(connection, row.run_id, networks=[row.network_id])
            below = everyone[everyone["account_id"].isin(downline)]
            members = pd.concat([members[list(_MEMBER_COLUMNS)], below])
            members = members.drop_duplicates("account_id")
        top = min((priority_rank(b) for b in members["band"] if b in CASE_PRIORITIES), default=2)
        case_id = _new_case(
            connection,
            kind=unit_kind,
            unit_id=str(unit_id),
            network_id=row.network_id,
            region=row.region,
            priority=CASE_PRIORITIES[top],
            run_id=row.run_id,
            actor=actor,
            sla_hours=sla_hours,
        )
        _add_accounts(connection, case_id, members, row.run_id)
        if unit_kind == "network":
            absorb_branch_cases(connection, network_id=str(unit_id), into=case_id, actor=actor)
    return case_id
