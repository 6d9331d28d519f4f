"""The store interface, and its embedded Oxigraph implementation.

Everything above this module (build, named queries, network analysis, REST API) talks to
a :class:`Store`; a remote SPARQL 1.1 server can implement the same protocol.
Results come back as plain Python values over pyoxigraph terms so that the callers do not
depend on which store answered.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    Variable,
    serialize,
)
from pyoxigraph import (
    Store as _OxStore,
)

from .binding import with_values
from .terms import Row, StoreError, Term, serialized

_INTEGER_TYPES = ("#integer", "#nonNegativeInteger", "#positiveInteger", "#int", "#long", "#gYear")
_NUMBER_TYPES = ("#decimal", "#double", "#float")


def plain(term: Term | None) -> object:
    """A term as a JSON-friendly Python value: integers and numbers typed, everything else its lexical form."""
    if not isinstance(term, (NamedNode, Literal)):
        return term  # already plain (or None)
    datatype = getattr(term, "datatype", None)
    if datatype is not None and datatype.value.endswith(_INTEGER_TYPES):
        return int(term.value)
    if datatype is not None and datatype.value.endswith(_NUMBER_TYPES):
        return float(term.value)
    return term.value


@runtime_checkable
class Store(Protocol):
    """What ctair needs from a quad store."""

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        """Run a SELECT; the default graph is the union of the named graphs. ``bindings`` are
        bound as values of the query's variables (never pasted into the text)."""

    def select_variables(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[str]:
        """The projected variable names of a SELECT, also when it has no row (a table's columns)."""

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool: ...

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Triple]: ...

    def replace_graph(self, graph: NamedNode, triples: Iterable[Triple]) -> int:
        """Atomically replace the content of one named graph; returns the number of triples written."""

    def load_graphs(
        self,
        graphs: Iterable[tuple[NamedNode, Iterable[Triple]]],
        on_graph: Callable[[NamedNode, int], None] | None = None,
    ) -> dict[str, int]:
        """Write named graphs (a build's), each replacing the graph of its name; returns the number
        of triples per graph IRI. ``on_graph(graph, count)`` is called as each one is written."""

    def load_file(self, path: Path, graph: NamedNode, rdf_format: RdfFormat | None = None) -> None:
        """Replace the content of ``graph`` with an RDF file's."""

    def drop_graph(self, graph: NamedNode) -> None: ...

    def quads_count(self, graph: NamedNode) -> int: ...

    def named_graphs(self) -> list[NamedNode]: ...

    def clear(self) -> None: ...

    def optimize(self) -> None:
        """Compact the storage after a build's bulk write (a server compacts its own: nothing to do there)."""

    @property
    def location(self) -> str:
        """Where the store is, for people: its directory or its server's URL."""

    def __len__(self) -> int: ...


SPOOL_PREFIX = ".ctair-load-"
LEASE_NAME = ".ctair-lease"


