"""One typed settings object, read from the environment once (never at import time)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
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
    review_capacity: int = Field(default=100, ge=1, description="Moderators' daily capacity k.")
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
    keep_runs: int = Field(
        default=30, ge=1, description="Published runs `risk runs prune` keeps whole (newest)."
    )
    seed: int = Field(default=7)
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
    def artifacts_dir(self) -> Path:
        return self.home / "mlartifacts"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings()
