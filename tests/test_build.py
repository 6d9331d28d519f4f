"""`ctair build` end to end on the bundled corpus: what it yields, and that it never half-writes."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, serialize

from ctair.build import build
from ctair.graph.store import OxigraphStore
from ctair.loaders.errors import InputError

from .conftest import BASE_IRI, CORPUS

REPORT_TERRITORIES = {
    "bordeaux",
    "lyon",
    "grenoble",
    "dijon",
    "brest",
    "nancy",
    "rennes",
    "clermont-ferrand",
    "strasbourg",
    "toulouse",
    "nantes",
}
ARTICLE_TERRITORIES = {"dijon", "lyon", "autun"}


def ids(store, query):
    return {row["id"].value for row in store.select(query)}


def test_build_yields_every_territory_with_its_contract(built_store):
    query = """PREFIX ctair: <https://w3id.org/ctair/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?id ?kind ?year WHERE { ?c a ctair:Contract ; ctair:territory/dcterms:identifier ?id ;
      ctair:contractKind/skos:notation ?kind . OPTIONAL { ?c ctair:year ?year } }"""
    rows = built_store.select(query)
    ctair_2019 = {
        r["id"].value for r in rows if r["kind"].value == "CTAIR" and "year" in r and r["year"].value == "2019"
    }
    assert ctair_2019 >= REPORT_TERRITORIES
    assert {r["id"].value for r in rows} >= ARTICLE_TERRITORIES
    assert {r["kind"].value for r in rows if r["id"].value == "autun"} == {"PTAIR"}


def test_build_names_the_coordinators_of_the_article(built_store):
    query = """PREFIX ctair: <https://w3id.org/ctair/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX schema: <https://schema.org/>
    SELECT ?id ?name WHERE { ?c ctair:coordinator/schema:name ?name ; ctair:territory/dcterms:identifier ?id }"""
    found = {(r["id"].value, r["name"].value) for r in built_store.select(query)}
    assert {("dijon", "Françoise Tenenbaum"), ("lyon", "Benjamin Damasco"), ("autun", "Vincent Chauvet")} <= found


def test_every_fact_points_to_the_sentence_it_came_from(built_store_path, built_store):
    query = """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
    PREFIX ctair: <https://w3id.org/ctair/ontology#>
    SELECT ?file ?begin ?end ?text WHERE { ?m nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?text ;
      prov:wasQuotedFrom/ctair:fileName ?file }"""
    rows = built_store.select(query)
    assert len(rows) > 50
    texts = {}
    for row in rows:
        file = row["file"].value
        texts.setdefault(file, (CORPUS / file).read_text(encoding="utf-8"))
        assert texts[file][int(row["begin"].value) : int(row["end"].value)] == row["text"].value
    # every fact has its own sentence; a curated fact (a programme's operator) cites its public source instead
    orphan = """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX ctair: <https://w3id.org/ctair/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX method: <https://w3id.org/ctair/method/>
    SELECT ?x WHERE { VALUES ?class { ctair:Action ctair:Participation ctair:Quantity ctair:Contract
                                      ctair:AxisAssignment ctair:PublicAssignment ctair:DatedEvent }
      ?x a ?class . FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?m }
      FILTER NOT EXISTS { ?x ctair:extractionMethod method:curated ; dcterms:source ?url } }"""
    assert built_store.select(orphan) == []
    curated = """PREFIX ctair: <https://w3id.org/ctair/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX method: <https://w3id.org/ctair/method/>
    SELECT ?url WHERE { ?p ctair:extractionMethod method:curated ; dcterms:source ?url }"""
    assert all(row["url"].value.startswith("https://") for row in built_store.select(curated))


def test_a_fact_quotes_its_own_sentence_not_its_actions(built_store):
    """An axis assignment and a role read from "porté par X" quote the sentence that states them."""
    query = """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX ctair: <https://w3id.org/ctair/ontology#>
    PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?text WHERE { ?a ctair:territory/dcterms:identifier "bordeaux" ; ctair:ordinal 2 ; ctair:participation ?p .
      ?p ctair:organisation/dcterms:identifier "aim" ; prov:wasDerivedFrom/nif:anchorOf ?text }"""
    (row,) = built_store.select(query)
    assert row["text"].value.startswith("Le projet porté par l'organisme")
    sentences = """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX ctair: <https://w3id.org/ctair/ontology#>
    PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
    SELECT ?action (COUNT(DISTINCT ?m) AS ?n)
    WHERE { ?action a ctair:Action ; ctair:axisAssignment/prov:wasDerivedFrom ?m }
    GROUP BY ?action"""
    assert any(int(row["n"].value) > 1 for row in built_store.select(sentences))


def test_each_source_document_has_its_own_named_graph(built):
    store_path, summary = built
    graphs = set(summary.graphs)
    for name in ("ontology", "schemes", "registry", "diair-actions-ctair-2019", "territoires-integration-2021"):
        assert f"{BASE_IRI}graph/{name}" in graphs
        assert summary.graphs[f"{BASE_IRI}graph/{name}"] > 0


def test_rebuild_gives_the_same_iris(tmp_path, built_store):
    store_path = tmp_path / "again"
    build(store_path, CORPUS, BASE_IRI, progress=lambda m: None)
    again = OxigraphStore(store_path, read_only=True)
    subjects = "SELECT DISTINCT ?s WHERE { ?s a ?c }"
    assert {r["s"].value for r in again.select(subjects)} == {r["s"].value for r in built_store.select(subjects)}


def copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus


def test_a_changed_document_is_refused_and_the_store_kept(tmp_path):
    corpus = copy_corpus(tmp_path)
    store_path = tmp_path / "store"
    build(store_path, corpus, BASE_IRI, ner=False, progress=lambda m: None)
    before = len(OxigraphStore(store_path, read_only=True))
    document = corpus / "000_cce74c661e698747.txt"
    document.write_text(document.read_text(encoding="utf-8") + "\nAjout.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"000_cce74c661e698747.txt: checksum mismatch"):
        build(store_path, corpus, BASE_IRI, ner=False, progress=lambda m: None)
    assert len(OxigraphStore(store_path, read_only=True)) == before


@pytest.mark.parametrize(
    "line, replacement, message",
    [
        ('kind = "diair-report"', 'kind = "press-release"', r"000_cce74c661e698747.toml.*kind.*press-release"),
        ("issued = 2020-07-01", 'issued = "juillet"', r"000_cce74c661e698747.toml:\d+: manifest field issued"),
        ("title = ", 'title = = "x"\ntitle2 = ', r"000_cce74c661e698747.toml:\d+: not valid TOML"),
    ],
)
def test_a_broken_manifest_names_file_and_line(tmp_path, line, replacement, message):
    corpus = copy_corpus(tmp_path)
    manifest = corpus / "000_cce74c661e698747.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(line, replacement, 1), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        build(tmp_path / "store", corpus, BASE_IRI, ner=False, progress=lambda m: None)
    assert not (tmp_path / "store").exists()


def test_an_interrupted_build_leaves_the_previous_store_usable(tmp_path):
    store_path = tmp_path / "store"
    build(store_path, CORPUS, BASE_IRI, ner=False, progress=lambda m: None)
    before = len(OxigraphStore(store_path, read_only=True))
    process = subprocess.Popen(
        [sys.executable, "-m", "ctair.cli", "build", "--store", str(store_path), "--no-ner"],
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stderr:  # kill it while it writes the new store
        if "loading into a new store" in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert len(OxigraphStore(store_path, read_only=True)) == before
    # and the next build cleans up the half-written directory
    build(store_path, CORPUS, BASE_IRI, ner=False, progress=lambda m: None)
    assert len(list((tmp_path / ".store.builds").iterdir())) <= 2


def test_the_built_graph_conforms_to_the_shapes(built_store):
    from pyshacl import validate
    from rdflib import Graph

    from ctair.ontology.vocab import SHAPES_FILE

    # Validate the union of all named graphs, as the endpoint's default graph shows it.
    union = built_store.construct("CONSTRUCT WHERE { ?s ?p ?o }")
    data = Graph().parse(data=serialize(union, format=RdfFormat.N_TRIPLES).decode(), format="nt")
    shapes = Graph().parse(SHAPES_FILE)
    conforms, _, text = validate(data, shacl_graph=shapes, inference="rdfs", allow_warnings=True)
    assert conforms, text


def test_a_relative_store_path_keeps_its_build(tmp_path, monkeypatch):
    """`ctair build` with the default, relative `var/store`: the new build is the one kept."""
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        build(Path("var/store"), CORPUS, BASE_IRI, ner=False, progress=lambda message: None)
        assert (Path("var/store") / "CURRENT").is_file()
    assert len(OxigraphStore(Path("var/store"), read_only=True)) > 4000
