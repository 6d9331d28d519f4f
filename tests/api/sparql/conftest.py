"""Fixtures of the SPARQL endpoint tests: small stores built in tmp dirs, real servers over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from tests.serving import running_server

EX = "http://ex/"
G1, G2, BIG = EX + "g1", EX + "g2", EX + "big"
BIG_SIZE = 3000
TOKEN = "test-admin-token-0123456789"

#: Short limits so that the tests run fast.
LIMITS = dict(
    query_timeout=2, max_result_rows=50, max_query_length=2000, max_concurrent_queries=2, max_queued_queries=4
)

_SCORES: list[str] = []


def record_score(line: str) -> None:
    _SCORES.append(line)


def pytest_terminal_summary(terminalreporter):
    for line in _SCORES:
        terminalreporter.write_line(line)


def build_store(path: Path) -> Path:
    n = ox.NamedNode
    store = ox.Store(str(path))
    quads = [
        ox.Quad(n(EX + "a"), n(EX + "p"), ox.Literal("a1"), n(G1)),
        ox.Quad(
            n(EX + "a"),
            n("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal('café, "crème"\tau lait', language="fr"),
            n(G1),
        ),
        ox.Quad(
            n(EX + "a"), n(EX + "q"), ox.Literal("42", datatype=n("http://www.w3.org/2001/XMLSchema#integer")), n(G1)
        ),
        ox.Quad(n(EX + "a"), n(EX + "r"), ox.BlankNode("x"), n(G1)),
        ox.Quad(n(EX + "b"), n(EX + "p"), ox.Literal("b1"), n(G2)),
    ]
    quads += [ox.Quad(n(f"{EX}n{i}"), n(EX + "v"), ox.Literal(str(i)), n(BIG)) for i in range(BIG_SIZE)]
    store.extend(quads)
    store.flush()
    del store
    return path


@pytest.fixture(scope="session")
def endpoint_store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("endpoint") / "store")


@pytest.fixture(scope="module")
def server(endpoint_store):
    """A read-only server with short limits."""
    with running_server(endpoint_store, **LIMITS) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server, timeout=30) as http:
        yield http


@pytest.fixture()
def writable_server(tmp_path):
    """A server with updates enabled, on its own store (the test may change it)."""
    store = build_store(tmp_path / "store")
    with running_server(store, allow_update=True, admin_token=TOKEN, **LIMITS) as base_url:
        yield base_url
