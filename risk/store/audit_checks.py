"""Cross-checks: the tables the audit chain covers, held to their entries.

A decision, an API key or a published run changed behind the service (an ``INSERT OR
REPLACE``, an un-revoked key, edited scores) no longer matches the entry written with it, and
one deleted leaves an entry with nothing behind it: each finding names the row and the seq.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from risk.store.run_digest import SEALED_COLUMNS, run_content_digest
from risk.store.schema import decisions_table, keys_table, runs_table

# a decision recorded here (one account, or a case's outcome) or imported from another tool
DECISION_ACTIONS = ("decision.record", "decision.import")
KEY_ACTIONS = ("key.create", "key.revoke")
RUN_ACTIONS = ("run.publish", "run.prune")
# What a decision's audit entry records, by decisions column (its details' names).
_DECISION_FIELDS = ("decision", "run_id", "score", "band", "note")


def key_check(key_hash: str) -> str:
    """A digest of a key's stored hash for its audit entry (a swapped hash is caught)."""
    return hashlib.sha256(b"risk-key-check:" + key_hash.encode("ascii")).hexdigest()[:32]


def run_seal(run: Any) -> dict[str, Any]:
    """A run's identity as its publish entry records it (``run`` a scoring_runs row)."""
    return {
        "as_of": run.as_of.isoformat(),
        "model_name": run.model_name,
        "model_version": run.model_version,
        "data_fingerprint": run.data_fingerprint,
        "accounts_scored": run.accounts_scored,
    }


@dataclass
class CoveredEntries:
    """The audit entries that vouch for table rows, gathered while the chain is walked."""

    decisions: dict[int, Any] = field(default_factory=dict)
    keys: dict[str, list[Any]] = field(default_factory=dict)
    runs: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, row: Any) -> None:
        """Keep ``row`` when it is an entry a table row must match."""
        details = row.details or {}
        if row.action in DECISION_ACTIONS and isinstance(details.get("decision_id"), int):
            self.decisions[details["decision_id"]] = row
        elif row.action in KEY_ACTIONS and row.target is not None:
            self.keys.setdefault(row.target, []).append(row)
        elif row.action in RUN_ACTIONS and row.target is not None:
            self.runs.setdefault(row.target, []).append(row)


def _check_decisions(connection: Connection, covered: CoveredEntries) -> list[str]:
    problems: list[str] = []
    seen: set[int] = set()
    for row in connection.execute(select(decisions_table).order_by(decisions_table.c.id)):
        seen.add(row.id)
        entry = covered.decisions.get(row.id)
        if entry is None:
            problems.append(f"decision {row.id} ({row.account_id}) has no audit entry")
            continue
        details = entry.details
        differs = [name for name in _DECISION_FIELDS if details.get(name) != row._mapping[name]]
        if entry.target != row.account_id:
            differs.append("account_id")
        if entry.actor != row.reviewer:
            differs.append("reviewer")
        for name in differs:
            recorded = entry.actor if name == "reviewer" else details.get(name, entry.target)
            stored = row._mapping[name]
            problems.append(
                f"decision {row.id} ({row.account_id}): {name} is {stored!r} but its audit "
                f"entry (seq {entry.seq}) records {recorded!r}"
            )
    problems += [
        f"decision {decision_id} recorded at audit seq {entry.seq} is missing from decisions"
        for decision_id, entry in sorted(covered.decisions.items())
        if decision_id not in seen
    ]
    return problems


def _check_key(row: Any, entries: list[Any]) -> list[str]:
    creates = [entry for entry in entries if entry.action == "key.create"]
    revoked = any(entry.action == "key.revoke" for entry in entries)
    if not creates:
        return [f"API key {row.name!r} has no key.create audit entry"]
    created = creates[-1].details or {}
    problems = []
    if created.get("role") != row.role:
        problems.append(
            f"API key {row.name!r}: role is {row.role!r} but its audit entry "
            f"(seq {creates[-1].seq}) records {created.get('role')!r}"
        )
    if "key_check" in created and created["key_check"] != key_check(row.key_hash):
        problems.append(f"API key {row.name!r}: its stored hash is not the one created")
    if revoked and row.revoked_at is None:
        problems.append(f"API key {row.name!r} was revoked (audit) but is active again")
    if not revoked and row.revoked_at is not None:
        problems.append(f"API key {row.name!r} is revoked without a key.revoke audit entry")
    return problems


def _check_keys(connection: Connection, covered: CoveredEntries) -> list[str]:
    problems: list[str] = []
    names: set[str] = set()
    for row in connection.execute(select(keys_table).order_by(keys_table.c.id)):
        names.add(row.name)
        problems += _check_key(row, covered.keys.get(row.name, []))
    problems += [
        f"API key {name!r} created at audit seq {entries[0].seq} is missing from api_keys"
        for name, entries in sorted(covered.keys.items())
        if name not in names and any(entry.action == "key.create" for entry in entries)
    ]
    return problems


def _check_run(connection: Connection, run: Any, entries: list[Any]) -> list[str]:
    published = [entry for entry in entries if entry.action == "run.publish"]
    if not published:
        return [f"run {run.id} is published without a run.publish audit entry"]
    seal = published[-1].details or {}
    problems = [
        f"run {run.id}: {name} is {value!r} but its publish entry (seq {published[-1].seq}) "
        f"records {seal.get(name)!r}"
        for name, value in run_seal(run).items()
        if seal.get(name) != value
    ]
    sealed = next(
        (entry for entry in reversed(entries) if "content_sha256" in (entry.details or {})), None
    )
    if sealed is not None:
        columns = sealed.details.get("columns", SEALED_COLUMNS)
        unknown = sorted(set(columns) - set(SEALED_COLUMNS))
        if unknown:
            return [*problems, f"run {run.id}: sealed columns {unknown} are not in scores"]
        digest = run_content_digest(connection, run.id, columns)
        if digest.sha256 != sealed.details["content_sha256"]:
            problems.append(
                f"run {run.id}: its {digest.rows} score rows differ from those sealed at audit "
                f"seq {sealed.seq} ({sealed.details.get('rows')} rows): scores were changed"
            )
    return problems


def _check_runs(connection: Connection, covered: CoveredEntries) -> list[str]:
    problems: list[str] = []
    statuses: dict[str, str] = {}
    for run in connection.execute(select(runs_table).order_by(runs_table.c.started_at)):
        statuses[run.id] = run.status
        if run.status == "published":
            problems += _check_run(connection, run, covered.runs.get(run.id, []))
    problems += [
        f"run {run_id} published at audit seq {entries[0].seq} is "
        + ("missing from scoring_runs" if run_id not in statuses else "no longer published")
        for run_id, entries in sorted(covered.runs.items())
        if any(entry.action == "run.publish" for entry in entries)
        and statuses.get(run_id) != "published"
    ]
    return problems


def check_tables(connection: Connection, covered: CoveredEntries) -> list[str]:
    """Every decision, API key and published run that differs from its audit entries."""
    return (
        _check_decisions(connection, covered)
        + _check_keys(connection, covered)
        + _check_runs(connection, covered)
    )
