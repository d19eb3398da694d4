"""The words the model produces: band names, scheme roles, the languages of its reasons.

A light module (no numpy): the store, the API and the CLI import it through ``risk.vocab``.
"""

from __future__ import annotations

from typing import Literal, get_args

Band = Literal["low", "medium", "high", "critical"]
BAND_NAMES: tuple[Band, ...] = get_args(Band)
# What each band above low promises: the precision of medium, high and critical.
DEFAULT_TARGET_PRECISIONS: tuple[float, float, float] = (0.5, 0.8, 0.95)

SchemeRole = Literal["organizer", "recruiter", "participant"]
SCHEME_ROLES: tuple[SchemeRole, ...] = get_args(SchemeRole)
ACTIONABLE_ROLES: tuple[SchemeRole, ...] = ("organizer", "recruiter")  # whom moderators act on

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = get_args(Lang)
