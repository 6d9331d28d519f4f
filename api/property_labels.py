"""How the pages name a property: its French label in the ontology, else its prefixed name."""

from __future__ import annotations

from functools import cache

from ctair.ontology.vocab import (
    DCTERMS,
    NIF,
    ONTOLOGY_FILES,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SKOS,
)

#: properties of other vocabularies that the pages show often enough to deserve French words
_COMMON = {
    RDFS.label.value: "libellé",
    SKOS.prefLabel.value: "libellé préféré",
    SKOS.altLabel.value: "autre libellé",
    RDF.type.value: "type",
    DCTERMS.identifier.value: "identifiant",
    DCTERMS.title.value: "titre",
    OWL.sameAs.value: "même que",
    PROV.wasDerivedFrom.value: "tiré de",
    PROV.wasQuotedFrom.value: "cité de",
    NIF.anchorOf.value: "phrase citée",
    NIF.beginIndex.value: "début",
    NIF.endIndex.value: "fin",
}


@cache
def _labels() -> dict[str, str]:
    """The ontology's French labels (read once per process), then the common ones above."""
    import rdflib

    graph = rdflib.Graph().parse(ONTOLOGY_FILES["ontology"], format="turtle")
    labels = {
        str(s): str(o) for s, o in graph.subject_objects(rdflib.RDFS.label) if getattr(o, "language", None) == "fr"
    }
    return {**labels, **_COMMON}


def property_label(iri: str) -> str:
    """The French label of a property of the ontology, else its prefixed name."""
    labels = _labels()
    if iri in labels:
        return labels[iri]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace.iri):
            return f"{prefix}:{iri[len(namespace.iri) :]}"
    return iri
