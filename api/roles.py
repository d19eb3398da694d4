"""Who may call what: the one table of routes and the roles allowed on each.

- moderator: works the review queue, views accounts, explanations and networks, records
  decisions and exports them.
- lead: a moderator who also shares out the work (reassigns cases), approves the actions a
  second pair of eyes must see (four eyes: never their own proposals), reviews quality and
  follows the webhook subscriptions and their delivery log (read only, as in the console).
- regulator: read-only oversight: account views, explanations, networks, the decisions
  export and the scoring runs (reports come with the report endpoints). Never decides.
- admin: runs the service: API keys, scoring runs and webhook subscriptions (their delivery
  log shows no payloads). No account data (least privilege: operating the service does not
  need personal data, so admins are not shown any).

``/health``, ``/ready``, ``/metrics`` and the docs are open (probes and scrapers on loopback).
A ``/v1`` route missing from ``ACCESS`` is refused to everyone and fails the app's start-up.
"""

from __future__ import annotations

MODERATOR = "moderator"
LEAD = "lead"
REGULATOR = "regulator"
ADMIN = "admin"

ACCESS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/v1/accounts/{account_id}"): frozenset({MODERATOR, LEAD, REGULATOR}),
    ("GET", "/v1/accounts/{account_id}/explanation"): frozenset({MODERATOR, LEAD, REGULATOR}),
    ("GET", "/v1/queue"): frozenset({MODERATOR, LEAD}),
    ("GET", "/v1/networks"): frozenset({MODERATOR, LEAD, REGULATOR}),
    ("GET", "/v1/networks/{network_id}"): frozenset({MODERATOR, LEAD, REGULATOR}),
    ("POST", "/v1/accounts/{account_id}/decisions"): frozenset({MODERATOR, LEAD}),
    ("GET", "/v1/decisions"): frozenset({MODERATOR, LEAD, REGULATOR}),
    ("GET", "/v1/runs"): frozenset({MODERATOR, LEAD, REGULATOR, ADMIN}),
    # champion vs challenger: model figures only, no account data
    ("GET", "/v1/models/compare"): frozenset({MODERATOR, LEAD, REGULATOR, ADMIN}),
    ("GET", "/v1/monitoring"): frozenset({MODERATOR, LEAD, REGULATOR, ADMIN}),
    ("GET", "/v1/reports/{run_id}"): frozenset({REGULATOR, ADMIN}),
    ("GET", "/v1/cases"): frozenset({MODERATOR, LEAD, REGULATOR}),
    ("POST", "/v1/cases"): frozenset({MODERATOR, LEAD}),
    ("GET", "/v1/cases/{case_id}"): frozenset({MODERATOR, LEAD, REGULATOR}),
    ("POST", "/v1/cases/next"): frozenset({MODERATOR, LEAD}),
    ("POST", "/v1/cases/{case_id}/release"): frozenset({MODERATOR, LEAD}),
    ("POST", "/v1/cases/{case_id}/reassign"): frozenset({LEAD}),
    ("POST", "/v1/cases/{case_id}/decision"): frozenset({MODERATOR, LEAD}),
    ("POST", "/v1/cases/{case_id}/close"): frozenset({MODERATOR, LEAD}),
    ("POST", "/v1/proposals/{proposal_id}/approve"): frozenset({LEAD}),
    ("POST", "/v1/proposals/{proposal_id}/reject"): frozenset({LEAD}),
    ("POST", "/v1/appeals"): frozenset({MODERATOR, LEAD}),
    ("POST", "/v1/appeals/{appeal_id}/decision"): frozenset({MODERATOR, LEAD}),
    ("GET", "/v1/transparency"): frozenset({LEAD, REGULATOR}),
    ("POST", "/v1/qa/next"): frozenset({MODERATOR, LEAD}),
    ("POST", "/v1/qa/{qa_id}"): frozenset({MODERATOR, LEAD}),
    ("GET", "/v1/qa/agreement"): frozenset({LEAD, REGULATOR}),
    # Where signed case events (accounts, statements of reasons) are sent is the operator's
    # choice: only admins subscribe or revoke an endpoint. Leads follow that the platform
    # receives their team's decisions (no secret, no payload is shown to either).
    ("POST", "/v1/webhooks"): frozenset({ADMIN}),
    ("GET", "/v1/webhooks"): frozenset({ADMIN, LEAD}),
    ("POST", "/v1/webhooks/{subscription_id}/revoke"): frozenset({ADMIN}),
    ("GET", "/v1/webhooks/{subscription_id}/deliveries"): frozenset({ADMIN, LEAD}),
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
