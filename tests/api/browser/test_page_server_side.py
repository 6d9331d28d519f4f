"""The server side of the query page, without a browser: ``GET /api/queries``, the page's HTML
and headers, and how a named query's parameters become an editable VALUES block."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Store

from ctair.api.app import create_app
from ctair.api.editor_text import _body_brace, editor_text, sparql_value
from ctair.graph.named_queries import Parameter, load_named_queries, parse_query_file
from ctair.settings import Settings

from .conftest import QUERY_FILES

STATIC = Path(__file__).resolve().parents[3] / "api" / "static"


@pytest.fixture
def queries_dir(tmp_path) -> Path:
    for name, text in QUERY_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(queries_dir, tmp_path_factory):
    app = create_app(Settings(queries_dir=queries_dir), store_path=tmp_path_factory.mktemp("no-store") / "store")
    return TestClient(app)  # not entered: the SPARQL worker pool is not needed here


def test_api_queries_lists_the_public_named_queries(client, queries_dir):
    response = client.get("/api/queries")
    assert response.status_code == 200
    listed = response.json()
    assert [q["name"] for q in listed] == ["labels-in-language", "labels"]  # by file name; _internal is not listed
    expected = [q.to_json() for q in load_named_queries(queries_dir).values()]
    assert listed == expected
    by_name = {q["name"]: q for q in listed}
    assert by_name["labels-in-language"]["parameters"] == [
        {
            "name": "lang",
            "type": "string",
            "required": False,
            "default": "fr",
            "description": "Language tag of the labels",
        }
    ]
    assert by_name["labels"]["sparql"].startswith("PREFIX ctair: <https://w3id.org/ctair/ontology#>")


def test_api_queries_reads_the_bundled_catalogue_by_default(tmp_path):
    client = TestClient(create_app(store_path=tmp_path / "store"))
    listed = client.get("/api/queries").json()
    assert [q["name"] for q in listed] == sorted(load_named_queries())
    assert all(not q["name"].startswith("_") for q in listed)


def test_the_page_embeds_examples_and_prefixes_and_is_locked_to_this_origin(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp and "script-src 'self'" in csp
    html = response.text
    assert '<html lang="en">' in html
    assert "Ready-made queries" in html
    # no absolute URL to load anything from: every asset is served by the app
    for attribute in re.findall(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="([^"]+)"', html):
        assert not re.match(r"^(https?:)?//", attribute), attribute
    config = json.loads(
        re.search(r'<script id="ctair-config" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert config["endpoint"] == "sparql" and config["method"] == "POST"
    assert config["prefixes"]["ctair"] == "https://w3id.org/ctair/ontology#"
    assert [e["name"] for e in config["examples"]] == ["labels-in-language", "labels"]


def test_the_page_speaks_french_by_default(client):
    assert '<html lang="fr">' in client.get("/").text
    assert '<html lang="en">' in client.get("/?lang=en").text
    assert '<html lang="fr">' in client.get("/?lang=fr", headers={"Accept-Language": "en"}).text


def test_vendored_yasgui_is_served(client):
    for path in (
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/vendor/yasgui/yasgui.min.css",
        "/static/query-page.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(response.content) > 1000
    assert (STATIC / "vendor" / "yasgui" / "LICENSE").read_text().startswith("MIT License")


def test_parameters_become_a_values_block_at_the_top_of_where(queries_dir):
    query = parse_query_file(queries_dir / "labels-in-language.rq")
    text = editor_text(query)
    head, tail = text.split('VALUES (?lang) { ("fr") }')
    assert head.rstrip().splitlines()[-1].lstrip().startswith("#")  # explained by a comment
    assert "WHERE {" in head and "?thing rdfs:label ?label" in tail
    # the block is valid SPARQL and binds the variable like the named-query binding does
    store = Store()
    list(store.query(text))  # parses


def test_queries_without_parameters_are_unchanged(queries_dir):
    query = parse_query_file(queries_dir / "labels.rq")
    assert editor_text(query) == query.text


def test_every_bundled_named_query_still_parses_in_the_editor():
    store = Store()
    for query in load_named_queries().values():
        text = editor_text(query)
        store.query(text)  # raises SyntaxError if the VALUES block was put in the wrong place
        if query.parameters:
            assert "VALUES (" in text


@pytest.mark.parametrize(
    "marked",  # § marks the place right after the brace that must be found
    [
        "SELECT * WHERE {§ ?s ?p ?o }",
        "PREFIX ex: <http://ex.org/a#where{>\nSELECT * {§ ?s ?p ?o }",
        "# WHERE { in a comment\nSELECT ?where WHERE {§ ?s ?p 'WHERE {' }",
        'SELECT * WHERE {§ ?s ?p """a { b\n WHERE {""" }',
        "CONSTRUCT { ?s ?p ?o } WHERE {§ ?s ?p ?o }",
        "SELECT * WHERE {§\n  ?s ex:where ?o FILTER(?o < 3 && ?o > 1) }",
    ],
)
def test_the_where_brace_is_found_outside_comments_strings_and_iris(marked):
    sparql = marked.replace("§", "")
    assert _body_brace(sparql) == marked.index("§") - 1


@pytest.mark.parametrize(
    ("type_", "default", "expected"),
    [
        ("integer", "2", "2"),
        ("integer", "two", "UNDEF"),
        ("decimal", "2.50", "2.50"),
        ("decimal", "3", "3.0"),
        ("string", 'say "hi"\n', '"say \\"hi\\""'),
        ("iri", "https://w3id.org/ctair/id/territory/lyon", "<https://w3id.org/ctair/id/territory/lyon>"),
        ("territory", "Grenoble", "UNDEF"),
        (
            "organisation",
            "<https://w3id.org/ctair/id/organisation/adoma>",
            "<https://w3id.org/ctair/id/organisation/adoma>",
        ),
        ("axis", None, "UNDEF"),
    ],
)
def test_parameter_defaults_as_sparql_terms(type_, default, expected):
    assert sparql_value(Parameter("p", type_, default)) == expected
