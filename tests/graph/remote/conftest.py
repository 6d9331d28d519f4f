"""A real ``oxigraph serve`` on 127.0.0.1 for the remote-store tests (free port, temp location,
killed at the end), and the bundled corpus built into it through the Graph Store Protocol."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import BASE_IRI, CORPUS
from tests.serving import free_port


def oxigraph_binary() -> str:
    found = Path(sys.executable).with_name("oxigraph")
    if found.is_file():
        return str(found)
    which = shutil.which("oxigraph")
    if which is None:
        pytest.skip("the `oxigraph` server (PyPI package `oxigraph`) is not installed")
    return which


@contextlib.contextmanager
def oxigraph_server(
    location: Path | None, *, read_only: bool = False, timeout: float = 20.0, query_timeout: float | None = None
) -> Iterator[str]:
    """``oxigraph serve`` (or ``serve-read-only``) on a free loopback port; yields its base URL.
    ``query_timeout``: the server's own limit (``--timeout-s``), so that a runaway query sent by a
    test does not keep a core busy after the test."""
    port = free_port()
    command = [oxigraph_binary(), "serve-read-only" if read_only else "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        command += ["--location", str(location)]
    if query_timeout is not None:
        command += ["--timeout-s", f"{query_timeout:g}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"oxigraph exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}"
                )
            try:
                httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph did not answer in time") from None
                time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        if process.stderr:
            process.stderr.close()


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db") as url:
        yield url


@pytest.fixture(scope="session")
def remote_build(oxigraph_url):
    """The bundled corpus built into the server with ``ctair.build.build`` (remote path)."""
    from ctair.build import build
    from ctair.graph.remote_store import RemoteSparqlStore

    store = RemoteSparqlStore(oxigraph_url)
    summary = build(store, CORPUS, BASE_IRI, progress=lambda message: None)
    return store, summary


@pytest.fixture(scope="session")
def remote_store(remote_build):
    return remote_build[0]


@pytest.fixture
def scratch_url(tmp_path) -> Iterator[str]:
    """A second, empty, in-memory server for tests that write or clear."""
    with oxigraph_server(None) as url:
        yield url
