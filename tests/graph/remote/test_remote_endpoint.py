"""``/sparql`` of a ctair server whose store is a remote SPARQL server (``ctair serve --store http://…``).

Real processes on loopback: ``oxigraph serve`` holds the data, ``python -m ctair.cli.server URL``
forwards to it; the same requests to a ctair server on the embedded copy of the same data must
get the same answers, formats, limits and errors.
"""

from __future__ import annotations

import csv
import io
import json
import time

import httpx
import pyoxigraph as ox
import pytest

from tests.api.sparql.conftest import TOKEN, record_score
from tests.api.sparql.w3c_protocol import build_store, run_all, score_line
from tests.conftest import BASE_IRI, CORPUS
from tests.serving import free_port, running_server

from .conftest import oxigraph_server

LIMITS = dict(
    query_timeout=3, max_result_rows=40, max_query_length=4000, max_concurrent_queries=2, max_queued_queries=4
)
CTAIR = "PREFIX ctair: <https://w3id.org/ctair/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
ACTIONS_BY_TERRITORY = (
    CTAIR
    + """SELECT ?territory (COUNT(?action) AS ?actions) WHERE {
  ?action a ctair:Action ; ctair:territory ?territory .
} GROUP BY ?territory ORDER BY ?territory"""
)
EVERY_TRIPLE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


@pytest.fixture(scope="module")
def servers(oxigraph_url, remote_store, built_store_path):
    """(ctair on the remote store, ctair on the embedded store of the same corpus)."""
    with running_server(oxigraph_url, **LIMITS) as remote, running_server(built_store_path, **LIMITS) as local:
        yield remote, local


def _query(base: str, query: str, accept: str = "application/sparql-results+json", **params) -> httpx.Response:
    return httpx.post(base + "/sparql", data={"query": query, **params}, headers={"Accept": accept}, timeout=30)


def _error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


