"""Browser tests of the query page: the real server over HTTP on 127.0.0.1, a small store
built here, Debian's chromium driven by Playwright (``scripts/install-system-test-deps.sh``).

Every page gets a fresh browser context. The ``page`` fixture records every request and every
console message: a request to any host but 127.0.0.1, a console error or an uncaught
exception fails the test.
"""

from __future__ import annotations

import contextlib
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.serving import running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GRAPH = "https://w3id.org/ctair/graph/browser-test"
THINGS = 120  # labelled things; each has a French and an English label
SCREENSHOTS = Path(os.environ.get("CTAIR_SCREENSHOTS", "/tmp/ctair-screenshots"))

QUERY_FILES = {
    "labels.rq": """\
# title: Everything with a label
# description: Every labelled thing and its labels, in both languages.
SELECT ?thing ?label WHERE {
  ?thing rdfs:label ?label .
}
ORDER BY ?label
""",
    "labels-in-language.rq": """\
# title: Labels in one language
# description: The labels of one language only.
# param: lang string = fr | Language tag of the labels
SELECT ?thing ?label WHERE {
  ?thing rdfs:label ?label .
  FILTER(LANG(?label) = ?lang)
}
ORDER BY ?label
""",
    "_internal.rq": """\
# title: Internal, never listed
SELECT * WHERE { ?s ?p ?o } LIMIT 1
""",
}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here and item.get_closest_marker("browser") and not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} missing: run scripts/install-system-test-deps.sh"))


def build_store(path: Path) -> Path:
    """A small on-disk store: THINGS territories, each with a French and an English label."""
    from pyoxigraph import Literal, NamedNode, Quad, Store

    rdfs_label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    territory = NamedNode("https://w3id.org/ctair/ontology#Territory")
    graph = NamedNode(GRAPH)
    store = Store(str(path))
    quads = []
    for number in range(1, THINGS + 1):
        thing = NamedNode(f"https://w3id.org/ctair/id/territory/t{number:03d}")
        quads += [
            Quad(thing, rdf_type, territory, graph),
            Quad(thing, rdfs_label, Literal(f"Territoire {number:03d}", language="fr"), graph),
            Quad(thing, rdfs_label, Literal(f"Territory {number:03d}", language="en"), graph),
        ]
    store.extend(quads)
    store.flush()
    del store
    gc.collect()  # release the RocksDB lock before the server opens the store
    return path


@pytest.fixture(scope="session")
def queries_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("queries")
    for name, text in QUERY_FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def store_path(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("browser-store") / "store")


@pytest.fixture(scope="session")
def server(store_path, queries_dir):
    """Base URL (no trailing slash) of the real server, on the store and queries built here."""
    with running_server(store_path, queries_dir=queries_dir) as url:
        yield str(url)


@dataclass
class Watch:
    """What a page did: requests, console errors, uncaught exceptions."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname != "127.0.0.1":
                foreign.append(url)
        return foreign


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def context(browser):
    context = browser.new_context(accept_downloads=True, locale="fr-FR", viewport={"width": 1360, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context, watch, request):
    page = context.new_page()
    page.on("request", lambda r: watch.requests.append(r.url))
    page.on("console", lambda m: watch.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(f"uncaught: {e}"))
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SCREENSHOTS / f"failed-{request.node.name}.png"), full_page=True)
    assert not watch.errors, f"JavaScript errors on the page: {watch.errors}"
    assert not watch.foreign_requests(), f"requests to another host than 127.0.0.1: {watch.foreign_requests()}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
