"""The network analysis over HTTP: the REAL server (``python -m ctair.cli.server``, see
``tests/serving.py``) on 127.0.0.1, on the bundled corpus built once per session
(``built_store_path``), and Debian's chromium driven by Playwright for the page ``/network``.

The browser fixtures are those of the query-page tests, imported, not copied: every page gets a
fresh context, and a console error, an uncaught exception or a request to a host other than
127.0.0.1 fails the test (the ``page`` fixture).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.api.browser.conftest import (  # noqa: F401 — fixtures and the report hook the ``page`` fixture reads
    CHROMIUM,
    CHROMIUM_ARGS,
    context,
    page,
    pytest_runtest_makereport,
    watch,
)
from tests.serving import running_server

SCREENSHOTS = Path(os.environ.get("CTAIR_NETWORK_SCREENSHOTS", "/tmp/ctair-network"))


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here and item.get_closest_marker("browser") and not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} missing: run scripts/install-system-test-deps.sh"))


@pytest.fixture(scope="session")
def server(built_store_path):
    """Base URL (no trailing slash) of the real server on the bundled corpus."""
    with running_server(built_store_path) as url:
        yield str(url)


@pytest.fixture(scope="session")
def http(server):
    import httpx

    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def bipartite(http) -> dict:
    response = http.get("/api/network/bipartite")
    assert response.status_code == 200, response.text
    return response.json()
