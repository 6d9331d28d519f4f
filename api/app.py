"""The FastAPI application: one ``include_router`` line per room of the API."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from ctair.api import sparql
from ctair.api.errors import install_error_handlers
from ctair.api.hardening import HardeningMiddleware
from ctair.api.html import STATIC_DIR
from ctair.api.models import complete_openapi
from ctair.api.state import AppState
from ctair.graph.named_queries import QUERIES_DIR, load_named_queries
from ctair.settings import Settings, get_settings

from .routes import dataset, network, pages, permalinks, queries, resources, rest
from .routes.api_docs import add_api_docs_routes

if TYPE_CHECKING:
    from ctair.graph.remote_store import RemoteSparqlStore


def create_app(
    settings: Settings | None = None, store_path: Path | None = None, *, remote_store: RemoteSparqlStore | None = None
) -> FastAPI:
    """The application over the embedded store at ``store_path`` (default: the ``store`` setting),
    or over ``remote_store``: then the REST API, the pages and the named queries read it, and
    ``/sparql`` forwards to it (:mod:`ctair.api.remote_sparql`)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="ctair",
        description="Open knowledge graph of France's territorial contracts for the reception and integration of "
        "refugees.",
        version="0.1.0",
        docs_url=None,  # served from vendored files below (the defaults load from a CDN)
        redoc_url=None,
    )
    app.state.ctair = AppState(settings, Path(store_path or settings.store), remote_store=remote_store)
    install_error_handlers(app)
    sparql.add_cors(app)
    app.add_middleware(HardeningMiddleware)  # outermost: HEAD as GET, nosniff on every response
    app.include_router(sparql.router)

    app.include_router(rest.router)

    app.include_router(network.router)  # /api/network/{network}, /metrics, exports, /api/export/3w, the page /network

    app.include_router(queries.router)
    app.include_router(pages.router)

    app.include_router(permalinks.router)  # /api/permalinks, /q/{id}

    app.include_router(resources.router)  # linked data: /id/… → 303 → /doc/…, pages, /search
    resources.add_vocabulary_routes(app, settings)
    app.include_router(dataset.router)  # /.well-known/void, /dumps/, /context.jsonld, /ontology
    add_api_docs_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _document_errors_and_bodies(app, settings)
    return app


def _document_errors_and_bodies(app: FastAPI, settings: Settings) -> None:
    """OpenAPI that tells the truth about errors, /sparql, downloads and named queries
    (:func:`ctair.api.models.complete_openapi`); computed once, on first request."""

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            try:
                queries = list(load_named_queries(settings.queries_dir or QUERIES_DIR).values())
            except Exception:  # the description must not fail because a query file is broken
                queries = []
            app.openapi_schema = complete_openapi(schema, queries)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the OpenAPI description
