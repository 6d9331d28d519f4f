"""Stores built from the network fixture (tests/graph/network/fixtures/network.trig)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from ctair.graph.network import load_network_data
from ctair.graph.store import OxigraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "network.trig"
ORG = "https://example.org/id/organisation/"
T = "https://example.org/id/territory/"


def load_fixture(path: Path | None = None) -> OxigraphStore:
    store = OxigraphStore(path)
    store.oxigraph.load(path=str(FIXTURE), format=RdfFormat.TRIG)
    return store


@pytest.fixture(scope="session")
def store() -> OxigraphStore:
    return load_fixture()


@pytest.fixture(scope="session")
def data(store):
    return load_network_data(store)


@pytest.fixture(scope="session")
def store_path(tmp_path_factory) -> Path:
    """An on-disk store of the fixture, closed so that the CLI can open it read-only."""
    path = tmp_path_factory.mktemp("network") / "store"
    store = load_fixture(path)
    store.optimize()
    del store
    gc.collect()
    return path
