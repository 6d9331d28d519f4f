"""Result views beyond the table, drawn in the page with nothing from another host: a map of
rows with coordinates on the outline of France, a bar chart of a numeric column, and a graph of
CONSTRUCT results."""

from __future__ import annotations

import pytest

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

RUN = ".tabPanel.active .yasqe_queryButton"
ROWS = ".tabPanel.active .yasr table.dataTable tbody tr"


def view(page, name):
    page.locator(".tabPanel.active .yasr_btnGroup button", has_text=name).click()


def test_map_and_chart_of_a_named_query(server, page):
    page.goto(server + "/?lang=fr")
    page.get_by_role("button", name="Les territoires sur une carte").click()
    page.click(RUN)
    page.wait_for_selector(ROWS)
    rows = page.locator(ROWS).count()
    view(page, "Carte")
    page.wait_for_selector(".tabPanel.active .ctair-map")
    assert page.locator(".tabPanel.active .ctair-map circle.dot").count() == rows >= 10
    assert page.locator(".tabPanel.active .ctair-map polygon.land").count() == 2
    assert (
        page.locator(".tabPanel.active .ctair-map a").first.get_attribute("href").startswith(server + "/id/territory/")
    )
    page.locator(".tabPanel.active .yasr").screenshot(path=str(SCREENSHOTS / "workbench-map.png"))
    view(page, "Graphique")
    page.wait_for_selector(".tabPanel.active .ctair-chart rect")
    bars = page.locator(".tabPanel.active .ctair-chart rect")
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(bars.count())]
    assert widths == sorted(widths, reverse=True) and len(widths) >= 10  # largest first
    page.locator(".tabPanel.active .yasr").screenshot(path=str(SCREENSHOTS / "workbench-chart.png"))


def test_graph_view_of_a_construct(server, page):
    page.goto(server + "/?lang=fr")
    page.wait_for_selector(".tabPanel.active .CodeMirror")
    page.evaluate("""window.ctairYasgui.getTab().getYasqe().setValue(
      'PREFIX ctair: <https://w3id.org/ctair/ontology#>\\n' +
      'CONSTRUCT { ?a ctair:territory ?t ; ctair:operator ?o } WHERE { ?a ctair:territory ?t ; ctair:operator ?o }')""")
    page.click(RUN)
    page.wait_for_selector(".tabPanel.active .yasr_btnGroup button:has-text('Graphe'):not([disabled])")
    view(page, "Graphe")
    page.wait_for_function("() => window.ctairGraphView && window.ctairGraphView.nodes().length > 10")
    assert page.evaluate("window.ctairGraphView.edges().length") > 10
    page.locator(".tabPanel.active .yasr").screenshot(path=str(SCREENSHOTS / "workbench-graph.png"))
