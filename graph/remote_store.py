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
* **Credentials** come from the arguments or the settings (:mod:`ctair.settings`, read from the
  environment when the store is made): ``CTAIR_REMOTE_TOKEN`` (bearer) or ``CTAIR_REMOTE_USER`` +
  ``CTAIR_REMOTE_PASSWORD`` (HTTP basic, or digest with ``CTAIR_REMOTE_AUTH=digest``). They are never logged.
* Every failure (unreachable, timeout, HTTP 4xx/5xx with the server's own message) is a
  :class:`~ctair.graph.store.StoreError`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from pyoxigraph import (
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

from ctair.settings import Settings

from .binding import sparql_term, with_values
from .store import OxigraphStore, Store
from .terms import Row, StoreError, Term, serialized

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
DEFAULT_TIMEOUT = 60.0
_CHUNK_TRIPLES = 20_000
_ERROR_BODY_CHARS = 600


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
    **options: Any,  # RemoteSparqlStore's other keywords (auth, timeout, ...)
) -> Store:
    """An :class:`OxigraphStore` for a path, a :class:`RemoteSparqlStore` for an ``http(s)://`` URL.

    ``read_only`` opens an embedded store read-only; a remote store is as writable as the
    server allows (its URLs for update and Graph Store are only used by writes)."""
    if is_remote(str(spec)):
        return RemoteSparqlStore(str(spec), query_url=query_url, update_url=update_url, gsp_url=gsp_url, **options)
    if query_url or update_url or gsp_url:
        raise StoreError(f"--query-url/--update-url/--gsp-url need an http(s):// --store, not the path {spec}")
    return OxigraphStore(Path(spec), read_only=read_only)


# --- the store ------------------------------------------------------------------------------
def credentials(settings: Settings) -> httpx.Auth | None:
    """The remote store's credentials of ``settings`` (``remote_token``, else ``remote_user``)."""
    if settings.remote_token is not None and settings.remote_token.get_secret_value():
        return BearerAuth(settings.remote_token.get_secret_value())
    if settings.remote_user:
        password = settings.remote_password.get_secret_value() if settings.remote_password is not None else ""
        if settings.remote_auth.lower() == "digest":
            return httpx.DigestAuth(settings.remote_user, password)
        return httpx.BasicAuth(settings.remote_user, password)
    return None


class BearerAuth(httpx.Auth):
    def __init__(self, token: str):
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def redact(url: str) -> str:
    """``url`` without the user and password it may carry (for messages and logs)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
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
        if auth is None:  # the environment as it is now, not as first read by get_settings()
            auth = credentials(Settings())
        if isinstance(auth, tuple):
            auth = httpx.BasicAuth(*auth)
        self.auth: httpx.Auth | None = auth  # also used by the async client of /sparql (ctair.api.remote_sparql)
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"RemoteSparqlStore({redact(self.base_url)!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteSparqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- HTTP ----------------------------------------------------------------------------
    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as error:
            raise StoreError(
                f"the SPARQL server at {redact(url)} did not answer within {self.timeout:g} s ({type(error).__name__})"
            ) from error
        except httpx.HTTPError as error:
            raise StoreError(f"cannot reach the SPARQL server at {redact(url)}: {error}") from error
        if response.status_code >= 400:
            body = response.text.strip()
            if len(body) > _ERROR_BODY_CHARS:
                body = body[:_ERROR_BODY_CHARS] + "…"
            raise StoreError(
                f"the SPARQL server at {redact(url)} answered {response.status_code} {response.reason_phrase}"
                + (f": {body}" if body else "")
            )
        return response

    def _query(self, query: str, accept: str, *, union: bool = True) -> httpx.Response:
        data = {"query": query}
        if union and self.union_default_graph_param:
            data[self.union_default_graph_param] = ""
        return self._send("POST", self.query_url, data=data, headers={"Accept": accept})

    def _update(self, update: str) -> None:
        self._send(
            "POST",
            self.update_url,
            content=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    def _results(self, query: str, bindings: Mapping[str, Term] | None) -> QuerySolutions | QueryBoolean:
        response = self._query(with_values(query, bindings), SPARQL_JSON)
        try:
            return parse_query_results(response.content, format=QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as error:
            raise StoreError(
                f"the SPARQL server at {redact(self.query_url)} sent results that are not SPARQL JSON: {error}"
            ) from error

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
        if not isinstance(results, QuerySolutions):
            raise TypeError("select_variables() needs a SELECT query")
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
        self._send(
            "PUT",
            self.gsp_url,
            params={self.gsp_graph_param: graph.value},
            content=_ntriples_chunks(triples, counter),
            headers={"Content-Type": N_TRIPLES},
        )
        return counter.n

    def load_graphs(
        self,
        graphs: Iterable[tuple[NamedNode, Iterable[Triple]]],
        on_graph: Callable[[NamedNode, int], None] | None = None,
    ) -> dict[str, int]:
        """One Graph Store PUT per graph: the server replaces each atomically (no transaction across graphs)."""
        counts: dict[str, int] = {}
        for graph, triples in graphs:
            counts[graph.value] = self.replace_graph(graph, triples)
            if on_graph is not None:
                on_graph(graph, counts[graph.value])
        return counts

    def load_file(self, path: Path, graph: NamedNode, rdf_format: RdfFormat | None = None) -> None:
        """Replace ``graph`` with the content of an RDF file (GSP PUT, the file's own media type)."""
        rdf_format = rdf_format or RdfFormat.from_extension(Path(path).suffix.lstrip("."))
        if rdf_format is None:
            raise StoreError(f"cannot tell the RDF format of {path} from its extension")
        with open(path, "rb") as body:
            self._send(
                "PUT",
                self.gsp_url,
                params={self.gsp_graph_param: graph.value},
                content=body.read(),
                headers={"Content-Type": rdf_format.media_type},
            )

    def drop_graph(self, graph: NamedNode) -> None:
        self._update(f"DROP SILENT GRAPH {sparql_term(graph)}")

    def named_graphs(self) -> list[NamedNode]:
        rows = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", SPARQL_JSON, union=False)
        results = _solutions(rows.content)
        return sorted((s["g"] for s in results if isinstance(s["g"], NamedNode)), key=lambda g: g.value)

    def quads_count(self, graph: NamedNode) -> int:
        response = self._query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_term(graph)} {{ ?s ?p ?o }} }}", SPARQL_JSON, union=False
        )
        return int(next(iter(_solutions(response.content)))["n"].value)

    def clear(self) -> None:
        self._update("CLEAR ALL")

    def optimize(self) -> None:
        """Nothing to do: a server compacts its own storage."""

    @property
    def location(self) -> str:
        return self.base_url

    def __len__(self) -> int:
        response = self._query(
            "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", SPARQL_JSON, union=False
        )
        return int(next(iter(_solutions(response.content)))["n"].value)


def _solutions(content: bytes) -> QuerySolutions:
    """The rows of the SPARQL JSON results of a SELECT."""
    results = parse_query_results(content, format=QueryResultsFormat.JSON)
    if not isinstance(results, QuerySolutions):
        raise StoreError("the SPARQL server answered a SELECT with a boolean")
    return results


class _Counter:
    n = 0


def _ntriples_chunks(triples: Iterable[Triple], counter: _Counter) -> Iterator[bytes]:
    """N-Triples of ``triples`` in chunks (the request body is streamed, never held whole)."""
    batch: list[Triple] = []
    for triple in triples:
        batch.append(triple)
        if len(batch) >= _CHUNK_TRIPLES:
            counter.n += len(batch)
            yield serialized(serialize(batch, format=RdfFormat.N_TRIPLES))
            batch = []
    counter.n += len(batch)
    if batch:
        yield serialized(serialize(batch, format=RdfFormat.N_TRIPLES))
    else:
        yield b""


__all__ = ["RemoteSparqlStore", "open_store", "is_remote", "with_values", "sparql_term"]
