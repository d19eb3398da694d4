"""SHAP reasons on demand for any scored account, from its stored feature values."""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from models.explain_text import check_lang
from risk.service.errors import AccountNotFoundError, ModelUnavailableError
from risk.service.gate import WriteGate
from risk.store.audit import append_audit_in
from risk.store.db import write_transaction
from risk.store.scores import account_score_in

if TYPE_CHECKING:
    from models.explainer import Explainer

MAX_REASONS = 20


def explain_account(
    engine: Engine,
    account_id: str,
    *,
    actor: str,
    explainer: Explainer | None,
    model_version: str,
    lang: str = "en",
    top: int = 4,
    gate: WriteGate | None = None,
) -> dict[str, Any]:
    """Top reasons up and down for the account's stored features; the request is audited."""
    chosen = check_lang(lang)
    if explainer is None:
        raise ModelUnavailableError("no champion model is loaded: explanations are unavailable")
    with nullcontext() if gate is None else gate.hold(), write_transaction(engine) as connection:
        record = account_score_in(connection, account_id)
        append_audit_in(
            connection,
            actor=actor,
            action="account.explain",
            target=account_id,
            details={"run_id": None if record is None else record.run_id, "lang": chosen},
        )
    if record is None:
        raise AccountNotFoundError(f"account {account_id!r} has no score in the published run")
    explanation = explainer.explain_one(
        record.features or {}, top=min(top, MAX_REASONS), lang=chosen
    )
    return {
        "account_id": account_id,
        "run_id": record.run_id,
        "score": record.score,
        "band": record.band,
        "model_version": model_version,
        "lang": chosen,
        **explanation.to_dict(),
    }
