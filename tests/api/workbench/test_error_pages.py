"""Errors: an HTML page with the navigation for a browser, the JSON shape for API clients."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def fetch(url: str, accept: str | None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.mark.parametrize("path", ["/nowhere", "/id/territory/atlantis", "/doc/id/organisation/nobody"])
def test_a_browser_gets_an_html_404_with_the_navigation(server, path):
    status, headers, body = fetch(server + path, BROWSER_ACCEPT)
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert "Page introuvable" in body and 'href="/organisations"' in body and 'action="/search"' in body


@pytest.mark.parametrize("path", ["/nowhere", "/api/queries/nothing", "/api/who?organisation=nobody-at-all"])
def test_api_clients_get_json(server, path):
    status, headers, body = fetch(server + path, "application/json")
    assert status == 404 and json.loads(body)["error"]["code"] == "not-found"


def test_an_api_route_never_answers_a_page(server):
    status, headers, body = fetch(server + "/api/queries/nothing", BROWSER_ACCEPT)
    assert status == 404 and not headers["Content-Type"].startswith("text/html") and "not-found" in body


@pytest.mark.browser
def test_the_404_page_in_chromium(server, page):
    page.errors_allowed = True  # the browser logs the 404 itself
    response = page.goto(server + "/no/such/page")
    assert response.status == 404
    assert page.locator("header.site nav a", has_text="Organisations").count() == 1
    assert page.locator("h1").inner_text().startswith("Page introuvable")
