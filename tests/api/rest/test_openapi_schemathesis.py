"""The OpenAPI description tells the truth (issue #12, item 10): schemathesis generates requests
for every documented operation of the real server on loopback, a bounded number per operation,
and checks that each response is documented (status, content type, body schema) and never a 5xx.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.serving import running_server

EXAMPLES_PER_OPERATION = 8  # bounded: the whole file stays well under a minute or two


@pytest.fixture(scope="module")
def contract_server(built_store_path):
    with running_server(built_store_path, query_timeout=5) as base:
        yield base


@pytest.fixture(scope="module")
def api_schema(contract_server):
    return schemathesis.openapi.from_url(contract_server + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case):
    case.call_and_validate(
        timeout=60,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
