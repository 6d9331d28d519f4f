"""A :class:`~ctair.graph.store.Store` over HTTP: SPARQL 1.1 Query, Update and Graph Store Protocol.

    store = RemoteSparqlStore("http://127.0.0.1:7878")          # an `oxigraph serve` server
    store = RemoteSparqlStore("http://fuseki:3030/ctair",        # Fuseki: /query /update /data
                              gsp_url="http://fuseki:3030/ctair/data", union_default_graph_param=None)
    store = open_store("http://127.0.0.1:7878", read_only=True)  # or a path → OxigraphStore

Defaults follow the Oxigraph server's layout: queries at ``/query``, updates at ``/update``,
the Graph Store at ``/store``; each URL can be overridden (``query_url``, ``update_url``,
``gsp_url``, the CLI's ``--query-url``/``--update-url``/``--gsp-url``). See
``docs/remote-store.md`` for Fuseki, QLever, GraphDB and Virtuoso.

* **Default graph = union of the named graphs**, as for the embedded store: Oxigraph gets the
  ``union-default-graph`` request parameter; for other servers pass
  ``union_default_graph_param=None`` and configure the union on the server (Fuseki
  ``tdb2:unionDefaultGraph true``; GraphDB, Virtuoso and QLever already query all graphs).
* **Parameters** (``bindings``) are never pasted into the query as text: each is serialized as
  an RDF term (IRI or literal, validated and escaped here) into a ``VALUES`` block inserted as
  the first element of the outermost WHERE group — the equivalent of pyoxigraph's
  substitutions for ctair's named queries (their parameters are in the projection and GROUP BY).
* **replace_graph** is a Graph Store Protocol ``PUT ?graph=IRI`` of N-Triples: the server
  replaces that one graph atomically. There is no transaction across graphs.
* **Credentials** come from the arguments or the environment: ``CTAIR_REMOTE_TOKEN`` (bearer)
  or ``CTAIR_REMOTE_USER`` + ``CTAIR_REMOTE_PASSWORD`` (HTTP basic). They are never logged.
* Every failure (unreachable, timeout, HTTP 4xx/5xx with the server's own message) is a
  :class:`~ctair.graph.store.StoreError`.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from .store import OxigraphStore, Row, Store, StoreError, Term

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
DEFAULT_TIMEOUT = 60.0
_CHUNK_TRIPLES = 20_000
_ERROR_BODY_CHARS = 600

ENV_USER = "CTAIR_REMOTE_USER"
ENV_PASSWORD = "CTAIR_REMOTE_PASSWORD"
ENV_TOKEN = "CTAIR_REMOTE_TOKEN"
ENV_SCHEME = "CTAIR_REMOTE_AUTH"  # "basic" (default with a user) or "digest" (Virtuoso's *-auth endpoints)


def is_remote(spec: object) -> bool:
    """True when ``spec`` names a remote store (an ``http://`` or ``https://`` URL)."""
    return isinstance(spec, str) and spec.lower().startswith(("http://", "https://"))


def open_store(
    spec: str | Path,
    *,
    read_only: bool,
    query_url: str | None = None,
    update_url: str | None = None,
    gsp_url: str | None = None,
    **options,
) -> Store:
    """An :class:`OxigraphStore` for a path, a :class:`RemoteSparqlStore` for an ``http(s)://`` URL.

    ``read_only`` opens an embedded store read-only; a remote store is as writable as the
    server allows (its URLs for update and Graph Store are only used by writes)."""
    if is_remote(str(spec)):
        return RemoteSparqlStore(str(spec), query_url=query_url, update_url=update_url, gsp_url=gsp_url, **options)
    if query_url or update_url or gsp_url:
        raise StoreError(f"--query-url/--update-url/--gsp-url need an http(s):// --store, not the path {spec}")
    return OxigraphStore(Path(spec), read_only=read_only)


# --- safe serialization of parameters ------------------------------------------------------
def sparql_term(term: Term) -> str:
    """An RDF term in SPARQL syntax: pyoxigraph's N-Triples form (IRIs validated when the
    NamedNode was made, literals escaped by the library), never user-written syntax."""
    if isinstance(term, (NamedNode, Literal)):
        return str(term)
    if isinstance(term, BlankNode):
        raise StoreError("a blank node cannot be bound as a parameter of a remote query")
    raise StoreError(f"cannot bind {term!r}: expected an IRI or a literal")


_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Lexical scanner: enough of SPARQL to find braces and keywords outside strings, IRIs and comments.
_TOKENS = re.compile(
    r'''(?P<skip>\#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>)'''
    r"|(?P<open>\{)|(?P<close>\})|(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
    re.S,
)


def where_group_start(query: str) -> int:
    """Offset just after the ``{`` that opens the outermost WHERE group of a query."""
    depth = 0
    after_where = False
    seen_form = None
    for match in _TOKENS.finditer(query):
        kind = match.lastgroup
        if kind == "skip":
            continue
        if kind == "word":
            word = match.group().upper()
            if depth == 0 and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and seen_form is None:
                seen_form = word
            elif depth == 0 and word == "WHERE":
                after_where = True
            continue
        if kind == "open":
            # CONSTRUCT { template } WHERE { … }: the first group is the template unless WHERE came first
            if depth == 0 and (after_where or seen_form in ("SELECT", "ASK", "DESCRIBE")):
                return match.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    raise StoreError("cannot bind parameters: no WHERE group found in the query")


def with_values(query: str, bindings: Mapping[str, Term] | None) -> str:
    """``query`` with a ``VALUES (?a ?b) { (… …) }`` block opening its outermost WHERE group."""
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise StoreError(f"cannot bind {name!r}: not a SPARQL variable name")
    values = " ".join(sparql_term(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} "
    at = where_group_start(query)
    return query[:at] + block + query[at:]


# --- the store ------------------------------------------------------------------------------
def credentials_from_environment() -> httpx.Auth | None:
    token = os.environ.get(ENV_TOKEN)
    if token:
        return BearerAuth(token)
    user = os.environ.get(ENV_USER)
    if user:
        if os.environ.get(ENV_SCHEME, "basic").lower() == "digest":
            return httpx.DigestAuth(user, os.environ.get(ENV_PASSWORD, ""))
        return httpx.BasicAuth(user, os.environ.get(ENV_PASSWORD, ""))
    return None


class BearerAuth(httpx.Auth):
    def __init__(self, token: str):
        self._header = f"Bearer {token}"

    def auth_flow(self, request):
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        return parts._replace(netloc=netloc).geturl()
    return url


class RemoteSparqlStore:
    """A store on a SPARQL 1.1 server (Oxigraph by default: /query, /update, /store)."""

    def __init__(
        self,
        base_url: str,
        *,
        query_url: str | None = None,
        update_url: str | None = None,
        gsp_url: str | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        union_default_graph_param: str | None = "union-default-graph",
        gsp_graph_param: str = "graph",
        transport: httpx.BaseTransport | None = None,
    ):
        base = base_url.rstrip("/")
        self.base_url = base
        self.query_url = query_url or f"{base}/query"
        self.update_url = update_url or f"{base}/update"
        self.gsp_url = gsp_url or f"{base}/store"
        self.union_default_graph_param = union_default_graph_param
        self.gsp_graph_param = gsp_graph_param  # Virtuoso's /sparql-graph-crud takes "graph-uri"
        self.timeout = timeout
        if auth is None:
            auth = credentials_from_environment()
        self._client = httpx.Client(auth=auth, timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
                                    transport=transport, follow_redirects=False)

    def __repr__(self) -> str:
        return f"RemoteSparqlStore({_redact(self.base_url)!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- HTTP ----------------------------------------------------------------------------
    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as error:
            raise StoreError(f"the SPARQL server at {_redact(url)} did not answer within {self.timeout:g} s ({type(error).__name__})") from error
        except httpx.HTTPError as error:
            raise StoreError(f"cannot reach the SPARQL server at {_redact(url)}: {error}") from error
        if response.status_code >= 400:
            body = response.text.strip()
            if len(body) > _ERROR_BODY_CHARS:
                body = body[:_ERROR_BODY_CHARS] + "…"
            raise StoreError(
                f"the SPARQL server at {_redact(url)} answered {response.status_code} {response.reason_phrase}"
                + (f": {body}" if body else "")
            )
        return response

    def _query(self, query: str, accept: str, *, union: bool = True) -> httpx.Response:
        data = {"query": query}
        if union and self.union_default_graph_param:
            data[self.union_default_graph_param] = ""
        return self._send("POST", self.query_url, data=data, headers={"Accept": accept})

    def _update(self, update: str) -> None:
        self._send("POST", self.update_url, content=update.encode("utf-8"),
                   headers={"Content-Type": "application/sparql-update; charset=utf-8"})

    def _results(self, query: str, bindings: Mapping[str, Term] | None):
        response = self._query(with_values(query, bindings), SPARQL_JSON)
        try:
            return parse_query_results(response.content, format=QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as error:
            raise StoreError(f"the SPARQL server at {_redact(self.query_url)} sent results that are not SPARQL JSON: {error}") from error

    # --- the Store protocol ----------------------------------------------------------------
    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        results = self._results(query, bindings)
        if not isinstance(results, QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        names = [v.value for v in results.variables]
        return [{name: solution[name] for name in names if solution[name] is not None} for solution in results]

    def select_variables(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[str]:
        """The projected variable names of a SELECT (also when it has no row)."""
        results = self._results(query, bindings)
        return [v.value for v in results.variables]

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        result = self._results(query, bindings)
        if not isinstance(result, QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Triple]:
        response = self._query(with_values(query, bindings), N_TRIPLES)
        media = response.headers.get("content-type", "").split(";")[0].strip()
        if media not in (N_TRIPLES, "text/plain", TURTLE, ""):
            raise TypeError(f"construct() needs a CONSTRUCT or DESCRIBE query (the server answered {media})")
        rdf_format = RdfFormat.TURTLE if media == TURTLE else RdfFormat.N_TRIPLES
        try:
            return [Triple(q.subject, q.predicate, q.object) for q in parse(response.content, format=rdf_format)]
        except SyntaxError as error:
            raise StoreError(f"the SPARQL server sent triples it could not serialize properly: {error}") from error

    def replace_graph(self, graph: NamedNode, triples: Iterable[Triple]) -> int:
        counter = _Counter()
        self._send("PUT", self.gsp_url, params={self.gsp_graph_param: graph.value},
                   content=_ntriples_chunks(triples, counter),
                   headers={"Content-Type": N_TRIPLES})
        return counter.n

    def load_file(self, path: Path, graph: NamedNode, rdf_format: RdfFormat | None = None) -> None:
        """Replace ``graph`` with the content of an RDF file (GSP PUT, the file's own media type)."""
        rdf_format = rdf_format or RdfFormat.from_extension(Path(path).suffix.lstrip("."))
        with open(path, "rb") as body:
            self._send("PUT", self.gsp_url, params={self.gsp_graph_param: graph.value}, content=body.read(),
                       headers={"Content-Type": rdf_format.media_type})

    def drop_graph(self, graph: NamedNode) -> None:
        self._update(f"DROP SILENT GRAPH {sparql_term(graph)}")

    def named_graphs(self) -> list[NamedNode]:
        rows = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", SPARQL_JSON, union=False)
        results = parse_query_results(rows.content, format=QueryResultsFormat.JSON)
        return sorted((s["g"] for s in results if isinstance(s["g"], NamedNode)), key=lambda g: g.value)

    def quads_count(self, graph: NamedNode) -> int:
        response = self._query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_term(graph)} {{ ?s ?p ?o }} }}",
                               SPARQL_JSON, union=False)
        return int(next(iter(parse_query_results(response.content, format=QueryResultsFormat.JSON)))["n"].value)

    def clear(self) -> None:
        self._update("CLEAR ALL")

    def __len__(self) -> int:
        response = self._query(
            "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", SPARQL_JSON, union=False
        )
        return int(next(iter(parse_query_results(response.content, format=QueryResultsFormat.JSON)))["n"].value)


class _Counter:
    n = 0


def _ntriples_chunks(triples: Iterable[Triple], counter: _Counter) -> Iterator[bytes]:
    """N-Triples of ``triples`` in chunks (the request body is streamed, never held whole)."""
    batch: list[Triple] = []
    for triple in triples:
        batch.append(triple)
        if len(batch) >= _CHUNK_TRIPLES:
            counter.n += len(batch)
            yield serialize(batch, format=RdfFormat.N_TRIPLES)
            batch = []
    counter.n += len(batch)
    if batch:
        yield serialize(batch, format=RdfFormat.N_TRIPLES)
    else:
        yield b""


# --- /sparql on a remote store: forward the query -------------------------------------------
@dataclass
class ForwardedResponse:
    status: int
    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


_PASSED_HEADERS = ("content-type", "vary", "cache-control", "content-disposition")


def _forward_request(store: RemoteSparqlStore, query: str, accept: str | None, default_graph: list[str] | None,
                     named_graphs: list[str] | None, union: bool) -> tuple[dict, dict[str, str]]:
    data: dict[str, str | list[str]] = {"query": query}
    if default_graph:
        data["default-graph-uri"] = list(default_graph)
    if named_graphs:
        data["named-graph-uri"] = list(named_graphs)
    if union and not default_graph and not named_graphs and store.union_default_graph_param:
        data[store.union_default_graph_param] = ""
    headers = {"Accept": accept or "*/*"}
    return data, headers


def _forwarded(response: httpx.Response) -> ForwardedResponse:
    media = response.headers.get("content-type", "application/octet-stream")
    headers = {k: v for k, v in response.headers.items() if k.lower() in _PASSED_HEADERS and k.lower() != "content-type"}
    return ForwardedResponse(response.status_code, response.content, media, headers)


def forward_query(
    store: RemoteSparqlStore,
    query: str,
    *,
    accept: str | None = None,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
    union: bool = True,
    timeout: float | None = None,
) -> ForwardedResponse:
    """Send a SPARQL query, as the client wrote it, to the remote server and return its answer
    unchanged (status, body, media type): what ``/sparql`` does when ctair serves a remote store.

    The caller keeps its own checks (length, SERVICE/LOAD refusal, read-only) before calling;
    ``timeout`` bounds the whole exchange (the server's own timeout should be set too, see
    ``docs/remote-store.md``). Unreachable server or timeout → :class:`StoreError` (map it to 502/504);
    an HTTP error of the server is returned as is (its status and message)."""
    data, headers = _forward_request(store, query, accept, default_graph, named_graphs, union)
    try:
        response = store._client.post(store.query_url, data=data, headers=headers,
                                      timeout=timeout if timeout is not None else store.timeout)
    except httpx.TimeoutException as error:
        raise StoreError(f"the SPARQL server at {_redact(store.query_url)} did not answer in time") from error
    except httpx.HTTPError as error:
        raise StoreError(f"cannot reach the SPARQL server at {_redact(store.query_url)}: {error}") from error
    return _forwarded(response)


async def forward_query_async(
    store: RemoteSparqlStore,
    query: str,
    *,
    accept: str | None = None,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
    union: bool = True,
    timeout: float | None = None,
    client: httpx.AsyncClient | None = None,
) -> ForwardedResponse:
    """:func:`forward_query` for an async handler; pass a long-lived ``client`` to reuse connections
    (it must carry the same credentials: :func:`async_client_for`)."""
    data, headers = _forward_request(store, query, accept, default_graph, named_graphs, union)
    own = client is None
    client = client or async_client_for(store)
    try:
        response = await client.post(store.query_url, data=data, headers=headers,
                                     timeout=timeout if timeout is not None else store.timeout)
    except httpx.TimeoutException as error:
        raise StoreError(f"the SPARQL server at {_redact(store.query_url)} did not answer in time") from error
    except httpx.HTTPError as error:
        raise StoreError(f"cannot reach the SPARQL server at {_redact(store.query_url)}: {error}") from error
    finally:
        if own:
            await client.aclose()
    return _forwarded(response)


def async_client_for(store: RemoteSparqlStore) -> httpx.AsyncClient:
    return httpx.AsyncClient(auth=store._client.auth, timeout=store.timeout, follow_redirects=False)


__all__ = [
    "RemoteSparqlStore", "open_store", "is_remote", "forward_query", "forward_query_async", "ForwardedResponse",
    "with_values", "sparql_term", "async_client_for",
]


# --- ctair build into a remote store --------------------------------------------------------
def build_remote(store: RemoteSparqlStore, corpus_dir: Path, base_iri: str, *, ner: bool = True, progress=None):
    """``ctair build --store http://…``: the same extraction as :func:`ctair.graph.build.build`,
    loaded graph by graph with Graph Store PUTs.

    There is no symlink swap on a server: each named graph (ontology, schemes, registry, one per
    document) is replaced atomically by its PUT, in that order, so a reader may briefly see new
    documents next to the previous registry. Graphs under ``<base>graph/`` that the build no longer
    produces (a document removed from the corpus) are dropped at the end. The extraction runs
    entirely before the first write: a corpus error leaves the server untouched."""
    import time

    from ctair.loaders.corpus import read_corpus
    from ctair.loaders.errors import InputError
    from ctair.loaders.pipeline import extract
    from ctair.ontology.vocab import ONTOLOGY_FILES

    from .build import BuildSummary, stderr_progress
    from .emit import Emitter
    from .iris import IriMinter
    from .named_queries import get_query

    progress = progress or stderr_progress
    started = time.perf_counter()
    progress(f"reading the corpus in {corpus_dir}")
    documents = read_corpus(corpus_dir)
    for path in ONTOLOGY_FILES.values():
        if not path.is_file():
            raise InputError(path, "ontology file missing")
    progress(f"extracting {len(documents)} document(s){'' if ner else ' (no NER)'}")
    extraction = extract(documents, Path(corpus_dir) / "curation", ner=ner)
    if not any(records.actions for records in extraction.corrected):
        raise InputError(corpus_dir, "the build produced no action: refusing to write to the remote store")
    minter = IriMinter(base_iri)
    emitter = Emitter(minter, {t.id: t.label for t in extraction.registry.territories.values()})
    progress(f"loading into {store!r} (one Graph Store PUT per named graph)")
    graphs: dict[str, int] = {}
    for name, path in ONTOLOGY_FILES.items():
        graph = minter.graph(name)
        store.load_file(path, graph, RdfFormat.TURTLE)
        graphs[graph.value] = store.quads_count(graph)
    registry_graph = minter.graph("registry")
    graphs[registry_graph.value] = store.replace_graph(registry_graph, emitter.registry(extraction.registry))
    for number, records in enumerate(extraction.corrected, start=1):
        graph = minter.graph(records.source.id)
        graphs[graph.value] = store.replace_graph(graph, emitter.document(records))
        progress(f"  {number}/{len(extraction.corrected)} {records.source.id}: {graphs[graph.value]} triples")
    prefix = minter.graph("").value
    for stale in store.named_graphs():
        if stale.value.startswith(prefix) and stale.value not in graphs:
            progress(f"  dropping {stale.value} (no longer produced)")
            store.drop_graph(stale)
    counts = {k: int(v.value) for k, v in store.select(get_query("_summary").text)[0].items()}
    return BuildSummary(
        store=store.base_url,
        triples=len(store),
        graphs=graphs,
        counts=counts,
        evaluation_before=extraction.before,
        evaluation_after=extraction.after,
        unresolved=list(extraction.unresolved),
        seconds=time.perf_counter() - started,
    )


# --- ctair serve --store http://… -----------------------------------------------------------
_NO_LOCAL_STORE = Path("/nonexistent/ctair-remote-store")  # the embedded /sparql worker pool finds nothing there


def create_remote_app(store: RemoteSparqlStore, settings=None):
    """The ctair web application reading from a remote store: the REST API and the named queries
    use ``store``; ``app.state.remote_store`` tells ``/sparql`` to forward queries
    (:func:`forward_query_async`) instead of using its embedded-store worker pool."""
    from ctair.api.app import create_app

    app = create_app(settings, _NO_LOCAL_STORE)
    app.state.store = store
    app.state.remote_store = store
    return app


def serve_remote(store: RemoteSparqlStore, host: str = "127.0.0.1", port: int = 8000, *,
                 query_timeout: float | None = None, log_level: str = "info", **overrides) -> None:
    """``ctair serve --store http://…``: serve the API over a remote store until SIGTERM/SIGINT."""
    import uvicorn

    from ctair.api.server import make_settings

    settings = make_settings(query_timeout=query_timeout, **overrides)
    config = uvicorn.Config(create_remote_app(store, settings), host=host, port=port, log_level=log_level,
                            lifespan="on", timeout_graceful_shutdown=2.0, proxy_headers=False, server_header=False)
    uvicorn.Server(config).run()
