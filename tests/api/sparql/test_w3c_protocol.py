"""The W3C SPARQL 1.1 Protocol test suite (34 tests), over raw HTTP against the real server."""

from __future__ import annotations

import pytest

from tests.api.sparql.conftest import TOKEN, record_score
from tests.api.sparql.w3c_protocol import build_store, run_all, score_line
from tests.serving import running_server


@pytest.fixture(scope="module")
def w3c_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("w3c") / "store"
    build_store(path)
    return path


def _report(outcomes):
    return "\n".join(f"{o.test.name}: {o.message}" for o in outcomes if not o.passed)


def test_w3c_protocol_read_only(w3c_store):
    """Updates disabled: every query test passes, every update request gets 403."""
    with running_server(w3c_store, query_timeout=5) as base_url:
        outcomes = run_all(base_url)
    record_score(score_line(outcomes, "updates disabled; the 7 update tests expect 2xx and get 403"))
    print(score_line(outcomes, "updates disabled"))
    failed = {o.test.name for o in outcomes if not o.passed}
    expected_failures = {o.test.name for o in outcomes if o.test.name.startswith("update_")}
    assert failed == expected_failures, _report(outcomes)
    assert len(failed) == 7
    for outcome in outcomes:  # well-formed updates are refused as such (bad ones get their 4xx)
        if outcome.test.name.startswith("update_"):
            assert outcome.statuses == [403], (outcome.test.name, outcome.statuses)


def test_w3c_protocol_with_updates(tmp_path):
    """Updates enabled with the admin token on every request: all 34 pass."""
    store = tmp_path / "store"
    build_store(store)
    with running_server(store, allow_update=True, admin_token=TOKEN, query_timeout=5) as base_url:
        outcomes = run_all(base_url, token=TOKEN)
    record_score(score_line(outcomes, "updates enabled, admin token sent"))
    print(score_line(outcomes, "updates enabled"))
    assert all(o.passed for o in outcomes), _report(outcomes)
    assert len(outcomes) == 34
