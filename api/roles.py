"""Who may call what: the one table of routes and the roles allowed on each.

- moderator: works the review queue, views accounts, explanations and networks, records
  decisions and exports them.
- regulator: read-only oversight: account views, explanations, networks, the decisions
  export and the scoring runs (reports come with the report endpoints). Never decides.
- admin: runs the service: API keys and scoring runs. No account data (least privilege:
  operating the service does not need personal data, so admins are not shown any).

``/health``, ``/ready``, ``/metrics`` and the docs are open (probes and scrapers on loopback).
A ``/v1`` route missing from ``ACCESS`` is refused to everyone and fails the app's start-up.
"""

from __future__ import annotations

MODERATOR = "moderator"
REGULATOR = "regulator"
ADMIN = "admin"

ACCESS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/v1/accounts/{account_id}"): frozenset({MODERATOR, REGULATOR}),
    ("GET", "/v1/accounts/{account_id}/explanation"): frozenset({MODERATOR, REGULATOR}),
    ("GET", "/v1/queue"): frozenset({MODERATOR}),
    ("GET", "/v1/networks"): frozenset({MODERATOR, REGULATOR}),
    ("GET", "/v1/networks/{network_id}"): frozenset({MODERATOR, REGULATOR}),
    ("POST", "/v1/accounts/{account_id}/decisions"): frozenset({MODERATOR}),
    ("GET", "/v1/decisions"): frozenset({MODERATOR, REGULATOR}),
    ("GET", "/v1/runs"): frozenset({MODERATOR, REGULATOR, ADMIN}),
    # champion vs challenger: model figures only, no account data
    ("GET", "/v1/models/compare"): frozenset({MODERATOR, REGULATOR, ADMIN}),
    ("GET", "/v1/monitoring"): frozenset({MODERATOR, REGULATOR, ADMIN}),
    ("GET", "/v1/reports/{run_id}"): frozenset({REGULATOR, ADMIN}),
    ("GET", "/v1/keys"): frozenset({ADMIN}),
    ("POST", "/v1/keys"): frozenset({ADMIN}),
    ("POST", "/v1/keys/{name}/revoke"): frozenset({ADMIN}),
}


# Key roles that read people as pseudonyms and never read moderators' notes (the decisions
# export, the console's decision history and audit log), as in the regulator reports.
PSEUDONYMOUS_ROLES: frozenset[str] = frozenset({REGULATOR})


def allowed_roles(method: str, path_template: str) -> frozenset[str]:
    """Roles allowed on a route (empty when the route is not in the table: nobody)."""
    return ACCESS.get((method.upper(), path_template), frozenset())
