"""RemoteSparqlStore against a real `oxigraph serve`: same answers as the embedded store,
safe parameter binding, clear errors, Graph Store writes, and the CLI/REST wiring."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, Triple

from ctair.api.app import create_app
from ctair.graph.binding import sparql_term, with_values
from ctair.graph.entities import EntityIndex
from ctair.graph.named_queries import bind, load_named_queries
from ctair.graph.remote_store import RemoteSparqlStore, open_store
from ctair.graph.store import OxigraphStore
from ctair.graph.terms import StoreError
from ctair.graph.who import who

# Representative parameters of the named queries (any spelling is resolved by EntityIndex).
PARAMETERS = {
    "organisation": ["ADOMA", "coallia", "France Horizon"],
    "territory": ["lyon", "Brest", "Autun"],
    "axis": ["logement", "santé", "emploi"],
    "min_territories": ["1", "2", "3"],
    "operator": ["Soliha", "Adoma", "forum refugies cosi"],
    "first": ["Adoma", "coallia", "Pôle emploi"],
    "second": ["Coallia", "France Horizon", "OFII"],
    "public": ["famille", "jeunes", "femmes"],
}


RESOURCES = [  # for the internal queries that say "Bind ?resource"
    "https://w3id.org/ctair/id/organisation/adoma",
    "https://w3id.org/ctair/id/territory/lyon",
    "https://w3id.org/ctair/id/organisation/coallia",
]


def _cases():
    for name, query in sorted(load_named_queries(include_internal=True).items()):
        if query.parameters:
            for i in range(3):
                yield name, {p.name: PARAMETERS[p.name][i] for p in query.parameters if p.name in PARAMETERS}
        elif "?resource" in query.text:
            for iri in RESOURCES:
                yield name, {"resource": iri}
        else:
            yield name, {}


def canonical(rows, text=""):
    """Rows as a sorted list; GROUP_CONCAT values as sorted parts (their order is unspecified)."""
    concatenated = set(re.findall(r"GROUP_CONCAT\(.*?AS\s+\?(\w+)", text, re.S))

    def value(name, term):
        if name in concatenated:
            return " ".join(sorted(re.split(r";\s|\s", term.value)))
        return str(term)

    return sorted(tuple(sorted((k, value(k, v)) for k, v in row.items())) for row in rows)


def _bindings(store, query, values):
    if "resource" in values:
        return {"resource": NamedNode(values["resource"])}
    index = EntityIndex(store)
    return bind(query, values, lambda kind, raw, name: index.resolve_term(kind, raw, name))


def _is_graph_query(text: str) -> bool:
    from ctair.graph.binding import _TOKENS

    words = (m.group().upper() for m in _TOKENS.finditer(text) if m.lastgroup == "word")
    return next(w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")) in ("CONSTRUCT", "DESCRIBE")


@pytest.mark.parametrize(
    ("name", "values"),
    list(_cases()),
    ids=lambda v: v if isinstance(v, str) else "-".join(v.values()).rsplit("/", 1)[-1] or "-",
)
def test_every_named_query_answers_the_same_on_both_stores(remote_store, built_store, name, values):
    query = load_named_queries(include_internal=True)[name]
    if _is_graph_query(query.text):
        embedded = built_store.construct(query.text, _bindings(built_store, query, values))
        remote = remote_store.construct(query.text, _bindings(remote_store, query, values))
        assert sorted(set(map(str, remote))) == sorted(set(map(str, embedded))) and embedded
        return
    embedded = built_store.select(query.text, _bindings(built_store, query, values))
    remote = remote_store.select(query.text, _bindings(remote_store, query, values))
    assert canonical(remote, query.text) == canonical(embedded, query.text)
    if "ORDER BY" in query.text:  # the order is part of the answer where the query fixes it
        assert [r.get(v) for r in remote for v in ("organisation", "territory", "action", "kind")] == [
            r.get(v) for r in embedded for v in ("organisation", "territory", "action", "kind")
        ]


def test_the_build_wrote_the_same_graphs(remote_build, built):
    store, summary = remote_build
    _, embedded_summary = built
    assert summary.graphs == embedded_summary.graphs
    assert summary.counts == embedded_summary.counts
    assert summary.triples == embedded_summary.triples == len(store)
    assert [g.value for g in store.named_graphs()] == sorted(summary.graphs)


def test_who_is_the_same(remote_store, built_store):
    for name in ("ADOMA", "Forum réfugiés", "coallia"):
        assert who(remote_store, name) == who(built_store, name)


def test_rest_api_reads_the_remote_store(remote_store, built_store):
    client = TestClient(create_app(remote_store=remote_store))  # no lifespan: /sparql's runner is not started
    response = client.get("/api/who", params={"organisation": "adôma"})
    assert response.status_code == 200, response.text
    assert response.json() == json.loads(json.dumps(who(built_store, "Adoma"), ensure_ascii=False))
    assert client.get("/api/who", params={"organisation": "Nobody Such"}).status_code == 404
    territory = client.get("/api/territories/lyon")
    assert territory.status_code == 200 and territory.json()["actions"]


def test_cli_reads_the_remote_store(oxigraph_url, remote_store, built_store_path, capsys):
    from ctair.cli import main

    outputs = []
    for store in (oxigraph_url, str(built_store_path)):
        assert main(["query", "recurring-organisations", "--store", store, "--format", "json"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1] and outputs[0]
    assert main(["who", "Coallia", "--store", oxigraph_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["organisation"]["id"] == "coallia"
    assert main(["query", "recurring-organisations", "--store", oxigraph_url, "--param", "min_territories=99"]) == 0
    assert "organisationLabel" in capsys.readouterr().out  # the columns of an empty result come from the server


HOSTILE = [
    'x" } DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } #',
    "x' } DROP ALL #",
    '"""} DROP ALL',
    "'''} DROP ALL",
    "} } } DROP ALL",
    "{ ?s ?p ?o }",
    'a\\" } DROP ALL #',
    "back\\slash \\u0022 } DROP ALL #",
    "line\nbreak\r\n} DROP ALL",
    "> <urn:x> } DROP ALL #",
    "# comment } DROP ALL\n",
    "Adoma\u0000nul\u000bvt",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_parameters_are_values_not_syntax(remote_store, text):
    before = len(remote_store)
    graphs = remote_store.named_graphs()
    query = "SELECT ?name (STRLEN(?name) AS ?n) WHERE { }"
    rows = remote_store.select(query, {"name": Literal(text)})
    assert [r["name"].value for r in rows] == [text]
    assert int(rows[0]["n"].value) == len(text)
    tagged = remote_store.select("SELECT ?name WHERE { }", {"name": Literal(text, language="fr")})
    assert tagged[0]["name"] == Literal(text, language="fr")
    # as a filter value it matches nothing, and nothing was written
    matches = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?o ?name WHERE { ?o rdfs:label ?name }"
    assert remote_store.select(matches, {"name": Literal(text)}) == []
    assert len(remote_store) == before and remote_store.named_graphs() == graphs


