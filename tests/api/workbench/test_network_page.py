"""The network page: contract kind and year filters, roles in French, and the CLI picture's shape."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

READY = "() => document.getElementById('network').getAttribute('data-state') === 'ready'"


def test_kind_and_year_filters_and_french_roles(server, page):
    page.goto(server + "/network")
    page.wait_for_function(READY)
    roles = page.locator("#role option").all_inner_texts()
    assert "opérateur (operator)" in roles and "operator" not in roles
    everything = int(page.locator("#network").get_attribute("data-nodes"))
    assert page.locator("#year option").all_inner_texts()[1:] == ["2019"]
    page.select_option("#kind", "PTAIR")
    page.wait_for_function(
        "() => document.getElementById('network').getAttribute('data-state') === 'ready'"
        " && new URLSearchParams(location.search).get('kind') === 'PTAIR'"
    )
    assert int(page.locator("#network").get_attribute("data-nodes")) < everything
    assert "kind=PTAIR" in page.get_attribute("#download-gexf", "href")
    assert "contrats PTAIR" in page.locator("#network-status").inner_text()


def test_the_page_without_javascript_filters_by_year(server, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/network?year=2019&role=operator")
        assert page.locator("#year option[selected]").inner_text() == "2019"
        assert (
            "opérateur (operator)" in page.locator("#recurring-table").inner_text()
            or "Aucune organisation" in page.locator("#recurring-table").inner_text()
        )
    finally:
        context.close()


def test_the_cli_picture_takes_the_drawings_proportions(tmp_path, built_store_path):
    from matplotlib.image import imread

    from ctair.cli import main

    assert (
        main(
            [
                "network",
                "plot",
                "--store",
                str(built_store_path),
                "--out",
                str(tmp_path / "n.png"),
                "--chart",
                "network",
            ]
        )
        == 0
    )
    height, width = imread(tmp_path / "n.png").shape[:2]
    assert width / height < 1.6  # it was about 1.9: a third of the picture was empty


def test_the_cli_picture_has_no_overlapping_labels(built_store_path):
    from ctair.graph.network import bipartite_network, load_network_data
    from ctair.graph.network_plot import network_figure, overlapping_labels
    from ctair.graph.store import OxigraphStore

    graph = bipartite_network(load_network_data(OxigraphStore(built_store_path, read_only=True)))
    figure, ax = network_figure(graph)
    assert overlapping_labels(figure, ax) == []
