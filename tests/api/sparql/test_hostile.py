"""Hostile requests (issue #12): no single request stalls the server or crashes a worker,
and a worker that dies is replaced without any client seeing a 500.

Every test runs the real server on loopback. Timings here are generous bounds that only a
stalled server passes beyond (the figures themselves come from ``bench/hostile.py``).
"""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import psutil
import pytest

from tests.api.sparql.conftest import EX, build_store
from tests.serving import running_server

SIMPLE = f"ASK {{ <{EX}a> <{EX}p> 'a1' }}"
QUERY = {"Content-Type": "application/sparql-query"}
MAX_LENGTH = 100_000


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """Default length limit (the attacks need room), short timeout, two workers."""
    store = build_store(tmp_path_factory.mktemp("hostile") / "store")
    with running_server(
        store, query_timeout=3, max_query_length=MAX_LENGTH, max_concurrent_queries=2, max_queued_queries=8
    ) as base:
        yield base


def _workers(server) -> list[psutil.Process]:
    return [child for child in psutil.Process(server.process.pid).children() if child.status() != psutil.STATUS_ZOMBIE]


WORKERS = 4  # two for ordinary queries, two warm spares for the slow lane


def _wait_for_workers(server, count: int = WORKERS, patience: float = 10.0) -> list[psutil.Process]:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        workers = _workers(server)
        if len(workers) == count:
            return workers
        time.sleep(0.05)
    raise AssertionError(f"expected {count} live workers, have {_workers(server)}")


def _poll_cheap_queries(server, stop: threading.Event, latencies: list[float], statuses: list[int]) -> None:
    with httpx.Client(base_url=server, timeout=60) as client:
        while not stop.is_set():
            started = time.monotonic()
            response = client.get("/sparql", params={"query": SIMPLE})
            latencies.append(time.monotonic() - started)
            statuses.append(response.status_code)
            time.sleep(0.02)


def _while_polling(server, action):
    """Run ``action()`` while another client keeps asking a cheap query; returns the action's
    result and the other client's latencies and statuses."""
    stop = threading.Event()
    latencies: list[float] = []
    statuses: list[int] = []
    poller = threading.Thread(target=_poll_cheap_queries, args=(server, stop, latencies, statuses), daemon=True)
    poller.start()
    time.sleep(0.2)
    try:
        result = action()
    finally:
        time.sleep(0.2)
        stop.set()
        poller.join(60)
    return result, latencies, statuses


# --- 1. the checks before a query runs are linear and off the event loop -------------------
@pytest.mark.parametrize("filler", ["é", "éa", "a.", "1.e", '"\\'])
def test_a_long_hostile_query_is_answered_at_once_and_others_are_served(hostile_server, filler):
    text = "ASK{}" + filler * ((MAX_LENGTH - 10) // len(filler))
    assert len(text) <= MAX_LENGTH

    def attack():
        started = time.monotonic()
        response = httpx.post(hostile_server + "/sparql", content=text.encode(), headers=QUERY, timeout=30)
        return response, time.monotonic() - started

    (response, elapsed), latencies, statuses = _while_polling(hostile_server, attack)
    assert response.status_code == 400, response.text[:300]
    assert response.json()["error"]["code"] == "query-syntax"
    # generous: the check takes milliseconds; before the fix this took minutes
    assert elapsed < 5, elapsed
    assert statuses and set(statuses) == {200}
    assert max(latencies) < 2, max(latencies)


def test_an_unterminated_string_is_a_syntax_error_with_its_position(hostile_server):
    response = httpx.get(hostile_server + "/sparql", params={"query": 'ASK {\n ?s ?p "abc }'}, timeout=30)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "query-syntax" and (error["line"], error["column"]) == (2, 8)


# --- 2. deep nesting is refused before the engine sees it -----------------------------------
NESTED = {
    "groups": "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "parentheses": "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    "optionals": "SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o } " * 4000 + "}",
    "sub-selects": "SELECT * WHERE " + "{ SELECT * WHERE " * 3000 + "{}" + "}" * 3000,
    "negations": "SELECT * WHERE { FILTER(" + "!" * 30_000 + "true) }",
    "unions": "SELECT * WHERE { {} " + "UNION {} " * 10_000 + "}",
    "binds": "SELECT * WHERE { " + "".join(f"BIND(1 AS ?v{i}) " for i in range(3000)) + "}",
}


@pytest.mark.parametrize("shape", sorted(NESTED))
def test_deep_nesting_is_refused_with_the_limit_and_position(hostile_server, shape):
    before = {worker.pid for worker in _wait_for_workers(hostile_server)}
    response = httpx.post(hostile_server + "/sparql", content=NESTED[shape].encode(), headers=QUERY, timeout=30)
    assert response.status_code == 400, response.text[:300]
    error = response.json()["error"]
    assert error["code"] == "query-too-deep"
    assert error["limit"] == 200 and "200" in error["detail"]
    assert error["line"] == 1 and error["column"] > 1
    # no worker died for it
    assert {worker.pid for worker in _wait_for_workers(hostile_server)} == before


def test_ordinary_nesting_is_answered(hostile_server):
    query = "SELECT * WHERE " + "{ " * 40 + f"<{EX}a> <{EX}p> ?o " + "OPTIONAL { ?o ?p ?x } " * 20 + "}" * 40
    response = httpx.post(hostile_server + "/sparql", content=query.encode(), headers=QUERY, timeout=30)
    assert response.status_code == 200, response.text[:300]
    assert response.json()["results"]["bindings"][0]["o"]["value"] == "a1"


def test_deep_nesting_in_an_update_is_refused(tmp_path):
    store = build_store(tmp_path / "store")
    with running_server(store, allow_update=True, admin_token="t" * 20, max_query_length=MAX_LENGTH) as base:
        update = "INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + "{" * 3000 + "}" * 3000
        response = httpx.post(
            base + "/sparql",
            content=update.encode(),
            timeout=30,
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer " + "t" * 20},
        )
        assert response.status_code == 400 and response.json()["error"]["code"] == "query-too-deep"


# --- 3. a worker that died while idle ------------------------------------------------------
def test_a_worker_killed_while_idle_is_replaced_and_no_query_fails(hostile_server):
    workers = _wait_for_workers(hostile_server)
    assert httpx.get(hostile_server + "/sparql", params={"query": SIMPLE}, timeout=30).status_code == 200
    for worker in workers:
        os.kill(worker.pid, signal.SIGKILL)
    statuses = [
        httpx.get(hostile_server + "/sparql", params={"query": SIMPLE}, timeout=30).status_code for _ in range(6)
    ]
    assert statuses == [200] * 6
    replaced = _wait_for_workers(hostile_server)
    assert not {w.pid for w in replaced} & {w.pid for w in workers}


def test_a_dead_idle_worker_is_reaped_without_waiting_for_a_query(hostile_server):
    victim = _wait_for_workers(hostile_server)[0]
    os.kill(victim.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        pids = {w.pid for w in _workers(hostile_server)}
        if victim.pid not in pids and len(pids) == WORKERS:
            break
        time.sleep(0.05)
    assert victim.pid not in {c.pid for c in psutil.Process(hostile_server.process.pid).children()}
    assert len(_workers(hostile_server)) == WORKERS


# --- 6. a lane for ordinary queries ----------------------------------------------------------
RUNAWAY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{EX}v> ?x . ?b <{EX}v> ?y . ?c <{EX}v> ?z }}"


