"""One real server on 127.0.0.1 for the linked-data tests, on the built corpus."""

from __future__ import annotations

import pytest

from tests.serving import running_server


@pytest.fixture(scope="module")
def server(built_store_path):
    with running_server(built_store_path) as base_url:
        yield base_url
