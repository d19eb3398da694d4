"""SHAP reasons on demand for any scored account, from its stored feature values, by the
champion model loaded once (as the nightly run loads it: the registered model's alias)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from models.explain_text import check_lang
from risk.service.accounts import every_reason_worded
from risk.service.errors import AccountNotFoundError, ModelUnavailableError
from risk.settings import Settings
from risk.store.group_commit import GroupCommitter
from risk.store.records import ScoreRecord
from risk.store.scores import audited_score_in
from risk.vocab import Lang

if TYPE_CHECKING:
    from models.explainer import Explainer
    from models.scorer import RiskScorer

MAX_REASONS = 20


@dataclass(frozen=True)
class Champion:
    """The champion model's scorer and the explainer built on it."""

    scorer: RiskScorer
    explainer: Explainer


def champion_of(scorer: RiskScorer) -> Champion:
    """A loaded scorer with the explainer built on it."""
    # lazy: the explainer's numpy and pandas: the API imports this module at start-up
    from models.explainer import Explainer

    explainer = Explainer(scorer.booster, list(scorer.feature_names), scorer.reference_medians)
    return Champion(scorer=scorer, explainer=explainer)


def load_champion(*, settings: Settings) -> Champion:
    """The model registered under the settings' alias, loaded from MLflow with its explainer."""
    # lazy: MLflow and LightGBM (~3 s): the API imports this module at start-up
    from models.mlflow_io import load_scorer

    reference = f"{settings.model_name}@{settings.model_alias}"
    return champion_of(load_scorer(reference, settings.tracking_uri))


def explain_request_in(
    connection: Connection, account_id: str, *, actor: str, lang: Lang
) -> ScoreRecord | None:
    """The account's stored score, the explanation request appended to the audit log."""
    return audited_score_in(
        connection,
        account_id,
        actor=actor,
        action="account.explain",
        details=lambda _: {"lang": lang},
    )


async def explain_account(
    *,
    committer: GroupCommitter,
    account_id: str,
    actor: str,
    explainer: Explainer | None,
    model_version: str,
    lang: str = "en",
    top: int = 4,
) -> dict[str, Any]:
    """Top reasons up and down for the account's stored features; the request is audited."""
    chosen = check_lang(lang)
    if explainer is None:
        raise ModelUnavailableError("no champion model is loaded: explanations are unavailable")
    record = await committer.run(
        partial(explain_request_in, account_id=account_id, actor=actor, lang=chosen)
    )
    if record is None:
        raise AccountNotFoundError(f"account {account_id!r} has no score in the published run")
    # ~1 ms of numpy under the GIL: a thread would add a hop and no parallelism.
    explanation = explainer.explain_one(record.features or {}, top=min(top, MAX_REASONS))
    explained = explanation.to_dict()
    return {
        "account_id": account_id,
        "run_id": record.run_id,
        "score": record.score,
        "band": record.band,
        "model_version": model_version,
        "lang": chosen,
        **explained,
        "up": every_reason_worded(explained["up"], chosen),
        "down": every_reason_worded(explained["down"], chosen),
    }
