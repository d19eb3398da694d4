"""One typed settings object, read from the environment once (never at import time)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.vocab import DEFAULT_TARGET_PRECISIONS


class Settings(BaseSettings):
    """Everything configurable; environment variables ``RISK_*`` (and ``MLFLOW_TRACKING_URI``)."""

    model_config = SettingsConfigDict(env_prefix="RISK_", extra="ignore", frozen=True)

    home: Path = Field(default=Path(".risk"), description="Where the embedded state lives.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the store; default SQLite under home."
    )
    mlflow_tracking_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MLFLOW_TRACKING_URI", "RISK_MLFLOW_TRACKING_URI"),
        description="MLflow tracking store; default a SQLite file under home.",
    )
    model_name: str = Field(default="mlm-risk", description="Registered model name.")
    model_alias: str = Field(default="champion", description="Alias the batch job and API load.")
    platform_name: str = Field(default="Example Social Commerce Platform")
    # DATA_CONTRACT: money is a decimal in the platform's single currency; snapshots do not say
    # which, so the deployment does (shown beside every amount people read).
    currency: str = Field(
        default="CNY",
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 code of the platform's single currency, shown beside amounts.",
    )
    review_capacity: int = Field(default=100, ge=1, description="Moderators' daily capacity k.")
    exploration_share: float = Field(
        default=0.05,
        ge=0.0,
        le=0.5,
        description="Share of the daily queue (review_capacity) drawn where the model is least"
        " sure among undecided accounts, marked reason: exploration (0 turns it off).",
    )
    band_precisions: tuple[float, float, float] = Field(
        default=DEFAULT_TARGET_PRECISIONS,
        description="Target precisions for medium, high, critical.",
    )
    prior_shift: Literal["em", "off"] | None = Field(
        default=None,
        description="Scoring runs adjust scores to the platform's estimated scheme share before"
        " banding (em) or not (off); unset: the scoring run's default.",
    )
    reasons_per_account: int = Field(default=4, ge=1)
    warm_reports: bool = Field(
        default=True,
        description="The API builds the latest run's regulator reports (every language) in the"
        " background at start-up, so the first request is answered at once.",
    )
    keep_runs: int = Field(
        default=30, ge=1, description="Published runs `risk runs prune` keeps whole (newest)."
    )
    seed: int = Field(default=7)
    # 12 small worlds rather than 4 large ones (same rows): what a model does on a platform it
    # never saw depended on which 4 worlds were drawn (docs/model_robustness.md, grafts)
    training_worlds: int = Field(
        default=12,
        ge=0,
        le=32,
        description="Generated worlds (both simulators, random habits) `risk train` adds to"
        " the snapshot, so the model holds on platforms it never saw; 0 = the snapshot alone.",
    )
    training_world_accounts: int = Field(
        default=8_000, ge=500, le=1_000_000, description="Accounts per generated world."
    )
    training_members: int = Field(
        default=1,
        ge=1,
        le=8,
        description="Boosters `risk train` averages into the model it ships, each trained on"
        " the snapshot and its own share of the generated worlds (they are dealt round).",
    )
    worker_healthcheck_seconds: int = Field(
        default=30,
        ge=1,
        description="`risk serve --workers N`: how long a worker may take to answer its"
        " supervisor before it is restarted (uvicorn's default, 5 s, kills workers of a busy"
        " machine while they start).",
    )
    metrics_textfile: Path | None = Field(
        default=None,
        description="`risk score` writes its metrics here after each run (node_exporter's"
        " textfile collector: a *.prom file in its --collector.textfile.directory).",
    )
    pushgateway_url: str | None = Field(
        default=None,
        description="`risk score` pushes its metrics to this Prometheus Pushgateway (job"
        " mlm_risk_score) after each run.",
    )
    case_sla_hours: dict[str, float] = Field(
        default={"critical": 24.0, "high": 72.0, "medium": 168.0},
        description="Hours a case may wait for a decision, per priority (critical, high, medium).",
    )
    appeal_window_days: int = Field(
        default=183, ge=1, description="Days after an action during which it may be appealed."
    )

    qa_sample_share: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Share of decided cases a second moderator reviews blind (reviewer QA).",
    )
    webhook_max_attempts: int = Field(
        default=8, ge=1, description="Attempts per webhook delivery before it is marked failed."
    )
    webhook_backoff_seconds: float = Field(
        default=30.0, gt=0, description="Wait after the first failure; doubled after each next."
    )
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)
    webhook_poll_seconds: float = Field(
        default=2.0, gt=0, description="How often the API's sender looks for due deliveries."
    )

    @field_validator("case_sla_hours")
    @classmethod
    def _sla_per_priority(cls, hours: dict[str, float]) -> dict[str, float]:
        missing = {"critical", "high", "medium"} - hours.keys()
        if missing or any(value <= 0 for value in hours.values()):
            raise ValueError(
                f"case_sla_hours needs positive hours for critical, high and medium: {hours}"
            )
        return hours

    audit_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="Secret keying the audit chain (HMAC-SHA256); unset: a random key in"
        " keys_dir/audit_chain.key, created 0600 on first use. Never stored in the database.",
    )
    audit_checkpoint_every: int = Field(
        default=1_000,
        ge=1,
        description="Write an audit checkpoint (anchor) every this many entries, besides one"
        " after each scoring run.",
    )
    console_session_minutes: int = Field(
        default=12 * 60,
        ge=1,
        le=7 * 24 * 60,
        description="A console sign-in lasts this long (then sign in again).",
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        ge=1_024,
        description="The largest request body the API reads (413 beyond; read only after the"
        " sender's key or console session checked out).",
    )
    report_public_key: Path | None = Field(
        default=None,
        description="The platform's published report key (PEM) `risk report verify` pins;"
        " unset: this installation's own signing key.",
    )

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, home: Path) -> Path:
        return home.expanduser().resolve()

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'risk.db'}"

    @property
    def tracking_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{self.home / 'mlflow.db'}"

    @property
    def keys_dir(self) -> Path:
        """Report signing key and reviewer-pseudonym salt (created on first use, 0600)."""
        return self.home / "keys"

    @property
    def anchors_file(self) -> Path:
        """Audit checkpoints (seq and keyed hash of the head), one JSON line each, outside the
        database: copy it off the host to make truncating the log detectable."""
        return self.home / "anchors" / "audit_checkpoints.jsonl"

    @property
    def artifacts_dir(self) -> Path:
        return self.home / "mlartifacts"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings()
