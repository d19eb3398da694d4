"""The feature registry: one spec per signal. Nothing else defines what a feature means.

Training, serving, the explainer and the reports read the specs here. The specs themselves are
declared in ``features/specs/`` (one module per signal group) and collected into ``REGISTRY``,
in the column order of the feature table.
"""

from __future__ import annotations

import hashlib

from features.specs import SPECS
from features.specs.base import Direction, Dtype, FeatureSpec, Group, Unit

__all__ = [
    "FEATURE_REGISTRY_VERSION",
    "REGISTRY",
    "Direction",
    "Dtype",
    "FeatureSpec",
    "Group",
    "Unit",
    "model_feature_names",
]

REGISTRY: dict[str, FeatureSpec] = {spec.name: spec for spec in SPECS}


def model_feature_names() -> list[str]:
    """The model's input columns, in registry order (identifiers excluded)."""
    return [spec.name for spec in REGISTRY.values() if spec.model_input]


def _version(specs: tuple[FeatureSpec, ...]) -> str:
    """A short hash of every spec: changes whenever any name, type, text or order changes."""
    return hashlib.sha256(repr(specs).encode("utf-8")).hexdigest()[:12]


FEATURE_REGISTRY_VERSION: str = _version(SPECS)
