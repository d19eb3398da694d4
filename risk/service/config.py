"""The effective configuration as people are shown it (the store URL without its password)."""

from __future__ import annotations

from typing import Any

from risk.settings import Settings
from risk.store.db import masked_url


def shown_settings(*, settings: Settings) -> dict[str, Any]:
    """Where state lives and the settings in effect, safe to print (no secrets live in them)."""
    return {
        "home": str(settings.home),
        "store_url": masked_url(settings.store_url),
        "tracking_uri": settings.tracking_uri,
        "model": f"{settings.model_name}@{settings.model_alias}",
        "review_capacity": settings.review_capacity,
        "band_precisions": list(settings.band_precisions),
        "platform_name": settings.platform_name,
        "keep_runs": settings.keep_runs,
    }
