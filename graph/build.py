"""``ctair build``: corpus → records → triples → a fresh Oxigraph store, swapped in atomically.

The store path is a symbolic link to a build directory. A build writes a new directory
next to it and only when that store is complete, optimized and checked does it replace the
link (``os.replace`` of a link is atomic). An interrupted or failed build leaves the
previous store untouched and in use; its half-written directory is removed.
"""
from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import NamedNode, RdfFormat, Triple

from ctair.loaders.corpus import read_corpus
from ctair.loaders.errors import InputError
from ctair.ontology.vocab import ONTOLOGY_FILES

from .emit import Emitter
from .iris import IriMinter
from .named_queries import get_query
from .store import OxigraphStore, Store, in_use

if TYPE_CHECKING:
    from ctair.loaders.evaluation import EvaluationReport
    from ctair.loaders.pipeline import Extraction
    from ctair.loaders.records import UnresolvedMention

    from .remote_store import RemoteSparqlStore

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(f"[ctair build] {message}", file=sys.stderr, flush=True)


@dataclass
class BuildSummary:
    store: Path | str  # a directory, or a SPARQL server's URL
    triples: int
    graphs: dict[str, int]
    counts: dict[str, int]
    evaluation_before: EvaluationReport | None = None
    evaluation_after: EvaluationReport | None = None
    unresolved: list[UnresolvedMention] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "store": str(self.store),
            "triples": self.triples,
            "graphs": self.graphs,
            **self.counts,
            "extraction": {
                "before_overrides": _report_json(self.evaluation_before),
                "after_overrides": _report_json(self.evaluation_after),
            },
            "unresolved": [{"surface": u.surface, "source": u.mention.source, "start": u.mention.span.start} for u in self.unresolved],
            "seconds": round(self.seconds, 3),
        }


