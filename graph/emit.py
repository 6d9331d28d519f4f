"""The one emitter: typed records in, triples out.

It mints every IRI through :class:`ctair.graph.iris.IriMinter`, names every term through
``ctair.ontology.vocab`` and stamps every fact with the mention it was read from
(see ``ontology/README.md`` for the shape of what it writes).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Triple

from ctair.loaders.records import Action, Contract, DocumentRecords, Mention, Participation, Person, Role
from ctair.ontology.vocab import (
    AXIS, CONTRACT_KIND, CTAIR, DCTERMS, GEO, GEOSPARQL, METHOD, NIF, OWL, PROV, PUBLIC, RDF, RDFS, ROLE, SCHEMA, SKOS,
    UNIT, WD, XSD,
)

from .iris import IriMinter


ROLE_SHORTCUT = {
    Role.OPERATOR: CTAIR.operator,
    Role.PARTNER: CTAIR.partner,
    Role.FUNDER: CTAIR.funder,
    Role.COORDINATOR: CTAIR.coordinatedBy,
    Role.PARTICIPANT: CTAIR.participant,
}
TERRITORY_CLASS = {"city": CTAIR.City, "metropole": CTAIR.Metropole, "intercommunality": CTAIR.Intercommunality}
ORGANISATION_CLASS = {
    "association": CTAIR.Association,
    "public-body": CTAIR.PublicBody,
    "company": CTAIR.Company,
    "collectivity": CTAIR.Collectivity,
    "research-body": CTAIR.ResearchBody,
}


def fr(text: str) -> Literal:
    return Literal(text, language="fr")


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def decimal(value: Decimal | float | str) -> Literal:
    return Literal(format(Decimal(str(value)).normalize(), "f"), datatype=XSD.decimal)


class Emitter:
    def __init__(self, minter: IriMinter, territory_labels: Mapping[str, str] | None = None):
        self.iri = minter
        self.territory_labels = territory_labels or {}  # for readable contract labels

    # --- curated registry --------------------------------------------------------------
    def registry(self, registry) -> Iterator[Triple]:
        for territory in registry.territories.values():
            yield from self._territory(territory)
        for organisation in registry.organisations.values():
            yield from self._organisation(organisation)

    def _territory(self, t) -> Iterator[Triple]:
        s = self.iri.territory(t.id)
        yield Triple(s, RDF.type, CTAIR.Territory)
        if t.kind in TERRITORY_CLASS:
            yield Triple(s, RDF.type, TERRITORY_CLASS[t.kind])
        yield Triple(s, RDFS.label, fr(t.label))
        yield Triple(s, DCTERMS.identifier, Literal(t.id))
        for alt in t.alt_labels:
            yield Triple(s, SKOS.altLabel, fr(alt))
        for field, predicate in (("insee", CTAIR.inseeCode), ("siren", CTAIR.sirenCode), ("department", CTAIR.department)):
            if getattr(t, field, None):
                yield Triple(s, predicate, Literal(getattr(t, field)))
        if t.lat is not None and t.long is not None:
            yield Triple(s, GEO.lat, decimal(t.lat))
            yield Triple(s, GEO.long, decimal(t.long))
            g = self.iri.geometry(t.id)
            yield Triple(s, GEOSPARQL.hasGeometry, g)
            yield Triple(g, RDF.type, GEOSPARQL.Geometry)
            wkt = f"POINT({decimal(t.long).value} {decimal(t.lat).value})"
            yield Triple(g, GEOSPARQL.asWKT, Literal(wkt, datatype=GEOSPARQL.wktLiteral))
        if getattr(t, "insee", None):  # INSEE's code-based commune IRI (seeAlso: a territory is not always the commune)
            yield Triple(s, RDFS.seeAlso, NamedNode(f"http://id.insee.fr/geo/commune/{t.insee}"))
        if t.wikidata:
            yield Triple(s, OWL.sameAs, WD[t.wikidata])

    def _organisation(self, o) -> Iterator[Triple]:
        s = self.iri.organisation(o.id)
        yield Triple(s, RDF.type, CTAIR.Organisation)
        if o.kind in ORGANISATION_CLASS:
            yield Triple(s, RDF.type, ORGANISATION_CLASS[o.kind])
        yield Triple(s, RDFS.label, fr(o.name))
        yield Triple(s, DCTERMS.identifier, Literal(o.id))
        for alias in o.alt_labels:
            yield Triple(s, SKOS.altLabel, Literal(alias))
        if o.wikidata:
            yield Triple(s, OWL.sameAs, WD[o.wikidata])
        if o.siren:
            yield Triple(s, CTAIR.sirenCode, Literal(o.siren))
        if o.rna:
            yield Triple(s, CTAIR.rnaCode, Literal(o.rna))

    # --- one source document -----------------------------------------------------------
    def document(self, records: DocumentRecords) -> Iterator[Triple]:
        source = records.source
        s = self.iri.source(source.id)
        yield Triple(s, RDF.type, CTAIR.SourceDocument)
        yield Triple(s, DCTERMS.identifier, Literal(source.id))
        yield Triple(s, DCTERMS.title, fr(source.title))
        yield Triple(s, DCTERMS.publisher, Literal(source.publisher))
        yield Triple(s, DCTERMS.issued, Literal(source.issued.isoformat(), datatype=XSD.date))
        yield Triple(s, DCTERMS.license, NamedNode(source.license))
        yield Triple(s, DCTERMS.language, Literal(source.language))
        yield Triple(s, CTAIR.sha256, Literal(source.sha256))
        yield Triple(s, CTAIR.fileName, Literal(source.file))
        yield Triple(s, CTAIR.documentKind, Literal(source.kind))
        if source.url:
            yield Triple(s, DCTERMS.source, NamedNode(source.url))
        if source.description:
            yield Triple(s, DCTERMS.description, Literal(source.description, language="en"))
        self._mentions: dict[NamedNode, Mention] = {}
        for contract in records.contracts:
            yield from self._contract(contract)
        for action in records.actions:
            yield from self._action(action, records)
        for unresolved in records.unresolved:
            u = self.iri.unresolved(source.id, unresolved.mention.span.start, unresolved.mention.span.end)
            yield Triple(u, RDF.type, CTAIR.UnresolvedMention)
            yield Triple(u, CTAIR.surfaceForm, Literal(unresolved.surface))
            if unresolved.ner_label:
                yield Triple(u, CTAIR.nerLabel, Literal(unresolved.ner_label))
            if unresolved.territory:
                yield Triple(u, CTAIR.territory, self.iri.territory(unresolved.territory))
            yield self._derived(u, unresolved.mention)
        for m, mention in self._mentions.items():
            yield from self._mention(m, mention)

    def _derived(self, subject: NamedNode, mention: Mention) -> Triple:
        m = self.iri.mention(mention.source, mention.span.start, mention.span.end)
        # A sentence that backs several facts is described once; the rule wins over NER/curated labels.
        if m not in self._mentions or mention.method.value == "rule":
            self._mentions[m] = mention
        return Triple(subject, PROV.wasDerivedFrom, m)

    def _mention(self, m: NamedNode, mention: Mention) -> Iterator[Triple]:
        yield Triple(m, RDF.type, CTAIR.Mention)
        yield Triple(m, NIF.beginIndex, integer(mention.span.start))
        yield Triple(m, NIF.endIndex, integer(mention.span.end))
        yield Triple(m, NIF.anchorOf, Literal(mention.text))
        yield Triple(m, PROV.wasQuotedFrom, self.iri.source(mention.source))
        yield Triple(m, CTAIR.extractionMethod, METHOD[mention.method.value])

    def _contract(self, contract: Contract) -> Iterator[Triple]:
        c = self.iri.contract(contract.territory, contract.kind.value)
        yield Triple(c, RDF.type, CTAIR.Contract)
        territory = self.territory_labels.get(contract.territory, contract.territory)
        yield Triple(c, RDFS.label, fr(f"{contract.kind.value} — {territory}"))
        yield Triple(c, CTAIR.contractKind, CONTRACT_KIND[contract.kind.value])
        yield Triple(c, CTAIR.territory, self.iri.territory(contract.territory))
        if contract.year is not None:
            yield Triple(c, CTAIR.year, integer(contract.year))
        yield self._derived(c, contract.mention)
        for signatory in contract.signatories:
            yield Triple(c, CTAIR.signatory, self.iri.organisation(signatory.organisation))
            yield self._derived(c, signatory.mention)
        for person in contract.coordinators:
            yield from self._person(person)
            yield Triple(c, CTAIR.coordinator, self.iri.person(person.name))
        for axis in contract.axes:
            yield Triple(c, CTAIR.axis, AXIS[axis.axis])
            yield self._derived(c, axis.mention)

    def _person(self, person: Person) -> Iterator[Triple]:
        p = self.iri.person(person.name)
        yield Triple(p, RDF.type, SCHEMA.Person)
        yield Triple(p, RDFS.label, Literal(person.name))
        yield Triple(p, SCHEMA.name, Literal(person.name))
        if person.title:
            yield Triple(p, SCHEMA.jobTitle, fr(person.title))
        yield self._derived(p, person.mention)

    def _action(self, action: Action, records: DocumentRecords) -> Iterator[Triple]:
        a = self.iri.action(action.territory, records.source.id, action.ordinal)
        yield Triple(a, RDF.type, CTAIR.Action)
        yield Triple(a, RDFS.label, fr(action.label))
        yield Triple(a, DCTERMS.description, fr(action.description))
        yield Triple(a, CTAIR.ordinal, integer(action.ordinal))
        yield Triple(a, CTAIR.territory, self.iri.territory(action.territory))
        contract = _contract_of(action, records)
        if contract is not None:
            yield Triple(a, CTAIR.contract, self.iri.contract(contract.territory, contract.kind.value))
        yield self._derived(a, action.mention)
        for axis in action.axes:
            yield Triple(a, CTAIR.axis, AXIS[axis.axis])
            yield self._derived(a, axis.mention)
        for public in action.publics:
            yield Triple(a, CTAIR.targetPublic, PUBLIC[public.public])
            yield self._derived(a, public.mention)
        for participation in action.participations:
            yield from self._participation(a, participation)
        for index, quantity in enumerate(action.quantities, start=1):
            q = self.iri.quantity(a, index)
            yield Triple(a, CTAIR.quantity, q)
            yield Triple(q, RDF.type, CTAIR.Quantity)
            yield Triple(q, SCHEMA.value, decimal(quantity.value))
            yield Triple(q, CTAIR.unit, UNIT[quantity.unit.value])
            yield Triple(q, RDFS.label, fr(quantity.label))
            yield self._derived(q, quantity.mention)

    def _participation(self, a: NamedNode, participation: Participation) -> Iterator[Triple]:
        organisation = self.iri.organisation(participation.organisation)
        p = self.iri.participation(a, participation.role.value, participation.organisation)
        yield Triple(a, CTAIR.participation, p)
        yield Triple(a, ROLE_SHORTCUT[participation.role], organisation)
        yield Triple(p, RDF.type, CTAIR.Participation)
        yield Triple(p, CTAIR.organisation, organisation)
        yield Triple(p, CTAIR.role, ROLE[participation.role.value])
        yield Triple(p, CTAIR.surfaceForm, Literal(participation.surface))
        yield self._derived(p, participation.mention)


def _contract_of(action: Action, records: DocumentRecords) -> Contract | None:
    """The contract of the action's territory in the same document (the first, if several kinds)."""
    for contract in records.contracts:
        if contract.territory == action.territory:
            return contract
    return None


def count(triples: Iterable[Triple]) -> int:
    return sum(1 for _ in triples)
