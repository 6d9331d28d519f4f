"""Whole-dataset dumps: ``ctair export dump`` (:mod:`ctair.cli.network`) and the files served at ``/dumps/``.

=========  ===================================  ======================================
format     file                                 content
=========  ===================================  ======================================
``ttl``    ``ctair.ttl``   (text/turtle)         the union graph (distinct triples)
``nt``     ``ctair.nt``    (application/n-triples) the union graph, one triple a line
``nq``     ``ctair.nq``    (application/n-quads)  every quad, with its named graph
``jsonld`` ``ctair.jsonld`` (application/ld+json) every quad, named graphs as ``@graph``s
=========  ===================================  ======================================

Statements are written sorted, so the same store always gives byte-identical files (and the
same checksums). A ``SHA256SUMS`` file (``sha256sum -c`` format) lists every file written.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ctair.ontology.vocab import VOCAB_BASE

from .describe import prefixes as _prefixes
from .store import Store
from .terms import Row, serialized

DUMP_NAME = "ctair"
DUMP_FORMATS: dict[str, tuple[str, ox.RdfFormat, str]] = {
    # key: (media type, pyoxigraph format, description)
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE, "Turtle, union of the named graphs"),
    "nq": ("application/n-quads", ox.RdfFormat.N_QUADS, "N-Quads, with the named graphs"),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD, "JSON-LD (expanded), with the named graphs"),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, "N-Triples, union of the named graphs"),
}
QUAD_FORMATS = ("nq", "jsonld")


@dataclass(frozen=True)
class DumpFile:
    format: str
    path: Path
    media_type: str
    byte_size: int
    sha256: str
    statements: int

    @property
    def name(self) -> str:
        return self.path.name

    def to_json(self) -> dict[str, str | int]:
        return {
            "format": self.format,
            "file": self.name,
            "mediaType": self.media_type,
            "byteSize": self.byte_size,
            "sha256": self.sha256,
            "statements": self.statements,
        }


def _key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> tuple[str, str, str, str]:
    value = str(term) if isinstance(term, ox.Triple) else term.value
    return (
        type(term).__name__,
        value,
        getattr(term, "language", None) or "",
        getattr(getattr(term, "datatype", None), "value", ""),
    )


def _quad(row: Row) -> ox.Quad:
    subject, predicate, graph = row["s"], row["p"], row["g"]
    if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode) or isinstance(graph, ox.Literal):
        raise TypeError(f"not a quad: {row}")
    return ox.Quad(subject, predicate, row["o"], graph)


def store_quads(store: Store) -> list[ox.Quad]:
    """Every quad of the store's named graphs, blank nodes labelled canonically (RDFC-1.0), sorted:
    the same content gives the same bytes and checksum whichever store or build it comes from."""
    quads_of = getattr(store, "quads", None)
    if quads_of is not None:
        quads = [q for q in quads_of() if not isinstance(q.graph_name, ox.DefaultGraph)]
    else:  # any SPARQL store
        rows = store.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        quads = [_quad(r) for r in rows]
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (q.graph_name.value, _key(q.subject), q.predicate.value, _key(q.object)))


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The distinct triples of the union graph, sorted."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(triples, key=lambda t: (_key(t.subject), t.predicate.value, _key(t.object)))


def _write(path: Path, data: Iterator[bytes] | bytes) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("wb") as out:
            for chunk in [data] if isinstance(data, bytes) else data:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        os.replace(tmp, path)
    except BaseException:  # a full disk must not stay full of our half-written files
        tmp.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


def export_dump(
    store: Store, out_dir: Path | str, formats: Iterable[str] = tuple(DUMP_FORMATS), *, base: str = VOCAB_BASE
) -> list[DumpFile]:
    """Write the dumps of ``store`` in ``formats`` into ``out_dir`` (created) and ``SHA256SUMS``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in DUMP_FORMATS]
    if unknown:
        raise ValueError(f"unknown dump format {unknown[0]!r}; known: {', '.join(DUMP_FORMATS)}")
    quads = store_quads(store)
    triples = union_triples(quads) if any(f not in QUAD_FORMATS for f in formats) else []
    written: list[DumpFile] = []
    for key in formats:
        media_type, rdf_format, _ = DUMP_FORMATS[key]
        statements = quads if key in QUAD_FORMATS else triples
        used = _prefixes(base) if key == "ttl" else None
        data = serialized(ox.serialize(statements, format=rdf_format, prefixes=used))
        size, sha = _write(out_dir / f"{DUMP_NAME}.{key}", data)
        written.append(DumpFile(key, out_dir / f"{DUMP_NAME}.{key}", media_type, size, sha, len(statements)))
    sums = "".join(f"{d.sha256}  {d.name}\n" for d in written)
    _write(out_dir / "SHA256SUMS", sums.encode())
    return written


def read_dump_directory(out_dir: Path) -> list[DumpFile]:
    """The dumps already in ``out_dir`` (from its ``SHA256SUMS``), without recounting statements."""
    sums = out_dir / "SHA256SUMS"
    if not sums.exists():
        return []
    found = []
    for line in sums.read_text().splitlines():
        sha, _, name = line.partition("  ")
        path = out_dir / name
        key = path.suffix.lstrip(".")
        if key in DUMP_FORMATS and path.exists():
            found.append(DumpFile(key, path, DUMP_FORMATS[key][0], path.stat().st_size, sha, -1))
    return found


def store_fingerprint(store_path: Path) -> str:
    """Changes when the on-disk store changes: its data files' names, sizes and modification times
    (RocksDB's info logs and lock file, which change without a write, are left out)."""
    digest = hashlib.sha256(str(Path(store_path).resolve()).encode())
    path = Path(store_path)
    if path.is_dir():
        for entry in sorted(path.iterdir()):
            if entry.is_file() and not entry.name.startswith(("LOG", "LOCK", ".ctair-lease")):
                stat = entry.stat()
                digest.update(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def content_fingerprint(store: Store) -> str:
    """Changes when a store's named graphs or their sizes change: for a remote store, whose
    files ctair cannot see (one aggregate query; an edit that keeps every graph's size is missed)."""
    digest = hashlib.sha256()
    for row in store.select(_GRAPH_SIZES):
        digest.update(f"{row['g'].value}\t{row['n'].value}\n".encode())
    return digest.hexdigest()
