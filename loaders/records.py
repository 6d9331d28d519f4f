"""Typed records: what a loader reads out of a document, before any IRI or triple exists.

Loaders produce these and nothing else; ``ctair.graph.emit`` is the only reader.
Every extracted fact carries a :class:`Mention` — the sentence it came from, by character span.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Method(str, Enum):
    """How a fact was obtained."""

    RULE = "rule"
    NER = "ner"
    CURATED = "curated"


class Role(str, Enum):
    """The part an organisation plays in an action (see ontology/schemes.ttl for the IATI/HXL mappings)."""

    OPERATOR = "operator"  # porteur, opérateur, gestionnaire: carries out the action
    PARTNER = "partner"
    FUNDER = "funder"  # cofinanceur
    COORDINATOR = "coordinator"  # pilote, coordonne
    PARTICIPANT = "participant"  # takes part in a working group, a diagnosis…
    SIGNATORY = "signatory"  # signs or carries a contract ("porté par la Ville de Strasbourg")


class ContractKind(str, Enum):
    CTAIR = "CTAIR"
    CTAI = "CTAI"
    PTAIR = "PTAIR"
    PTAI = "PTAI"


# how French text names a contract, for the loaders' patterns: its kind's acronym (longest first,
# "CTAIR" before "CTAI") or the word itself
KIND_NAMES = "|".join(sorted((kind.value for kind in ContractKind), key=len, reverse=True))
CONTRACT_WORD = rf"(?:contrat|{KIND_NAMES})"


class Unit(str, Enum):
    """Units of the quantities the documents give (ontology/schemes.ttl)."""

    EURO = "euro"
    PLACE = "place"  # accommodation places
    DWELLING = "dwelling"  # logements
    BENEFICIARY = "beneficiary"  # BPI, bénéficiaires, réfugiés, personnes, accompagnements
    HOUSEHOLD = "household"  # ménages, familles
    YOUNG_PERSON = "young-person"  # jeunes
    HOUR = "hour"
    MONTH = "month"
    PARTICIPANT = "participant"
    SESSION = "session"  # séances
    PROJECT = "project"
    ORGANISATION = "organisation"  # associations conventionnées
    LANGUAGE = "language"  # traduit en 5 langues
    STUDY = "study"
    TRAINING_PROGRAMME = "training-programme"
    CHILD = "child"
    DAY = "day"
    WEEK = "week"
    YEAR = "year"
    HOUSING_ACCESS = "housing-access"  # accessions au logement (social)
    TERRITORY = "territory"  # territoires, métropoles under contract
    CITY = "city"
    AXIS = "axis"
    INHABITANT = "inhabitant"


class EventKind(str, Enum):
    """What happened on a date (ontology/schemes.ttl, scheme event-kind)."""

    SIGNATURE = "signature"
    START = "start"
    END = "end"
    AMENDMENT = "amendment"
    EXTENSION = "extension"
    RENEWAL = "renewal"
    ADOPTION = "adoption"  # a strategy adopted by the government


# A date at the precision the text gives it: "2021", "2021-10" or "2021-10-21".
PARTIAL_DATE = r"^(?:19|20)\d{2}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"


class Span(Record):
    """Character offsets into the document text as loaded (UTF-8 decoded, unchanged): ``text[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"span end {self.end} must be after start {self.start}")
        return self


class Mention(Record):
    """The sentence (or heading, or list item) a fact was read from."""

    source: str  # SourceDocument.id
    span: Span
    text: str  # exactly document_text[span.start:span.end]
    method: Method = Method.RULE


