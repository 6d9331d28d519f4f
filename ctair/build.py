"""``ctair build``: corpus → records → triples → a store. The orchestration above the loaders
(extraction) and the graph (emitting, storing): it alone imports both.

Into an embedded store, the store path is a symbolic link to a build directory. A build writes a
new directory next to it and only when that store is complete, optimized and checked does it
replace the link (``os.replace`` of a link is atomic). An interrupted or failed build leaves the
previous store untouched and in use; its half-written directory is removed.

Into a remote store (:class:`~ctair.graph.remote_store.RemoteSparqlStore`) there is no symlink
swap on a server: each named graph (ontology, schemes, registry, one per document) is replaced
atomically by its own Graph Store PUT, in that order, so a reader may briefly see new documents
next to the previous registry. Graphs under ``<base>graph/`` that the build no longer produces
(a document removed from the corpus) are dropped at the end.

Either way the extraction runs entirely before the first write: a corpus error leaves every store
untouched.
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
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, Triple

from ctair.graph.emit import Emitter
from ctair.graph.iris import IriMinter
from ctair.graph.named_queries import get_query
from ctair.graph.remote_store import RemoteSparqlStore, is_remote
from ctair.graph.store import OxigraphStore, Store, in_use
from ctair.loaders.corpus import read_corpus
from ctair.loaders.errors import InputError
from ctair.loaders.evaluation import EvaluationReport
from ctair.loaders.pipeline import Extraction, extract
from ctair.loaders.records import UnresolvedMention
from ctair.ontology.vocab import ONTOLOGY_FILES

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(f"[ctair build] {message}", file=sys.stderr, flush=True)


@dataclass
class BuildSummary:
    store: Path | str  # the embedded store's path, or the remote store's URL
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
            "unresolved": [
                {"surface": u.surface, "source": u.mention.source, "start": u.mention.span.start}
                for u in self.unresolved
            ],
            "seconds": round(self.seconds, 3),
        }


def _report_json(report: EvaluationReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return report.to_json()


def build_directory_for(store_path: Path) -> Path:
    return store_path.parent / f".{store_path.name}.builds"


def build(
    target: Path | str | Store,
    corpus_dir: Path,
    base_iri: str,
    *,
    ner: bool = True,
    progress: Progress = stderr_progress,
) -> BuildSummary:
    """Build into ``target``: an embedded store's path (swapped in atomically), a SPARQL server's
    URL, or an open store (one atomic graph replacement per named graph)."""
    if isinstance(target, str) and is_remote(target):
        target = RemoteSparqlStore(target)
    if isinstance(target, (str, Path)):
        return build_embedded(Path(target), corpus_dir, base_iri, ner=ner, progress=progress)
    return build_into(target, corpus_dir, base_iri, ner=ner, progress=progress)


def build_embedded(
    store_path: Path,
    corpus_dir: Path,
    base_iri: str,
    *,
    ner: bool = True,
    progress: Progress = stderr_progress,
) -> BuildSummary:
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


def build_into(
    store: Store, corpus_dir: Path, base_iri: str, *, ner: bool = True, progress: Progress = stderr_progress
) -> BuildSummary:
    """``ctair build --store http://…``: the same extraction as :func:`build_embedded`, written into
    an existing store graph by graph (see the module's docstring)."""
    started = time.perf_counter()
    extraction = extract_corpus(Path(corpus_dir), ner, progress)
    minter = IriMinter(base_iri)
    progress(f"loading into {store!r} (graph by graph)")
    graphs = load_ontology(store, minter)
    graphs.update(write_graphs(store, minter, extraction, progress))
    prefix = minter.graph("").value
    for stale in store.named_graphs():
        if stale.value.startswith(prefix) and stale.value not in graphs:
            progress(f"  dropping {stale.value} (no longer produced)")
            store.drop_graph(stale)
    return BuildSummary(
        store=store.location,
        triples=len(store),
        graphs=graphs,
        counts=summary_counts(store),
        evaluation_before=extraction.before,
        evaluation_after=extraction.after,
        unresolved=list(extraction.unresolved),
        seconds=time.perf_counter() - started,
    )


def extract_corpus(corpus_dir: Path, ner: bool, progress: Progress) -> Extraction:
    """Read and extract the whole corpus, before anything is written: a corpus error, or a corpus
    that yields no action, leaves every store untouched."""
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


def write_graphs(
    store: Store, minter: IriMinter, extraction: Extraction, progress: Progress | None = None
) -> dict[str, int]:
    """Write the graphs of :func:`emitted_graphs` into ``store``; returns the number of triples per
    graph IRI (:meth:`Store.load_graphs`: one bulk load into a new embedded store, one atomic
    graph replacement per graph on a server). The loading stage of ``python -m bench.run`` times
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
        return store.load_graphs(emitted_graphs(minter, extraction), on_graph=report)
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
