"""The roles an account can play in a scheme (light module: the store and API import it)."""

from __future__ import annotations

SCHEME_ROLES: tuple[str, ...] = ("organizer", "recruiter", "participant")
ACTIONABLE_ROLES: tuple[str, ...] = ("organizer", "recruiter")  # whom moderators act on
