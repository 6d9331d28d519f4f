"""The NetworkData is read once per store, and again after ``invalidate`` (in-process: the
counting needs the app's insides; everything else in this folder talks to the real server)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ctair.api.app import create_app
from ctair.api.routes import network as network_routes
from ctair.settings import Settings


def test_network_data_is_cached_per_store(built_store_path, monkeypatch):
    calls = []
    real = network_routes.load_network_data

    def counting(store):
        calls.append(store)
        return real(store)

    monkeypatch.setattr(network_routes, "load_network_data", counting)
    app = create_app(Settings(store=built_store_path), store_path=built_store_path)
    with TestClient(app) as client:
        first = client.get("/api/network/bipartite")
        assert first.status_code == 200
        for path in (
            "/api/network/bipartite",
            "/api/network/metrics?role=operator",
            "/api/network/territories/export?format=csv",
            "/api/export/3w",
            "/network",
        ):
            assert client.get(path).status_code == 200, path
        assert len(calls) == 1
        assert client.get("/api/network/bipartite").content == first.content

        app.state.ctair.invalidate()  # what a SPARQL Update does
        assert client.get("/api/network/bipartite").status_code == 200
        assert len(calls) == 2
        assert calls[1] is not calls[0]
