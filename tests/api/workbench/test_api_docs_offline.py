"""``/docs`` and ``/redoc`` render with no network but loopback (they used to load from a CDN)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_from_the_app(server, page):
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", state="visible")
    assert "ctair" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-summary-path", has_text="/api/who").count() >= 1
    assert not page.errors, page.errors


def test_redoc_renders_from_the_app(server, page):
    page.goto(server + "/redoc")
    page.wait_for_selector("redoc h1, .api-info h1", state="visible")
    assert "ctair" in page.locator("redoc h1, .api-info h1").first.inner_text()
    assert page.get_by_text("/api/who").count() >= 1