def _report_json(report: EvaluationReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return report.to_json()


def build_directory_for(store_path: Path) -> Path:
    return store_path.parent / f".{store_path.name}.builds"


def build(
    store_path: Path | str | RemoteSparqlStore,
    corpus_dir: Path,
    base_iri: str,
    *,
    ner: bool = True,
    progress: Progress = stderr_progress,
) -> BuildSummary:
    from .remote_store import RemoteSparqlStore, build_remote, is_remote

    if isinstance(store_path, RemoteSparqlStore) or is_remote(store_path):  # no symlink swap: one GSP PUT per graph
        remote = store_path if isinstance(store_path, RemoteSparqlStore) else RemoteSparqlStore(str(store_path))
        return build_remote(remote, corpus_dir, base_iri, ner=ner, progress=progress)
    store_path = Path(store_path)
    started = time.perf_counter()
    extraction = extract_corpus(corpus_dir, ner, progress)

    minter = IriMinter(base_iri)
    builds = build_directory_for(store_path)
    builds.mkdir(parents=True, exist_ok=True)
    # a new, empty directory every time (two builds in the same second must not share one)
    target = Path(tempfile.mkdtemp(prefix=f"{time.strftime('%Y%m%dT%H%M%S')}-", dir=builds))
    target.chmod(0o755)  # mkdtemp's 0700 would hide the store from a server running as another user
    previous = store_path.resolve() if store_path.is_symlink() else None
    progress(f"loading into a new store {target}")
    try:
        store = OxigraphStore(target)
        graphs = load_ontology(store, minter)
        graphs.update(write_graphs(store, minter, extraction, progress))
        progress("optimizing")
        store.optimize()
        counts = summary_counts(store)
        triples = len(store)
        del store  # closes the RocksDB handle before the swap
        _swap_in(store_path, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    _remove_old_builds(builds, keep={target, previous})
    return BuildSummary(
        store=store_path,
        triples=triples,
        graphs=graphs,
        counts=counts,
        evaluation_before=extraction.before,
        evaluation_after=extraction.after,
        unresolved=list(extraction.unresolved),
        seconds=time.perf_counter() - started,
    )


def extract_corpus(corpus_dir: Path, ner: bool, progress: Progress) -> Extraction:
    """Read and extract the whole corpus, before anything is written: a corpus error, or a corpus
    that yields no action, leaves every store untouched."""
    from ctair.loaders.pipeline import extract  # spaCy is heavy: import only when building

    progress(f"reading the corpus in {corpus_dir}")
    documents = read_corpus(corpus_dir)
    for path in ONTOLOGY_FILES.values():
        if not path.is_file():
            raise InputError(path, "ontology file missing")
    progress(f"extracting {len(documents)} document(s){'' if ner else ' (no NER)'}")
    extraction = extract(documents, Path(corpus_dir) / "curation", ner=ner)
    if not any(records.actions for records in extraction.corrected):
        raise InputError(corpus_dir, "the build produced no action: refusing to replace the store")
    return extraction


def load_ontology(store: Store, minter: IriMinter) -> dict[str, int]:
    """The ontology and SKOS files, each into its named graph; returns the triples per graph IRI."""
    graphs = {}
    for name, path in ONTOLOGY_FILES.items():
        graph = minter.graph(name)
        store.load_file(path, graph, RdfFormat.TURTLE)
        graphs[graph.value] = store.quads_count(graph)
    return graphs


def summary_counts(store: Store) -> dict[str, int]:
    """Territories, contracts, actions, organisations… in the store (the ``_summary`` query)."""
    return {k: int(v.value) for k, v in store.select(get_query("_summary").text)[0].items()}


def emitted_graphs(minter: IriMinter, extraction: Extraction) -> Iterator[tuple[NamedNode, Iterator[Triple]]]:
    """The named graphs a build writes from an extraction: the registry, then one per document,
    each with its triples (emitted lazily, as the store consumes them)."""
    emitter = Emitter(minter, {t.id: t.label for t in extraction.registry.territories.values()})
    yield minter.graph("registry"), emitter.registry(extraction.registry)
    for records in extraction.corrected:
        yield minter.graph(records.source.id), emitter.document(records)


def write_graphs(store: Store, minter: IriMinter, extraction: Extraction,
                 progress: Progress | None = None) -> dict[str, int]:
    """Write the graphs of :func:`emitted_graphs` into ``store``; returns the number of triples per
    graph IRI. A new embedded store gets them in one bulk load; any other store (a remote server)
    one atomic ``replace_graph`` per graph. The loading stage of ``python -m bench.run`` times
    this function."""
    total = len(extraction.corrected) + 1

    number = iter(range(1, total + 1))

    def report(graph: NamedNode, count: int) -> None:
        if progress:
            progress(f"  {next(number)}/{total} {graph.value}: {count} triples")

    # The extraction's records (millions of objects, 2.4 GB at 100 000 actions) outlive the
    # millions of short-lived terms emitted here: frozen, they are not walked again by every
    # full collection of the cyclic GC (58 s of the 100 000-action load before).
    gc.freeze()
    try:
        if isinstance(store, OxigraphStore):
            return store.load_new_graphs(emitted_graphs(minter, extraction), on_graph=report)
        graphs: dict[str, int] = {}
        for graph, triples in emitted_graphs(minter, extraction):
            graphs[graph.value] = store.replace_graph(graph, triples)
            report(graph, graphs[graph.value])
        return graphs
    finally:
        gc.unfreeze()


def _swap_in(store_path: Path, target: Path) -> None:
    if store_path.exists() and not store_path.is_symlink():
        raise InputError(store_path, "exists and is not a ctair store link; move it away or choose another --store")
    link = store_path.parent / f".{store_path.name}.link-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(target.relative_to(store_path.parent))
    os.replace(link, store_path)


def _remove_old_builds(builds: Path, keep: set[Path | None]) -> None:
    """Keeps the new build, the one it replaced, and any other a process still reads (it holds a
    lease: :func:`ctair.graph.store.lease`)."""
    kept = {path.resolve() for path in keep if path is not None}  # the new build's path may be relative
    for old in builds.iterdir():
        if old.resolve() not in kept:
            if old.is_dir() and not old.is_symlink():
                if in_use(old):  # a server (or its query workers) still reads it: a later build removes it
                    continue
                shutil.rmtree(old, ignore_errors=True)
            else:  # rmtree ignores a file (ignore_errors hid that): stray files were never removed
                old.unlink(missing_ok=True)
