"""The researcher's workbench (issue #13): one real server on 127.0.0.1 over the built corpus,
and pages in headless Chromium with JavaScript on, at 1400 px and at 400 px."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.serving import running_server

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("CTAIR_SCREENSHOTS", "/tmp/ctair-screenshots"))


@pytest.fixture(scope="module")
def server(built_store_path):
    with running_server(built_store_path) as base_url:
        yield base_url


def _page(request, width: int):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing: run scripts/install-system-test-deps.sh")
    browser = request.getfixturevalue("browser")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(f"uncaught: {error}"))
    return context, page


def _check(page) -> None:
    # a 4xx that the page shows to the user (a form error) is logged by the browser: allowed when the test says so
    errors = [e for e in page.errors if not (getattr(page, "errors_allowed", False) and "Failed to load resource" in e)]
    assert not errors, f"JavaScript errors on the page: {errors}"
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith(("data:", "about:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, f"requests left 127.0.0.1: {hosts}"


@pytest.fixture
def page(request):
    """A wide window (1400 px); requests to another host fail the test."""
    context, page = _page(request, 1400)
    yield page
    _check(page)
    context.close()


@pytest.fixture
def narrow_page(request):
    """A phone-sized window (400 px)."""
    context, page = _page(request, 400)
    yield page
    _check(page)
    context.close()
