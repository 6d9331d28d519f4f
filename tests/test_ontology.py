"""The ontology, the concept schemes and the shapes, checked on the real files.

- ``ontology/ctair.ttl`` declares exactly the terms of ``vocab.CTAIR_TERMS`` (no drift), each
  with French and English labels;
- ``ontology/schemes.ttl`` holds every enum value of ``loaders/records.py`` as a concept of the
  right scheme, and every concept is well formed (one scheme, a French prefLabel, top concept
  or broader in its scheme, labels unambiguous within a scheme);
- ``ontology/shapes.ttl`` accepts ``tests/fixtures/shapes/valid.ttl`` and reports exactly the
  expected (focus node, path, constraint) results for ``invalid.ttl`` and for mutations of
  the valid graph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ctair.loaders.records import ContractKind, EventKind, Method, Role, Unit
from ctair.ontology.vocab import CTAIR_TERMS, ONTOLOGY_FILES, SHAPES_FILE

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_TTL = ROOT / "ontology" / "ctair.ttl"
SCHEMES_TTL = ROOT / "ontology" / "schemes.ttl"
SHAPES_TTL = ROOT / "ontology" / "shapes.ttl"
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"

CTAIR = Namespace("https://w3id.org/ctair/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/ctair/ontology#")
BASE = "https://w3id.org/ctair/"
AXIS = Namespace(BASE + "axis/")
ROLE = Namespace(BASE + "role/")
UNIT = Namespace(BASE + "unit/")
PUBLIC = Namespace(BASE + "public/")
KIND = Namespace(BASE + "contract-kind/")
METHOD = Namespace(BASE + "method/")
EVENT_KIND = Namespace(BASE + "event-kind/")
ID = Namespace(BASE + "id/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

# scheme IRI = namespace IRI; concept class of the scheme
SCHEMES = {
    URIRef(AXIS): CTAIR.Axis,
    URIRef(ROLE): CTAIR.Role,
    URIRef(UNIT): CTAIR.Unit,
    URIRef(PUBLIC): CTAIR.TargetPublic,
    URIRef(KIND): CTAIR.ContractKind,
    URIRef(METHOD): CTAIR.ExtractionMethod,
    URIRef(EVENT_KIND): CTAIR.EventKind,
}
SEVEN_AXES = {
    "pilotage",
    "parcours-integration",
    "langue-formation-emploi",
    "logement",
    "sante",
    "acces-aux-droits",
    "liens-societe",
}
THEMES = {
    "langue",
    "formation",
    "emploi",
    "hebergement",
    "culture",
    "sport",
    "mobilite",
    "connaissance-des-publics",
    "professionnalisation-des-acteurs",
    "education",
    "citoyennete",
    "changement-de-regard",
    "participation-des-refugies",
    "interpretariat",
}
PUBLICS = {
    "bpi",
    "jeunes",
    "femmes",
    "familles",
    "menages",
    "hommes-isoles",
    "enfants",
    "primo-arrivants",
    "migrants",
}


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form (as the loaders compare labels)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z€]+", " ", bare).split())


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_TTL)


@pytest.fixture(scope="module")
def schemes() -> Graph:
    return Graph().parse(SCHEMES_TTL)


@pytest.fixture(scope="module")
def concepts():
    from ctair.loaders.concepts import Concepts

    return Concepts.load(SCHEMES_TTL)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_TTL)


@pytest.fixture(scope="module")
def vocabulary(ontology: Graph, schemes: Graph) -> Graph:
    graph = Graph()
    graph += ontology
    graph += schemes
    return graph


# --- files ---------------------------------------------------------------------------------------


def test_vocab_points_at_these_files():
    assert ONTOLOGY_FILES["ontology"] == ONTOLOGY_TTL
    assert ONTOLOGY_FILES["schemes"] == SCHEMES_TTL
    assert SHAPES_FILE == SHAPES_TTL


@pytest.mark.parametrize(
    "path", [ONTOLOGY_TTL, SCHEMES_TTL, SHAPES_TTL, FIXTURES / "valid.ttl", FIXTURES / "invalid.ttl"]
)
def test_file_parses(path: Path):
    assert len(Graph().parse(path)) > 0


@pytest.mark.parametrize("path", [ONTOLOGY_TTL, SCHEMES_TTL, SHAPES_TTL])
def test_file_loads_in_oxigraph(path: Path):
    """The store is Oxigraph: the files must parse there too, to the same number of triples."""
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(Graph().parse(path))


# --- ctair.ttl -----------------------------------------------------------------------------------


def test_ontology_header(ontology: Graph):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.description):
        languages = {lit.language for lit in ontology.objects(ONTOLOGY_IRI, prop)}
        assert {"fr", "en"} <= languages, prop
    for prop in (DCTERMS.license, DCTERMS.creator, OWL.versionInfo):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop
    assert ontology.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("ctair")
    assert ontology.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(str(CTAIR))


@pytest.mark.parametrize("term", sorted(CTAIR_TERMS))
def test_every_vocab_term_is_declared(ontology: Graph, term: str):
    iri = CTAIR[term]
    types = set(ontology.objects(iri, RDF.type))
    expected = OWL.Class if term[0].isupper() else {OWL.ObjectProperty, OWL.DatatypeProperty}
    if term[0].isupper():
        assert OWL.Class in types, f"ctair:{term} is not an owl:Class"
    else:
        assert types & expected, f"ctair:{term} is not an owl:ObjectProperty or owl:DatatypeProperty"
        assert not {OWL.ObjectProperty, OWL.DatatypeProperty} <= types
    labels = {lit.language for lit in ontology.objects(iri, RDFS.label)}
    assert {"fr", "en"} <= labels, f"ctair:{term} needs rdfs:label @fr and @en"
    assert Counter(lit.language for lit in ontology.objects(iri, RDFS.label))["fr"] == 1
    comments = {lit.language for lit in ontology.objects(iri, RDFS.comment)}
    assert {"fr", "en"} <= comments, f"ctair:{term} needs rdfs:comment @fr and @en"
    assert (iri, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology


def _ctair_local_names(graph: Graph) -> set[str]:
    names = set()
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(str(CTAIR)) and node != ONTOLOGY_IRI:
                names.add(str(node)[len(CTAIR) :])
    return names


def test_ontology_declares_nothing_outside_vocab(ontology: Graph):
    declared = {
        str(s)[len(CTAIR) :]
        for s in ontology.subjects()
        if isinstance(s, URIRef) and str(s).startswith(str(CTAIR)) and s != ONTOLOGY_IRI
    }
    assert declared == set(CTAIR_TERMS)


@pytest.mark.parametrize("path", [ONTOLOGY_TTL, SCHEMES_TTL, SHAPES_TTL, FIXTURES / "valid.ttl"])
def test_files_use_only_vocab_terms(path: Path):
    assert _ctair_local_names(Graph().parse(path)) <= CTAIR_TERMS


@pytest.mark.parametrize(
    "sub, sup",
    [
        (CTAIR.Organisation, ORG.FormalOrganization),
        (CTAIR.Territory, SCHEMA.AdministrativeArea),
        (CTAIR.City, CTAIR.Territory),
        (CTAIR.Metropole, CTAIR.Territory),
        (CTAIR.Intercommunality, CTAIR.Territory),
        (CTAIR.Department, CTAIR.Territory),
        (CTAIR.Action, SCHEMA.Project),
        (CTAIR.Quantity, SCHEMA.QuantitativeValue),
        (CTAIR.SourceDocument, PROV.Entity),
        (CTAIR.SourceDocument, SCHEMA.CreativeWork),
        (CTAIR.Mention, NIF.OffsetBasedString),
        (CTAIR.Mention, PROV.Entity),
        (CTAIR.Association, CTAIR.Organisation),
        (CTAIR.PublicBody, CTAIR.Organisation),
        (CTAIR.Company, CTAIR.Organisation),
        (CTAIR.ResearchBody, CTAIR.Organisation),
        (CTAIR.Collectivity, CTAIR.PublicBody),
        *[
            (CTAIR[c], SKOS.Concept)
            for c in ("Axis", "TargetPublic", "Unit", "Role", "ContractKind", "ExtractionMethod")
        ],
    ],
)
def test_class_reuses_w3c_vocabularies(ontology: Graph, sub: URIRef, sup: URIRef):
    assert (sub, RDFS.subClassOf, sup) in ontology


def test_action_is_not_a_prov_activity(ontology: Graph):
    # an action is the subject of prov:wasDerivedFrom (an Entity); PROV keeps Entity and Activity apart
    assert (CTAIR.Action, RDFS.subClassOf, PROV.Activity) not in ontology


def test_shortcuts_are_subproperties_of_participant(ontology: Graph):
    for shortcut in ("operator", "partner", "funder", "coordinatedBy"):
        assert (CTAIR[shortcut], RDFS.subPropertyOf, CTAIR.participant) in ontology
        assert (CTAIR[shortcut], RDFS.range, CTAIR.Organisation) in ontology
    chain = ontology.value(CTAIR.participant, OWL.propertyChainAxiom)
    assert list(ontology.items(chain)) == [CTAIR.participation, CTAIR.organisation]


@pytest.mark.parametrize(
    "term, kind",
    [
        (NIF.beginIndex, OWL.DatatypeProperty),
        (NIF.endIndex, OWL.DatatypeProperty),
        (NIF.anchorOf, OWL.DatatypeProperty),
        (PROV.wasDerivedFrom, OWL.ObjectProperty),
        (PROV.wasQuotedFrom, OWL.ObjectProperty),
        (GEO.lat, OWL.DatatypeProperty),
        (GEO.long, OWL.DatatypeProperty),
        (SCHEMA.value, OWL.DatatypeProperty),
        (SCHEMA.name, OWL.DatatypeProperty),
        (DCTERMS.identifier, OWL.AnnotationProperty),
        (SKOS.altLabel, OWL.AnnotationProperty),
    ],
)
def test_external_terms_are_documented_not_redefined(ontology: Graph, term: URIRef, kind: URIRef):
    assert (term, RDF.type, kind) in ontology
    assert ontology.value(term, RDFS.label) is None  # referenced, not relabelled


# --- schemes.ttl ---------------------------------------------------------------------------------


def _concepts(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, SKOS.Concept))


@pytest.mark.parametrize(
    "enum, namespace",
    [(Role, ROLE), (Unit, UNIT), (ContractKind, KIND), (Method, METHOD), (EventKind, EVENT_KIND)],
)
def test_every_enum_value_is_a_concept_of_its_scheme(schemes: Graph, enum, namespace: Namespace):
    scheme = URIRef(namespace)
    for member in enum:
        concept = namespace[member.value]
        assert (concept, RDF.type, SKOS.Concept) in schemes, concept
        assert (concept, RDF.type, SCHEMES[scheme]) in schemes, concept
        assert (concept, SKOS.inScheme, scheme) in schemes, concept
    in_scheme = {c for c in schemes.subjects(SKOS.inScheme, scheme)}
    assert in_scheme == {namespace[m.value] for m in enum}, "the scheme has concepts the enum lacks"


def test_every_concept_is_well_formed(schemes: Graph):
    concepts = _concepts(schemes)
    assert concepts
    for concept in concepts:
        in_schemes = set(schemes.objects(concept, SKOS.inScheme))
        assert len(in_schemes) == 1, f"{concept} is in {len(in_schemes)} schemes"
        (scheme,) = in_schemes
        assert scheme in SCHEMES and str(concept).startswith(str(scheme)), concept
        assert (concept, RDF.type, SCHEMES[scheme]) in schemes, concept
        pref = Counter(lit.language for lit in schemes.objects(concept, SKOS.prefLabel))
        assert pref["fr"] == 1 and pref["en"] == 1 and max(pref.values()) == 1, concept
        top = (concept, SKOS.topConceptOf, scheme) in schemes
        broader = list(schemes.objects(concept, SKOS.broader))
        assert top != bool(broader), f"{concept} must be either a top concept or have a broader one"
        for parent in broader:
            assert (parent, SKOS.inScheme, scheme) in schemes
        assert top == ((scheme, SKOS.hasTopConcept, concept) in schemes)


def test_every_scheme_is_described(schemes: Graph):
    assert set(schemes.subjects(RDF.type, SKOS.ConceptScheme)) == set(SCHEMES)
    for scheme in SCHEMES:
        assert {lit.language for lit in schemes.objects(scheme, SKOS.prefLabel)} >= {"fr", "en"}


def test_labels_are_unambiguous_within_a_scheme(schemes: Graph):
    """A folded French label names one concept of a scheme, once (SKOS S13/S14, and loader precision)."""
    for scheme in SCHEMES:
        owners: dict[str, set] = defaultdict(set)
        for concept in schemes.subjects(SKOS.inScheme, scheme):
            own = Counter(
                fold(lit)
                for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
                for lit in schemes.objects(concept, prop)
                if lit.language == "fr"
            )
            duplicated = [label for label, n in own.items() if n > 1]
            assert not duplicated, f"{concept} repeats {duplicated}"
            for label in own:
                owners[label].add(concept)
        shared = {label: c for label, c in owners.items() if len(c) > 1}
        assert not shared, f"labels naming several concepts of {scheme}: {shared}"


def test_axis_scheme_has_exactly_the_seven_axes(schemes: Graph):
    scheme = URIRef(AXIS)
    tops = set(schemes.objects(scheme, SKOS.hasTopConcept))
    assert tops == {AXIS[name] for name in SEVEN_AXES}
    assert set(schemes.subjects(SKOS.topConceptOf, scheme)) == tops


def test_axis_themes(schemes: Graph):
    scheme = URIRef(AXIS)
    for theme in THEMES:
        concept = AXIS[theme]
        assert (concept, SKOS.inScheme, scheme) in schemes, theme
        parents = set(schemes.objects(concept, SKOS.broader))
        assert parents and parents <= {AXIS[name] for name in SEVEN_AXES}, theme


def test_publics(schemes: Graph):
    for public in PUBLICS:
        assert (PUBLIC[public], SKOS.inScheme, URIRef(PUBLIC)) in schemes, public
    bpi_labels = {str(lit) for lit in schemes.objects(PUBLIC.bpi, SKOS.altLabel)}
    assert {"BPI", "réfugiés"} <= bpi_labels


@pytest.mark.parametrize(
    "phrase, concept",
    [
        ("accès au logement", AXIS.logement),
        ("parc privé", AXIS.logement),
        ("bail glissant", AXIS.logement),
        ("accès aux soins", AXIS.sante),
        ("santé mentale", AXIS.sante),
        ("médiation santé", AXIS.sante),
        ("apprentissage du français", AXIS.langue),
        ("Français Langue étrangère", AXIS.langue),
        ("formation linguistique", AXIS.langue),
        ("accès à l'emploi", AXIS.emploi),
        ("insertion professionnelle", AXIS.emploi),
        ("code de la route", AXIS.mobilite),
        ("danse", AXIS.culture),
        ("pratique artistique", AXIS.culture),
        ("la création de liens entre les personnes réfugiées et la France", AXIS["liens-societe"]),
        ("accès aux droits", AXIS["acces-aux-droits"]),
        ("UP2A", AXIS.education),
        ("changement de regards", AXIS["changement-de-regard"]),
        ("lutter contre les préjugés", AXIS["changement-de-regard"]),
        ("interprétariat", AXIS.interpretariat),
        ("étude exploratoire", AXIS["connaissance-des-publics"]),
        ("hébergement collectif", AXIS.hebergement),
        ("professionnaliser les acteurs", AXIS["professionnalisation-des-acteurs"]),
    ],
)
def test_corpus_phrases_match_the_right_axis(concepts, phrase: str, concept: URIRef):
    """The documents' phrases are recognised as their axis, and as nothing else, although the
    labels are general terms matched on lemmas ("changement de regards" by "changement de
    regard", "hébergement collectif" by "hébergement"), not copies of the phrases."""
    found = {hit.concept for hit in concepts.axes.find(concepts.analyse(phrase))}
    assert found == {str(concept).rsplit("/", 1)[1]}


# standard French terms of the field that the documents happen to use too (not copies of their sentences)
STANDARD_TERMS = {
    "accompagnement socio-professionnel",
    "français langue étrangère",
    "moins de 25 ans",
    "18-25 ans",
    "étrangers primo-arrivants",
}


def test_axis_and_public_labels_are_not_copied_phrases(schemes: Graph):
    """Labels of the axis and public schemes are names and synonyms: an alt or hidden label of
    three words or more (after the articles and de/à/en) that occurs verbatim in a corpus document
    is a copied phrase unless it is a standard term (there were 58 before the labels were rewritten,
    "liens entre les personnes réfugiées et la France", "sensibiliser les nantais"…)."""
    from ctair.loaders.concepts import label_keys
    from ctair.loaders.lemmas import LemmaKeys

    keys = LemmaKeys(use_model=False)
    corpus = " " + fold(" ".join(p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt"))) + " "
    copied = {
        str(lit)
        for scheme in (URIRef(AXIS), URIRef(PUBLIC))
        for concept in schemes.subjects(SKOS.inScheme, scheme)
        for prop in (SKOS.altLabel, SKOS.hiddenLabel)
        for lit in schemes.objects(concept, prop)
        if len(label_keys(str(lit), keys)) >= 3 and f" {fold(lit)} " in corpus
    }
    assert copied <= STANDARD_TERMS, sorted(copied - STANDARD_TERMS)


def test_corpus_uses_the_axis_phrases():
    """The labels asserted above really are the documents' words."""
    corpus = fold(" ".join(p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt")))
    for phrase in (
        "bail glissant",
        "santé mentale",
        "médiation santé",
        "Français Langue étrangère",
        "code de la route",
        "pratique artistique",
        "liens entre les personnes réfugiées et la France",
    ):
        assert fold(phrase) in corpus, phrase


def test_contract_kinds(schemes: Graph):
    for member in ContractKind:
        concept = KIND[member.value]
        assert schemes.value(concept, SKOS.notation) == Literal(member.value)
        assert schemes.value(concept, SKOS.prefLabel) is not None
    assert (KIND.CTAIR, DCTERMS.isReplacedBy, KIND.CTAI) in schemes
    assert (KIND.PTAIR, DCTERMS.isReplacedBy, KIND.PTAI) in schemes
    fr = {str(lit) for lit in schemes.objects(KIND.CTAIR, SKOS.prefLabel) if lit.language == "fr"}
    assert fr == {"Contrat territorial pour l'accueil et l'intégration des réfugiés"}


@pytest.mark.parametrize("role, code, hxl", [("operator", "4", "+impl"), ("funder", "1", "+funder")])
def test_roles_map_to_iati_and_hxl(schemes: Graph, role: str, code: str, hxl: str):
    concept = ROLE[role]
    assert schemes.value(concept, CTAIR.iatiRoleCode) == Literal(code)
    assert Literal(hxl) in set(schemes.objects(concept, CTAIR.hxlAttribute))
    iati = URIRef(f"https://iatistandard.org/en/iati-standard/203/codelists/organisationrole/#{code}")
    assert (concept, SKOS.exactMatch, iati) in schemes


def test_euro_is_matched_to_qudt(schemes: Graph):
    matches = set(schemes.objects(UNIT.euro, SKOS.closeMatch)) | set(schemes.objects(UNIT.euro, SKOS.exactMatch))
    assert URIRef("http://qudt.org/vocab/unit/CCY_EUR") in matches


# --- shapes.ttl ----------------------------------------------------------------------------------


def _data(vocabulary: Graph, *sources: Path | Graph) -> Graph:
    graph = Graph()
    graph += vocabulary
    for source in sources:
        if isinstance(source, Graph):
            graph += source
        else:
            graph.parse(source)
    return graph


def _results(data: Graph, shapes: Graph, inference: str = "none") -> set[tuple]:
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference=inference)
    assert isinstance(report, Graph), text
    (report_node,) = report.subjects(RDF.type, SH.ValidationReport)
    results = {  # top-level results only (not the sh:detail of a failed sh:node)
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.sourceConstraintComponent))
        for r in report.objects(report_node, SH.result)
    }
    assert conforms == (not results), text
    return results


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_valid_fixture_conforms(vocabulary: Graph, shapes: Graph, inference: str):
    assert _results(_data(vocabulary, FIXTURES / "valid.ttl"), shapes, inference) == set()


def test_vocabulary_alone_conforms(vocabulary: Graph, shapes: Graph):
    assert _results(_data(vocabulary), shapes) == set()


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_invalid_fixture_gives_exactly_the_expected_violations(vocabulary: Graph, shapes: Graph, inference: str):
    assert _results(_data(vocabulary, FIXTURES / "invalid.ttl"), shapes, inference) == {
        (ID["contract/nancy-ctair"], CTAIR.contractKind, SH.MinCountConstraintComponent),
        (ID["contract/nancy-ptair"], CTAIR.territory, SH.MaxCountConstraintComponent),
        (ID["source/demo/5000-4000"], NIF.beginIndex, SH.LessThanConstraintComponent),
        (ID["action/nancy/demo-1/quantity/1"], CTAIR.unit, SH.MinCountConstraintComponent),
    }


ACTION = ID["action/lyon/diair-actions-ctair-2019-1"]
MENTION = ID["source/diair-actions-ctair-2019/4069-4173"]
SOLIHA = ID["organisation/soliha"]
LYON = ID["territory/lyon"]
CONTRACT = ID["contract/lyon-ctair"]
SOURCE = ID["source/diair-actions-ctair-2019"]
QUANTITY = ID["action/lyon/diair-actions-ctair-2019-1/quantity/1"]
PARTICIPATION = ID["action/lyon/diair-actions-ctair-2019-1/operator/soliha"]

MUTATIONS = {
    # name: (triples to remove, triples to add, expected (focus, path, component) results)
    "anchor-not-the-span": (
        [(MENTION, NIF.anchorOf, None)],
        [(MENTION, NIF.anchorOf, Literal("Le projet consiste à capter 5 logements."))],
        {(MENTION, NIF.anchorOf, SH.SPARQLConstraintComponent)},
    ),
    "begin-not-an-integer": (
        [(MENTION, NIF.beginIndex, None)],
        [(MENTION, NIF.beginIndex, Literal("4069.0", datatype=XSD.decimal))],
        {(MENTION, NIF.beginIndex, SH.DatatypeConstraintComponent)},
    ),
    "participation-without-shortcut": (
        [(ACTION, CTAIR.operator, SOLIHA)],
        [],
        {(ACTION, CTAIR.operator, SH.SPARQLConstraintComponent)},
    ),
    "shortcut-without-participation": (
        [],
        [(ACTION, CTAIR.funder, SOLIHA)],
        {(ACTION, CTAIR.funder, SH.SPARQLConstraintComponent)},
    ),
    "axis-from-another-scheme": (
        [],
        [(ACTION, CTAIR.axis, ROLE.operator)],
        {(ACTION, CTAIR.axis, SH.NodeConstraintComponent)},
    ),
    "unknown-public": (
        [],
        [(ACTION, CTAIR.targetPublic, PUBLIC["refugies"])],
        {(ACTION, CTAIR.targetPublic, SH.NodeConstraintComponent)},
    ),
    "role-not-a-role": (
        [(PARTICIPATION, CTAIR.role, None)],
        [(PARTICIPATION, CTAIR.role, AXIS.logement)],
        {
            (PARTICIPATION, CTAIR.role, SH.NodeConstraintComponent),
            (ACTION, CTAIR.operator, SH.SPARQLConstraintComponent),
        },
    ),
    "method-not-a-method": (
        [(MENTION, CTAIR.extractionMethod, None)],
        [(MENTION, CTAIR.extractionMethod, UNIT.euro)],
        {(MENTION, CTAIR.extractionMethod, SH.NodeConstraintComponent)},
    ),
    "insee-code": (
        [(LYON, CTAIR.inseeCode, None)],
        [(LYON, CTAIR.inseeCode, Literal("6912"))],
        {(LYON, CTAIR.inseeCode, SH.PatternConstraintComponent)},
    ),
    "latitude": (
        [(LYON, GEO.lat, None)],
        [(LYON, GEO.lat, Literal("95.0", datatype=XSD_DECIMAL))],
        {(LYON, GEO.lat, SH.MaxInclusiveConstraintComponent)},
    ),
    "year": (
        [(CONTRACT, CTAIR.year, None)],
        [(CONTRACT, CTAIR.year, Literal(1999))],
        {(CONTRACT, CTAIR.year, SH.MinInclusiveConstraintComponent)},
    ),
    "two-kinds": (
        [],
        [(CONTRACT, CTAIR.contractKind, KIND.CTAI)],
        {(CONTRACT, CTAIR.contractKind, SH.MaxCountConstraintComponent)},
    ),
    "sha256": (
        [(SOURCE, CTAIR.sha256, None)],
        [(SOURCE, CTAIR.sha256, Literal("677891E62E72A4C0EAB886F392AEEF3942B67864B3647DD23B3036A0A39F50E8"))],
        {(SOURCE, CTAIR.sha256, SH.PatternConstraintComponent)},
    ),
    "quantity-value-not-a-number": (
        [(QUANTITY, SCHEMA.value, None)],
        [(QUANTITY, SCHEMA.value, Literal("cinq"))],
        {(QUANTITY, SCHEMA.value, SH.OrConstraintComponent)},
    ),
    "action-without-provenance": (
        [(ACTION, PROV.wasDerivedFrom, None)],
        [],
        {(ACTION, PROV.wasDerivedFrom, SH.MinCountConstraintComponent)},
    ),
    "ordinal-zero": (
        [(ACTION, CTAIR.ordinal, None)],
        [(ACTION, CTAIR.ordinal, Literal(0))],
        {(ACTION, CTAIR.ordinal, SH.MinInclusiveConstraintComponent)},
    ),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutations_of_the_valid_fixture(vocabulary: Graph, shapes: Graph, name: str):
    remove, add, expected = MUTATIONS[name]
    data = _data(vocabulary, FIXTURES / "valid.ttl")
    for pattern in remove:
        assert list(data.triples(pattern)), f"nothing to remove for {pattern}"
        data.remove(pattern)
    for triple in add:
        data.add(triple)
    assert _results(data, shapes) == expected
