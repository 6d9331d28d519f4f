"""``/api/queries``: the catalogue of named SPARQL queries (``queries/*.rq``).

``GET /api/queries`` lists them (name, title, description, parameters, sparql), read from
disk on every request so a new ``.rq`` file shows up without a restart.

Running a named query — ``GET /api/queries/{name}`` with its parameters as query-string
values — is the named-query runner's job, not this module's (it lives in
``ctair.api.routes.rest``, ``run_named_query``). It should read the same directory as this
listing: ``queries_directory(request)`` / ``named_queries(request)``.
"""
from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, Request

from ctair.graph.named_queries import QUERIES_DIR, NamedQuery, load_named_queries

router = APIRouter(prefix="/api/queries", tags=["named queries"])

# Overrides the queries/ directory when set (tests, a deployment with its own catalogue).
# Kept here until Settings has a ``queries_dir`` field, which is read first when it exists.
QUERIES_DIR_ENV = "CTAIR_QUERIES_DIR"


def queries_directory(request: Request) -> Path:
    """The directory of the named queries served by this app.

    In order: ``app.state.queries_dir``, ``settings.queries_dir``, ``$CTAIR_QUERIES_DIR``, ``queries/``.
    """
    state = request.app.state
    for candidate in (
        getattr(state, "queries_dir", None),
        getattr(getattr(state, "settings", None), "queries_dir", None),
        os.environ.get(QUERIES_DIR_ENV),
    ):
        if candidate:
            return Path(candidate)
    return QUERIES_DIR


def named_queries(request: Request) -> dict[str, NamedQuery]:
    return load_named_queries(queries_directory(request))


@router.get("", summary="List the named queries")
def list_queries(request: Request) -> list[dict]:
    """Every public named query: name, title, description, parameters and SPARQL text."""
    return [query.to_json() for query in named_queries(request).values()]


# GET /api/queries/{name} (run a named query): ctair.api.routes.rest.run_named_query — see the module docstring.