def _client_from(address: str) -> httpx.Client:
    """A client whose connections come from another loopback address: another client to the server."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def _runaway_stream(server, address: str, stop: threading.Event, statuses: list[int]) -> None:
    with _client_from(address) as client:
        while not stop.is_set():
            statuses.append(client.get(server + "/sparql", params={"query": RUNAWAY}).status_code)


def test_two_runaway_streams_leave_a_lane_for_ordinary_queries(tmp_path):
    store = build_store(tmp_path / "store")
    with running_server(
        store, query_timeout=3, max_concurrent_queries=2, slow_query_seconds=0.3, max_slow_queries=2
    ) as base:
        _wait_for_workers(base)
        stop = threading.Event()
        runaway_statuses: list[int] = []
        streams = [
            threading.Thread(target=_runaway_stream, args=(base, address, stop, runaway_statuses), daemon=True)
            for address in ("127.0.0.2", "127.0.0.3")
        ]
        for stream in streams:
            stream.start()
        time.sleep(1.0)  # both runaways are in the slow lane
        latencies, statuses = [], []
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 6  # spans at least one restart of each runaway stream
            while time.monotonic() < deadline:
                started = time.monotonic()
                statuses.append(client.get("/sparql", params={"query": SIMPLE}).status_code)
                latencies.append(time.monotonic() - started)
                time.sleep(0.02)
        stop.set()
        for stream in streams:
            stream.join(30)
        assert set(statuses) == {200}
        assert runaway_statuses and set(runaway_statuses) == {503}
        latencies.sort()
        # generous for a loaded CI machine: before the slow lane, cheap queries waited for a
        # runaway to be killed (seconds); bench/hostile.py measures the real p99
        assert latencies[int(len(latencies) * 0.95)] < 1.0, latencies[-10:]


def test_a_client_runs_one_slow_query_at_a_time(tmp_path):
    store = build_store(tmp_path / "store")
    with running_server(
        store, query_timeout=3, max_concurrent_queries=2, slow_query_seconds=0.3, max_slow_queries=2
    ) as base:
        _wait_for_workers(base)
        results: list[httpx.Response] = []

        def runaway():
            results.append(httpx.get(base + "/sparql", params={"query": RUNAWAY}, timeout=30))

        threads = [threading.Thread(target=runaway) for _ in range(2)]
        for thread in threads:
            thread.start()
            time.sleep(0.1)
        for thread in threads:
            thread.join(30)
        codes = sorted(r.json()["error"]["code"] for r in results)
        assert codes == ["query-timeout", "slow-lane-full"]
        busy = next(r for r in results if r.json()["error"]["code"] == "slow-lane-full")
        assert busy.status_code == 503 and "retry-after" in busy.headers
