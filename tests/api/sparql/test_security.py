"""Update authorisation, and proof that no query makes an outbound connection."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading

import httpx
import pytest

from tests.api.sparql.conftest import EX, TOKEN

UPDATE = {"Content-Type": "application/sparql-update"}


def _status(response, status, code=None):
    assert response.status_code == status, response.text
    if code:
        assert response.json()["error"]["code"] == code


def test_update_needs_the_admin_token(writable_server):
    insert = f"INSERT DATA {{ GRAPH <{EX}new> {{ <{EX}s> <{EX}p> 'new' }} }}"
    with httpx.Client(base_url=writable_server, timeout=30) as client:
        _status(client.post("/sparql", content=insert, headers=UPDATE), 401, "unauthorized")
        assert client.post("/sparql", content=insert, headers=UPDATE).headers["www-authenticate"].startswith("Bearer")
        _status(
            client.post("/sparql", content=insert, headers={**UPDATE, "Authorization": "Bearer wrong"}),
            403,
            "forbidden",
        )
        _status(
            client.post("/sparql", content=insert, headers={**UPDATE, "Authorization": f"Basic {TOKEN}"}),
            403,
            "forbidden",
        )
        ask = {"query": f"ASK {{ <{EX}s> <{EX}p> 'new' }}"}
        assert client.get("/sparql", params=ask).json()["boolean"] is False
        ok = client.post("/sparql", content=insert, headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 204
        # the readers see the change at once
        assert client.get("/sparql", params=ask).json()["boolean"] is True
        form = client.post(
            "/sparql", data={"update": f"DROP GRAPH <{EX}new>"}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert form.status_code == 204
        assert client.get("/sparql", params=ask).json()["boolean"] is False
        # syntax errors of updates are 400 with the position
        bad = client.post("/sparql", content="CLEAR XYZ", headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"})
        _status(bad, 400, "update-syntax")
        assert bad.json()["error"]["line"] == 1
        # service description announces updates
        assert b"SPARQL11Update" in client.get("/sparql").content


@contextlib.contextmanager
def listener():
    """A TCP listener on 127.0.0.1 that records every connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(1)
            try:
                connections.append(conn.recv(4096) or b"<connected>")
            except OSError:
                connections.append(b"<connected>")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], connections
    finally:
        stop.set()
        thread.join(2)
        server.close()


def service_queries(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ ?s ?p ?o . sErViCe SILENT <{url}> {{ ?s ?q ?r }} }} }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} OPTIONAL {{ SERVICE ?e {{ ?s ?p ?o }} }} }}",
        f"PREFIX service: <http://ex/>\nSELECT * WHERE {{ ?service service:p 'service' .\n"
        f"SERVICE<{url}>{{?s ?p ?o}} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ ?s ?p ?o }} UNION {{ Service <{url}> {{ ?s ?p ?o }} }} }}",
    ]


def test_service_is_refused_and_no_connection_is_made(server):
    with listener() as (port, connections):
        for query in service_queries(port):
            for response in (
                httpx.get(server + "/sparql", params={"query": query}, timeout=10),
                httpx.post(server + "/sparql", data={"query": query}, timeout=10),
            ):
                assert response.status_code == 400, (query, response.text)
                err = response.json()["error"]
                assert err["code"] == "outbound-request-refused"
                assert "SERVICE" in err["detail"]
        import time

        time.sleep(0.5)
        assert connections == []


def test_service_and_load_in_updates_are_refused(writable_server):
    auth = {**UPDATE, "Authorization": f"Bearer {TOKEN}"}
    with listener() as (port, connections):
        url = f"http://127.0.0.1:{port}/data.ttl"
        for update in (
            f"LOAD <{url}>",
            f"load silent <{url}> into graph <{EX}g>",
            f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            f"CLEAR ALL ; INSERT {{ GRAPH <{EX}x> {{ ?s ?p ?o }} }} "
            f"WHERE {{ {{ SELECT * {{ service <{url}> {{ ?s ?p ?o }} }} }} }}",
        ):
            response = httpx.post(writable_server + "/sparql", content=update, headers=auth, timeout=10)
            assert response.status_code == 400, (update, response.text)
            assert response.json()["error"]["code"] == "outbound-request-refused"
        import time

        time.sleep(0.5)
        assert connections == []
    # nothing was cleared
    ask = httpx.get(writable_server + "/sparql", params={"query": f"ASK {{ <{EX}a> ?p ?o }}"})
    assert ask.json()["boolean"] is True


def test_service_in_strings_comments_and_names_is_fine(client):
    query = (
        "PREFIX service: <http://ex/service/>\n"
        "SELECT ?service WHERE { # a SERVICE <http://127.0.0.1:1/> { } in a comment\n"
        "  VALUES ?service { 'service <http://127.0.0.1:1/> {}' service:x <http://ex/service> }\n"
        "}"
    )
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == 3


def test_workers_have_no_network_when_the_kernel_allows():
    """Second line of defence: a worker process cannot connect anywhere."""
    with listener() as (port, connections):
        code = (
            "import socket, sys\n"
            "from ctair.api.worker_process import _harden\n"
            "status = _harden()\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).close(); print(status, 'connected')\n"
            "except OSError as e:\n"
            "    print(status, 'refused', e)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30).stdout
        status = out.split()[0]
        if status != "network-namespace":
            pytest.skip(f"the kernel refuses network namespaces here ({out.strip()})")
        assert "refused" in out
        assert connections == []
