"""The pages for people, in headless Chromium against the real server: a territory page with
its actions and map dot, a source link that shows the quoted sentence, the search."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("CTAIR_SCREENSHOTS", "/tmp/ctair-screenshots"))

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    yield page
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith(("data:", "about:"))}
    context.close()
    assert hosts <= {"127.0.0.1"}, f"requests left 127.0.0.1: {hosts}"
    assert not page.errors, page.errors


def test_territory_page_actions_map_and_source(server, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(server + "/id/territory/lyon")  # 303 -> /doc/id/territory/lyon
    assert page.url.endswith("/doc/id/territory/lyon")
    assert page.locator("h1").first.inner_text().startswith("Lyon")
    actions = page.locator("#actions article.action")
    assert actions.count() >= 3
    assert page.get_by_text("Mobiliser le parc privé pour les ménages").count() >= 1
    assert page.locator("#actions h3").count() >= 1  # grouped by axis
    dot = page.locator("#map-dot")
    assert dot.is_visible()
    box, map_box = dot.bounding_box(), page.locator("#map").bounding_box()
    # Lyon is east of centre and a bit south of the middle of the box
    assert map_box["x"] + map_box["width"] * 0.5 < box["x"] < map_box["x"] + map_box["width"] * 0.8
    assert map_box["y"] + map_box["height"] * 0.4 < box["y"] < map_box["y"] + map_box["height"] * 0.75
    page.screenshot(path=str(SCREENSHOTS / "lod-territory-lyon.png"), full_page=True)
    source = actions.first.locator("a.source").first
    sentence = source.get_attribute("title")
    source.click()
    page.wait_for_load_state()
    assert "/doc/id/source/" in page.url
    quote = page.locator("#quote").inner_text()
    assert " ".join(quote.split()) == " ".join(sentence.split()) and len(quote) > 10
    assert page.get_by_text("caractères").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "lod-mention.png"), full_page=True)


def test_search_finds_adoma_from_accented_capitals(server, page):
    page.goto(server + "/territories")
    page.fill("#q", "ADÔMA")
    page.click("form.search button")
    page.wait_for_load_state()
    link = page.locator("ul.results a", has_text="Adoma")
    assert link.count() == 1
    page.screenshot(path=str(SCREENSHOTS / "lod-search.png"), full_page=True)
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/doc/id/organisation/adoma")
    assert page.locator("h1").inner_text().startswith("Adoma")
    assert page.get_by_text("Où elle agit").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "lod-organisation-adoma.png"), full_page=True)


@pytest.mark.parametrize(
    "path",
    [
        "/id/action/lyon/diair-actions-ctair-2019-1",
        "/id/contract/lyon-ctair",
        "/id/person/benjamin-damasco",
        "/id/source/diair-actions-ctair-2019",
        "/axis/logement",
        "/ontology",
        "/dumps/",
    ],
)
def test_other_pages_render_locally(server, page, path):
    response = page.goto(server + path)
    assert response.status == 200
    assert page.locator("h1").count() >= 1
    name = path.strip("/").replace("/", "-") or "index"
    page.screenshot(path=str(SCREENSHOTS / f"lod-{name}.png"), full_page=False)


def test_contract_page_has_its_timeline_organisations_and_figures(server, page):
    """A zoom of the 2021 article is a contract: its year with the sentence that states it, the
    organisations taking part in it, and a rate kept as a rate."""
    page.goto(server + "/id/contract/lyon-ctair")
    timeline = page.locator("#h-timeline + ol.timeline li").all_inner_texts()
    assert any(item.startswith("2019") and "année du contrat" in item for item in timeline)
    assert "Métropole de Lyon" in page.locator("#h-participations + ul").inner_text()
    figures = page.locator("#h-quantities + ul").inner_text()
    assert "60 accessions par an" in figures and "60 par an" in figures
    page.goto(server + "/id/contract/dijon-ctair")
    organisations = page.locator("#h-participations + ul").inner_text()
    assert "Caisse d'allocations familiales de la Côte-d'Or" in organisations and "CESAM" in organisations
    page.screenshot(path=str(SCREENSHOTS / "contract-dijon.png"), full_page=True)


def test_a_range_is_shown_as_a_range(server, page):
    page.goto(server + "/id/action/lyon/diair-actions-ctair-2019-1")
    shown = page.locator("span.quantity").all_inner_texts()
    assert "20–25" in shown and "45" not in shown  # "20 à 25 BPI", never their sum
    page.goto(server + "/id/action/lyon/diair-actions-ctair-2019-2")
    shown = page.locator("span.quantity").all_inner_texts()
    assert "≈ 200" in shown and "≤ 12" in shown  # "environ 200€", "12 mois maximum"
