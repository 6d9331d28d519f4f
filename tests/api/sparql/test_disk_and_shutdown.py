"""A full disk and a shutdown (issue #12, item 8): a clear error, never a 500 or a traceback,
no half-written files left behind, and queries in flight answered in the JSON error shape.

The full-disk tests mount a small tmpfs (root only; skipped elsewhere)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from tests.api.sparql.conftest import EX, build_store
from tests.serving import ROOT, running_server

RUNAWAY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{EX}v> ?x . ?b <{EX}v> ?y . ?c <{EX}v> ?z }}"


def test_sigterm_answers_a_query_in_flight_with_the_json_503(tmp_path):
    store = build_store(tmp_path / "store")
    with running_server(store, query_timeout=30) as base:
        outcome: dict = {}

        def runaway():
            started = time.monotonic()
            outcome["response"] = httpx.get(base + "/sparql", params={"query": RUNAWAY}, timeout=30)
            outcome["elapsed"] = time.monotonic() - started

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(1.5)
        base.process.send_signal(signal.SIGTERM)
        thread.join(30)
        response = outcome["response"]
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "shutting-down"
        assert "retry-after" in response.headers
        assert outcome["elapsed"] < 1.5 + 2 + 5  # the 2 s grace period, generously
        base.process.wait(10)


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs at tmp_path/disk, to fill up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True).returncode
        != 0
    ):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _fill(disk: Path, leave: int = 4096) -> Path:
    """Fill ``disk`` up to ``leave`` bytes free; returns the filler file."""
    filler = disk / "filler"
    with filler.open("wb") as out:
        try:
            while os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize > leave:
                out.write(b"\0" * min(65536, max(os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize - leave, 512)))
                out.flush()
        except OSError:
            pass
    return filler


def _small_store(path: Path) -> Path:
    store = ox.Store(str(path))
    store.extend(
        [
            ox.Quad(
                ox.NamedNode(f"{EX}s{i}"),
                ox.NamedNode(EX + "p"),
                ox.Literal("x" * 200 + str(i)),
                ox.NamedNode(EX + "g"),
            )
            for i in range(300)
        ]
    )
    store.flush()
    del store
    return path


def test_dumps_and_void_on_a_full_disk_are_a_clear_error_and_leave_no_part_files(small_disk):
    store = _small_store(small_disk / "store")
    filler = _fill(small_disk)
    with running_server(store) as base:
        for path in ("/dumps/", "/.well-known/void"):
            response = httpx.get(base + path, headers={"Accept": "application/json"}, timeout=60)
            assert response.status_code == 507, (path, response.status_code, response.text[:300])
            assert response.json()["error"]["code"] == "storage-full"
        assert not list(small_disk.rglob("*.part"))
        filler.unlink()
        assert httpx.get(base + "/dumps/", headers={"Accept": "application/json"}, timeout=60).status_code == 200


@pytest.mark.parametrize("free", [4096, 1_500_000], ids=["full-at-start", "full-while-loading"])
def test_a_build_on_a_full_disk_is_one_line_naming_the_path(small_disk, free):
    _fill(small_disk, leave=free)
    result = subprocess.run(
        [sys.executable, "-m", "ctair.cli", "build", "--store", str(small_disk / "store"), "--no-ner"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert lines[-1].startswith("ctair: error:") and str(small_disk) in lines[-1], lines[-5:]
    assert not list((small_disk / ".store.builds").iterdir())  # the failed build is cleaned away


def test_a_killed_builds_load_spools_are_removed_by_the_next_load(tmp_path):
    from ctair.graph.store import OxigraphStore

    dead_pid = 4_000_000  # above Linux's largest pid: no such process
    stale = tmp_path / f".ctair-load-{dead_pid}-abc.nq"
    legacy = tmp_path / ".ctair-load-k3jx9ab_.nq"  # the name before it carried a pid
    mine = tmp_path / f".ctair-load-{os.getpid()}-live.nq"
    for spool in (stale, legacy, mine):
        spool.write_bytes(b"<urn:a> <urn:b> <urn:c> <urn:g> .\n" * 1000)
    os.utime(legacy, (time.time() - 7200, time.time() - 7200))
    store = OxigraphStore(tmp_path / "store")
    store.load_graphs(
        [(ox.NamedNode("urn:g"), [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"))])]
    )
    assert not stale.exists() and not legacy.exists()
    assert mine.exists()  # a load in progress (here: this process) keeps its spool
