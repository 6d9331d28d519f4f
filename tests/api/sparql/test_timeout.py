"""A runaway query is killed at its deadline while others are served; concurrency limit; shutdown.

Reproduce the measurement by hand:
    .venv/bin/pytest -q -s tests/api/sparql/test_timeout.py
"""

from __future__ import annotations

import signal
import threading
import time

import httpx
import psutil
import pytest

from tests.api.sparql.conftest import EX, LIMITS, build_store
from tests.serving import running_server

RUNAWAY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{EX}v> ?x . ?b <{EX}v> ?y . ?c <{EX}v> ?z }}"
SIMPLE = f"ASK {{ <{EX}a> <{EX}p> 'a1' }}"


def _in_background(url: str, query: str) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run():
        started = time.monotonic()
        try:
            response = httpx.get(url + "/sparql", params={"query": query}, timeout=30)
        except httpx.HTTPError as error:  # the server was stopped on purpose
            outcome.update(error=error, elapsed=time.monotonic() - started)
        else:
            outcome.update(response=response, elapsed=time.monotonic() - started)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _busiest_worker(server_pid: int, sample: float = 0.3, patience: float = 3.0) -> psutil.Process:
    """The server's child process that burns CPU (the worker may still be starting: wait)."""
    deadline = time.monotonic() + patience
    while True:
        children = psutil.Process(server_pid).children()
        before = {c.pid: sum(c.cpu_times()[:2]) for c in children}
        time.sleep(sample)
        used = {c.pid: sum(c.cpu_times()[:2]) - before[c.pid] for c in children if c.is_running()}
        pid = max(used, key=used.get)
        if used[pid] > sample * 0.25:
            return psutil.Process(pid)
        assert time.monotonic() < deadline, f"no worker is burning CPU: {used}"


def test_runaway_query_is_stopped_and_others_are_served(server):
    limit = LIMITS["query_timeout"]
    idle = []
    for _ in range(5):
        started = time.monotonic()
        httpx.get(server + "/sparql", params={"query": SIMPLE}, timeout=10)
        idle.append(time.monotonic() - started)
    thread, outcome = _in_background(server, RUNAWAY)
    time.sleep(0.3)
    worker = _busiest_worker(server.process.pid)
    latencies = []
    cpu_held = None
    while thread.is_alive() and len(latencies) < 10:
        try:
            cpu_held = sum(worker.cpu_times()[:2])
        except psutil.Error:
            pass
        started = time.monotonic()
        response = httpx.get(server + "/sparql", params={"query": SIMPLE}, timeout=10)
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200 and response.json()["boolean"] is True
        time.sleep(0.1)
    thread.join(limit + 10)
    response, elapsed = outcome["response"], outcome["elapsed"]
    print(
        f"\nrunaway: {response.status_code} after {elapsed:.2f} s (limit {limit} s); "
        f"worker cpu ~{cpu_held and round(cpu_held, 2)} s; other queries meanwhile: "
        f"max {max(latencies) * 1000:.0f} ms, median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms "
        f"over {len(latencies)} (idle server: median {sorted(idle)[2] * 1000:.0f} ms)"
    )
    assert response.status_code == 503
    err = response.json()["error"]
    assert err["code"] == "query-timeout" and f"{limit:g} s" in err["detail"]
    assert elapsed < limit + 1.5
    assert latencies and max(latencies) < 1.0
    # the worker process is gone (killed and reaped), the core is free
    assert not psutil.pid_exists(worker.pid)
    children = psutil.Process(server.process.pid).children()
    for child in children:
        child.cpu_percent(None)
    time.sleep(0.5)
    assert sum(child.cpu_percent(None) for child in children if child.is_running()) < 30
    # and the pool is whole again
    assert httpx.get(server + "/sparql", params={"query": SIMPLE}, timeout=10).json()["boolean"] is True


def test_all_workers_busy_and_queue_full_gives_503(tmp_path):
    store = build_store(tmp_path / "store")
    # without the slow lane (it would move the runaway aside and serve the second query)
    with running_server(
        store, query_timeout=2, max_concurrent_queries=1, max_queued_queries=0, max_slow_queries=0
    ) as base:
        httpx.get(base + "/sparql", params={"query": SIMPLE}, timeout=10)  # worker up
        thread, outcome = _in_background(base, RUNAWAY)
        time.sleep(0.5)
        busy = httpx.get(base + "/sparql", params={"query": SIMPLE}, timeout=10)
        assert busy.status_code == 503
        assert busy.json()["error"]["code"] == "server-busy"
        assert int(busy.headers["retry-after"]) >= 1
        thread.join(15)
        assert outcome["response"].status_code == 503
        assert httpx.get(base + "/sparql", params={"query": SIMPLE}, timeout=10).status_code == 200


def test_queued_query_waits_for_a_free_worker(tmp_path):
    store = build_store(tmp_path / "store")
    with running_server(store, query_timeout=2, max_concurrent_queries=1, max_queued_queries=2) as base:
        httpx.get(base + "/sparql", params={"query": SIMPLE}, timeout=10)
        slow, slow_outcome = _in_background(base, RUNAWAY)
        time.sleep(0.3)
        queued, queued_outcome = _in_background(base, SIMPLE)
        slow.join(15)
        queued.join(15)
        assert slow_outcome["response"].status_code == 503
        assert queued_outcome["response"].status_code == 200  # served by the replacement worker


def test_sigterm_stops_the_server_and_its_workers(tmp_path):
    store = build_store(tmp_path / "store")
    with running_server(store, query_timeout=30) as base:
        thread, _ = _in_background(base, RUNAWAY)
        time.sleep(0.5)
        process = base.process
        workers = psutil.Process(process.pid).children(recursive=True)
        assert workers
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        stopped = time.monotonic() - started
        assert stopped < 5, stopped
        time.sleep(0.2)
        assert not [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
        thread.join(5)


@pytest.mark.parametrize("sig", [signal.SIGKILL])
def test_workers_die_with_a_killed_server(tmp_path, sig):
    store = build_store(tmp_path / "store")
    with running_server(store, query_timeout=30) as base:
        thread, _ = _in_background(base, RUNAWAY)
        time.sleep(0.5)
        workers = psutil.Process(base.process.pid).children()
        base.process.send_signal(sig)
        base.process.wait(5)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and any(
            w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers
        ):
            time.sleep(0.05)
        assert not [w.pid for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
        thread.join(5)
