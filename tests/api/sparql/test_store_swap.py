"""A rebuild swaps the store under a running server (issue #12, item 7): every reader follows
the store link to the new build, a request sees one store, never two, and a build directory is
deleted only when nothing reads it."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pyoxigraph as ox

from ctair.build import _remove_old_builds, _swap_in
from ctair.graph.store import in_use
from tests.serving import running_server

MARK = "http://ex/generation"
ASK = f"SELECT ?g WHERE {{ <http://ex/store> <{MARK}> ?g }}"


def _build(builds: Path, name: str) -> Path:
    """A store directory that says which build it is."""
    path = builds / name
    store = ox.Store(str(path))
    store.add(
        ox.Quad(ox.NamedNode("http://ex/store"), ox.NamedNode(MARK), ox.Literal(name), ox.NamedNode("http://ex/g"))
    )
    store.flush()
    del store
    return path


def _generation(client: httpx.Client) -> str:
    response = client.get("/sparql", params={"query": ASK})
    assert response.status_code == 200, response.text
    values = {b["g"]["value"] for b in response.json()["results"]["bindings"]}
    assert len(values) == 1, values  # one store, never two
    return values.pop()


def _dump_generation(client: httpx.Client) -> str:
    dumps = client.get("/dumps/", headers={"Accept": "application/json"}).json()["files"]
    name = next(f["file"] for f in dumps if f["file"].endswith(".nq"))
    text = client.get(f"/dumps/{name}").text
    found = {g for g in ("A", "B", "C") if f'"{g}"' in text}
    assert len(found) == 1, found
    return found.pop()


def test_a_rebuild_is_picked_up_by_every_reader_and_old_builds_go_when_unused(tmp_path):
    builds = tmp_path / ".store.builds"
    builds.mkdir()
    link = tmp_path / "store"
    a = _build(builds, "A")
    _swap_in(link, a)
    with running_server(link, max_concurrent_queries=2) as base, httpx.Client(base_url=base, timeout=60) as client:
        assert _generation(client) == "A"
        assert _dump_generation(client) == "A"
        assert in_use(a)
        _remove_old_builds(builds, keep=set())  # a build that would remove everything it may
        assert a.exists()  # the server reads it: kept

        b = _build(builds, "B")
        _swap_in(link, b)
        seen = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (not seen or seen[-1] != "B" or len(seen) < 5):
            seen.append(_generation(client))
        assert seen[-1] == "B", seen
        after = seen[seen.index("B") :]
        # once a query saw the new build, none sees the old one again
        assert set(after) == {"B"}, seen
        for _ in range(10):
            assert _generation(client) == "B"
        assert _dump_generation(client) == "B"  # dumps follow, stamped with what they contain

        deadline = time.monotonic() + 10
        while in_use(a) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not in_use(a)  # every reader of A is gone
        c = _build(builds, "C")
        _swap_in(link, c)
        _remove_old_builds(builds, keep={c})
        assert not a.exists()  # nothing read it any more
        assert b.exists()  # the server still reads B until it follows the link to C
