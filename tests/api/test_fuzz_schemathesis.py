"""Schemathesis against the served OpenAPI, with each role's key (and none): 0 server errors,
0 responses off their declared schema. Bounded (``EXAMPLES`` cases per operation and role) to
keep the suite short; ``RISK_FUZZ_EXAMPLES`` raises it for a longer run."""

from __future__ import annotations

import os
import time
from collections import Counter
from itertools import product
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.api.conftest import Keys, bearer

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("RISK_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    server: str,
    headers: dict[str, str],
    statuses: Counter[int],
) -> None:
    """Up to EXAMPLES generated requests (fitting the schema, or not: ``mode``) to one
    operation with one identity, each checked."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=server, headers=headers, timeout=30)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    check()


def test_fuzzed_requests_get_no_server_error_and_match_the_schema(server: str, keys: Keys) -> None:
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    identities = {
        "moderator": bearer(keys.moderator),
        "regulator": bearer(keys.regulator),
        "admin": bearer(keys.admin),
        "no key": {},
    }
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for (role, headers), mode in product(identities.items(), GenerationMode):
            try:
                _fuzz(operation, mode, server, headers, statuses)
            except Unsatisfiable:
                continue  # an operation without inputs has no request that breaks its schema
            except (Exception, BaseExceptionGroup) as error:  # each failure collected, shown
                failures.append(f"{operation.label} as {role} ({mode}): {str(error)[:800]}")
    seconds = time.perf_counter() - started
    print(f"schemathesis: {sum(statuses.values())} requests in {seconds:.0f} s, {dict(statuses)}")
    assert not failures, "\n\n".join(failures)
    assert not any(status >= 500 for status in statuses)
