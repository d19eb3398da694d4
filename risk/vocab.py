"""The shared words of the application: bands, decisions, roles, languages, run statuses.

Every other module of ``risk/`` and ``api/`` takes these names from here. The words the model
itself produces (band names, scheme roles, languages of its reasons) are defined once in
``models`` (which cannot import ``risk``) and re-exported here, so there is still one
definition of each and one place to import it from.
"""

from __future__ import annotations

from typing import Literal, get_args

from models.vocab import ACTIONABLE_ROLES, BAND_NAMES, LANGS, SCHEME_ROLES, Band, Lang, SchemeRole

__all__ = [
    "ACTIONABLE_ROLES",
    "BAND_NAMES",
    "DECISIONS",
    "DECISION_LABELS",
    "DECISION_STATUSES",
    "EXPLAINED_BANDS",
    "FLAGGED_BANDS",
    "KEY_ROLES",
    "LANGS",
    "RUN_STATUSES",
    "SCHEME_ROLES",
    "Band",
    "Decision",
    "DecisionStatus",
    "KeyRole",
    "Lang",
    "RunStatus",
    "SchemeRole",
]

# Reasons and the likely role are stored for these bands (explaining every account costs minutes).
EXPLAINED_BANDS: tuple[Band, ...] = ("medium", "high", "critical")
# A network with an account in one of these bands is flagged (a case for moderators).
FLAGGED_BANDS: tuple[Band, ...] = ("high", "critical")

Decision = Literal["confirm", "dismiss", "escalate"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)
# What a decision teaches the model: escalate is "not sure yet" and labels nothing.
DECISION_LABELS: dict[Decision, int] = {"confirm": 1, "dismiss": 0}
DecisionStatus = Literal["pending", "decided", "all"]  # the queue's filter on decisions
DECISION_STATUSES: tuple[DecisionStatus, ...] = get_args(DecisionStatus)

# Who holds an API key (not to be confused with an account's role in a scheme).
KeyRole = Literal["moderator", "regulator", "admin"]
KEY_ROLES: tuple[KeyRole, ...] = get_args(KeyRole)

RunStatus = Literal["running", "published", "failed"]
RUN_STATUSES: tuple[RunStatus, ...] = get_args(RunStatus)
