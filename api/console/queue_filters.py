"""The queue's filters as the console carries them: parsed from a query string (the queue page,
the account page it opened, the decision form), checked, and written back into links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from urllib.parse import parse_qsl, urlencode

from risk.vocab import (
    ACTIONABLE_ROLES,
    BAND_NAMES,
    DECISION_STATUSES,
    FLAGGED_BANDS,
    QUEUE_ORDERS,
    SCHEME_ROLES,
)

# The queue's band filter: the flagged bands together (the default), any band, or one band.
BAND_CHOICES: dict[str, tuple[str, ...] | None] = {
    "flagged": FLAGGED_BANDS,
    "any": None,
    **{band: (band,) for band in BAND_NAMES},
}
# The queue's role filter: each role, and the two moderators act on together.
ROLE_CHOICES: dict[str, tuple[str, ...]] = {
    "actionable": ACTIONABLE_ROLES,
    **{role: (role,) for role in SCHEME_ROLES},
}
MAX_TEXT = 200  # characters of a region or network id typed into a filter


class BadFilterError(ValueError):
    """A filter value the console does not offer (a hand-edited link): names the field."""

    def __init__(self, field: str, value: str, allowed: Sequence[str]) -> None:
        self.field, self.value, self.allowed = field, value, tuple(allowed)
        super().__init__(f"{field}={value!r}")


@dataclass(frozen=True)
class QueueFilters:
    """One queue selection: filters and order (the defaults are the default queue)."""

    band: str = "flagged"
    role: str = ""
    region: str = ""
    network: str = ""
    status: str = "pending"
    order: str = "priority"

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> QueueFilters:
        """Filters from query parameters; an unknown value raises :class:`BadFilterError`."""
        given = {f.name: params[f.name].strip() for f in fields(cls) if f.name in params}
        if given.get("band") == "":
            given["band"] = "any"  # links from before the flagged default
        choices: dict[str, Sequence[str]] = {
            "band": list(BAND_CHOICES),
            "role": ["", *ROLE_CHOICES],
            "status": DECISION_STATUSES,
            "order": QUEUE_ORDERS,
        }
        for name, allowed in choices.items():
            if name in given and given[name] not in allowed:
                raise BadFilterError(name, given[name], [a for a in allowed if a])
        for name in ("region", "network"):
            if len(given.get(name, "")) > MAX_TEXT:
                raise BadFilterError(name, given[name][:20] + "…", [f"≤ {MAX_TEXT} characters"])
        return cls(**given)

    @classmethod
    def from_query_string(cls, text: str) -> QueueFilters:
        """Filters from a query string carried by a link or a form (``band=high&...``)."""
        return cls.parse(dict(parse_qsl(text)))

    def kept(self) -> dict[str, str]:
        """The parameters that differ from the default queue (what a link must carry)."""
        default = QueueFilters()
        return {k: v for k, v in asdict(self).items() if v != getattr(default, k)}

    def query_string(self) -> str:
        return urlencode(self.kept())

    def with_order(self, order: str) -> QueueFilters:
        return QueueFilters(**{**asdict(self), "order": order})

    def selection(self) -> dict[str, object]:
        """The service's queue query for these filters (without the page)."""
        return {
            "bands": BAND_CHOICES[self.band],
            "region": self.region or None,
            "network_id": self.network or None,
            "decision_status": self.status,
            "roles": ROLE_CHOICES.get(self.role),
            "order": self.order,
        }
