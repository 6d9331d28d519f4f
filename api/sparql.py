"""The SPARQL 1.1 Protocol endpoint at ``/sparql``.

* Queries by GET (``?query=``), POST form (``query=``) and POST ``application/sparql-query``;
  ``default-graph-uri`` / ``named-graph-uri`` honoured. Without them, and without FROM in
  the query, the default graph is the union of all the graphs of the store.
* Results by content negotiation (``Accept``; absent or ``*/*`` gives the first), or by
  ``format=``/``output=`` in the URL (:mod:`ctair.api.result_format`):
  SELECT → SPARQL JSON, SPARQL XML, CSV, TSV; ASK → SPARQL JSON, SPARQL XML;
  CONSTRUCT/DESCRIBE → Turtle, N-Triples, JSON-LD, RDF/XML. 406 when none fits.
* ``GET /sparql`` without a query: the SPARQL Service Description (Turtle, N-Triples,
  JSON-LD, RDF/XML), or a 303 to the query page ``/`` for a browser asking for HTML.
* Read-only by default: SPARQL Update answers 403. With ``allow_update`` and an
  ``admin_token``, updates are accepted by POST (form ``update=`` or
  ``application/sparql-update``, with ``using-graph-uri``/``using-named-graph-uri``) from a
  request carrying ``Authorization: Bearer <admin_token>`` (401 without, 403 if wrong).
* Never an outbound request: SERVICE (anywhere) and LOAD are refused with 400 before anything
  runs (see :mod:`ctair.api.sparql_text`); workers also run without network when possible.
* Limits: ``max_query_length`` (413), ``query_timeout`` (503, the worker is killed),
  ``max_result_rows`` (the ONE allowed cut, announced by ``X-Ctair-Result-Truncated: true``
  and ``X-Ctair-Result-Limit``), ``max_concurrent_queries`` + ``max_queued_queries`` (503 with
  ``Retry-After``). Errors use the shape of :mod:`ctair.api.errors`.

The execution model (worker processes, deadlines, the writer) is in :mod:`ctair.api.workers`;
on a remote store (``ctair serve --store http://…``) :mod:`ctair.api.remote_sparql` takes its
place behind the same checks.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, Request
from starlette.background import BackgroundTask
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import FileResponse, RedirectResponse, Response

from ctair.api import results
from ctair.api.errors import ApiError
from ctair.api.query_runner import QueryRunner, QueryTask
from ctair.api.remote_sparql import RemoteQueryRunner
from ctair.api.result_format import requested_format
from ctair.api.sparql_text import (
    Token,
    add_using_clauses,
    check_nesting,
    forbidden_keywords,
    has_dataset_clause,
    iter_tokens,
    query_form,
)
from ctair.api.state import app_state
from ctair.api.workers import WorkerPool
from ctair.graph.void import VOID_PATH, dataset_iri

log = logging.getLogger("ctair.api.sparql")

TRUNCATED_HEADER = "X-Ctair-Result-Truncated"
LIMIT_HEADER = "X-Ctair-Result-Limit"
EXPOSED_HEADERS = [TRUNCATED_HEADER, LIMIT_HEADER, "Retry-After", "Content-Length"]

_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"

_SD_OFFERS = (results.TURTLE, results.NTRIPLES, results.JSONLD, results.RDFXML, results.HTML)


@asynccontextmanager
async def lifespan(app: FastAPI):
    state = app_state(app)
    settings = state.settings
    runner: QueryRunner
    if state.remote_store is not None:
        runner = RemoteQueryRunner(
            state.remote_store, size=settings.max_concurrent_queries, max_queued=settings.max_queued_queries
        )
    else:
        runner = WorkerPool(
            state.store_path,
            size=settings.max_concurrent_queries,
            max_queued=settings.max_queued_queries,
            slow_after=settings.slow_query_seconds,
            max_slow=settings.max_slow_queries,
        )
    state.runner = runner
    await runner.start()
    try:
        yield
    finally:
        await runner.stop()
        state.runner = None


router = APIRouter(lifespan=lifespan, tags=["sparql"])


def add_cors(app: FastAPI) -> None:
    """Queries from any origin, never with credentials (cookies are not part of this API)."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["Accept", "Content-Type", "Authorization"],
        expose_headers=EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=3600,
    )


# --- request parsing ---------------------------------------------------------------------
def _parse_content_type(header: str | None) -> tuple[str | None, dict[str, str]]:
    if not header or not header.strip():
        return None, {}
    media, *params = header.split(";")
    parsed = {}
    for param in params:
        name, _, value = param.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"')
    return media.strip().lower(), parsed


def _pairs(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ApiError(400, f"the {where} is not valid percent-encoded UTF-8", code="bad-encoding") from None


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"the request body is larger than {limit} bytes", code="query-too-long", limit=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"the request body is larger than {limit} bytes", code="query-too-long", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, f"the {what} is not valid UTF-8 (byte {error.start})", code="bad-encoding") from None


