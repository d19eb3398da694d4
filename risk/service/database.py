"""Opening the store for the CLI and the API: the migrated engine, and the API's group committer
(audited reads sharing write transactions behind the store's write gate)."""

from __future__ import annotations

from sqlalchemy import Engine

from risk.settings import Settings
from risk.store.db import open_store
from risk.store.gate import gate_for
from risk.store.group_commit import GroupCommitter as GroupCommitter  # the API holds one


def open_engine(*, settings: Settings) -> Engine:
    """An engine on the configured store, migrated to the latest schema."""
    return open_store(settings.store_url)


def open_committer(*, engine: Engine) -> GroupCommitter:
    """A group committer for the store, its writers ordered by the store's write gate."""
    return GroupCommitter(engine, gate_for(engine))


def close_committer(*, committer: GroupCommitter) -> None:
    """Finish the queued work, stop the committer's thread and close its gate."""
    committer.close()
    committer.gate.close()
