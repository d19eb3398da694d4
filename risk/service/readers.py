"""What a reader outside the platform's moderation team sees of the people in it.

Regulators (``api.roles.PSEUDONYMOUS_ROLES``) read decisions and the audit log with every key
name replaced by the reviewer pseudonym of the regulator reports (``risk.report.keys``: the
same reviewer has the same pseudonym in the API, the console and every report) and without
moderators' free-text notes, as ``docs/reports.md`` promises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from risk.report.keys import pseudonym, reviewer_salt
from risk.settings import Settings
from risk.store.records import AuditEntry, DecisionRecord

# Audit actions whose target is a key name (a person), not an account or a run.
_KEY_TARGETS = ("key.create", "key.revoke")
_PRIVATE_DETAILS = ("note", "key_prefix")
# Details that name a person (a key name): shown as that person's pseudonym.
_PERSON_DETAILS = (
    "assignee",
    "assignee_was",
    "reviewer",
    "approved_by",
    "decided_by",
    "imported_by",
    "moderator",
    "actor",
)


def reviewer_pseudonyms(*, settings: Settings) -> Callable[[str], str]:
    """Key name -> the installation's stable reviewer pseudonym (``R-xxxxxxxx``)."""
    salt = reviewer_salt(settings.keys_dir)
    return lambda name: pseudonym(name, salt)


def decisions_as_seen(
    decisions: Sequence[DecisionRecord], *, pseudonymous: bool, settings: Settings
) -> list[DecisionRecord]:
    """The decisions as the reader may see them: pseudonyms and no notes when ``pseudonymous``."""
    if not pseudonymous:
        return list(decisions)
    alias = reviewer_pseudonyms(settings=settings)
    return [replace(d, reviewer=alias(d.reviewer), note=None) for d in decisions]


def audit_as_seen(
    entries: Sequence[AuditEntry], *, pseudonymous: bool, settings: Settings
) -> list[AuditEntry]:
    """Audit entries as the reader may see them: actors (and key names as targets) as
    pseudonyms, notes and key prefixes left out, when ``pseudonymous``. The hashes stay: the
    chain is verified on the stored entries, never on this copy."""
    if not pseudonymous:
        return list(entries)
    alias = reviewer_pseudonyms(settings=settings)

    def details(values: dict[str, Any] | None) -> dict[str, Any] | None:
        if values is None:
            return None
        return {
            k: alias(v) if k in _PERSON_DETAILS and isinstance(v, str) else v
            for k, v in values.items()
            if k not in _PRIVATE_DETAILS
        }

    return [
        replace(
            entry,
            actor=alias(entry.actor),
            target=alias(entry.target)
            if entry.target is not None and entry.action in _KEY_TARGETS
            else entry.target,
            details=details(entry.details),
        )
        for entry in entries
    ]
