"""The one emitter: typed records in, triples out.

It mints every IRI through :class:`ctair.graph.iris.IriMinter`, names every term through
``ctair.ontology.vocab`` and stamps every fact with the mention it was read from
(see ``ontology/README.md`` for the shape of what it writes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Triple

from ctair.loaders.records import (
    Action,
    AxisRef,
    Contract,
    DatedEvent,
    DocumentRecords,
    EventKind,
    Mention,
    NationalProgramme,
    Participation,
    Person,
    PublicRef,
    Quantity,
    Role,
)
from ctair.ontology.vocab import (
    ADMS,
    AXIS,
    CONTRACT_KIND,
    CTAIR,
    DCTERMS,
    EVENT_KIND,
    GEO,
    GEOSPARQL,
    METHOD,
    NIF,
    ORG,
    OWL,
    PROV,
    PUBLIC,
    RDF,
    RDFS,
    ROLE,
    SCHEMA,
    SKOS,
    UNIT,
    WD,
    XSD,
)

from .iris import IriMinter

if TYPE_CHECKING:
    from ctair.loaders.registry import Organisation, Programme, Registry, Territory

ROLE_SHORTCUT = {
    Role.OPERATOR: CTAIR.operator,
    Role.PARTNER: CTAIR.partner,
    Role.FUNDER: CTAIR.funder,
    Role.COORDINATOR: CTAIR.coordinatedBy,
    Role.PARTICIPANT: CTAIR.participant,
    Role.SIGNATORY: CTAIR.signatory,
}
EVENT_SHORTCUT = {
    EventKind.SIGNATURE: CTAIR.signatureDate,
    EventKind.START: SCHEMA.startDate,
    EventKind.END: SCHEMA.endDate,
}
NATIONAL_PROGRAMME_LABEL = (
    "Contractualisation territoriale pour l'accueil et l'intégration des réfugiés",
    "Territorial contracts for the reception and integration of refugees",
)
TERRITORY_CLASS = {"city": CTAIR.City, "metropole": CTAIR.Metropole, "intercommunality": CTAIR.Intercommunality}
ORGANISATION_CLASS = {
    "association": CTAIR.Association,
    "public-body": CTAIR.PublicBody,
    "company": CTAIR.Company,
    "collectivity": CTAIR.Collectivity,
    "research-body": CTAIR.ResearchBody,
    "network": CTAIR.Network,
}


def fr(text: str) -> Literal:
    return Literal(text, language="fr")


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def decimal(value: Decimal | float | str) -> Literal:
    return Literal(format(Decimal(str(value)).normalize(), "f"), datatype=XSD.decimal)


def partial_date(iso: str) -> Literal:
    """A date at the precision the text gives: xsd:gYear, xsd:gYearMonth or xsd:date."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(iso), XSD.date)
    return Literal(iso, datatype=datatype)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD.boolean)


