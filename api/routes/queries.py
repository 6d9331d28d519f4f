"""``/api/queries``: the catalogue of public named SPARQL queries, and running them.

``GET /api/queries`` lists them (name, title, description, parameters, sparql), read from the
``queries_dir`` setting (default: the bundled ``queries/``) on every request, so a new ``.rq``
file shows up without a restart. ``GET /api/queries/{name}`` runs one with its parameters as
query-string values, bound as RDF terms (never pasted into the text): ctair's JSON
(``columns``, ``rows`` of plain values), or with ``format=json|xml|csv|tsv`` (``output=`` too)
a SPARQL 1.1 results document, so that the URL goes straight into ``pandas.read_csv``.
``format`` and ``output`` are therefore never names of query parameters. The query page (``/``)
offers the same catalogue.
"""

from __future__ import annotations

import io
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from ctair.api.editor_text import editor_text
from ctair.graph.named_queries import QUERIES_DIR, NamedQuery, bind, load_named_queries, select_columns
from ctair.graph.store import plain

from .. import results
from ..deps import IndexDep, StoreDep
from ..errors import ApiError
from ..models import NamedQuery as NamedQueryDescription
from ..models import NamedQueryResult
from ..result_format import PARAMETERS as FORMAT_PARAMETERS
from ..result_format import RowSolutions, requested_format
from ..state import app_state

router = APIRouter(prefix="/api/queries", tags=["named queries"])


def queries_directory(request: Request) -> Path:
    """The directory of the named queries served by this app (the ``queries_dir`` setting)."""
    return app_state(request).settings.queries_dir or QUERIES_DIR


def named_queries(request: Request) -> dict[str, NamedQuery]:
    """The public named queries (files starting with ``_`` are ctair's own, not served)."""
    return load_named_queries(queries_directory(request))


@router.get("", response_model=list[NamedQueryDescription], summary="List the named queries")
def list_queries(request: Request) -> list[dict]:
    """Every public named query: name, title, description, parameters and SPARQL text."""
    return [query.to_json() for query in named_queries(request).values()]


@router.get(
    "/{name}/sparql", summary="The SPARQL text of a named query with its parameters bound (for the query page's forms)"
)
def bound_query_text(name: str, request: Request, index: IndexDep) -> dict:
    """The query as the page's editor shows it, its VALUES block holding the given parameters,
    each resolved like ``GET /api/queries/{name}`` does (a label, an id or an IRI) and written
    as an RDF term; a missing required parameter or an unknown name is a 400 naming it."""
    query = named_queries(request).get(name)
    if query is None:
        raise ApiError(404, f"no named query {name!r}; see GET /api/queries", code="not-found")
    values = {k: v for k, v in request.query_params.items() if v.strip()}  # an empty field is "not given"
    bindings = bind(query, values, index.resolve_term)  # an unknown name is a 400 naming the parameter
    return {
        "query": query.name,
        "parameters": {k: v.value for k, v in bindings.items()},
        "sparql": editor_text(query, bindings),
    }


@router.get(
    "/{name}",
    summary="Run a named query with its parameters (bound, never pasted)",
    response_model=None,
    responses={
        200: {
            "model": NamedQueryResult,
            "content": {"text/csv": {}, "text/tab-separated-values": {}, "application/sparql-results+xml": {}},
        }
    },
)
def run_named_query(name: str, request: Request, store: StoreDep, index: IndexDep) -> Response | dict:
    query = named_queries(request).get(name)
    if query is None:
        raise ApiError(404, f"no named query {name!r}; see GET /api/queries", code="not-found")
    pairs = list(request.query_params.multi_items())
    url_format = requested_format(pairs, "SELECT")
    values = {k: v for k, v in pairs if k not in FORMAT_PARAMETERS}
    bindings = bind(query, values, index.resolve_term)  # an unknown name is a 400 naming the parameter
    rows = store.select(query.text, bindings)
    columns = select_columns(store, query.text, bindings)
    if url_format is not None:
        out = io.BytesIO()
        results.write_solutions(RowSolutions(columns, rows), url_format, out, None)
        return Response(out.getvalue(), media_type=url_format.content_type)
    return {
        "query": query.name,
        "title": query.title,
        "parameters": {k: v.value for k, v in bindings.items()},
        "columns": columns,
        "rows": [{k: plain(v) for k, v in row.items()} for row in rows],
    }
