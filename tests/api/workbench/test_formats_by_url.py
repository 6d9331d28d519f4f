"""``format=`` / ``output=`` in a query URL: a URL goes straight into pandas, R or a spreadsheet."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pandas as pd
import pytest
import rdflib

SELECT = (
    "PREFIX ctair: <https://w3id.org/ctair/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?t ?label WHERE { ?t a ctair:Territory ; rdfs:label ?label } ORDER BY ?label"
)
CONSTRUCT = (
    "PREFIX ctair: <https://w3id.org/ctair/ontology#> CONSTRUCT { ?t a ctair:Territory } WHERE { ?t a ctair:Territory }"
)


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def sparql_url(server, query, **params) -> str:
    return server + "/sparql?" + urllib.parse.urlencode({"query": query, **params})


def test_pandas_reads_a_sparql_url_with_format_csv(server):
    frame = pd.read_csv(sparql_url(server, SELECT, format="csv"))
    assert list(frame.columns) == ["t", "label"] and "Lyon" in set(frame["label"])


@pytest.mark.parametrize("name", ["format", "output"])
@pytest.mark.parametrize(
    "value, media",
    [
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
    ],
)
def test_select_format_in_the_url_wins_over_accept(server, name, value, media):
    status, content_type, _ = get(
        sparql_url(server, SELECT, **{name: value}),
        {"Accept": "application/sparql-results+json" if value != "json" else "text/csv"},
    )
    assert status == 200 and content_type.startswith(media)


@pytest.mark.parametrize("value, rdf_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_construct_formats(server, value, rdf_format):
    status, _, body = get(sparql_url(server, CONSTRUCT, format=value))
    assert status == 200
    graph = rdflib.Graph().parse(data=body.decode(), format=rdf_format)
    assert len(graph) >= 10


def test_a_format_that_cannot_carry_the_results_is_a_400_naming_it(server):
    status, _, body = get(sparql_url(server, CONSTRUCT, format="csv"))
    detail = json.loads(body)["error"]
    assert status == 400 and detail["parameter"] == "format" and "ttl" in detail["allowed"]
    status, _, body = get(sparql_url(server, SELECT, format="xlsx"))
    assert status == 400 and "format='xlsx'" in json.loads(body)["error"]["detail"]


def test_named_query_url_goes_into_pandas(server):
    url = server + "/api/queries/territory-actions?" + urllib.parse.urlencode({"territory": "Lyon", "format": "csv"})
    frame = pd.read_csv(url)
    assert len(frame) >= 3 and "action" in frame.columns


def test_named_query_tsv_and_sparql_json(server):
    status, content_type, body = get(server + "/api/queries/contracts-by-kind-and-year?format=tsv")
    assert status == 200 and content_type.startswith("text/tab-separated-values") and body.startswith(b"?")
    status, content_type, body = get(server + "/api/queries/contracts-by-kind-and-year?output=json")
    assert status == 200 and json.loads(body)["results"]["bindings"]


def test_named_query_without_format_keeps_ctairs_json(server):
    status, _, body = get(server + "/api/queries/contracts-by-kind-and-year")
    assert status == 200 and {"columns", "rows"} <= set(json.loads(body))


def test_named_query_bad_format_is_a_400(server):
    status, _, body = get(server + "/api/queries/contracts-by-kind-and-year?format=pdf")
    assert status == 400 and json.loads(body)["error"]["parameter"] == "format"


def test_format_and_output_together_as_sparqlwrapper_sends_them(server):
    status, content_type, _ = get(sparql_url(server, SELECT, format="csv", output="csv"))
    assert status == 200 and content_type.startswith("text/csv")
    status, _, body = get(sparql_url(server, SELECT, format="csv", output="json"))
    assert status == 400 and json.loads(body)["error"]["code"] == "bad-parameter"


def test_sparqlwrapper_and_pandas_and_rdflib_clients(server):
    from SPARQLWrapper import CSV, JSON, SPARQLWrapper

    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setQuery(SELECT)
    sparql.setReturnFormat(JSON)
    assert sparql.query().convert()["results"]["bindings"]
    sparql.setReturnFormat(CSV)
    assert sparql.query().convert().decode().startswith("t,label")
