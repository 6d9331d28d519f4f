"""Linked-data descriptions of single resources, and their serializations.

``describe(store, iri)`` is what a resource's IRI dereferences to (``docs/linked-data.md``):
its own triples (outbound and inbound), its parts (an action's participations and quantities,
a territory's geometry), the labels of everything it links to, and the provenance of its facts
— the mentions (``nif:beginIndex``/``endIndex``/``anchorOf``, ``prov:wasQuotedFrom``) and the
titles of their documents. The SPARQL lives in ``queries/_describe-*.rq``.

``serialize(triples, key)`` writes it as Turtle, N-Triples, RDF/XML (pyoxigraph) or compact
JSON-LD with the published context (rdflib; ``jsonld_context()`` is what ``/context.jsonld``
serves).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Triple

from ctair.ontology.vocab import (
    CTAIR,
    DCTERMS,
    ONTOLOGY_FILES,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VOCAB_BASE,
)

from .named_queries import get_query
from .store import Store
from .terms import serialized

if TYPE_CHECKING:
    import rdflib
    import rdflib.term

# a subject or object of the statements a View indexes (statements about a quoted triple are left out)
Node = NamedNode | ox.BlankNode | Literal

LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, SCHEMA.name)

#: serialization keys -> (media type, file extension)
RDF_MEDIA_TYPES = {
    "turtle": ("text/turtle", "ttl"),
    "jsonld": ("application/ld+json", "jsonld"),
    "ntriples": ("application/n-triples", "nt"),
    "rdfxml": ("application/rdf+xml", "rdf"),
}
_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}

#: the first path segment of the vocabulary IRIs (concept schemes) under https://w3id.org/ctair/
VOCABULARY_SEGMENTS = ("axis", "role", "unit", "public", "contract-kind", "method")


def _run(store: Store, name: str, iri: NamedNode) -> list[Triple]:
    return list(dict.fromkeys(store.construct(get_query(name).text, {"resource": iri})))


def describe(store: Store, iri: NamedNode) -> list[Triple]:
    """The description of ``iri`` (empty when the store does not know it)."""
    return _run(store, "_describe-resource", iri)


def neighbourhood(store: Store, iri: NamedNode) -> list[Triple]:
    """What the pages need beyond the description: the resources that link to ``iri``, described."""
    return _run(store, "_describe-neighbourhood", iri)


def exists(store: Store, iri: NamedNode) -> bool:
    """Whether ``iri`` is the subject of a triple of the store (what makes it dereferenceable)."""
    return store.ask("ASK { ?resource ?p ?o }", {"resource": iri})


def prefixes(base: str) -> dict[str, str]:
    """The prefixes written in Turtle / RDF/XML, the data base's ``id/`` kinds included."""
    found = {p: ns.iri for p, ns in PREFIXES.items()}
    for kind in ("territory", "organisation", "contract", "person"):  # flat ids (no "/" to escape)
        found[kind] = f"{base}id/{kind}/"
    found["geosparql"] = "http://www.opengis.net/ont/geosparql#"
    return found


