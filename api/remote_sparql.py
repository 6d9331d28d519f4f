"""``/sparql`` when ctair serves a remote SPARQL server (``ctair serve --store http://…``).

The endpoint keeps every check it makes on the embedded store — length, SERVICE/LOAD refusal,
read-only unless an admin token is given, content negotiation — and this runner takes the place
of the worker pool (:class:`ctair.api.workers.WorkerPool`; both are a
:class:`ctair.api.query_runner.QueryRunner`):

* The query goes to the server's query URL as the client wrote it, with ``default-graph-uri``/
  ``named-graph-uri`` passed on and, when the request names no dataset, the server's union
  default graph parameter (as the embedded store queries the union of the named graphs).
* The answer is asked for in one canonical format (SPARQL JSON results, or N-Triples for
  CONSTRUCT/DESCRIBE), spooled to a file, then parsed by pyoxigraph and written again in the
  format the client negotiated, with the same row cap and headers as on the embedded store. So
  clients see the same formats whichever server is behind, and a huge answer never sits in memory.
* ``query_timeout`` bounds the whole exchange: past it the request to the server is dropped and
  the client gets the same 503 as on the embedded store. The remote server keeps computing unless
  it enforces a timeout of its own (see ``docs/remote-store.md``).
* Concurrency: at most ``max_concurrent_queries`` requests to the server at once and
  ``max_queued_queries`` waiting, as for the worker pool (503 with ``Retry-After`` beyond).
* Errors of the server are mapped: 400 (its syntax or evaluation message, with line and column
  when it gives them) stays 400; an unreachable server, a refusal of ctair's credentials or a
  5xx is a 502 (the fault is not the client's); a 503 of the server is passed on as 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from ctair.api import results
from ctair.api.query_runner import QueryFailure, QueryReply, QueryTask, UpdateTask, syntax_error
from ctair.api.workers import QueryTimeout, ServerBusy
from ctair.graph.remote_store import RemoteSparqlStore, redact

log = logging.getLogger("ctair.api.remote_sparql")

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
_RDF_MEDIA = {
    N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
_SERVER_MESSAGE_CHARS = 600
_CHUNK = 1 << 16


class RemoteQueryRunner:
    """Runs ``/sparql`` queries and updates on a :class:`RemoteSparqlStore`."""

    def __init__(self, store: RemoteSparqlStore, *, size: int = 2, max_queued: int = 8):
        self.store = store
        self.size = max(1, size)
        self.max_queued = max(0, max_queued)
        self.spool_dir: Path | None = None
        self._client: httpx.AsyncClient | None = None
        self._slots: asyncio.Semaphore | None = None
        self._waiting = 0

    async def start(self) -> None:
        self.spool_dir = Path(tempfile.mkdtemp(prefix="ctair-remote-sparql-"))
        self._slots = asyncio.Semaphore(self.size)
        self._client = httpx.AsyncClient(
            auth=self.store.auth,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=self.size + 1, max_keepalive_connections=self.size),
        )

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self.spool_dir is not None:
            shutil.rmtree(self.spool_dir, ignore_errors=True)

    @contextlib.asynccontextmanager
    async def _slot(self, wait: float):
        assert self._slots is not None, "start() the runner first"
        if self._slots.locked():
            if self._waiting >= self.max_queued:
                raise ServerBusy(
                    f"{self.size} queries are running on the SPARQL server and {self._waiting} "
                    "are already waiting; retry in a moment"
                )
            self._waiting += 1
            try:
                async with asyncio.timeout(wait):
                    await self._slots.acquire()
            except TimeoutError:
                raise ServerBusy(f"no query slot became free within {wait:g} s; retry in a moment") from None
            finally:
                self._waiting -= 1
        else:
            await self._slots.acquire()
        try:
            yield
        finally:
            self._slots.release()

    # --- queries ---------------------------------------------------------------------------
    def _query_form_data(self, task: QueryTask) -> dict[str, Any]:
        data: dict[str, Any] = {"query": task["query"]}
        if task.get("default_graph"):
            data["default-graph-uri"] = list(task["default_graph"] or [])
        if task.get("named_graphs"):
            data["named-graph-uri"] = list(task["named_graphs"] or [])
        if task.get("union") and self.store.union_default_graph_param:
            data[self.store.union_default_graph_param] = ""
        return data

    async def query(self, task: QueryTask, timeout: float, client: str = "") -> QueryReply:
        """Run one query task (as :mod:`ctair.api.sparql` builds it); raises a :class:`QueryFailure`
        when the server refuses or fails it, or cannot be reached."""
        assert self._client is not None and self.spool_dir is not None
        form = task.get("form")
        if form in ("SELECT", "ASK"):
            accept = SPARQL_JSON
        elif form in ("CONSTRUCT", "DESCRIBE"):
            accept = N_TRIPLES
        else:
            accept = f"{SPARQL_JSON}, {N_TRIPLES};q=0.9"
        raw = self.spool_dir / f"{uuid.uuid4().hex}.raw"
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with self._slot(timeout):
            try:
                async with asyncio.timeout(max(0.0, started + timeout - loop.time())):
                    status, media, message = await self._fetch(
                        self.store.query_url, raw, accept, data=self._query_form_data(task)
                    )
            except TimeoutError:
                raw.unlink(missing_ok=True)
                raise QueryTimeout(
                    f"the SPARQL server did not answer within the {timeout:g} s limit; the request was dropped. "
                    "Make the query more selective (or add a LIMIT) and try again"
                ) from None
            except httpx.HTTPError as error:
                raw.unlink(missing_ok=True)
                raise QueryFailure(
                    502,
                    "remote-store-unreachable",
                    f"cannot reach the SPARQL server at {redact(self.store.query_url)}: {error}",
                ) from None
        if status >= 400:
            raise _rejection(status, message, task["query"], redact(self.store.query_url))
        out = self.spool_dir / f"{uuid.uuid4().hex}.out"
        try:
            return await asyncio.to_thread(_rewrite, raw, media, task, out)
        finally:
            raw.unlink(missing_ok=True)

    async def _fetch(self, url: str, raw: Path, accept: str, **request) -> tuple[int, str, str]:
        """POST, spooling a successful body to ``raw``; returns (status, media type, error message)."""
        assert self._client is not None
        async with self._client.stream("POST", url, headers={"Accept": accept}, timeout=None, **request) as response:
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if response.status_code >= 400:
                body = await response.aread()
                return response.status_code, media, _trimmed(body.decode("utf-8", "replace"))
            with open(raw, "wb") as spool:
                async for chunk in response.aiter_raw(_CHUNK):
                    spool.write(chunk)
            return response.status_code, media, ""

    # --- updates ---------------------------------------------------------------------------
    async def update(self, task: UpdateTask, timeout: float, drain_timeout: float) -> None:
        """Send one update to the server's update URL (the endpoint has checked the admin token)."""
        assert self._client is not None
        try:
            response = await self._client.post(
                self.store.update_url,
                content=task["update"].encode("utf-8"),
                timeout=timeout,
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        except httpx.TimeoutException:
            raise QueryTimeout(f"the SPARQL server did not finish the update within the {timeout:g} s limit") from None
        except httpx.HTTPError as error:
            raise QueryFailure(
                502,
                "remote-store-unreachable",
                f"cannot reach the SPARQL server at {redact(self.store.update_url)}: {error}",
            ) from None
        if response.status_code >= 400:
            raise _rejection(
                response.status_code,
                _trimmed(response.text),
                task["update"],
                redact(self.store.update_url),
                kind="update",
            )

    def begin_shutdown(self, grace: float) -> None:
        """Nothing to do: a request in flight to the server ends with the server's grace period."""


def _trimmed(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _SERVER_MESSAGE_CHARS else text[:_SERVER_MESSAGE_CHARS] + "…"


def _rejection(status: int, message: str, text: str, url: str, kind: str = "query") -> QueryFailure:
    """The failure to answer when the server refused the query (or update) with ``status``."""
    said = f": {message}" if message else ""
    if status == 400:
        error = syntax_error(kind, message, text) if "error at" in message else None
        if error is not None and error.extra():
            return QueryFailure(400, error.code, f"the SPARQL server rejected the {kind}{said}", **error.extra())
        return QueryFailure(400, f"{kind}-failed", f"the SPARQL server rejected the {kind}{said}")
    if status == 503:
        return QueryFailure(503, "remote-store-busy", f"the SPARQL server at {url} is unavailable{said}")
    return QueryFailure(
        502, "remote-store-error", f"the SPARQL server at {url} answered {status}{said}", upstream_status=status
    )


def _rewrite(raw: Path, media: str, task: QueryTask, out: Path) -> QueryReply:
    """The server's answer (SPARQL JSON or RDF, in ``raw``) in the client's format, capped, in ``out``."""
    accept, max_rows = task.get("accept"), task.get("max_rows")
    count, truncated = None, False
    try:
        with open(out, "wb") as spool:
            if media == SPARQL_JSON or media == "application/json":
                answer = ox.parse_query_results(path=str(raw), format=ox.QueryResultsFormat.JSON)
                if isinstance(answer, ox.QuerySolutions):
                    form = "SELECT"
                    fmt = results.result_format(accept, form)
                    counter = results.write_solutions(answer, fmt, spool, max_rows)
                    count, truncated = counter.count, counter.truncated
                else:
                    form = "ASK"
                    fmt = results.result_format(accept, form)
                    results.write_boolean(bool(answer), fmt, spool)
            elif media in _RDF_MEDIA:
                form = "CONSTRUCT"
                fmt = results.result_format(accept, form)
                triples = (
                    ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(path=str(raw), format=_RDF_MEDIA[media])
                )
                counter = results.write_triples(triples, fmt, spool, max_rows, task.get("prefixes"))
                count, truncated = counter.count, counter.truncated
            else:
                raise QueryFailure(
                    502,
                    "remote-store-error",
                    f"the SPARQL server answered in {media or 'an unnamed format'}, "
                    f"not SPARQL JSON results or N-Triples",
                )
    except (QueryFailure, results.NotAcceptable):
        out.unlink(missing_ok=True)
        raise
    except (SyntaxError, ValueError) as error:
        out.unlink(missing_ok=True)
        raise QueryFailure(
            502, "remote-store-error", f"the SPARQL server's answer could not be read: {error}"
        ) from None
    return QueryReply(form=form, media_type=fmt.content_type, count=count, truncated=truncated, path=str(out))
