"""Every page at 400 px (a phone): nothing wider than the window, and on the query page the run
and share buttons do not cover the query's first line."""

from __future__ import annotations

import pytest

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/?lang=en",
    "/territories",
    "/organisations",
    "/network",
    "/search?q=lyon",
    "/search?q=Coalia",
    "/id/territory/lyon",
    "/id/organisation/adoma",
    "/id/action/lyon/diair-actions-ctair-2019-1",
    "/id/contract/lyon-ctair",
    "/id/person/benjamin-damasco",
    "/id/source/diair-actions-ctair-2019",
    "/axis/logement",
    "/ontology",
    "/dumps/",
    "/no/such/page",
    "/docs",
    "/redoc",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_overflow_at_400_px(server, narrow_page, path):
    narrow_page.errors_allowed = path == "/no/such/page"  # the browser logs the 404 itself
    narrow_page.goto(server + path)
    narrow_page.wait_for_load_state("networkidle")
    width = narrow_page.evaluate("document.documentElement.scrollWidth")
    if width > 400:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        narrow_page.screenshot(path=str(SCREENSHOTS / f"overflow{path.replace('/', '_')}.png"))
    assert width <= 400, f"{path} is {width} px wide at 400 px"


def test_the_run_button_does_not_cover_the_first_line(server, narrow_page):
    narrow_page.goto(server + "/")
    narrow_page.wait_for_selector(".tabPanel.active .CodeMirror-line")
    buttons = narrow_page.locator(".tabPanel.active .yasqe_buttons").bounding_box()
    first_line = narrow_page.locator(".tabPanel.active .CodeMirror-line").first.bounding_box()
    assert (
        buttons["y"] + buttons["height"] <= first_line["y"] + 1 or buttons["x"] >= first_line["x"] + first_line["width"]
    )
