"""The keyed audit chain: its newest entries, and the whole chain verified against anchors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from risk.errors import StoreInputError
from risk.settings import Settings
from risk.store import audit as store
from risk.store.anchors import Anchor, anchor_from_json, read_checkpoints, write_checkpoint
from risk.store.records import AuditEntry, AuditVerification


def list_audit(
    *,
    engine: Engine,
    limit: int = 100,
    since: datetime | None = None,
    actor: str | None = None,
    target: str | None = None,
) -> list[AuditEntry]:
    """The newest entries first, optionally since a time / by an actor / about a target."""
    return store.list_audit(engine, limit=limit, since=since, actor=actor, target=target)


def _report_anchor(directory: Path, settings: Settings) -> Anchor:
    """The audit head signed into a report's manifest, once the report verifies under the
    platform's pinned key (an unsigned or re-signed head proves nothing)."""
    # lazy: cryptography (~0.1 s); the API imports this module at start-up, only verify reads it
    from risk.report.keys import platform_public_key
    from risk.report.manifest import MANIFEST, verify_report

    trusted = platform_public_key(settings.keys_dir, settings.report_public_key)
    if trusted is None:
        raise StoreInputError(
            f"{directory}: no trusted report key to check its signature with "
            "(set RISK_REPORT_PUBLIC_KEY to the platform's key)"
        )
    result = verify_report(directory, trusted_public_key=trusted)
    if not result.ok:
        found = [*result.problems, *result.altered, *result.missing, *result.added]
        raise StoreInputError(f"{directory}: the report does not verify: {'; '.join(found)}")
    head = json.loads((directory / MANIFEST).read_bytes()).get("audit_head")
    if head is None:
        raise StoreInputError(f"{directory}: the report's manifest carries no audit head")
    return anchor_from_json(head, source=f"report {directory}")


def load_anchors(paths: Sequence[Path], *, settings: Settings) -> list[Anchor]:
    """Anchors from checkpoint files and report directories (named on any error)."""
    anchors: list[Anchor] = []
    for path in paths:
        if path.is_dir():
            anchors.append(_report_anchor(path, settings))
        elif path.is_file():
            anchors += read_checkpoints(path)
        else:
            raise StoreInputError(f"--anchor {path}: no such file or report directory")
    return anchors


def verify_audit_chain(
    *, engine: Engine, anchor_paths: Sequence[Path] = (), settings: Settings | None = None
) -> AuditVerification:
    """Walk the whole chain (it reads every entry) held to the anchors in ``anchor_paths``
    (checkpoint files, report directories), and cross-check decisions, keys and runs."""
    anchors = [] if settings is None else load_anchors(anchor_paths, settings=settings)
    return store.verify_audit_chain(engine, anchors=anchors)


def checkpoint_audit(*, engine: Engine, reason: str) -> Anchor | None:
    """Append the chain's head to the configured checkpoint file now."""
    return write_checkpoint(engine, reason=reason)
