"""What the lifespan loads once and every request reads: store engine, model, explainer."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from features.errors import ServiceError
from risk.service.champion import load_serving_champion
from risk.service.database import GroupCommitter
from risk.service.keys import KeyCache
from risk.service.networks import NetworkViewCache
from risk.service.runs import RunCache
from risk.settings import Settings

if TYPE_CHECKING:
    from models.explainer import Explainer

log = logging.getLogger(__name__)


@dataclass
class AppState:
    """The app's long-lived objects (one per worker process)."""

    settings: Settings
    engine: Engine
    committer: GroupCommitter  # the audited reads of the hot routes, group-committed
    runs: RunCache = field(default_factory=RunCache)
    networks: NetworkViewCache = field(default_factory=NetworkViewCache)
    keys: KeyCache = field(default_factory=KeyCache)
    scorer: Any = None  # models.scorer.RiskScorer
    explainer: Explainer | None = None
    model_error: str | None = None

    @property
    def model_version(self) -> str | None:
        """``name/version`` of the loaded champion, or None."""
        return None if self.scorer is None else str(self.scorer.label)


def load_champion(state: AppState) -> None:
    """Load the champion scorer and its explainer into ``state``; remember why if we cannot."""
    try:
        champion = load_serving_champion(settings=state.settings)
    except ServiceError as error:
        state.model_error = error.message
        log.warning("serving stored scores only: %s", error.message)
        return
    state.scorer, state.explainer, state.model_error = champion.scorer, champion.explainer, None
    log.info("loaded model %s", champion.scorer.label)
