"""Regulators read people as pseudonyms, wherever a name sits in an audit entry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from risk.service.readers import audit_as_seen, reviewer_pseudonyms
from risk.settings import Settings
from risk.store.records import AuditEntry


def test_names_in_case_details_are_pseudonyms_and_notes_are_gone(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    entry = AuditEntry(
        seq=1,
        at=datetime(2026, 12, 1, tzinfo=UTC),
        actor="mod-ann",
        action="case.reassign",
        target="case-7",
        details={"assignee_was": "mod-ann", "assignee": "mod-dee", "note": "私事", "to": "open"},
        prev_hash="0" * 64,
        hash="1" * 64,
    )
    [seen] = audit_as_seen([entry], pseudonymous=True, settings=settings)
    alias = reviewer_pseudonyms(settings=settings)
    assert seen.actor == alias("mod-ann") and seen.actor.startswith("R-")
    assert seen.details == {
        "assignee_was": alias("mod-ann"),
        "assignee": alias("mod-dee"),
        "to": "open",
    }
    assert seen.hash == entry.hash  # the chain is verified on the stored entries
    [own] = audit_as_seen([entry], pseudonymous=False, settings=settings)
    assert own == entry


@pytest.mark.parametrize("key", ["reviewer", "approved_by", "decided_by", "imported_by"])
def test_every_person_field_is_covered(tmp_path: Path, key: str) -> None:
    settings = Settings(home=tmp_path)
    entry = AuditEntry(
        1, datetime(2026, 12, 1, tzinfo=UTC), "a", "x", None, {key: "mod-ann"}, "", ""
    )
    [seen] = audit_as_seen([entry], pseudonymous=True, settings=settings)
    assert "mod-ann" not in str(seen.details)
