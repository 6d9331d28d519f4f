"""Hostile requests to the linked-data routes (issue #12): paths that make no valid IRI,
a forged Host header, HEAD, and headers on error bodies that echo user text."""

from __future__ import annotations

import httpx
import pytest

from tests.serving import running_server

INVALID_IRI_PATHS = [
    "/doc/id/territory/a%20b",
    "/id/territory/%3C",
    "/doc/id/x%7Cy",
    "/doc/id/%FF",
    "/id/..%5c..%5cetc%5cpasswd",
    "/doc/id/territory/%22quoted%22",
    "/axis/%7B",
]


@pytest.mark.parametrize("path", INVALID_IRI_PATHS)
def test_a_path_that_makes_no_valid_iri_is_404(server, path):
    response = httpx.get(server + path, timeout=30)
    assert response.status_code == 404, response.text[:300]
    assert response.json()["error"]["code"] == "not-found"


FORGED = {"Host": "evil.example"}


def test_redirects_ignore_the_host_header(server):
    response = httpx.get(server + "/id/territory/lyon", headers=FORGED, timeout=30)
    assert response.status_code == 303
    assert response.headers["location"] == server + "/doc/id/territory/lyon"


@pytest.mark.parametrize(
    "path, accept",
    [
        ("/sparql", "text/turtle"),
        ("/.well-known/void", "text/turtle"),
        ("/doc/id/territory/lyon", "application/ld+json"),
    ],
)
def test_descriptions_ignore_the_host_header(server, path, accept):
    response = httpx.get(server + path, headers={**FORGED, "Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text[:300]
    assert "evil.example" not in response.text
    if path != "/doc/id/territory/lyon":
        assert server in response.text


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(server):
    response = httpx.get(
        server + "/id/territory/lyon",
        timeout=30,
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
    )
    assert response.headers["location"] == server + "/doc/id/territory/lyon"


def test_the_public_url_setting_names_the_site(built_store_path):
    with running_server(built_store_path, public_url="https://ctair.example.org/kg/") as base:
        response = httpx.get(base + "/id/territory/lyon", headers=FORGED, timeout=30)
        assert response.headers["location"] == "https://ctair.example.org/kg/doc/id/territory/lyon"
        void = httpx.get(base + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=60).text
        assert "https://ctair.example.org/kg/sparql" in void and "evil.example" not in void


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/axes",
        "/api/territories",
        "/doc/id/territory/lyon",
        "/territories",
        "/.well-known/void",
        "/dumps/",
        "/openapi.json",
        "/sparql",
        "/network",
    ],
)
def test_head_answers_like_get_without_a_body(server, path):
    get = httpx.get(server + path, timeout=60)
    head = httpx.head(server + path, timeout=60)
    assert head.status_code == get.status_code == 200, (path, head.status_code)
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


@pytest.mark.parametrize(
    "path", ["/doc/id/territory/%3Cscript%3E", "/api/who?organisation=%3Cscript%3E", "/sparql?query=%3Cscript%3E"]
)
def test_error_bodies_are_not_sniffed(server, path):
    response = httpx.get(server + path, timeout=30)
    assert 400 <= response.status_code < 500
    assert response.headers["x-content-type-options"] == "nosniff"