# --- JSON-LD -------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def jsonld_context(base: str = VOCAB_BASE) -> dict[str, Any]:
    """The published ``@context``: the prefixes, and a short term for each ctair property
    (object properties typed ``@id``) and a few common ones."""
    import rdflib  # slow to import, and only JSON-LD needs it

    ontology = rdflib.Graph().parse(ONTOLOGY_FILES["ontology"], format="turtle")
    object_properties = {str(s) for s in ontology.subjects(rdflib.RDF.type, rdflib.OWL.ObjectProperty)}
    context: dict[str, object] = {prefix: iri for prefix, iri in sorted(prefixes(base).items())}
    for term in sorted(CTAIR.terms or ()):
        iri = CTAIR.iri + term
        if term[0].isupper():
            context[term] = {"@id": iri}
        elif iri in object_properties:
            context[term] = {"@id": iri, "@type": "@id"}
        else:
            context[term] = {"@id": iri}
    context.update(
        {
            "label": {"@id": RDFS.label.value},
            "altLabel": {"@id": SKOS.altLabel.value},
            "prefLabel": {"@id": SKOS.prefLabel.value},
            "identifier": {"@id": DCTERMS.identifier.value},
            "title": {"@id": DCTERMS.title.value},
            "sameAs": {"@id": OWL.sameAs.value, "@type": "@id"},
            "wasDerivedFrom": {"@id": "http://www.w3.org/ns/prov#wasDerivedFrom", "@type": "@id"},
            "wasQuotedFrom": {"@id": "http://www.w3.org/ns/prov#wasQuotedFrom", "@type": "@id"},
            "beginIndex": {"@id": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex"},
            "endIndex": {"@id": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#endIndex"},
            "anchorOf": {"@id": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf"},
            "lat": {"@id": "http://www.w3.org/2003/01/geo/wgs84_pos#lat"},
            "long": {"@id": "http://www.w3.org/2003/01/geo/wgs84_pos#long"},
        }
    )
    return {"@context": context}


def _to_rdflib(triples: Iterable[Triple]) -> rdflib.Graph:
    import rdflib  # slow to import, and only JSON-LD needs it

    def term(t: Node | Triple) -> rdflib.term.Identifier:
        if isinstance(t, NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if isinstance(t, Triple):
            raise TypeError(f"no JSON-LD for the quoted triple {t}")
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        if t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return rdflib.Literal(t.value)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))

    graph = rdflib.Graph()
    for t in triples:
        graph.add((term(t.subject), term(t.predicate), term(t.object)))
    return graph


def to_jsonld(triples: Iterable[Triple], context_url: str, base: str = VOCAB_BASE) -> bytes:
    """Compact JSON-LD: compacted with the published context, which the document references by URL."""
    graph = _to_rdflib(triples)
    context = jsonld_context(base)["@context"]
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document = json.loads(text)
    if isinstance(document, dict):
        document["@context"] = context_url
    else:  # a bare list of nodes
        document = {"@context": context_url, "@graph": document}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def serialize(triples: Iterable[Triple], key: str, *, base: str = VOCAB_BASE, context_url: str | None = None) -> bytes:
    """``triples`` as ``key`` (turtle | ntriples | rdfxml | jsonld)."""
    triples = list(triples)
    if key == "jsonld":
        return to_jsonld(triples, context_url or f"{VOCAB_BASE}context.jsonld", base)
    fmt = _OX_FORMATS[key]
    used = prefixes(base) if key in ("turtle", "rdfxml") else None
    if used is not None:  # only the prefixes used (RDF/XML needs one per predicate namespace)
        text = " ".join(
            getattr(t.subject, "value", "") + " " + t.predicate.value + " " + getattr(t.object, "value", "")
            for t in triples
        )
        used = {p: iri for p, iri in used.items() if iri in text}
    return serialized(ox.serialize(triples, format=fmt, prefixes=used))


# --- a small graph to read descriptions in Python (the pages) -------------------------------


class View:
    """Indexes over a list of triples: ``objects``, ``subjects``, ``label``, ``types``."""

    def __init__(self, triples: Iterable[Triple]):
        self.out: dict[Node, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.inn: dict[Node, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for t in dict.fromkeys(triples):
            if isinstance(t.subject, Triple) or isinstance(t.object, Triple):
                continue  # a statement about a statement (RDF 1.2): no label nor link to show on a page
            self.out[t.subject][t.predicate.value].append(t.object)
            self.inn[t.object][t.predicate.value].append(t.subject)

    def objects(self, s: Node, p: NamedNode) -> list[Node]:
        return self.out.get(s, {}).get(p.value, [])

    def first(self, s: Node, p: NamedNode) -> Node | None:
        found = self.objects(s, p)
        return found[0] if found else None

    def value(self, s: Node, p: NamedNode) -> str | None:
        found = self.first(s, p)
        return found.value if found is not None else None

    def subjects(self, p: NamedNode, o: Node) -> list[Node]:
        return self.inn.get(o, {}).get(p.value, [])

    def types(self, s: Node) -> set[str]:
        return {t.value for t in self.objects(s, RDF.type)}

    def literal(self, s: Node, p: NamedNode, lang: str = "fr") -> str | None:
        """The value in ``lang``, else an untagged one, else any."""
        values = [o for o in self.objects(s, p) if isinstance(o, Literal)]
        for wanted in (lang, None):
            for value in values:
                if (value.language or None) == wanted:
                    return value.value
        return values[0].value if values else None

    def label(self, s: Node, lang: str = "fr") -> str:
        for predicate in LABEL_PREDICATES:
            found = self.literal(s, predicate, lang)
            if found:
                return found
        value = getattr(s, "value", str(s))
        return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def english(self, s: Node) -> str | None:
        """The English label, when there is one distinct from the French."""
        for predicate in (SKOS.prefLabel, RDFS.label):
            for value in self.objects(s, predicate):
                if isinstance(value, Literal) and value.language == "en":
                    return value.value
        return None


__all__ = [
    "describe",
    "neighbourhood",
    "exists",
    "serialize",
    "jsonld_context",
    "View",
    "RDF_MEDIA_TYPES",
    "VOCABULARY_SEGMENTS",
    "prefixes",
]