class SourceDocument(Record):
    """One corpus document, as described by its manifest."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: str  # selects the loader, e.g. "diair-report", "web-article"
    file: str  # file name inside the corpus directory
    title: str
    publisher: str
    issued: date
    url: str | None = None
    license: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    language: str = "fr"
    description: str | None = None
    sources: tuple[str, ...] = ()  # public pages the document's facts come from (a document written for evaluation)


class Participation(Record):
    """An organisation (by registry id) playing a role in an action, a contract or a programme.

    ``mention`` is the sentence that states *this* role (the cue's sentence). A programme's curated
    operator is not a Participation record: it lives in the registry with its public source URL.
    """

    organisation: str  # registry id (canonical slug)
    role: Role
    surface: str  # the spelling used in the document
    mention: Mention


class Quantity(Record):
    """One figure as the document writes it: a value, or a range (minimum and maximum) — never two
    figures for one range; ``approximate`` for "environ"; ``per`` for a rate ("60 … par an");
    ``subset_of`` the index (0-based) of the whole it is part of, in the same owner's quantities
    ("20 primo-arrivants dont 12 BPI"); ``observed`` the date of a dated observation ("Au 19 juin
    2020, 30 ménages…"). Consumers never add a range's bounds or a subset to its whole."""

    value: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    unit: Unit
    label: str  # the words of the document, e.g. "30 places possibles en hébergement collectif"
    mention: Mention
    approximate: bool = False
    per: Unit | None = None  # the period of a rate: year, month, week or day
    subset_of: int | None = Field(default=None, ge=0)
    observed: str | None = Field(default=None, pattern=PARTIAL_DATE)
    funder: str | None = None  # organisation id providing an amount, where the text says whose money it is

    @model_validator(mode="after")
    def _value_or_range(self) -> Quantity:
        if (self.value is None) == (self.minimum is None and self.maximum is None):
            raise ValueError("a quantity has either a value or a minimum/maximum range")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"range minimum {self.minimum} above its maximum {self.maximum}")
        if self.per is not None and self.per not in (Unit.YEAR, Unit.MONTH, Unit.WEEK, Unit.DAY):
            raise ValueError(f"a rate is per year, month, week or day, not per {self.per.value}")
        return self


class DatedEvent(Record):
    """A dated fact about a contract, an action or the national strategy, with its own sentence."""

    kind: EventKind
    date: str = Field(pattern=PARTIAL_DATE)
    mention: Mention


class ProgrammeRef(Record):
    """A programme or scheme (ACCELAIR, Volont'R…) named in an action: not an organisation."""

    programme: str  # programme registry id
    surface: str
    mention: Mention
    operator: Participation | None = None  # only when the document itself says who runs it


class AxisRef(Record):
    axis: str  # local name of a skos:Concept of the axis scheme (ontology/schemes.ttl), e.g. "logement"
    mention: Mention

    @property
    def concept(self) -> str:
        return self.axis


class PublicRef(Record):
    public: str  # local name of a skos:Concept of the target-public scheme, e.g. "bpi", "jeunes"
    mention: Mention

    @property
    def concept(self) -> str:
        return self.public


class ActionKey(Record):
    """Names an action of another document: the same action described twice gets one IRI."""

    source: str
    ordinal: int = Field(ge=1)


class Action(Record):
    territory: str  # territory registry id
    ordinal: int = Field(ge=1)  # position of the action within its territory section of the source
    label: str
    description: str
    mention: Mention  # the whole action (heading to last paragraph)
    participations: tuple[Participation, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    axes: tuple[AxisRef, ...] = ()
    publics: tuple[PublicRef, ...] = ()
    programmes: tuple[ProgrammeRef, ...] = ()
    events: tuple[DatedEvent, ...] = ()  # start / end of the action's period
    same_as: ActionKey | None = None  # set by the pipeline when another document describes it first
    # a document that only names an action by its name ("Une action spécifique … : Ensemble !"),
    # which may be the action another document describes: the pipeline looks for it by that name
    named_reference: bool = False


class Person(Record):
    name: str
    title: str | None = None  # the function the document gives, e.g. "maire d'Autun"
    mention: Mention
    head_of: str | None = None  # organisation id the person heads, where the text says so


class Contract(Record):
    """A territory's contract of a given kind; its identity is (territory, kind).

    ``year`` is the year the contract was concluded or in force, only where a sentence states it
    (``year_mention``). The article's zooms are contracts: their labelled fields fill
    ``description`` (idée de départ), ``goals``, ``specificities`` and ``key_points``.
    """

    territory: str
    kind: ContractKind
    year: int | None = None
    year_mention: Mention | None = None
    mention: Mention
    participations: tuple[Participation, ...] = ()
    coordinators: tuple[Person, ...] = ()
    axes: tuple[AxisRef, ...] = ()  # the themes a contract's introduction lists
    publics: tuple[PublicRef, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    events: tuple[DatedEvent, ...] = ()  # signature, start, end, amendments, extensions
    description: str | None = None
    goals: str | None = None
    specificities: str | None = None
    key_points: str | None = None

    @property
    def signatories(self) -> tuple[Participation, ...]:
        return tuple(p for p in self.participations if p.role is Role.SIGNATORY)

    def with_year_of_signature(self) -> Contract:
        """A contract whose year no sentence gives, but whose signature date one does ("signé le
        21 octobre 2021"): that sentence states its year too."""
        if self.year is not None:
            return self
        signature = next((e for e in self.events if e.kind is EventKind.SIGNATURE), None)
        if signature is None:
            return self
        return self.model_copy(update={"year": int(signature.date[:4]), "year_mention": signature.mention})

    @model_validator(mode="after")
    def _year_has_its_sentence(self) -> Contract:
        if self.year is not None and self.year_mention is None:
            raise ValueError(f"contract {self.territory}/{self.kind.value}: a year needs the sentence that states it")
        return self


class NationalProgramme(Record):
    """What a document says about the national programme rather than one territory: the strategy's
    adoption, counts of territories under contract, funding, the delegate and the institutions."""

    events: tuple[DatedEvent, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    participations: tuple[Participation, ...] = ()
    people: tuple[Person, ...] = ()


class TerritoryMention(Record):
    territory: str  # territory registry id
    mention: Mention


# ``ner_label`` of an UnresolvedMention that is a territory the registry does not know (a report
# section or an article zoom): the build stops on it rather than dropping the territory's contract.
UNKNOWN_TERRITORY = "TERRITORY"


class UnresolvedMention(Record):
    """A name that looks like an organisation but that the registry does not know: reported, never minted."""

    surface: str
    mention: Mention
    territory: str | None = None
    ner_label: str | None = None


class DocumentRecords(Record):
    """Everything one loader read from one document."""

    source: SourceDocument
    territories: tuple[TerritoryMention, ...] = ()
    contracts: tuple[Contract, ...] = ()
    actions: tuple[Action, ...] = ()
    programme: NationalProgramme = NationalProgramme()
    unresolved: tuple[UnresolvedMention, ...] = ()