@pytest.mark.parametrize(
    "accept",
    ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
def test_select_answers_as_on_the_embedded_store(servers, accept):
    remote, local = servers
    answers = [_query(base, ACTIONS_BY_TERRITORY, accept) for base in servers]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == accept
    assert answers[0].content == answers[1].content
    if accept == "text/csv":
        rows = list(csv.DictReader(io.StringIO(answers[0].text)))
        # the union of the named graphs: 31 actions of 11 territories (Autun's zoom is a contract, not an action)
        assert len(rows) == 11 and sum(int(r["actions"]) for r in rows) == 31


def test_the_row_cap_is_applied_and_announced(servers):
    remote, local = servers
    answers = [_query(base, EVERY_TRIPLE) for base in servers]
    for answer in answers:
        assert answer.status_code == 200
        assert answer.headers["x-ctair-result-truncated"] == "true"
        assert answer.headers["x-ctair-result-limit"] == str(LIMITS["max_result_rows"])
        assert len(answer.json()["results"]["bindings"]) == LIMITS["max_result_rows"]
    small = _query(remote, ACTIONS_BY_TERRITORY)
    assert "x-ctair-result-truncated" not in small.headers


def test_construct_ask_and_dataset_parameters(servers):
    remote, local = servers
    construct = CTAIR + "CONSTRUCT { ?t rdfs:label ?l } WHERE { ?t a ctair:Territory ; rdfs:label ?l }"
    graphs = []
    for base in servers:
        answer = _query(base, construct, "text/turtle")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
        graphs.append(set(ox.parse(answer.content, format=ox.RdfFormat.TURTLE)))
    assert graphs[0] == graphs[1] and graphs[0]
    ask = _query(remote, CTAIR + "ASK { ?a a ctair:Action }", "application/sparql-results+xml")
    assert ask.status_code == 200 and "<boolean>true</boolean>" in ask.text
    # a default-graph-uri naming only the ontology graph: no action there
    ontology_graph = f"{BASE_IRI}graph/ontology"
    for base in servers:
        scoped = _query(base, CTAIR + "ASK { ?a a ctair:Action }", **{"default-graph-uri": ontology_graph})
        assert scoped.status_code == 200 and scoped.json()["boolean"] is False


def test_errors_name_the_problem_and_where(servers):
    remote, _ = servers
    syntax = _query(remote, "SELECT * WHERE {\n  ?s ?p \n")
    assert syntax.status_code == 400
    error = syntax.json()["error"]
    assert error["line"] == 3 and "SPARQL server rejected the query" in error["detail"]
    outbound = _query(remote, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert outbound.status_code == 400 and _error_code(outbound) == "outbound-request-refused"
    update = httpx.post(remote + "/sparql", data={"update": "CLEAR ALL"}, timeout=10)
    assert update.status_code == 403 and _error_code(update) == "updates-disabled"
    refused = _query(remote, ACTIONS_BY_TERRITORY, "image/png")
    assert refused.status_code == 406
    assert _query(remote, ACTIONS_BY_TERRITORY).status_code == 200  # and nothing was written
    assert httpx.get(remote + "/api/who", params={"organisation": "Adoma"}, timeout=10).status_code == 200


def test_an_unreachable_server_is_a_bad_gateway(tmp_path):
    nowhere = f"http://127.0.0.1:{free_port()}"
    with running_server(nowhere, **LIMITS) as base:
        answer = _query(base, "ASK {}")
        assert answer.status_code == 502 and _error_code(answer) == "remote-store-unreachable"
        rest = httpx.get(base + "/api/territories", timeout=10)
        assert rest.status_code == 502 and _error_code(rest) == "remote-store-error"
        assert "127.0.0.1" in rest.json()["error"]["detail"]


def test_a_runaway_query_is_cut_at_the_timeout_and_the_server_keeps_serving():
    with oxigraph_server(None, query_timeout=20) as url:
        httpx.post(
            url + "/update",
            content=" ".join(f"INSERT DATA {{ <urn:s{i}> <urn:p> {i} }} ;" for i in range(400)).rstrip(";").encode(),
            headers={"Content-Type": "application/sparql-update"},
        ).raise_for_status()
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h }"
        with running_server(url, **LIMITS) as base:
            started = time.monotonic()
            answer = _query(base, runaway)
            elapsed = time.monotonic() - started
            assert answer.status_code == 503 and _error_code(answer) == "query-timeout"
            assert elapsed < LIMITS["query_timeout"] + 2
            assert _query(base, "ASK { <urn:s1> ?p ?o }").json()["boolean"] is True


def test_updates_with_the_admin_token_reach_the_server_and_the_rest_api(scratch_url):
    from ctair.build import build
    from ctair.graph.remote_store import RemoteSparqlStore

    store = RemoteSparqlStore(scratch_url)
    build(store, CORPUS, BASE_IRI, ner=False, progress=lambda message: None)
    with running_server(scratch_url, allow_update=True, admin_token=TOKEN, **LIMITS) as base:
        assert httpx.get(base + "/api/who", params={"organisation": "Zéphyr Solidarité"}, timeout=10).status_code == 404
        insert = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT DATA {{ GRAPH <{BASE_IRI}graph/registry> {{
  <{BASE_IRI}id/organisation/adoma> skos:altLabel "Zéphyr Solidarité"@fr .
}} }}"""
        unauthorised = httpx.post(base + "/sparql", data={"update": insert}, timeout=10)
        assert unauthorised.status_code == 401
        done = httpx.post(
            base + "/sparql", data={"update": insert}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )
        assert done.status_code == 204, done.text
        assert store.ask('ASK { ?adoma ?p "Zéphyr Solidarité"@fr }')
        found = httpx.get(base + "/api/who", params={"organisation": "zephyr solidarite"}, timeout=10)
        assert found.status_code == 200, found.text  # the entity index was rebuilt after the update
        assert found.json()["organisation"]["id"] == "adoma"
        bad = httpx.post(
            base + "/sparql",
            data={"update": "INSERT DATA { <urn:a> <urn:b> }"},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
        assert bad.status_code == 400


def test_w3c_protocol_suite_through_a_remote_store(tmp_path):
    """The 34 W3C protocol tests against ctair forwarding to `oxigraph serve`, updates enabled."""
    location = tmp_path / "w3c"
    build_store(location)
    with (
        oxigraph_server(location, query_timeout=20) as url,
        running_server(url, allow_update=True, admin_token=TOKEN, query_timeout=5) as base,
    ):
        outcomes = run_all(base, token=TOKEN)
    record_score(score_line(outcomes, "remote store, updates enabled"))
    print(score_line(outcomes, "remote store, updates enabled"))
    assert all(o.passed for o in outcomes), "\n".join(f"{o.test.name}: {o.message}" for o in outcomes if not o.passed)
    assert len(outcomes) == 34


def test_service_description_and_rest_on_the_same_server(servers):
    remote, _ = servers
    description = httpx.get(remote + "/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert description.status_code == 200 and "sparql-service-description" in description.text
    recurring = httpx.get(remote + "/api/queries/recurring-organisations", timeout=30)
    assert recurring.status_code == 200
    assert json.loads(recurring.text) == json.loads(
        httpx.get(servers[1] + "/api/queries/recurring-organisations", timeout=30).text
    )


def test_dumps_and_void_of_a_remote_store(servers):
    remote, local = servers
    dumps = [httpx.get(base + "/dumps/ctair.nq", timeout=60) for base in servers]
    assert all(d.status_code == 200 for d in dumps)
    assert dumps[0].content == dumps[1].content  # the same quads, in the same order
    void = httpx.get(remote + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert void.status_code == 200
    assert dumps[0].headers["x-checksum-sha256"] in httpx.get(remote + "/dumps/SHA256SUMS", timeout=10).text
