"""The page ``/network``: served HTML (over HTTP) and the drawing in headless Chromium.

Every browser test here also fails on a JavaScript console error or a request to a host other
than 127.0.0.1 (the ``page`` fixture of tests/api/browser/conftest.py). Screenshots go to
``$CTAIR_NETWORK_SCREENSHOTS`` (default /tmp/ctair-network/).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import SCREENSHOTS

ORG = "https://w3id.org/ctair/id/organisation/"
READY = "() => document.getElementById('network').dataset.state === 'ready'"


# --------------------------------------------------------------------------- served HTML


def test_page_html_without_javascript_parts(http):
    response = http.get("/network")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "connect-src 'self'" in csp
    html = response.text
    assert "/static/vendor/cytoscape/cytoscape.min.js" in html
    assert 'id="recurring-table"' in html
    for name in ("Pôle emploi", "Adoma", "Coallia", "France Horizon"):
        assert name in html
    assert 'id="level"' in html and "Organisations (chaque entité juridique)" in html
    assert 'href="/id/organisation/adoma"' in html
    assert "/api/network/bipartite/export?format=gexf" in html and "/api/export/3w?format=xlsx" in html


def test_page_html_with_filters_and_a_bad_one(http):
    html = http.get("/network", params={"role": "operator"}).text
    table = html.split('id="recurring-table"', 1)[1].split("</table>", 1)[0]
    assert "France Horizon" in table and "Soliha" not in table and "Adoma" not in table
    assert "export?format=gexf&amp;role=operator" in html
    grouped = http.get("/network", params={"role": "operator", "level": "network"}).text
    table = grouped.split('id="recurring-table"', 1)[1].split("</table>", 1)[0]
    assert "Réseaux d'organisations" in table and "Réseau Soliha" in table and "France Horizon" in table
    assert "export?format=gexf&amp;role=operator&amp;level=network" in grouped
    bad = http.get("/network", params={"role": "boss"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text and "unknown role" in bad.text


def test_vendored_cytoscape_and_page_assets_are_served(http):
    for path, media in (
        ("/static/vendor/cytoscape/cytoscape.min.js", "javascript"),
        ("/static/network/network.js", "javascript"),
        ("/static/network/network.css", "text/css"),
        ("/static/vendor/cytoscape/LICENSE", ""),
    ):
        response = http.get(path)
        assert response.status_code == 200, path
        assert media in response.headers["content-type"], (path, response.headers["content-type"])


def test_linked_data_pages_link_to_the_network_page(http):
    assert 'href="/network"' in http.get("/territories").text


# --------------------------------------------------------------------------- the drawing


def open_network(page, server, path="/network"):
    page.goto(server + path)
    page.wait_for_function(READY)


def node_count(page) -> int:
    return page.evaluate("window.ctairNetwork.nodes().length")


@pytest.mark.browser
def test_the_network_is_drawn(page, server, bipartite):
    open_network(page, server)
    assert page.locator("#network canvas").count() >= 1
    assert node_count(page) == len(bipartite["nodes"]) == int(page.get_attribute("#network", "data-nodes"))
    assert page.evaluate("window.ctairNetwork.edges().length") == len(bipartite["links"])
    # two visibly distinct kinds of node
    shapes = page.evaluate("""() => {
        const cy = window.ctairNetwork, out = {};
        cy.nodes().forEach(n => {
            const k = n.data('kind'); out[k] = out[k] || new Set();
            out[k].add(n.style('shape') + ' ' + n.style('background-color'));
        });
        return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v]]));
    }""")
    assert shapes["territory"] == ["round-rectangle rgb(33,102,172)"]
    assert {s.split()[0] for s in shapes["organisation"]} == {"ellipse"}
    assert not set(shapes["organisation"]) & set(shapes["territory"])
    # recurring organisations are emphasised and named; others are not named at this zoom
    recurring = page.evaluate("window.ctairNetwork.nodes('.recurring').map(n => n.data('label')).sort()")
    assert {"Adoma", "Coallia", "France Horizon", "Pôle emploi"} <= set(recurring)
    assert page.evaluate(
        "id => window.ctairNetwork.getElementById(id).style('min-zoomed-font-size')", ORG + "adoma"
    ) in ("0px", "0")
    assert page.evaluate(
        "id => window.ctairNetwork.getElementById(id).style('min-zoomed-font-size')", ORG + "adefo"
    ) not in ("0px", "0")
    # edge width follows the number of actions
    widths = dict(
        page.evaluate("window.ctairNetwork.edges().map(e => [e.data('weight'), parseFloat(e.style('width'))])")
    )
    assert len(widths) > 1
    ordered = [widths[w] for w in sorted(widths)]
    assert ordered == sorted(ordered) and ordered[0] < ordered[-1]
    # the legend, the status line, the axis list from /api/axes
    assert page.locator(".legend li").count() == 4
    assert "66 organisations, 12 territoires, 72 liens" in page.locator("#network-status").inner_text()
    axes = page.evaluate("fetch('/api/axes').then(r => r.json())")
    page.wait_for_function(f"() => document.querySelectorAll('#axis option').length === {len(axes) + 1}")
    assert page.locator("#network canvas").first.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "01-network.png"))
    page.screenshot(path=str(SCREENSHOTS / "01-network-full.png"), full_page=True)


@pytest.mark.browser
def test_operator_filter_reduces_the_network(page, server, http):
    open_network(page, server)
    before = node_count(page)
    page.select_option("#role", "operator")
    page.wait_for_function(
        f"() => document.getElementById('network').dataset.state === 'ready' "
        f"&& window.ctairNetwork.nodes().length < {before}"
    )
    expected = http.get("/api/network/bipartite", params={"role": "operator"}).json()
    assert node_count(page) == len(expected["nodes"])
    recurring = page.evaluate("window.ctairNetwork.nodes('.recurring').map(n => n.data('label')).sort()")
    assert recurring == ["France Horizon"]
    rows = page.locator("#recurring-table tbody th").all_inner_texts()
    assert rows == ["France Horizon"]
    assert parse_qs(urlsplit(page.url).query) == {"role": ["operator"]}
    gexf = page.get_attribute("#download-gexf", "href")
    assert parse_qs(urlsplit(gexf).query) == {"role": ["operator"], "format": ["gexf"]}
    assert parse_qs(urlsplit(page.get_attribute("#download-3w-xlsx", "href")).query) == {
        "role": ["operator"],
        "format": ["xlsx"],
    }
    page.locator("#network").screenshot(path=str(SCREENSHOTS / "02-operator.png"))

    # an axis as well, then back to everything
    page.select_option("#axis", "logement")
    page.wait_for_function(READY)
    logement = http.get("/api/network/bipartite", params={"role": "operator", "axis": "logement"}).json()
    page.wait_for_function(f"() => window.ctairNetwork.nodes().length === {len(logement['nodes'])}")
    page.select_option("#role", "any")
    page.select_option("#axis", "")
    page.wait_for_function(f"() => window.ctairNetwork.nodes().length === {before}")


@pytest.mark.browser
def test_clicking_a_node_shows_its_details(page, server):
    open_network(page, server)
    assert "Choisissez un nœud" in page.locator("#details").inner_text()
    box = page.locator("#network").bounding_box()
    position = page.evaluate(f"window.ctairNetwork.getElementById('{ORG}adoma').renderedPosition()")
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    page.wait_for_selector("#details-label")
    assert page.locator("#details-label").inner_text() == "Adoma"
    assert page.locator("#details .kind-badge").text_content() == "Organisation"
    assert "Actions" in page.locator("#details dl").inner_text()
    assert page.locator("#details-neighbours > li").count() == 2
    assert {t.split(" (")[0] for t in page.locator("#details-neighbours > li").all_inner_texts()} == {
        "Dijon",
        "Grenoble",
    }
    # the actions behind each link, each a link to its page
    behind = page.locator("#details-neighbours .link-actions a")
    assert behind.count() >= 2 and all(
        h.startswith("/id/action/") for h in [a.get_attribute("href") for a in behind.all()]
    )
    assert page.get_attribute("#details-page", "href") == "/id/organisation/adoma"
    assert page.get_attribute("#details-who", "href") == "/api/who?organisation=adoma"
    assert page.evaluate("window.ctairNetwork.$(':selected').map(n => n.id())") == [ORG + "adoma"]
    page.screenshot(path=str(SCREENSHOTS / "03-details.png"))

    # the links lead somewhere: the linked-data page (303 → /doc/…) and the JSON
    page.click("#details-page")
    page.wait_for_load_state()
    assert urlsplit(page.url).path.startswith("/doc/id/organisation/adoma")
    assert "Adoma" in page.locator("h1").inner_text()
    page.go_back()
    page.wait_for_function(READY)

    # a territory, from the keyboard-friendly picker; its organisations are buttons that select them
    page.select_option("#node-picker", label="Dijon")
    page.wait_for_selector("#details-label:text('Dijon')")
    assert page.locator("#details-who").count() == 0
    assert page.get_attribute("#details-page", "href") == "/id/territory/dijon"
    page.locator("#details-neighbours button", has_text="Coallia").click()
    page.wait_for_selector("#details-label:text('Coallia')")
    assert page.evaluate("window.ctairNetwork.$(':selected').map(n => n.id())") == [ORG + "coallia"]


@pytest.mark.browser
def test_who_link_answers_json(page, server):
    open_network(page, server)
    page.select_option("#node-picker", label="France Horizon")
    href = page.get_attribute("#details-who", "href")
    body = page.evaluate("url => fetch(url).then(r => r.json())", href)
    assert body["organisation"]["id"] == "france-horizon"
    assert {t["id"] for t in body["territories"]} == {"bordeaux", "toulouse"}


@pytest.mark.browser
def test_without_javascript_the_table_and_downloads_remain(browser, server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/network?role=operator")
        assert page.locator("#recurring-table tbody th").all_inner_texts() == ["France Horizon"]
        assert page.locator("#apply-filters").is_visible()
        assert not page.locator("#network").is_visible()  # no empty drawing area
        assert page.locator("#download-graphml").get_attribute("href").endswith("format=graphml&role=operator")
        page.screenshot(path=str(SCREENSHOTS / "04-no-javascript.png"), full_page=True)
    finally:
        context.close()
