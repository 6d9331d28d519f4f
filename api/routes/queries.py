"""``/api/queries``: the catalogue of public named SPARQL queries, and running them.

``GET /api/queries`` lists them (name, title, description, parameters, sparql), read from the
``queries_dir`` setting (default: the bundled ``queries/``) on every request, so a new ``.rq``
file shows up without a restart. ``GET /api/queries/{name}`` runs one with its parameters as
query-string values, bound as RDF terms (never pasted into the text). The query page (``/``)
offers the same catalogue.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request

from ctair.graph.named_queries import QUERIES_DIR, NamedQuery, QueryParameterError, bind, load_named_queries
from ctair.graph.store import plain

from ..deps import IndexDep, StoreDep
from ..errors import ApiError
from ..models import NamedQuery as NamedQueryDescription
from ..models import NamedQueryResult

router = APIRouter(prefix="/api/queries", tags=["named queries"])


def queries_directory(request: Request) -> Path:
    """The directory of the named queries served by this app (the ``queries_dir`` setting)."""
    return request.app.state.settings.queries_dir or QUERIES_DIR


def named_queries(request: Request) -> dict[str, NamedQuery]:
    """The public named queries (files starting with ``_`` are ctair's own, not served)."""
    return load_named_queries(queries_directory(request))


@router.get("", response_model=list[NamedQueryDescription], summary="List the named queries")
def list_queries(request: Request) -> list[dict]:
    """Every public named query: name, title, description, parameters and SPARQL text."""
    return [query.to_json() for query in named_queries(request).values()]


@router.get("/{name}", response_model=NamedQueryResult, summary="Run a named query with its parameters (bound, never pasted)")
def run_named_query(name: str, request: Request, store: StoreDep, index: IndexDep) -> dict:
    query = named_queries(request).get(name)
    if query is None:
        raise ApiError(404, f"no named query {name!r}; see GET /api/queries", code="not-found")
    try:
        bindings = bind(query, dict(request.query_params), index.resolve_term)
    except QueryParameterError as error:
        raise ApiError(400, str(error), code="bad-parameter", parameter=error.parameter) from None
    rows = store.select(query.text, bindings)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    return {
        "query": query.name,
        "title": query.title,
        "parameters": {k: v.value for k, v in bindings.items()},
        "columns": columns,
        "rows": [{k: plain(v) for k, v in row.items()} for row in rows],
    }
