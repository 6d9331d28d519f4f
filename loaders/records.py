"""Typed records: what a loader reads out of a document, before any IRI or triple exists.

Loaders produce these and nothing else; ``ctair.graph.emit`` is the only reader.
Every extracted fact carries a :class:`Mention` — the sentence it came from, by character span.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Literal

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


class ContractKind(str, Enum):
    CTAIR = "CTAIR"
    CTAI = "CTAI"
    PTAIR = "PTAIR"
    PTAI = "PTAI"


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


class Span(Record):
    """Character offsets into the document text as loaded (UTF-8 decoded, unchanged): ``text[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
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


class Participation(Record):
    """An organisation (by registry id) playing a role in an action."""

    organisation: str  # registry id (canonical slug)
    role: Role
    surface: str  # the spelling used in the document
    mention: Mention


class Quantity(Record):
    value: Decimal
    unit: Unit
    label: str  # the words of the document, e.g. "30 places possibles en hébergement collectif"
    mention: Mention
    # added by the loaders (optional): a range "4 à 6 mois" is two quantities, bound "min" (4) and
    # "max" (6), with the same label; "environ 200€" is approximate.
    bound: Literal["min", "max"] | None = None
    approximate: bool = False


class AxisRef(Record):
    axis: str  # local name of a skos:Concept in ontology/axes.ttl, e.g. "logement"
    mention: Mention


class PublicRef(Record):
    public: str  # local name of a skos:Concept of the target-public scheme, e.g. "bpi", "jeunes"
    mention: Mention


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


class Person(Record):
    name: str
    title: str | None = None  # the function the document gives, e.g. "maire d'Autun"
    mention: Mention


class Contract(Record):
    """A territory's contract of a given kind; its identity is (territory, kind)."""

    territory: str
    kind: ContractKind
    year: int | None = None
    mention: Mention
    signatories: tuple[Participation, ...] = ()
    coordinators: tuple[Person, ...] = ()
    axes: tuple[AxisRef, ...] = ()  # the themes a contract's introduction lists


class TerritoryMention(Record):
    territory: str  # territory registry id
    mention: Mention


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
    unresolved: tuple[UnresolvedMention, ...] = ()
