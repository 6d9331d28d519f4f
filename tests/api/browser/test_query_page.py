"""The query page in a real browser, against the real server and its real ``/sparql``.

Every test here also fails if the page logs a JavaScript error or asks anything of a host
other than 127.0.0.1 (see the ``page`` fixture in conftest.py).
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from .conftest import SCREENSHOTS, THINGS

pytestmark = pytest.mark.browser

EDITOR = ".tabPanel.active .CodeMirror"
RUN = ".tabPanel.active .yasqe_queryButton"
ROWS = ".tabPanel.active .yasr table.dataTable tbody tr"


def open_page(page, server, path="/"):
    page.goto(server + path)
    page.wait_for_selector(EDITOR)


def editor_text(page) -> str:
    return page.evaluate("window.ctairYasgui.getTab().getQuery()")


def set_editor_text(page, text: str) -> None:
    page.evaluate("text => window.ctairYasgui.getTab().getYasqe().setValue(text)", text)


def run_query(page):
    with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql" and r.request.method == "POST") as info:
        page.click(RUN)
    response = info.value
    assert response.ok, f"/sparql answered {response.status}: {response.text()[:500]}"
    page.wait_for_selector(ROWS)
    return response


def first_cells(page, column: int = 2) -> list[str]:
    return page.locator(f"{ROWS} td:nth-child({column})").all_inner_texts()


def open_example(page, title: str):
    page.get_by_role("button", name=title).click()
    page.wait_for_selector(f".tabsList .tab.active:has-text('{title}')")


def test_page_shows_the_editor_and_the_named_examples(page, server):
    open_page(page, server)
    assert page.locator(EDITOR).is_visible()
    assert page.locator(".tabPanel.active .cm-keyword").count() > 0, "no syntax highlighting"
    titles = page.locator("button.example .example-title").all_inner_texts()
    assert titles == ["Labels in one language", "Everything with a label"]  # sorted by name; _internal hidden
    assert page.locator("html").get_attribute("lang") == "fr"  # the context's locale is fr-FR
    assert "Requêtes prêtes" in page.locator("aside").inner_text()
    # the editor talks to this app's own endpoint, with POST, and never to LOV or prefix.cc
    request = page.evaluate("(() => { const t = window.ctairYasgui.getTab(); return t.getRequestConfig(); })()")
    assert request["endpoint"] == server + "/sparql"
    assert request["method"] == "POST"
    completers = page.evaluate("window.ctairYasgui.getTab().getYasqe().config.autocompleters")
    assert sorted(completers) == ["prefixes", "variables"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "01-page.png"), full_page=True)


def test_english_chrome(page, server):
    open_page(page, server, "/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Ready-made queries" in page.locator("aside").inner_text()
    # the language parameter is never forwarded to /sparql
    assert page.evaluate("window.ctairYasgui.getTab().getRequestConfig().args") == []


def test_named_example_runs_and_shows_rows(page, server):
    open_page(page, server)
    open_example(page, "Everything with a label")
    assert "?thing rdfs:label ?label" in editor_text(page)
    assert "PREFIX ctair: <https://w3id.org/ctair/ontology#>" in editor_text(page)
    run_query(page)
    labels = first_cells(page, 3)
    assert labels[0].startswith('"Territoire 001"'), labels[:3]
    assert page.locator(ROWS).count() == 50  # first page
    assert f"{2 * THINGS}" in page.locator(".tabPanel.active .dt-info").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "02-example-results.png"), full_page=True)


def test_parameters_are_an_editable_values_block(page, server):
    open_page(page, server)
    open_example(page, "Labels in one language")
    text = editor_text(page)
    assert 'VALUES (?lang) { ("fr") }' in text
    run_query(page)
    assert first_cells(page, 3)[0].startswith('"Territoire 001"')
    assert f"{THINGS}" in page.locator(".tabPanel.active .dt-info").inner_text()
    set_editor_text(page, text.replace('VALUES (?lang) { ("fr") }', 'VALUES (?lang) { ("en") }'))
    run_query(page)
    page.wait_for_function(
        "() => document.querySelector('.tabPanel.active .yasr table.dataTable tbody tr td:nth-child(3)')"
        ".innerText.startsWith('\"Territory 001\"')"
    )


def test_paging(page, server):
    open_page(page, server)
    open_example(page, "Labels in one language")  # THINGS = 120 rows, pages of 50
    run_query(page)
    assert page.locator(ROWS).count() == 50
    assert first_cells(page, 3)[0].startswith('"Territoire 001"')
    page.click(".tabPanel.active .dt-paging-button.next")
    page.wait_for_function(
        "() => document.querySelector('.tabPanel.active .yasr table.dataTable tbody tr td:nth-child(3)')"
        ".innerText.startsWith('\"Territoire 051\"')"
    )
    page.click(".tabPanel.active .dt-paging-button.last")
    page.wait_for_function(
        "() => document.querySelector('.tabPanel.active .yasr table.dataTable tbody tr td:nth-child(3)')"
        ".innerText.startsWith('\"Territoire 101\"')"
    )
    assert page.locator(ROWS).count() == THINGS - 100
    page.screenshot(path=str(SCREENSHOTS / "03-paging.png"), full_page=True)


def _read(download) -> str:
    with open(download.path(), encoding="utf-8") as handle:
        return handle.read()


def test_download_csv_and_json(page, server):
    open_page(page, server)
    open_example(page, "Everything with a label")
    run_query(page)

    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(_read(download))))
    assert rows[0] == ["thing", "label"]
    assert len(rows) == 1 + 2 * THINGS
    assert ["https://w3id.org/ctair/id/territory/t001", "Territoire 001"] in rows

    with page.expect_download() as info:
        page.click("#download-json")
    data = json.loads(_read(info.value))
    assert data["head"]["vars"] == ["thing", "label"]
    assert len(data["results"]["bindings"]) == 2 * THINGS

    # YASR's own download button (table plugin) gives the CSV too
    with page.expect_download() as info:
        page.click(".tabPanel.active .yasr_downloadIcon")
    rows = list(csv.reader(io.StringIO(_read(info.value))))
    assert rows[0] == ["thing", "label"] and len(rows) == 1 + 2 * THINGS


def test_the_url_keeps_the_query_and_a_link_reproduces_it(page, server, context):
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        'SELECT ?thing ?label WHERE { ?thing rdfs:label ?label FILTER(LANG(?label) = "en") }\n'
        "ORDER BY DESC(?label) LIMIT 7\n"
    )
    # a shared link loads the query and runs it
    with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql"):
        open_page(page, server, "/?query=" + quote(query))
    assert editor_text(page) == query
    page.wait_for_selector(ROWS)
    assert page.locator(ROWS).count() == 7
    assert first_cells(page, 3)[0].startswith(f'"Territory {THINGS:03d}"')

    # editing keeps the address bar in sync, so the address is a link to the query
    edited = query.replace("LIMIT 7", "LIMIT 3")
    set_editor_text(page, edited)
    page.wait_for_function("q => new URLSearchParams(location.search).get('query') === q", arg=edited)
    link = page.url
    assert parse_qs(urlsplit(link).query)["query"] == [edited]

    other = context.new_page()
    other.goto(link)
    other.wait_for_selector(ROWS)
    assert other.evaluate("window.ctairYasgui.getTab().getQuery()") == edited
    assert other.locator(ROWS).count() == 3
    other.close()


def test_a_link_cannot_point_the_page_at_another_endpoint(page, server):
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 2"
    with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql"):
        open_page(page, server, "/?query=" + quote(query) + "&endpoint=" + quote("https://example.org/sparql"))
    assert page.evaluate("window.ctairYasgui.getTab().getRequestConfig().endpoint") == server + "/sparql"
    page.wait_for_selector(ROWS)


def test_prefix_completion_offers_the_ctair_prefixes(page, server):
    open_page(page, server)
    set_editor_text(page, "")
    page.click(EDITOR)
    page.keyboard.type("PREFIX ctai")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert any(h.startswith("ctair: <https://w3id.org/ctair/ontology#>") for h in hints.all_inner_texts())
    # typing a prefixed name whose PREFIX is missing adds the declaration (from our list)
    set_editor_text(page, "SELECT * WHERE { ?s a axis")
    page.click(EDITOR)
    page.keyboard.press("Control+End")
    page.keyboard.type(":x")
    page.wait_for_function(
        "() => window.ctairYasgui.getTab().getQuery().includes('PREFIX axis: <https://w3id.org/ctair/axis/>')"
    )


def test_no_request_leaves_the_machine_even_without_the_csp(browser, server, watch):
    """The CSP would block a request to another host; this checks the page does not even try."""
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    try:
        page = context.new_page()
        page.on("request", lambda r: watch.requests.append(r.url))
        page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: watch.errors.append(str(e)))
        open_page(page, server)
        open_example(page, "Everything with a label")
        run_query(page)
        page.click(".tabPanel.active .dt-paging-button.next")
        page.click(".tabPanel.active .yasr .select_response")  # the Response plugin
        # type a class and a property: the LOV completers (disabled) would call lov.linkeddata.es
        set_editor_text(page, "PREFIX schema: <https://schema.org/>\nSELECT * WHERE { ?s a schema:Pers")
        page.click(EDITOR)
        page.keyboard.press("Control+End")
        page.keyboard.type("on ; schema:nam")
        page.keyboard.press("Control+Space")
        page.wait_for_timeout(1000)
    finally:
        context.close()
    assert watch.requests, "the recorder saw nothing"
    assert not watch.foreign_requests(), watch.foreign_requests()
    assert not watch.errors, watch.errors
