"""The store: scoring runs, scores, moderator decisions, the audit log and API keys (SQL)."""
