"""The /sparql endpoint over HTTP: content negotiation, datasets, service description,
errors, limits, CORS, and third-party clients (SPARQLWrapper, rdflib's SPARQLStore)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import httpx
import pytest
import rdflib

from tests.api.sparql.conftest import BIG_SIZE, EX, G1, G2, LIMITS

SELECT = f"SELECT ?s ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }} ORDER BY ?o"
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"
RES = "{http://www.w3.org/2005/sparql-results#}"


def get(client, query, accept=None, **params):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


# --- content negotiation -------------------------------------------------------------------
@pytest.mark.parametrize("accept", [None, "*/*", "application/sparql-results+json", "application/json"])
def test_select_json_is_the_default(client, accept):
    response = get(client, SELECT, accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    body = response.json()
    assert body["head"]["vars"] == ["s", "o"]
    values = {b["o"]["value"]: b["o"] for b in body["results"]["bindings"]}
    assert values["a1"] == {"type": "literal", "value": "a1"}
    assert values["42"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    label = next(v for k, v in values.items() if k.startswith("café"))
    assert label["xml:lang"] == "fr"
    assert any(v["type"] == "bnode" for v in values.values())


def test_select_xml(client):
    response = get(client, SELECT, "application/sparql-results+xml")
    assert response.headers["content-type"] == "application/sparql-results+xml"
    root = ET.fromstring(response.content)
    names = [v.get("name") for v in root.iter(RES + "variable")]
    assert names == ["s", "o"]
    assert len(list(root.iter(RES + "result"))) == 4
    langs = [lit.get("{http://www.w3.org/XML/1998/namespace}lang") for lit in root.iter(RES + "literal")]
    assert "fr" in langs


def test_select_csv(client):
    response = get(client, SELECT, "text/csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["s", "o"]
    assert len(rows) == 5
    assert ["http://ex/a", 'café, "crème"\tau lait'] in rows  # quoted field round-trips


def test_select_tsv(client):
    response = get(client, SELECT, "text/tab-separated-values")
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    lines = response.text.splitlines()
    assert lines[0] == "?s\t?o"
    assert len(lines) == 5
    assert all(len(line.split("\t")) == 2 for line in lines)
    assert '<http://ex/a>\t"a1"' in lines


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(client, accept):
    response = get(client, f"ASK {{ <{EX}a> ?p ?o }}", accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == accept
    if accept.endswith("json"):
        assert response.json()["boolean"] is True
    else:
        assert ET.fromstring(response.content).find(RES + "boolean").text == "true"


@pytest.mark.parametrize(
    "accept, media, rdflib_format",
    [
        (None, "text/turtle", "turtle"),
        ("*/*", "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_formats(client, accept, media, rdflib_format):
    response = get(client, CONSTRUCT, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == 4
    assert (rdflib.URIRef(EX + "a"), rdflib.URIRef(EX + "p"), rdflib.Literal("a1")) in graph


def test_describe_is_rdf(client):
    response = get(client, f"DESCRIBE <{EX}a>")
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=response.content, format="turtle")) >= 4


def test_accept_quality_values(client):
    response = get(client, SELECT, "application/sparql-results+json;q=0.5, text/csv")
    assert response.headers["content-type"].startswith("text/csv")


def test_not_acceptable(client):
    response = get(client, SELECT, "image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["error"]["available"]
    assert get(client, "ASK {}", "text/csv").status_code == 406


def test_post_form_and_direct(client):
    form = client.post("/sparql", data={"query": "ASK {}"})
    direct = client.post("/sparql", content="ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert form.json() == direct.json() == {"head": {}, "boolean": True}


# --- dataset ---------------------------------------------------------------------------------
COUNT_P = f"SELECT (COUNT(*) AS ?n) {{ ?s <{EX}p> ?o }}"


def count(response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_union(client):
    assert count(get(client, COUNT_P)) == 2


def test_default_graph_uri(client):
    assert count(get(client, COUNT_P, **{"default-graph-uri": G1})) == 1
    assert (
        count(client.get("/sparql", params=[("query", COUNT_P), ("default-graph-uri", G1), ("default-graph-uri", G2)]))
        == 2
    )
    assert count(get(client, COUNT_P, **{"default-graph-uri": EX + "missing"})) == 0


def test_named_graph_uri(client):
    query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}"
    assert count(get(client, query)) == 2
    assert count(get(client, query, **{"named-graph-uri": G2})) == 1
    assert count(get(client, COUNT_P, **{"named-graph-uri": G2})) == 0  # default graph is then empty


def test_from_in_the_query_is_honoured(client):
    assert count(get(client, f"SELECT (COUNT(*) AS ?n) FROM <{G2}> {{ ?s <{EX}p> ?o }}")) == 1
    # and the protocol's graphs win over the query's
    assert (
        count(get(client, f"SELECT (COUNT(*) AS ?n) FROM <{G2}> {{ ?s <{EX}p> ?o }}", **{"default-graph-uri": G1})) == 1
    )


def test_invalid_graph_iri(client):
    response = get(client, COUNT_P, **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid-graph-iri"


# --- service description -------------------------------------------------------------------
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.mark.parametrize(
    "accept, fmt",
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_service_description(client, server, accept, fmt):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(server + "/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph  # read-only
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph


def test_browser_is_sent_to_the_query_page(client):
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


# --- errors -------------------------------------------------------------------------------------
def error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert {"code", "title", "detail"} <= set(body["error"])
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_syntax_error_gives_message_and_position(client):
    err = error(get(client, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }"), 400, "query-syntax")
    assert f"error at 3:{err['column']}:" in err["detail"]  # pyoxigraph's message, position included
    assert err["line"] == 3 and 9 <= err["column"] <= 12
    assert err["context"].endswith("^")


def test_syntax_error_as_text_when_asked(client):
    response = get(client, "SELECT * {", "text/csv")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "error at 1:11" in response.text and "line: 1" in response.text


def test_wrong_method(client):
    error(client.put("/sparql", params={"query": "ASK {}"}), 405)
    error(client.delete("/sparql"), 405)


def test_wrong_media_type(client):
    error(client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}), 415)
    error(client.post("/sparql", content="ASK {}", headers={"Content-Type": ""}), 415)
    error(
        client.post(
            "/sparql",
            content="ASK {}".encode("utf-16"),
            headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
        ),
        415,
    )


def test_missing_and_multiple_queries(client):
    error(
        client.post("/sparql", content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}),
        400,
        "missing-query",
    )
    error(client.get("/sparql", params={"default-graph-uri": G1}), 400, "missing-query")
    error(client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]), 400, "multiple-queries")


def test_update_is_refused_read_only(client):
    error(client.post("/sparql", data={"update": "CLEAR ALL"}), 403, "updates-disabled")
    error(
        client.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"}),
        403,
        "updates-disabled",
    )
    error(client.get("/sparql", params={"update": "CLEAR ALL"}), 405)
    error(get(client, "INSERT DATA { <a> <b> <c> }"), 400, "update-as-query")


def test_bad_utf8(client):
    error(
        client.post("/sparql", content=b"ASK { \xff }", headers={"Content-Type": "application/sparql-query"}),
        400,
        "bad-encoding",
    )
    error(client.get("/sparql?query=ASK%20%7B%FF%7D"), 400, "bad-encoding")


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "{",
        "SELECT",
        "SELECT * {",
        "'''",
        '"unterminated',
        "SELECT * { <",
        "PREFIX : <x> SELECT",
        "SELECT * { ?s ?p ?o } LIMIT -1",
        "SELECT (1/0 AS ?x) {}",
        "SELECT * { ?s ?p ?o FILTER(REGEX(?o, '(')) }",
        "SELECT * { <<( <a> <b> <c> )>> ?p ?o }",
        "\x00",
        "SELECT * {" * 200,
        "ASK { FILTER(<http://x> < 1) }",
        "DESCRIBE *",
        "SELECT * WHERE { BIND(STRDT('x', <bad iri>) AS ?x) }",
    ],
)
def test_bad_input_is_never_a_500(client, query):
    response = get(client, query)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error(response, response.status_code)


# --- limits ------------------------------------------------------------------------------------
def test_row_cap_is_announced(client):
    cap = LIMITS["max_result_rows"]
    response = get(client, f"SELECT ?s {{ ?s <{EX}v> ?o }}")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == cap
    assert response.headers["x-ctair-result-truncated"] == "true"
    assert response.headers["x-ctair-result-limit"] == str(cap)
    construct = get(client, f"CONSTRUCT WHERE {{ ?s <{EX}v> ?o }}", "application/n-triples")
    assert len(construct.text.strip().splitlines()) == cap
    assert construct.headers["x-ctair-result-truncated"] == "true"
    csv_response = get(client, f"SELECT ?s {{ ?s <{EX}v> ?o }}", "text/csv")
    assert len(csv_response.text.strip().splitlines()) == cap + 1
    assert csv_response.headers["x-ctair-result-truncated"] == "true"


def test_no_truncation_header_under_the_cap(client):
    cap = LIMITS["max_result_rows"]
    response = get(client, f"SELECT ?s {{ ?s <{EX}v> ?o }} LIMIT {cap}")
    assert len(response.json()["results"]["bindings"]) == cap
    assert "x-ctair-result-truncated" not in response.headers
    assert cap < BIG_SIZE


def test_query_length_limit(client):
    limit = LIMITS["max_query_length"]
    long_query = "ASK {}" + " " * limit
    err = error(get(client, long_query), 413, "query-too-long")
    assert err["limit"] == limit
    error(client.post("/sparql", content=long_query, headers={"Content-Type": "application/sparql-query"}), 413)
    error(
        client.post("/sparql", content=b"x" * (limit * 10), headers={"Content-Type": "application/sparql-query"}), 413
    )
    assert get(client, "ASK {}" + " " * (limit - 10)).status_code == 200


# --- CORS ---------------------------------------------------------------------------------------
def test_cors_preflight(client):
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers


def test_cors_on_results_and_errors(client):
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "x-ctair-result-truncated" in response.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers
    bad = client.get("/sparql", params={"query": "ASK {"}, headers={"Origin": "https://example.org"})
    assert bad.headers["access-control-allow-origin"] == "*"


# --- third-party clients ------------------------------------------------------------------
def test_sparqlwrapper(server):
    from SPARQLWrapper import CSV, JSON, POST, XML, SPARQLWrapper

    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setQuery(SELECT)
    sparql.setReturnFormat(JSON)
    assert len(sparql.query().convert()["results"]["bindings"]) == 4
    sparql.setMethod(POST)
    sparql.setReturnFormat(XML)
    assert len(list(sparql.query().convert().getElementsByTagName("result"))) == 4
    sparql.setReturnFormat(CSV)
    assert len(sparql.query().convert().decode().strip().splitlines()) == 5
    sparql.setQuery(CONSTRUCT)
    sparql.setReturnFormat("turtle")
    result = sparql.query().convert()
    graph = result if isinstance(result, rdflib.Graph) else rdflib.Graph().parse(data=result, format="turtle")
    assert len(graph) == 4


def test_rdflib_sparqlstore(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(SPARQLStore(server + "/sparql"))
    rows = list(graph.query(SELECT))
    assert len(rows) == 4
    assert graph.query(f"ASK {{ <{EX}a> ?p ?o }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == 4
    assert (rdflib.URIRef(EX + "b"), rdflib.URIRef(EX + "p"), rdflib.Literal("b1")) in graph  # triples() API


def test_many_rows_stream_through_a_file(tmp_path):
    """A result larger than the in-memory buffer (1 MiB) is spooled to a file and served whole."""
    from tests.api.sparql.conftest import build_store
    from tests.serving import running_server

    store = build_store(tmp_path / "store")
    with running_server(store, max_result_rows=100_000) as base:
        pad = "p" * 400
        query = f"SELECT ?s ?o ?x {{ ?s <{EX}v> ?o BIND(CONCAT(STR(?s), '{pad}') AS ?x) }}"
        response = httpx.get(base + "/sparql", params={"query": query}, timeout=30)
        assert response.status_code == 200
        assert int(response.headers["content-length"]) > 1_100_000  # more than the in-memory buffer
        body = response.json()
        assert len(body["results"]["bindings"]) == BIG_SIZE
        tsv = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"})
        assert len(tsv.text.splitlines()) == BIG_SIZE + 1