class Emitter:
    def __init__(self, minter: IriMinter, territory_labels: Mapping[str, str] | None = None):
        self.iri = minter
        self.territory_labels = territory_labels or {}  # for readable contract labels

    # --- curated registry --------------------------------------------------------------
    def registry(self, registry: Registry) -> Iterator[Triple]:
        for territory in registry.territories.values():
            yield from self._territory(territory)
        for organisation in registry.organisations.values():
            yield from self._organisation(organisation)
        for programme in registry.programmes.values():
            yield from self._programme(programme)
        n = self.iri.national_programme()
        yield Triple(n, RDF.type, CTAIR.NationalProgramme)
        yield Triple(n, RDFS.label, fr(NATIONAL_PROGRAMME_LABEL[0]))
        yield Triple(n, RDFS.label, Literal(NATIONAL_PROGRAMME_LABEL[1], language="en"))
        yield Triple(n, DCTERMS.identifier, Literal("national"))

    def _programme(self, programme: Programme) -> Iterator[Triple]:
        s = self.iri.programme(programme.id)
        yield Triple(s, RDF.type, CTAIR.Programme)
        yield Triple(s, RDFS.label, fr(programme.name))
        yield Triple(s, DCTERMS.identifier, Literal(programme.id))
        for alias in programme.aliases:
            if alias != programme.name:
                yield Triple(s, SKOS.altLabel, Literal(alias))
        if programme.url:
            yield Triple(s, SCHEMA.url, NamedNode(programme.url))
        if programme.note:
            yield Triple(s, RDFS.comment, Literal(programme.note, language="en"))
        for operator in programme.operators:  # curated: cites its public source, never a corpus sentence
            organisation = self.iri.organisation(operator.organisation)
            p = self.iri.participation(s, Role.OPERATOR.value, operator.organisation)
            yield Triple(s, CTAIR.participation, p)
            yield Triple(s, CTAIR.operator, organisation)
            yield Triple(p, RDF.type, CTAIR.Participation)
            yield Triple(p, CTAIR.organisation, organisation)
            yield Triple(p, CTAIR.role, ROLE[Role.OPERATOR.value])
            yield Triple(p, CTAIR.extractionMethod, METHOD.curated)
            yield Triple(p, DCTERMS.source, NamedNode(operator.source))
            if operator.quote:
                yield Triple(p, RDFS.comment, fr(operator.quote))

    def _territory(self, t: Territory) -> Iterator[Triple]:
        s = self.iri.territory(t.id)
        yield Triple(s, RDF.type, CTAIR.Territory)
        if t.kind in TERRITORY_CLASS:
            yield Triple(s, RDF.type, TERRITORY_CLASS[t.kind])
        yield Triple(s, RDFS.label, fr(t.label))
        yield Triple(s, DCTERMS.identifier, Literal(t.id))
        for alt in t.alt_labels:
            yield Triple(s, SKOS.altLabel, fr(alt))
        for field, predicate in (
            ("insee", CTAIR.inseeCode),
            ("siren", CTAIR.sirenCode),
            ("department", CTAIR.department),
        ):
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
            if t.coordinates_source:  # curated: where the point was read
                yield Triple(g, DCTERMS.source, NamedNode(t.coordinates_source))
                yield Triple(g, CTAIR.extractionMethod, METHOD.curated)
        if getattr(t, "insee", None):  # INSEE's code-based commune IRI (seeAlso: a territory is not always the commune)
            yield Triple(s, RDFS.seeAlso, NamedNode(f"http://id.insee.fr/geo/commune/{t.insee}"))
        if t.wikidata:
            yield Triple(s, OWL.sameAs, WD[t.wikidata])

    def _organisation(self, o: Organisation) -> Iterator[Triple]:
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
        # each public identifier also as an ADMS identifier citing the source it was traced to (curated)
        for scheme, code, agency in (
            ("siren", o.siren, "INSEE (répertoire SIRENE)"),
            ("rna", o.rna, "Ministère de l'Intérieur (RNA)"),
        ):
            if code:
                i = self.iri.identifier(o.id, scheme)
                yield Triple(s, ADMS.identifier, i)
                yield Triple(i, RDF.type, ADMS.Identifier)
                yield Triple(i, SKOS.notation, Literal(code))
                yield Triple(i, DCTERMS.type, Literal(scheme.upper()))
                yield Triple(i, ADMS.schemaAgency, Literal(agency))
                yield Triple(i, CTAIR.extractionMethod, METHOD.curated)
                if o.identifier_source:
                    yield Triple(i, DCTERMS.source, NamedNode(o.identifier_source))
        if o.member_of:
            yield Triple(s, ORG.memberOf, self.iri.organisation(o.member_of))
        if o.sub_organisation_of:
            yield Triple(s, ORG.subOrganizationOf, self.iri.organisation(o.sub_organisation_of))
        if o.territory:
            yield Triple(s, CTAIR.territory, self.iri.territory(o.territory))

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
        self._source_id = source.id
        for contract in records.contracts:
            yield from self._contract(contract)
        for action in records.actions:
            yield from self._action(action, records)
        yield from self._national(records.programme)
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

    def _derived(self, subject: NamedNode, mention: Mention, predicate: NamedNode = PROV.wasDerivedFrom) -> Triple:
        m = self.iri.mention(mention.source, mention.span.start, mention.span.end)
        # A sentence that backs several facts is described once; the rule wins over NER/curated labels.
        if m not in self._mentions or mention.method.value == "rule":
            self._mentions[m] = mention
        return Triple(subject, predicate, m)

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
        if contract.year is not None and contract.year_mention is not None:
            yield Triple(c, CTAIR.year, integer(contract.year))
            yield self._derived(c, contract.year_mention, CTAIR.yearDerivedFrom)
        yield self._derived(c, contract.mention)
        for text, predicate in (
            (contract.description, DCTERMS.description),
            (contract.goals, CTAIR.goal),
            (contract.specificities, CTAIR.specificity),
            (contract.key_points, CTAIR.keyPoint),
        ):
            if text:
                yield Triple(c, predicate, fr(text))
        for participation in contract.participations:
            yield from self._participation(c, participation)
        for person in contract.coordinators:
            yield from self._person(person)
            yield Triple(c, CTAIR.coordinator, self.iri.person(person.name))
        yield from self._assignments(c, contract.axes, contract.publics)
        yield from self._quantities(c, contract.quantities, contract.mention.source)
        for event in contract.events:
            yield from self._event(c, event)

    def _assignments(
        self, subject: NamedNode, axes: tuple[AxisRef, ...], publics: tuple[PublicRef, ...]
    ) -> Iterator[Triple]:
        """Each axis and public of a subject as a qualified fact quoting its own sentence, plus the shortcut."""
        for scheme, refs, shortcut, link, cls, namespace in (
            ("axis", [(a.axis, a.mention) for a in axes], CTAIR.axis, CTAIR.axisAssignment, CTAIR.AxisAssignment, AXIS),
            (
                "public",
                [(p.public, p.mention) for p in publics],
                CTAIR.targetPublic,
                CTAIR.publicAssignment,
                CTAIR.PublicAssignment,
                PUBLIC,
            ),
        ):
            for concept, mention in refs:
                node = self.iri.assignment(subject, scheme, concept)
                yield Triple(subject, shortcut, namespace[concept])
                yield Triple(subject, link, node)
                yield Triple(node, RDF.type, cls)
                yield Triple(node, shortcut, namespace[concept])
                yield self._derived(node, mention)

    def _quantities(
        self, owner: NamedNode, quantities: tuple[Quantity, ...], shared_by: str | None = None
    ) -> Iterator[Triple]:
        """``shared_by``: the source id, when other documents may give figures of the same owner."""
        for index, quantity in enumerate(quantities, start=1):
            q = self.iri.quantity(owner, index, shared_by)
            yield Triple(owner, CTAIR.quantity, q)
            yield Triple(q, RDF.type, CTAIR.Quantity)
            if quantity.value is not None:
                yield Triple(q, SCHEMA.value, decimal(quantity.value))
            if quantity.minimum is not None:
                yield Triple(q, SCHEMA.minValue, decimal(quantity.minimum))
            if quantity.maximum is not None:
                yield Triple(q, SCHEMA.maxValue, decimal(quantity.maximum))
            yield Triple(q, CTAIR.unit, UNIT[quantity.unit.value])
            yield Triple(q, CTAIR.approximate, boolean(quantity.approximate))
            if quantity.per is not None:
                yield Triple(q, CTAIR.ratePeriod, UNIT[quantity.per.value])
            if quantity.subset_of is not None:
                yield Triple(q, CTAIR.subsetOf, self.iri.quantity(owner, quantity.subset_of + 1, shared_by))
            if quantity.observed:
                yield Triple(q, CTAIR.observationDate, partial_date(quantity.observed))
            if quantity.funder:
                yield Triple(q, CTAIR.fundedBy, self.iri.organisation(quantity.funder))
            yield Triple(q, RDFS.label, fr(quantity.label))
            yield self._derived(q, quantity.mention)

    def _event(self, subject: NamedNode, event: DatedEvent) -> Iterator[Triple]:
        e = self.iri.event(subject, event.kind.value, event.date)
        yield Triple(subject, CTAIR.event, e)
        yield Triple(e, RDF.type, CTAIR.DatedEvent)
        yield Triple(e, CTAIR.eventKind, EVENT_KIND[event.kind.value])
        yield Triple(e, CTAIR.eventDate, partial_date(event.date))
        if event.kind in EVENT_SHORTCUT:
            yield Triple(subject, EVENT_SHORTCUT[event.kind], partial_date(event.date))
        yield self._derived(e, event.mention)

    def _national(self, programme: NationalProgramme) -> Iterator[Triple]:
        n = self.iri.national_programme()
        for event in programme.events:
            yield from self._event(n, event)
        yield from self._quantities(n, programme.quantities, self._source_id)
        for participation in programme.participations:
            yield from self._participation(n, participation)
        for person in programme.people:
            yield from self._person(person)

    def _person(self, person: Person) -> Iterator[Triple]:
        p = self.iri.person(person.name)
        yield Triple(p, RDF.type, SCHEMA.Person)
        yield Triple(p, RDFS.label, Literal(person.name))
        yield Triple(p, SCHEMA.name, Literal(person.name))
        if person.title:
            yield Triple(p, SCHEMA.jobTitle, fr(person.title))
        if person.head_of:
            yield Triple(p, ORG.headOf, self.iri.organisation(person.head_of))
        yield self._derived(p, person.mention)

    def _action(self, action: Action, records: DocumentRecords) -> Iterator[Triple]:
        contract = _contract_of(action, records)
        if action.same_as is not None:  # described first by another document: that action, this provenance
            a = self.iri.action(action.territory, action.same_as.source, action.same_as.ordinal)
            yield self._derived(a, action.mention)
        else:
            a = self.iri.action(action.territory, records.source.id, action.ordinal)
            yield Triple(a, RDF.type, CTAIR.Action)
            yield Triple(a, RDFS.label, fr(action.label))
            yield Triple(a, DCTERMS.description, fr(action.description))
            yield Triple(a, CTAIR.ordinal, integer(action.ordinal))
            yield Triple(a, CTAIR.territory, self.iri.territory(action.territory))
            yield self._derived(a, action.mention)
        if contract is not None:
            yield Triple(a, CTAIR.contract, self.iri.contract(contract.territory, contract.kind.value))
        yield from self._assignments(a, action.axes, action.publics)
        for participation in action.participations:
            yield from self._participation(a, participation)
        for reference in action.programmes:
            programme = self.iri.programme(reference.programme)
            yield Triple(a, CTAIR.programme, programme)
            if reference.operator is not None:
                yield from self._participation(programme, reference.operator)
        yield from self._quantities(a, action.quantities, records.source.id if action.same_as else None)
        for event in action.events:
            yield from self._event(a, event)

    def _participation(self, subject: NamedNode, participation: Participation) -> Iterator[Triple]:
        organisation = self.iri.organisation(participation.organisation)
        p = self.iri.participation(subject, participation.role.value, participation.organisation)
        yield Triple(subject, CTAIR.participation, p)
        yield Triple(subject, ROLE_SHORTCUT[participation.role], organisation)
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