def test_hostile_names_through_the_named_queries(remote_store):
    query = load_named_queries()["who-does-what-where"]
    index = EntityIndex(remote_store)
    before = len(remote_store)
    for text in HOSTILE:
        with pytest.raises(ValueError):  # QueryParameterError: an unknown organisation, never a query
            bind(query, {"organisation": text}, lambda kind, raw, name: index.resolve_term(kind, raw, name))
    assert len(remote_store) == before


def test_bindings_are_serialized_terms():
    assert (
        sparql_term(NamedNode("https://w3id.org/ctair/id/organisation/adoma"))
        == "<https://w3id.org/ctair/id/organisation/adoma>"
    )
    assert sparql_term(Literal('a"b\\c\nd')) == '"a\\"b\\\\c\\nd"'
    assert (
        sparql_term(Literal("2", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
        == '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )
    text = with_values('CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o # {\n FILTER(?o != "}") }', {"s": NamedNode("urn:x")})
    assert text == 'CONSTRUCT { ?s ?p "{" } WHERE { VALUES (?s) { (<urn:x>) }  ?s ?p ?o # {\n FILTER(?o != "}") }'
    with pytest.raises(StoreError):
        with_values("SELECT * WHERE { }", {"bad name": Literal("x")})


def test_ask_and_construct(remote_store, built_store):
    ask = "PREFIX ctair: <https://w3id.org/ctair/ontology#> ASK { ?a a ctair:Action ; ctair:territory ?t }"
    lyon = NamedNode("https://w3id.org/ctair/id/territory/lyon")
    assert remote_store.ask(ask, {"t": lyon}) is True is built_store.ask(ask, {"t": lyon})
    construct = (
        "PREFIX ctair: <https://w3id.org/ctair/ontology#> "
        "CONSTRUCT { ?a ctair:territory ?t } WHERE { ?a ctair:territory ?t }"
    )
    assert sorted(map(str, remote_store.construct(construct, {"t": lyon}))) == sorted(
        map(str, built_store.construct(construct, {"t": lyon}))
    )
    with pytest.raises(TypeError):
        remote_store.select(ask)


def test_server_errors_are_store_errors(remote_store, oxigraph_url):
    with pytest.raises(StoreError, match=r"answered 400.*"):
        remote_store.select("SELECT * WHERE { ?s ?p ")
    from tests.serving import free_port

    unreachable = RemoteSparqlStore(f"http://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(StoreError, match="cannot reach"):
        unreachable.select("SELECT * WHERE { }")
    wrong = RemoteSparqlStore(oxigraph_url, query_url=f"{oxigraph_url}/nothing-here")
    with pytest.raises(StoreError, match="404"):
        wrong.select("SELECT * WHERE { }")


def test_graph_store_writes(scratch_url):
    store = RemoteSparqlStore(scratch_url)
    g = NamedNode("urn:graph:one")
    triples = [Triple(NamedNode(f"urn:s{i}"), NamedNode("urn:p"), Literal(f"v{i}")) for i in range(50_001)]
    assert store.replace_graph(g, iter(triples)) == 50_001  # streamed in several chunks
    assert len(store) == 50_001 and store.named_graphs() == [g]
    assert store.replace_graph(g, triples[:3]) == 3  # replaced, not added to
    assert len(store) == 3
    assert store.select('SELECT ?s WHERE { ?s <urn:p> "v1" }') == [{"s": NamedNode("urn:s1")}]  # union default graph
    assert store.replace_graph(NamedNode("urn:graph:two"), []) == 0
    store.clear()
    assert len(store) == 0


def test_open_store_factory(oxigraph_url, built_store_path):
    assert isinstance(open_store(oxigraph_url, read_only=True), RemoteSparqlStore)
    assert isinstance(open_store(str(built_store_path), read_only=True), OxigraphStore)
    custom = open_store(
        oxigraph_url + "/", read_only=True, query_url="http://q/sparql", update_url="http://u", gsp_url="http://g"
    )
    assert (custom.query_url, custom.update_url, custom.gsp_url) == ("http://q/sparql", "http://u", "http://g")
    with pytest.raises(StoreError):
        open_store(str(built_store_path), read_only=True, query_url="http://q")


def test_loading_a_file_of_unknown_format_names_the_file(tmp_path):
    # mypy found it: the format guessed from the extension may be None, which the request's
    # Content-Type then failed on (AttributeError) before anything was sent
    sent = []
    store = RemoteSparqlStore(
        "http://example.invalid",
        transport=httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(204)),
    )
    data = tmp_path / "graph.data"
    data.write_text("<http://ex/s> <http://ex/p> <http://ex/o> .\n", encoding="utf-8")
    with pytest.raises(StoreError, match="graph.data"):
        store.load_file(data, NamedNode("http://ex/g"))
    assert sent == []


def test_credentials_from_the_environment(monkeypatch):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        return httpx.Response(
            200, json={"head": {}, "boolean": True}, headers={"content-type": "application/sparql-results+json"}
        )

    monkeypatch.setenv("CTAIR_REMOTE_TOKEN", "s3cret")
    assert RemoteSparqlStore("http://example.invalid", transport=httpx.MockTransport(handler)).ask("ASK {}")
    monkeypatch.delenv("CTAIR_REMOTE_TOKEN")
    monkeypatch.setenv("CTAIR_REMOTE_USER", "ctair")
    monkeypatch.setenv("CTAIR_REMOTE_PASSWORD", "pw")
    store = RemoteSparqlStore("http://example.invalid", transport=httpx.MockTransport(handler))
    assert store.ask("ASK {}")
    assert seen[0] == "Bearer s3cret" and seen[1].startswith("Basic ")
    assert "s3cret" not in repr(store) and "pw" not in repr(store)


def test_ctair_serve_on_a_remote_store(remote_store, oxigraph_url, built_store):
    """`ctair serve --store http://…` as a real process: the REST API answers from the remote store."""
    import subprocess
    import sys
    import time

    from tests.serving import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ctair.cli", "serve", "--store", oxigraph_url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/who", params={"organisation": "COALLIA"}, timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "ctair serve did not start"
                time.sleep(0.2)
        assert response.status_code == 200, response.text
        assert response.json() == json.loads(json.dumps(who(built_store, "Coallia"), ensure_ascii=False))
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        process.stderr.close()


def test_network_commands_read_the_remote_store(oxigraph_url, remote_store, built_store_path, capsys):
    from ctair.cli import main

    outputs = []
    for store in (oxigraph_url, str(built_store_path)):
        assert main(["network", "recurring", "--store", store, "--format", "json"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1] and outputs[0]


def test_remote_credentials_are_settings_that_never_show(monkeypatch):
    from ctair.settings import Settings

    monkeypatch.setenv("CTAIR_REMOTE_TOKEN", "s3cret")
    monkeypatch.setenv("CTAIR_REMOTE_PASSWORD", "pw-secret")
    settings = Settings()
    assert settings.remote_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings) and "pw-secret" not in repr(settings)
    assert "s3cret" not in str(settings.model_dump())
