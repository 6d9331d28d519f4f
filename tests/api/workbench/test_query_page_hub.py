"""The query page as the hub, in headless Chromium against the built corpus: the site's
navigation, named queries as forms (labels, ids or IRIs; required ones enforced), grouped and
searchable examples in French, local links for the dataset's IRIs, errors with line and
column, code snippets and short permalinks."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import pytest

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

EDITOR = ".tabPanel.active .CodeMirror"
RUN = ".tabPanel.active .yasqe_queryButton"
ROWS = ".tabPanel.active .yasr table.dataTable tbody tr"


def open_page(page, server, path="/?lang=fr"):
    page.goto(server + path)
    page.wait_for_selector(EDITOR)


def test_the_site_navigation_is_on_the_query_page(server, page):
    open_page(page, server)
    nav = page.locator("nav.site-nav")
    for text in ("Territoires", "Organisations", "Réseau", "Ontologie", "Recherche"):
        assert nav.get_by_role("link", name=text).count() == 1, text


def test_examples_are_grouped_searchable_and_in_french(server, page):
    open_page(page, server)
    assert page.locator(".example-group h3").all_inner_texts()[:3] == ["TERRITOIRES", "ORGANISATIONS", "CONTRATS"]
    assert page.locator("button.example").count() >= 15
    assert page.get_by_role("button", name="Les partenaires d'un opérateur").count() == 1
    page.fill("#example-filter", "PRESENCE")  # accents and case folded
    visible = [t for t in page.locator("button.example .example-title").all() if t.is_visible()]
    assert [t.inner_text() for t in visible] == ["Co-présence de deux organisations"]
    assert page.locator(".example-group:not([hidden])").count() == 1


def test_a_named_query_is_a_form_that_takes_a_label(server, page):
    open_page(page, server)
    page.get_by_role("button", name="Les actions d'un territoire").click()
    assert page.locator("#query-form").is_visible()
    assert page.locator("#param-territory").get_attribute("required") is not None
    page.fill("#param-territory", "LYON")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql"):
        page.click("#query-form-run")
    page.wait_for_selector(ROWS)
    assert "<https://w3id.org/ctair/id/territory/lyon>" in page.evaluate("window.ctairYasgui.getTab().getQuery()")
    assert page.locator(ROWS).count() >= 3
    # the dataset's IRIs open the local page, not w3id.org
    hrefs = [a.get_attribute("href") for a in page.locator(f"{ROWS} a").all()]
    assert server + "/id/territory/lyon" in hrefs
    assert not [h for h in hrefs if h.startswith("https://w3id.org/ctair/id/")]
    # the table's own controls speak French too (YASR writes them in English)
    controls = page.locator(".tabPanel.active .yasr .tableControls").inner_text()
    assert "Lignes par page" in controls and "Vue simple" in controls and "Page size" not in controls
    assert page.get_attribute(".tabPanel.active .yasr input.tableFilter", "placeholder") == "Filtrer les résultats"
    page.screenshot(path=str(SCREENSHOTS / "workbench-form.png"), full_page=False)


def test_a_required_parameter_left_unbound_is_an_error_not_a_query_over_everything(server, page):
    open_page(page, server)
    page.get_by_role("button", name="Les actions d'un territoire").click()
    sent = []
    page.on("request", lambda r: sent.append(r.url) if urlsplit(r.url).path == "/sparql" else None)
    page.click(RUN)  # the editor's VALUES row still has UNDEF for ?territory
    page.wait_for_selector("#query-error:not([hidden])")
    assert "?territory" in page.locator("#query-error").inner_text() and sent == []
    page.fill("#param-territory", "")
    page.click("#query-form-run")
    assert "territory" in page.locator("#query-form-error").inner_text() and sent == []


def test_an_unknown_name_in_the_form_suggests_close_names(server, page):
    page.errors_allowed = True
    open_page(page, server)
    page.get_by_role("button", name="Les actions d'un territoire").click()
    page.fill("#param-territory", "Lyom")
    page.click("#query-form-apply")
    page.wait_for_selector("#query-form-error:not([hidden])")
    assert "Lyon" in page.locator("#query-form-error").inner_text()


def test_a_syntax_error_shows_line_and_column(server, page):
    page.errors_allowed = True  # the endpoint's 400 is logged by the browser
    open_page(page, server)
    page.evaluate("window.ctairYasgui.getTab().getYasqe().setValue('SELECT * WHERE {\\n  ?s ?p\\n}')")
    page.click(RUN)
    page.wait_for_selector("#query-error:not([hidden])")
    text = page.locator("#query-error").inner_text()
    assert "ligne 3" in text and "colonne" in text and "{" not in text.split(":")[0]


def test_code_snippets_and_a_short_permalink(server, page):
    open_page(page, server)
    page.click("#snippets summary")
    assert "pd.read_csv(url)" in page.locator("#snippet-pandas").inner_text()
    assert "SPARQLWrapper(" in page.locator("#snippet-sparqlwrapper").inner_text()
    assert "read.csv(url)" in page.locator("#snippet-r").inner_text()
    assert "curl" in page.locator("#snippet-curl").inner_text()
    query = page.evaluate("window.ctairYasgui.getTab().getQuery()")
    page.click("#make-permalink")
    page.wait_for_selector("#permalink")
    short = page.locator("#permalink").get_attribute("href")
    assert len(urlsplit(short).path) == len("/q/") + 12
    page.click("#make-permalink")  # content-addressed: the same query gives the same link
    assert page.locator("#permalink").get_attribute("href") == short
    page.goto(short)
    page.wait_for_selector(EDITOR)
    assert page.evaluate("window.ctairYasgui.getTab().getQuery()") == query


def test_an_unknown_permalink_is_a_404(server):
    try:
        urllib.request.urlopen(server + "/q/000000000000", timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("expected a 404")


def test_the_bound_text_route_names_a_missing_or_unknown_parameter(server):
    import json

    for query, parameter in (("", "territory"), ("?territory=Atlantis", "territory")):
        try:
            urllib.request.urlopen(server + "/api/queries/territory-actions/sparql" + query, timeout=10)
        except urllib.error.HTTPError as error:
            body = json.loads(error.read())["error"]
            assert error.code == 400 and body["parameter"] == parameter
        else:
            raise AssertionError("expected a 400")
    with urllib.request.urlopen(
        server + "/api/queries/territory-actions/sparql?territory=lyon", timeout=10
    ) as response:
        assert (
            "VALUES (?territory) { (<https://w3id.org/ctair/id/territory/lyon>) }"
            in json.loads(response.read())["sparql"]
        )
