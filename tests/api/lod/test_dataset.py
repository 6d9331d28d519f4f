"""Dumps (isomorphic to the store), VoID/DCAT (counts, SHACL) against the real server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate
from rdflib.compare import isomorphic

from .test_resources import fetch

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DATASET = rdflib.URIRef("https://w3id.org/ctair/dataset")
SHAPES = Path(__file__).with_name("dcat-ap-minimal.shapes.ttl")


def _store_quads(store_path) -> set:
    store = ox.Store.read_only(str(store_path))
    return {q for q in store.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name, ox.DefaultGraph)}


def test_dump_index_and_files_with_checksums(server):
    status, _, body = fetch(server + "/dumps/", "application/json")
    assert status == 200
    files = {f["file"]: f for f in json.loads(body)["files"]}
    assert set(files) == {"ctair.ttl", "ctair.nq", "ctair.jsonld", "ctair.nt"}
    _, _, sums = fetch(server + "/dumps/SHA256SUMS")
    for name, entry in files.items():
        status, headers, data = fetch(server + "/dumps/" + name)
        assert status == 200 and headers["Content-Type"].split(";")[0] == entry["mediaType"]
        assert len(data) == entry["byteSize"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert f"{entry['sha256']}  {name}" in sums.decode()
    status, _, html = fetch(server + "/dumps/", "text/html")
    assert status == 200 and b"ctair.nq" in html


def test_nquads_dump_reloads_into_the_same_dataset(server, built_store_path):
    _, _, data = fetch(server + "/dumps/ctair.nq")
    reloaded = ox.Store()
    reloaded.load(data, format=ox.RdfFormat.N_QUADS)
    quads = set(reloaded.quads_for_pattern(None, None, None, None))
    expected = _store_quads(built_store_path)
    assert len(quads) == len(expected)
    # blank nodes get new ids on reload: compare graph by graph with rdflib's isomorphism
    by_graph = {}
    for quads_set, side in ((quads, 0), (expected, 1)):
        for q in quads_set:
            by_graph.setdefault(q.graph_name.value, ([], []))[side].append(q)
    for graph, (got, want) in by_graph.items():
        if all(not isinstance(t, ox.BlankNode) for q in want for t in (q.subject, q.object)):
            assert set(got) == set(want), graph
        else:
            to_nt = lambda qs: "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in qs)  # noqa: E731
            assert isomorphic(
                rdflib.Graph().parse(data=to_nt(got), format="nt"), rdflib.Graph().parse(data=to_nt(want), format="nt")
            ), graph


def test_turtle_and_jsonld_dumps_are_isomorphic_to_the_union_graph(server, built_store_path):
    union = rdflib.Graph()
    text = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in _store_quads(built_store_path))
    union.parse(data=text, format="nt")
    _, _, turtle = fetch(server + "/dumps/ctair.ttl")
    assert isomorphic(rdflib.Graph().parse(data=turtle, format="turtle"), union)
    _, _, jsonld = fetch(server + "/dumps/ctair.jsonld")
    dataset = rdflib.Dataset()
    dataset.parse(data=jsonld, format="json-ld")
    merged = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    assert isomorphic(merged, union)


def test_void_counts_equal_the_store(server, built_store_path):
    status, headers, body = fetch(server + "/.well-known/void")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")  # Turtle by default
    g = rdflib.Graph().parse(data=body, format="turtle")
    store = ox.Store.read_only(str(built_store_path))
    quads = _store_quads(built_store_path)
    distinct = {(q.subject, q.predicate, q.object) for q in quads}
    assert int(g.value(DATASET, VOID.triples)) == len(distinct)
    subsets = {str(s): int(g.value(s, VOID.triples)) for s in g.objects(DATASET, VOID.subset)}
    per_graph = {}
    for q in quads:
        per_graph[q.graph_name.value] = per_graph.get(q.graph_name.value, 0) + 1
    assert subsets == per_graph
    assert sum(subsets.values()) == len(store)
    assert g.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(server + "/sparql")
    assert (
        DATASET,
        rdflib.DCTERMS.license,
        rdflib.URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    ) in g
    sources = set(g.objects(DATASET, rdflib.DCTERMS.source))
    assert rdflib.URIRef("https://w3id.org/ctair/id/source/diair-actions-ctair-2019") in sources
    for source in sources:
        assert g.value(source, rdflib.DCTERMS.source) is not None  # its URL
    vocabularies = {str(v) for v in g.objects(DATASET, VOID.vocabulary)}
    assert {"https://w3id.org/ctair/ontology#", "http://www.w3.org/ns/prov#"} <= vocabularies
    # distributions match the files served
    _, _, index = fetch(server + "/dumps/", "application/json")
    files = {f["file"]: f for f in json.loads(index)["files"]}
    dumps = {str(d) for d in g.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"{server}/dumps/{name}" for name in files}
    for dist in g.objects(DATASET, DCAT.distribution):
        name = str(g.value(dist, DCAT.downloadURL)).rsplit("/", 1)[-1]
        assert int(g.value(dist, DCAT.byteSize)) == files[name]["byteSize"]
        checksum = g.value(dist, SPDX.checksum)
        assert str(g.value(checksum, SPDX.checksumValue)) == files[name]["sha256"]
    for lang in ("fr", "en"):
        assert any(t.language == lang for t in g.objects(DATASET, rdflib.DCTERMS.title))


def test_void_is_content_negotiated(server):
    status, headers, body = fetch(server + "/.well-known/void", "application/ld+json")
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    status, headers, body = fetch(server + "/.well-known/void", "application/n-triples")
    assert status == 200 and len(rdflib.Graph().parse(data=body, format="nt")) > 50
    status, _, body = fetch(server + "/.well-known/void", "image/png")
    assert status == 406 and json.loads(body)["error"]["code"] == "not-acceptable"


def test_void_conforms_to_the_dcat_ap_inspired_shapes(server):
    _, _, body = fetch(server + "/.well-known/void")
    data = rdflib.Graph().parse(data=body, format="turtle")
    conforms, _, report = validate(data, shacl_graph=rdflib.Graph().parse(SHAPES, format="turtle"))
    assert conforms, report
    # and the shapes do bite: a distribution without checksum fails
    for dist in list(data.objects(DATASET, DCAT.distribution))[:1]:
        data.remove((dist, SPDX.checksum, None))
    assert not validate(data, shacl_graph=rdflib.Graph().parse(SHAPES, format="turtle"))[0]


def test_export_dump_writes_files_and_sums(tmp_path, built_store_path):
    from ctair.graph.dump import export_dump
    from ctair.graph.store import OxigraphStore

    dumps = export_dump(OxigraphStore(built_store_path, read_only=True), tmp_path, ["nt", "ttl"])
    assert [d.format for d in dumps] == ["nt", "ttl"]
    sums = (tmp_path / "SHA256SUMS").read_text()
    for d in dumps:
        assert d.path.stat().st_size == d.byte_size
        assert f"{hashlib.sha256(d.path.read_bytes()).hexdigest()}  {d.name}" in sums
    again = export_dump(OxigraphStore(built_store_path, read_only=True), tmp_path / "again", ["nt", "ttl"])
    assert [d.sha256 for d in again] == [d.sha256 for d in dumps]  # deterministic


def test_dump_command(tmp_path, built_store_path):
    import argparse

    from ctair.cli.network import add_dump_command
    from ctair.graph.store import OxigraphStore

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    add_dump_command(
        sub, lambda p: p.add_argument("--store", type=Path), lambda args: OxigraphStore(args.store, read_only=True)
    )
    args = parser.parse_args(["dump", "--store", str(built_store_path), "--format", "nq", "--out", str(tmp_path)])
    assert args.func(args) == 0
    assert (tmp_path / "ctair.nq").exists() and not (tmp_path / "ctair.ttl").exists()