async def _parameters(request: Request, settings) -> list[tuple[str, str]]:
    params = _pairs(request.url.query, "query string")
    if request.method == "GET":
        return params
    media, ct_params = _parse_content_type(request.headers.get("content-type"))
    if media is None:
        raise ApiError(
            415,
            f"a SPARQL POST needs a Content-Type: {_FORM}, {_QUERY} or {_UPDATE}",
            code="unsupported-media-type",
        )
    if media not in (_FORM, _QUERY, _UPDATE):
        raise ApiError(
            415, f"unsupported Content-Type {media}; use {_FORM}, {_QUERY} or {_UPDATE}", code="unsupported-media-type"
        )
    charset = ct_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, f"unsupported charset {charset}: SPARQL requests must be UTF-8", code="bad-encoding")
    body = await _read_body(request, settings.max_query_length * 4 + 16_384)
    if media == _FORM:
        return params + _pairs(_decode(body, "form body"), "form body")
    name = "query" if media == _QUERY else "update"
    return params + [(name, _decode(body, "request body"))]


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _graphs(params: list[tuple[str, str]], name: str) -> list[str]:
    graphs = _values(params, name)
    for iri in graphs:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise ApiError(400, f"{name} {iri!r} is not an absolute IRI: {error}", code="invalid-graph-iri") from None
    return graphs


def _endpoint_iri(request: Request) -> str:
    """The endpoint's own IRI, from the configured public URL (never the Host header)."""
    return app_state(request).settings.site_url() + "/sparql"


def _refuse_outbound(text: str, tokens) -> None:
    found = forbidden_keywords(text, tokens)
    if found:
        first = found[0]
        what = "SERVICE (federated query)" if first.keyword == "SERVICE" else "LOAD"
        raise ApiError(
            400,
            f"{what} is not allowed on this endpoint: it never makes outbound requests "
            f"(found at line {first.line}, column {first.column})",
            code="outbound-request-refused",
            keyword=first.keyword,
            line=first.line,
            column=first.column,
        )


def _checked_tokens(text: str, kind: str, max_depth: int) -> list[Token]:
    """The tokens of a query or update, refused with a 400 when it cannot be safe to run:
    a string that never closes (:class:`UnterminatedString`), nesting deeper than ``max_depth``
    (:class:`TooDeep`), SERVICE or LOAD.
    CPU-bound (linear in the text): callers run it off the event loop (:func:`_inspect`)."""
    tokens = check_nesting(iter_tokens(text, kind), max_depth, text, kind)
    _refuse_outbound(text, tokens)
    return tokens


async def _inspect(text: str, kind: str, settings) -> list[Token]:
    """:func:`_checked_tokens` in a thread: a long query never holds the event loop, so other
    clients are answered while it is checked."""
    return await asyncio.to_thread(_checked_tokens, text, kind, settings.max_query_depth)


def _prefixes(tokens) -> dict[str, str]:
    prefixes = {}
    for i, token in enumerate(tokens[:-2]):
        if token.keyword == "PREFIX" and tokens[i + 1].kind == "pname" and tokens[i + 2].kind == "iri":
            name = tokens[i + 1].text[:-1]
            iri = tokens[i + 2].text[1:-1]
            if tokens[i + 1].text.endswith(":") and iri.startswith(("http://", "https://", "urn:")):
                prefixes[name] = iri
    return prefixes


def _runner(request: Request) -> QueryRunner:
    runner = app_state(request).runner
    if runner is None:
        raise ApiError(
            503,
            "the SPARQL workers are not running (application started without its lifespan)",
            code="store-unavailable",
        )
    return runner


# --- the endpoint --------------------------------------------------------------------------
@router.get(
    "/sparql",
    summary="SPARQL 1.1 Protocol endpoint: a query, or the service description",
    response_class=Response,
    operation_id="sparql_get",
)
@router.post(
    "/sparql",
    summary="SPARQL 1.1 Protocol endpoint: a query or an update (form or SPARQL body)",
    response_class=Response,
    operation_id="sparql_post",
)
async def sparql(request: Request) -> Response:
    settings = app_state(request).settings
    params = await _parameters(request, settings)
    queries, updates = _values(params, "query"), _values(params, "update")
    if len(queries) + len(updates) > 1:
        raise ApiError(400, "exactly one query or update per request", code="multiple-queries")
    if not queries and not updates:
        if request.method == "GET" and not params:
            return service_description(request)
        raise ApiError(400, "missing the 'query' (or 'update') parameter", code="missing-query")
    text = queries[0] if queries else updates[0]
    if len(text) > settings.max_query_length:
        raise ApiError(
            413,
            f"the {'query' if queries else 'update'} is {len(text)} characters long; "
            f"the limit is {settings.max_query_length}",
            code="query-too-long",
            limit=settings.max_query_length,
        )
    if updates:
        return await _update(request, settings, params, text)
    return await _query(request, settings, params, text)


