"""The dataset's own description: VoID + DCAT (served at ``/.well-known/void``).

``dataset_iri(settings)`` is the dataset's IRI (``{base}dataset``), which the SPARQL service
description links to. ``void_description(...)`` builds the triples from the store (counts,
subsets per named graph, sources, vocabularies) and the dump files (size, sha256).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ctair.ontology.vocab import (
    CTAIR,
    DCAT,
    DCTERMS,
    FOAF,
    PREFIXES,
    RDF,
    RDFS,
    SCHEMA,
    VOID,
    XSD,
)

from .dump import DUMP_FORMATS, DumpFile
from .iris import IriMinter
from .named_queries import get_query
from .store import Store
from .terms import iri_of

if TYPE_CHECKING:
    from ctair.settings import Settings

LICENCE_OUVERTE = NamedNode("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
SPDX = "http://spdx.org/rdf/terms#"
IANA = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE_FRA = NamedNode("http://publications.europa.eu/resource/authority/language/FRA")
FILE_TYPES = {"ttl": "RDF_TURTLE", "nq": "RDF_N_QUADS", "jsonld": "JSON_LD", "nt": "RDF_N_TRIPLES"}
VOID_PATH = "/.well-known/void"

TITLE = {
    "fr": "ctair — graphe de connaissances des contrats territoriaux d'accueil et d'intégration des réfugiés",
    "en": "ctair — knowledge graph of the territorial contracts for the reception and integration of refugees",
}
DESCRIPTION = {
    "fr": "Les contrats territoriaux d'accueil et d'intégration des réfugiés (CTAIR/CTAI, PTAIR/PTAI) "
    "conclus entre l'État et des villes et métropoles, leurs actions, les opérateurs et partenaires qui les "
    "mènent, pour quels publics et en quelles quantités ; chaque fait renvoie à la phrase du document source "
    "dont il a été tiré.",
    "en": "France's territorial contracts for the reception and integration of refugees (CTAIR/CTAI, "
    "PTAIR/PTAI) between the State and cities or metropoles, their actions, the operators and partners "
    "carrying them out, for whom and how many; every fact points to the sentence of the source document "
    "it was read from.",
}


def dataset_iri(settings: Settings) -> NamedNode:
    """The IRI of the dataset (``{base_iri}dataset``): ``sd:defaultDataset`` of the SPARQL service."""
    return IriMinter(settings.base_iri).dataset()


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def _datetime(value: datetime) -> Literal:
    return Literal(
        value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime
    )


def namespace_of(iri: str) -> str:
    """The vocabulary namespace of a term: a known prefix's, else up to the last '#' or '/'."""
    for namespace in PREFIXES.values():
        if iri.startswith(namespace.iri) and "/" not in iri[len(namespace.iri) :]:
            return namespace.iri
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def void_description(
    store: Store,
    base: str,
    *,
    site_url: str,
    dumps: Iterable[DumpFile] = (),
    modified: datetime | None = None,
    issued: datetime | None = None,
) -> list[Triple]:
    """VoID + DCAT triples describing the dataset in ``store``; URLs are made from ``site_url``
    (the server's root URL, no trailing slash)."""
    minter = IriMinter(base)
    ds = minter.dataset()
    site_url = site_url.rstrip("/")
    out: list[Triple] = []

    def add(s: NamedNode | BlankNode, p: NamedNode, o: NamedNode | BlankNode | Literal) -> None:
        out.append(Triple(s, p, o))

    add(ds, RDF.type, VOID.Dataset)
    add(ds, RDF.type, DCAT.Dataset)
    for lang in ("fr", "en"):
        add(ds, DCTERMS.title, Literal(TITLE[lang], language=lang))
        add(ds, DCTERMS.description, Literal(DESCRIPTION[lang], language=lang))
    publisher = BlankNode("publisher")
    add(ds, DCTERMS.publisher, publisher)
    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, FOAF.name, Literal("Projet ctair", language="fr"))
    add(publisher, FOAF.name, Literal("The ctair project", language="en"))
    add(ds, DCTERMS.license, LICENCE_OUVERTE)
    add(LICENCE_OUVERTE, RDF.type, DCTERMS.LicenseDocument)
    add(LICENCE_OUVERTE, RDFS.label, Literal("Licence Ouverte / Open Licence 2.0", language="fr"))
    add(ds, DCTERMS.language, EU_LANGUAGE_FRA)
    for keyword in ("réfugiés", "intégration", "contrat territorial", "CTAIR", "politique publique"):
        add(ds, DCAT.keyword, Literal(keyword, language="fr"))
    add(ds, DCAT.landingPage, NamedNode(f"{site_url}/territories"))
    add(ds, FOAF.homepage, NamedNode(f"{site_url}/territories"))
    add(ds, VOID.sparqlEndpoint, NamedNode(f"{site_url}/sparql"))
    add(ds, VOID.uriSpace, Literal(f"{base}id/"))
    add(ds, VOID.uriLookupEndpoint, NamedNode(f"{site_url}/search?q="))
    add(ds, VOID.rootResource, NamedNode(f"{base}id/territory/lyon"))
    add(ds, VOID.exampleResource, NamedNode(f"{base}id/territory/lyon"))
    add(ds, VOID.feature, NamedNode("http://www.w3.org/ns/formats/Turtle"))
    add(ds, VOID.feature, NamedNode("http://www.w3.org/ns/formats/JSON-LD"))
    add(ds, VOID.feature, NamedNode("http://www.w3.org/ns/formats/N-Triples"))
    add(ds, VOID.feature, NamedNode("http://www.w3.org/ns/formats/RDF_XML"))
    now = datetime.now(UTC)
    add(ds, DCTERMS.modified, _datetime(modified or now))
    add(ds, DCTERMS.issued, _datetime(issued or modified or now))

    # counts
    counts = store.select(get_query("_void-counts").text)[0]
    for key, predicate in (
        ("triples", VOID.triples),
        ("subjects", VOID.distinctSubjects),
        ("properties", VOID.properties),
        ("objects", VOID.distinctObjects),
    ):
        add(ds, predicate, _int(int(counts[key].value)))
    entities = 0
    for row in store.select(get_query("_void-entities").text):
        partition = BlankNode(f"class-{row['class'].value.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}")
        add(ds, VOID.classPartition, partition)
        add(partition, VOID["class"], row["class"])
        add(partition, VOID.entities, _int(int(row["entities"].value)))
        entities += int(row["entities"].value)
    add(ds, VOID.entities, _int(entities))

    # one subset per named graph
    for row in store.select(get_query("_void-graph-counts").text):
        graph = iri_of(row["g"])
        add(ds, VOID.subset, graph)
        add(graph, RDF.type, VOID.Dataset)
        add(graph, VOID.triples, _int(int(row["triples"].value)))
        add(graph, DCTERMS.title, Literal(f"Graphe nommé {graph.value.rsplit('/', 1)[-1]}", language="fr"))
        add(graph, VOID.sparqlEndpoint, NamedNode(f"{site_url}/sparql"))

    # sources
    for row in store.select(get_query("_void-sources").text):
        source = iri_of(row["source"])
        add(ds, DCTERMS.source, source)
        add(ds, ox_prov_was_derived_from(), source)
        add(source, RDF.type, CTAIR.SourceDocument)
        add(source, DCTERMS.title, row["title"])
        for key, predicate in (
            ("url", DCTERMS.source),
            ("issued", DCTERMS.issued),
            ("publisher", DCTERMS.publisher),
            ("license", DCTERMS.license),
        ):
            if key in row:
                add(source, predicate, row[key])
        if "url" in row:
            add(source, SCHEMA.url, row["url"])
        source_graph = minter.graph(source.value.rsplit("/", 1)[-1])
        add(source_graph, DCTERMS.source, source)

    # vocabularies
    namespaces = sorted({namespace_of(row["term"].value) for row in store.select(get_query("_void-terms").text)})
    for namespace in namespaces:
        add(ds, VOID.vocabulary, NamedNode(namespace))

    # dumps
    for dump in dumps:
        url = NamedNode(f"{site_url}/dumps/{dump.name}")
        add(ds, VOID.dataDump, url)
        dist = BlankNode(f"distribution-{dump.format}")
        add(ds, DCAT.distribution, dist)
        add(dist, RDF.type, DCAT.Distribution)
        add(dist, DCTERMS.title, Literal(f"ctair — {DUMP_FORMATS[dump.format][2]}", language="en"))
        add(dist, DCAT.accessURL, NamedNode(f"{site_url}/dumps/"))
        add(dist, DCAT.downloadURL, url)
        add(dist, DCAT.mediaType, NamedNode(IANA + dump.media_type))
        add(dist, DCTERMS["format"], NamedNode(EU_FILE_TYPE + FILE_TYPES[dump.format]))
        add(dist, DCAT.byteSize, Literal(str(dump.byte_size), datatype=XSD.nonNegativeInteger))
        add(dist, DCTERMS.license, LICENCE_OUVERTE)
        checksum = BlankNode(f"checksum-{dump.format}")
        add(dist, NamedNode(SPDX + "checksum"), checksum)
        add(checksum, RDF.type, NamedNode(SPDX + "Checksum"))
        add(checksum, NamedNode(SPDX + "algorithm"), NamedNode(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, NamedNode(SPDX + "checksumValue"), Literal(dump.sha256, datatype=XSD.hexBinary))
    return out


def ox_prov_was_derived_from() -> NamedNode:
    return NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


VOID_PREFIXES = {
    "void": VOID.iri,
    "dcat": DCAT.iri,
    "dcterms": DCTERMS.iri,
    "foaf": FOAF.iri,
    "xsd": XSD.iri,
    "rdfs": RDFS.iri,
    "spdx": SPDX,
    "ctair": CTAIR.iri,
    "schema": SCHEMA.iri,
    "prov": "http://www.w3.org/ns/prov#",
}
