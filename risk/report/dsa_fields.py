"""The field rules every DSA statement of reasons follows, whatever it was built from (a
confirmed decision in ``dsa``, an enforcement action in ``dsa_actions``): the EU territorial
scope, the database's character limits, clipping to them, and the safe form of a puid and of
the platform's slug. Kept here so both builders share one copy."""

from __future__ import annotations

import re

# The restriction applies wherever the platform serves EU users; the platform narrows it if not.
EU_MEMBER_STATES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
LIMITS = {"decision_facts": 5000, "illegal_content_legal_ground": 500,
          "illegal_content_explanation": 2000, "incompatible_content_ground": 500,
          "incompatible_content_explanation": 2000}  # fmt: skip
PUID_LIMIT = 500
_PUID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_puid(raw: str) -> str:
    """A puid the database accepts: letters, digits, ``_`` and ``-`` only, at most 500."""
    return _PUID_UNSAFE.sub("_", raw)[:PUID_LIMIT]


def platform_slug(platform_name: str) -> str:
    """The platform's name as a puid prefix (ASCII, lower case, at most 40 characters)."""
    slug = _PUID_UNSAFE.sub("-", platform_name.encode("ascii", "ignore").decode())
    return slug.strip("-").lower()[:40] or "platform"
