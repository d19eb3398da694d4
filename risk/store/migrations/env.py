"""Alembic environment: runs on the connection handed over by ``risk.store.db.migrate``."""

from __future__ import annotations

from alembic import context

from risk.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through risk.store.db.migrate(engine), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