async def _query(request: Request, settings, params, text: str) -> Response:
    tokens = await _inspect(text, "query", settings)
    form = query_form(text, tokens)
    if form == "UPDATE":
        raise ApiError(400, "this is a SPARQL Update: send it as 'update', by POST", code="update-as-query")
    url_format = requested_format(params, form)  # format=/output= in the URL wins over Accept
    accept = url_format.media_type if url_format else request.headers.get("accept")
    if form is not None:
        results.result_format(accept, form)  # 406 before the query runs
    default_graph = _graphs(params, "default-graph-uri")
    named_graphs = _graphs(params, "named-graph-uri")
    task: QueryTask = {
        "query": text,
        "form": form,
        "base_iri": _endpoint_iri(request),
        "accept": accept,
        "max_rows": settings.max_result_rows,
        "prefixes": _prefixes(tokens),
    }
    if default_graph or named_graphs:
        task["default_graph"], task["named_graphs"], task["union"] = default_graph, named_graphs, False
    else:
        task["default_graph"], task["named_graphs"], task["union"] = None, None, not has_dataset_clause(tokens)
    reply = await _runner(request).query(
        task, settings.query_timeout, client=request.client.host if request.client else ""
    )
    headers = {"Vary": "Accept", "Cache-Control": "no-store"}
    if reply.truncated:
        headers[TRUNCATED_HEADER] = "true"
        headers[LIMIT_HEADER] = str(settings.max_result_rows)
    if reply.body is not None:
        return Response(reply.body, media_type=reply.media_type, headers=headers)
    assert reply.path is not None
    return FileResponse(
        reply.path, media_type=reply.media_type, headers=headers, background=BackgroundTask(_unlink, reply.path)
    )


def _unlink(path: str) -> None:
    try:
        Path(path).unlink()
    except OSError:
        pass


def _check_admin(request: Request, settings) -> None:
    if not settings.allow_update:
        raise ApiError(403, "this endpoint is read-only: SPARQL Update is disabled", code="updates-disabled")
    token = settings.admin_token
    if not token:
        raise ApiError(
            403,
            "SPARQL Update is enabled but no admin token is configured (CTAIR_ADMIN_TOKEN)",
            code="updates-disabled",
        )
    header = request.headers.get("authorization")
    if not header:
        raise ApiError(
            401,
            "SPARQL Update needs 'Authorization: Bearer <admin token>'",
            code="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="ctair"'},
        )
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(403, "the admin token is not valid", code="forbidden")


async def _update(request: Request, settings, params, text: str) -> Response:
    if request.method != "POST":
        raise ApiError(
            405, "SPARQL Update requests must use POST", code="method-not-allowed", headers={"Allow": "GET, POST"}
        )
    _check_admin(request, settings)
    await _inspect(text, "update", settings)
    using = _graphs(params, "using-graph-uri")
    using_named = _graphs(params, "using-named-graph-uri")
    text = add_using_clauses(text, using, using_named)
    await _runner(request).update(
        {"update": text, "base_iri": _endpoint_iri(request)},
        timeout=settings.update_timeout,
        drain_timeout=settings.query_timeout + 2,
    )
    app_state(request).invalidate()  # the REST API, the pages and their caches read the new state
    return Response(status_code=204)


# --- service description -------------------------------------------------------------------
_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def service_description(request: Request) -> Response:
    chosen = results.negotiate(request.headers.get("accept"), _SD_OFFERS, "the service description")
    if chosen is results.HTML:
        return RedirectResponse("/", status_code=303, headers={"Vary": "Accept"})
    settings = app_state(request).settings
    endpoint = ox.NamedNode(_endpoint_iri(request))
    service = ox.BlankNode("service")
    dataset = dataset_iri(settings)  # described at /.well-known/void (VoID + DCAT)
    default_graph = ox.BlankNode("defaultGraph")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(_SD + name)

    triples = [
        ox.Triple(service, _RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), endpoint),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, _RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(
            dataset,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
            ox.NamedNode(app_state(request).settings.site_url() + VOID_PATH),
        ),
        ox.Triple(default_graph, _RDF_TYPE, sd("Graph")),
        ox.Triple(
            service,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            ox.Literal(
                f"Read-only unless updates are enabled. The default graph is the union of all graphs. "
                f"Queries stop after {settings.query_timeout:g} s; results are capped at "
                f"{settings.max_result_rows} rows (announced by the {TRUNCATED_HEADER} header). "
                "SERVICE and LOAD are refused.",
                language="en",
            ),
        ),
    ]
    if settings.allow_update and settings.admin_token:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name)))
    body = ox.serialize(
        triples,
        format=chosen.rdf_format,
        prefixes={"sd": _SD, "formats": _FORMATS} if chosen.key in ("turtle", "rdfxml") else None,
    )
    return Response(body, media_type=chosen.content_type, headers={"Vary": "Accept"})
