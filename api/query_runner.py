"""What ``/sparql`` hands a query to: the worker pool over the embedded store
(:class:`ctair.api.workers.WorkerPool`) or the runner over a remote SPARQL server
(:class:`ctair.api.remote_sparql.RemoteQueryRunner`). Both are a :class:`QueryRunner`.

A query answers a :class:`QueryReply` (the result, already written in the client's format) or
raises: a :class:`QueryFailure` when the store refused or failed it (a syntax error, an
evaluation error, a refusal of the remote server: its status, code and extras come with it),
a :class:`ctair.api.workers.PoolError` when the runner could not run it (busy, timeout,
shutting down). Both are :class:`ctair.errors.CtairError`, answered by the API's one handler.

Light on imports on purpose: the worker processes import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from ctair.errors import CtairError


class QueryTask(TypedDict, total=False):
    """A query as the endpoint checked it (sent to a worker process as is)."""

    query: str
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None when the checks could not tell
    base_iri: str
    accept: str | None  # the media types the client accepts (or the one named by format=)
    max_rows: int
    prefixes: dict[str, str]  # the query's own PREFIXes, for RDF answers
    default_graph: list[str] | None
    named_graphs: list[str] | None
    union: bool  # the default graph is the union of the named graphs


class UpdateTask(TypedDict):
    update: str
    base_iri: str


@dataclass(frozen=True)
class QueryReply:
    """A query's answer, written in ``media_type``: in ``body`` when small, else in the file
    ``path`` (the endpoint streams it, then removes it)."""

    form: str
    media_type: str
    count: int | None = None  # rows or triples written (None for ASK)
    truncated: bool = False  # the row cap (max_result_rows) cut the answer
    body: bytes | None = None
    path: str | None = None


class QueryFailure(CtairError):
    """The store refused or failed the query (or update); status and code are the instance's."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any):
        super().__init__(detail)
        self.status = status  # type: ignore[misc]  # the class attribute's value, per instance
        self.code = code  # type: ignore[misc]
        self._extra = extra

    def extra(self) -> dict[str, Any]:
        return self._extra

    def payload(self) -> dict[str, Any]:
        """The failure as plain data, for the pipe from a worker process."""
        return {"status": self.status, "code": self.code, "detail": str(self), "extra": self._extra}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> QueryFailure:
        return cls(payload["status"], payload["code"], payload["detail"], **payload.get("extra", {}))


class QueryRunner(Protocol):
    """Runs ``/sparql`` queries and updates; started and stopped with the app (its lifespan)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def query(self, task: QueryTask, timeout: float, client: str = "") -> QueryReply:
        """Run one query within ``timeout`` seconds; ``client`` is who asks (its address)."""
        ...

    async def update(self, task: UpdateTask, timeout: float, drain_timeout: float) -> None:
        """Run one update; ``drain_timeout`` bounds the wait for running queries to end."""
        ...

    def begin_shutdown(self, grace: float) -> None:
        """The server is stopping: answer what still runs in ``grace`` seconds with 503."""
        ...


_POSITION = re.compile(r"error at (\d+):(\d+)")


def syntax_error(kind: str, error: BaseException | str, text: str) -> QueryFailure:
    """The 400 failure for a syntax error, with line, column and the offending line when the
    message (Oxigraph's, in a worker or from an Oxigraph server) gives a position."""
    message = str(error)
    extra: dict[str, Any] = {}
    match = _POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        extra = {"line": line, "column": column}
        lines = text.splitlines() or [""]
        if 1 <= line <= len(lines):
            extra["context"] = lines[line - 1] + "\n" + " " * max(column - 1, 0) + "^"
    return QueryFailure(400, f"{kind}-syntax", f"SPARQL {kind} syntax error: {message}", **extra)