def lease(directory: Path) -> BinaryIO | None:
    """Hold a shared lock on ``directory/.ctair-lease`` for as long as the returned file stays
    open (a process that dies releases it): every process reading a store directory holds one,
    so that a later build deletes an old build directory only when nothing reads it
    (:func:`in_use`). None when the file cannot be created (a directory of another user)."""
    try:
        handle = open(Path(directory) / LEASE_NAME, "ab")
    except OSError:
        return None
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def in_use(directory: Path) -> bool:
    """Whether a process holds a lease on the store ``directory``."""
    try:
        handle = open(Path(directory) / LEASE_NAME, "rb")
    except FileNotFoundError:
        return False
    except OSError:  # cannot tell: keep it
        return True
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def remove_stale_spools(directory: Path) -> None:
    """Delete the load spools (``.ctair-load-<pid>-*.nq``) of builds whose process is gone: a
    build killed mid-load cannot delete its own (hundreds of kB each, never reclaimed otherwise).
    A spool without a pid (older ctair) is stale once it is an hour old."""
    for spool in directory.glob(f"{SPOOL_PREFIX}*.nq"):
        owner = spool.name[len(SPOOL_PREFIX) :].split("-", 1)[0]
        try:
            if owner.isdigit():
                if int(owner) == os.getpid() or _process_exists(int(owner)):
                    continue
            elif time.time() - spool.stat().st_mtime < 3600:
                continue
            spool.unlink()
        except OSError:
            continue


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class OxigraphStore:
    """Embedded pyoxigraph store, on disk (``path``) or in memory (``path=None``)."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self._store = _OxStore()
            elif read_only:
                if not (self.path / "CURRENT").exists():
                    raise StoreError(f"no Oxigraph store at {self.path} (run `ctair build` first)")
                self._store = _OxStore.read_only(str(self.path))
                self._lease = lease(self.path.resolve())  # released when this object goes
            else:
                self._store = _OxStore(str(self.path))
        except OSError as error:
            raise StoreError(f"cannot open the store at {self.path}: {error}") from error

    @property
    def oxigraph(self) -> _OxStore:
        """The underlying pyoxigraph store, for code that needs what only Oxigraph offers."""
        return self._store

    def _run(self, query: str, bindings: Mapping[str, Term] | None) -> QuerySolutions | QueryBoolean | QueryTriples:
        # Parameters are bound by the same VALUES block as RemoteSparqlStore (terms serialized by
        # pyoxigraph, never user text): Oxigraph plans a VALUES join better than its substitutions,
        # e.g. territories-under-axis 200 vs 640 ms at 10 000 actions (docs/benchmarks.md).
        # A blank node has no VALUES syntax, so it alone still goes through substitutions.
        if bindings and not any(isinstance(value, BlankNode) for value in bindings.values()):
            return self._store.query(with_values(query, bindings), use_default_graph_as_union=True)
        substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
            Variable(name): value for name, value in (bindings or {}).items()
        }
        return self._store.query(query, use_default_graph_as_union=True, substitutions=substitutions or None)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        results = self._run(query, bindings)
        if not isinstance(results, QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        names = [v.value for v in results.variables]
        return [{name: solution[name] for name in names if solution[name] is not None} for solution in results]

    def select_variables(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[str]:
        results = self._run(query, bindings)
        if not isinstance(results, QuerySolutions):
            raise TypeError("select_variables() needs a SELECT query")
        return [v.value for v in results.variables]

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        result = self._run(query, bindings)
        if not isinstance(result, QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Triple]:
        result = self._run(query, bindings)
        if not isinstance(result, QueryTriples):
            raise TypeError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def replace_graph(self, graph: NamedNode, triples: Iterable[Triple]) -> int:
        # Serialized to N-Triples (in Rust) and bulk-loaded into the graph: ~25 % faster than
        # building one Python Quad per triple for bulk_extend (see docs/benchmarks.md).
        count = 0

        def counted() -> Iterator[Triple]:
            nonlocal count
            for triple in triples:
                count += 1
                yield triple

        data = serialized(serialize(counted(), format=RdfFormat.N_TRIPLES))
        self._store.remove_graph(graph) if self._store.contains_named_graph(graph) else None
        self._store.bulk_load(data, format=RdfFormat.N_TRIPLES, to_graph=graph)
        return count

    def load_graphs(
        self,
        graphs: Iterable[tuple[NamedNode, Iterable[Triple]]],
        on_graph: Callable[[NamedNode, int], None] | None = None,
    ) -> dict[str, int]:
        """Write named graphs (a fresh build's), all in ONE bulk load; a graph the store already
        holds is removed first (not atomically: a build writes into a new store).

        Each graph's triples are serialized to N-Triples in Rust and spooled to one N-Quads file
        beside the store, which is then bulk-loaded: one RocksDB ingestion, like pyoxigraph's
        ``bulk_load`` of a dump. One ``bulk_load`` per graph was 3× slower at 228 graphs and
        8 M triples (each ingestion into a growing store; see docs/benchmarks.md). The triples
        must carry no blank node: the graphs share one N-Quads document, so equal blank node
        labels would meet."""
        counts: dict[str, int] = {}
        spool_dir = self.path.parent if self.path is not None else None
        if spool_dir is not None:
            remove_stale_spools(spool_dir)
        with tempfile.NamedTemporaryFile(dir=spool_dir, prefix=f"{SPOOL_PREFIX}{os.getpid()}-", suffix=".nq") as spool:
            for graph, triples in graphs:
                if graph.value in counts:
                    raise StoreError(f"load_graphs: the graph {graph.value} is given twice")
                if self._store.contains_named_graph(graph):
                    self._store.remove_graph(graph)
                count = 0

                def counted(triples: Iterable[Triple] = triples) -> Iterator[Triple]:
                    nonlocal count
                    for triple in triples:
                        if isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode):
                            raise StoreError(f"load_graphs: a blank node in {graph.value}")
                        count += 1
                        yield triple

                # an N-Triples line ends with " .\n" and nowhere else (a newline inside a literal is
                # escaped), so the graph name goes in before that ending
                ntriples = serialized(serialize(counted(), format=RdfFormat.N_TRIPLES))
                spool.write(ntriples.replace(b" .\n", f" {graph} .\n".encode()))
                counts[graph.value] = count
                if on_graph is not None:
                    on_graph(graph, count)
            spool.flush()
            self._store.bulk_load(path=spool.name, format=RdfFormat.N_QUADS)
        return counts

    def bulk_load_quads(self, quads: Iterable[Quad]) -> None:
        """Fast path for a fresh store: no transaction, written straight to disk."""
        self._store.bulk_extend(quads)

    def load_file(self, path: Path, graph: NamedNode, rdf_format: RdfFormat | None = None) -> None:
        if self._store.contains_named_graph(graph):
            self._store.remove_graph(graph)
        self._store.bulk_load(path=str(path), format=rdf_format, to_graph=graph)

    def drop_graph(self, graph: NamedNode) -> None:
        self._store.remove_graph(graph)

    def named_graphs(self) -> list[NamedNode]:
        # SPARQL and the loaders name graphs with IRIs only; Oxigraph's API alone allows a blank node
        graphs = [g for g in self._store.named_graphs() if isinstance(g, NamedNode)]
        return sorted(graphs, key=lambda g: g.value)

    def quads(self, graph: NamedNode | None = None) -> Iterator[Quad]:
        return self._store.quads_for_pattern(None, None, None, graph)

    def quads_count(self, graph: NamedNode) -> int:
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))

    def clear(self) -> None:
        self._store.clear()

    def optimize(self) -> None:
        self._store.flush()
        self._store.optimize()

    @property
    def location(self) -> str:
        return str(self.path) if self.path is not None else "(in memory)"

    def __len__(self) -> int:
        return len(self._store)


__all__ = ["Store", "OxigraphStore", "DefaultGraph"]
