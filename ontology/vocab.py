"""The one place that names vocabulary terms.

``CTAIR`` only hands out terms that ``ontology/ctair.ttl`` defines (checked by
``tests/test_ontology.py``, test_every_vocab_term_is_declared); the concept schemes (axes, roles, units, publics,
contract kinds, extraction methods) live in their own namespaces and are defined in
``ontology/*.ttl`` as SKOS concepts.

Vocabulary IRIs are fixed and permanent: they do not move with the data's base IRI
(see ``ctair.graph.iris`` for data IRIs).
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode

ONTOLOGY_DIR = Path(__file__).resolve().parent
VOCAB_BASE = "https://w3id.org/ctair/"


class Namespace:
    """Hands out ``NamedNode``s of one namespace; with ``terms``, only those (a typo fails at import)."""

    def __init__(self, iri: str, terms: frozenset[str] | None = None):
        self.iri = iri
        self.terms = terms
        # Each term is made once: building a NamedNode per use was a quarter of the emitter's time.
        self._nodes: dict[str, NamedNode] = {}

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> NamedNode:
        node = self._nodes.get(name)
        if node is None:
            if self.terms is not None and name not in self.terms:
                raise AttributeError(f"{name!r} is not a term of <{self.iri}>")
            node = self._nodes[name] = NamedNode(self.iri + name)
        return node

    def local_name(self, node: NamedNode | str) -> str:
        value = node.value if isinstance(node, NamedNode) else node
        if not value.startswith(self.iri):
            raise ValueError(f"<{value}> is not in namespace <{self.iri}>")
        return value[len(self.iri) :]

    def __contains__(self, node: NamedNode | str) -> bool:
        value = node.value if isinstance(node, NamedNode) else node
        return value.startswith(self.iri)


CTAIR_TERMS = frozenset(
    {
        # classes
        "Territory",
        "City",
        "Metropole",
        "Intercommunality",
        "Department",
        "Contract",
        "Action",
        "Participation",
        "Organisation",
        "Association",
        "PublicBody",
        "Company",
        "Collectivity",
        "ResearchBody",
        "Axis",
        "TargetPublic",
        "Quantity",
        "Unit",
        "Role",
        "ContractKind",
        "SourceDocument",
        "Mention",
        "ExtractionMethod",
        "UnresolvedMention",
        # properties
        "territory",
        "contract",
        "contractKind",
        "year",
        "signatory",
        "coordinator",
        "participation",
        "organisation",
        "role",
        "operator",
        "partner",
        "funder",
        "coordinatedBy",
        "participant",
        "axis",
        "targetPublic",
        "quantity",
        "unit",
        "ordinal",
        "inseeCode",
        "sirenCode",
        "rnaCode",
        "department",
        "sha256",
        "fileName",
        "extractionMethod",
        "documentKind",
        "surfaceForm",
        "nerLabel",
        "iatiRoleCode",
        "hxlAttribute",
        # the data model of facts as the documents state them
        "Network",
        "Programme",
        "NationalProgramme",
        "DatedEvent",
        "EventKind",
        "AxisAssignment",
        "PublicAssignment",
        "programme",
        "event",
        "eventKind",
        "eventDate",
        "axisAssignment",
        "publicAssignment",
        "subsetOf",
        "ratePeriod",
        "fundedBy",
        "yearDerivedFrom",
        "approximate",
        "observationDate",
        "goal",
        "specificity",
        "keyPoint",
        "signatureDate",
    }
)

CTAIR = Namespace(VOCAB_BASE + "ontology#", CTAIR_TERMS)
AXIS = Namespace(VOCAB_BASE + "axis/")
ROLE = Namespace(VOCAB_BASE + "role/")
UNIT = Namespace(VOCAB_BASE + "unit/")
PUBLIC = Namespace(VOCAB_BASE + "public/")
CONTRACT_KIND = Namespace(VOCAB_BASE + "contract-kind/")
METHOD = Namespace(VOCAB_BASE + "method/")
EVENT_KIND = Namespace(VOCAB_BASE + "event-kind/")

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
GEOSPARQL = Namespace("http://www.opengis.net/ont/geosparql#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
ADMS = Namespace("http://www.w3.org/ns/adms#")

PREFIXES: dict[str, Namespace] = {
    "ctair": CTAIR,
    "axis": AXIS,
    "role": ROLE,
    "unit": UNIT,
    "public": PUBLIC,
    "kind": CONTRACT_KIND,
    "method": METHOD,
    "event": EVENT_KIND,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "schema": SCHEMA,
    "foaf": FOAF,
    "nif": NIF,
    "geo": GEO,
    "geosparql": GEOSPARQL,
    "dcat": DCAT,
    "void": VOID,
    "wd": WD,
}

ONTOLOGY_FILES = {
    # named graph local name -> file
    "ontology": ONTOLOGY_DIR / "ctair.ttl",
    "schemes": ONTOLOGY_DIR / "schemes.ttl",  # axes, roles, units, publics, contract kinds, methods
}
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


def sparql_prefixes() -> str:
    """The PREFIX block prepended to named queries that ask for it."""
    return "".join(f"PREFIX {p}: <{ns.iri}>\n" for p, ns in PREFIXES.items())
