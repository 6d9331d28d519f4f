"""Fixtures shared across the suite: one real build of the bundled corpus per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctair.settings import REPO_ROOT

CORPUS = REPO_ROOT / "corpus"
BASE_IRI = "https://w3id.org/ctair/"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The bundled corpus built once into an on-disk store: (store path, BuildSummary)."""
    from ctair.build import build

    store_path = tmp_path_factory.mktemp("built") / "store"
    summary = build(store_path, CORPUS, BASE_IRI, progress=lambda message: None)
    return store_path, summary


@pytest.fixture(scope="session")
def built_store_path(built) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def built_store(built):
    from ctair.graph.store import OxigraphStore

    return OxigraphStore(built[0], read_only=True)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session: Playwright's sync API allows one instance per thread."""
    from playwright.sync_api import sync_playwright

    from tests.api.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
