"""Scoring the extraction against hand annotations (``<corpus>/curation/expectations/*.toml``).

The annotations are written by reading the documents (schema in ``docs/annotation.md``), before
and apart from the rules; every fact type is scored on its own, so a weak type cannot hide behind
a strong one. Facts are compared as tuples (set semantics); each type's tuple is below.

======================== ==========================================================================
type                     tuple (after the source id)
======================== ==========================================================================
contract                 territory, kind
contract-year            territory, kind, year
contract-participation   territory, kind, organisation, role
coordinator              territory, kind, person name
contract-date            territory, kind, event (signature/start/end/amendment…), date as written
contract-axis            territory, kind, axis
contract-quantity        territory, kind, quantity (see below)
action                   territory, ordinal
action-link              territory, ordinal, the other document's source and ordinal
participation            territory, ordinal, organisation, role
programme                territory, ordinal, programme
programme-operator       programme, organisation (what a document says runs it)
quantity                 territory, ordinal, quantity
axis                     territory, ordinal, axis
public                   territory, ordinal, target public
action-date              territory, ordinal, start/end, date as written
national                 the programme fact's kind and its values
======================== ==========================================================================

A quantity is compared whole: value or minimum/maximum, unit, approximate, rate period, the
whole it is a part of (by that whole's value and unit), and its observation date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .corpus import read_toml
from .errors import InputError
from .records import PARTIAL_DATE, ContractKind, DocumentRecords, EventKind, Quantity, Role, Unit
from .registry import Registry, _validate

# ("kind", source, key..., values...): heterogeneous, compared whole and printed
Fact = tuple[object, ...]
# value, minimum, maximum, unit, approximate, per, whole (value, unit), observed
QuantityKey = tuple[
    str | None, str | None, str | None, str, bool, str | None, tuple[str | None, str] | None, str | None
]
ContractKey = tuple[str, str, str]  # source, territory, kind
ActionKey = tuple[str, str, int]  # source, territory, ordinal
Dates = Sequence[tuple[str, str | None]]  # (event kind, partial date)
FACT_TYPES = (
    "contract",
    "contract-year",
    "contract-participation",
    "coordinator",
    "contract-date",
    "contract-axis",
    "contract-quantity",
    "action",
    "action-link",
    "participation",
    "programme",
    "programme-operator",
    "quantity",
    "axis",
    "public",
    "action-date",
    "national",
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExpectedParticipation(_Model):
    organisation: str
    role: Role


class ExpectedQuantity(_Model):
    value: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    unit: Unit
    approximate: bool = False
    per: Unit | None = None
    subset_of: int | None = Field(default=None, ge=1)  # 1-based index of the whole in the same list
    observed: str | None = Field(default=None, pattern=PARTIAL_DATE)
    label: str | None = None
    note: str | None = None


class ExpectedPeriod(_Model):
    start: str | None = Field(default=None, pattern=PARTIAL_DATE)
    end: str | None = Field(default=None, pattern=PARTIAL_DATE)


class ExpectedEvent(_Model):
    kind: EventKind
    date: str | None = Field(default=None, pattern=PARTIAL_DATE)  # an event the text does not date


class ExpectedPerson(_Model):
    name: str
    title: str | None = None


class ExpectedProgrammeRef(_Model):
    programme: str
    operator: str | None = None


class ActionRef(_Model):
    source: str
    ordinal: int = Field(ge=1)


class ExpectedContract(_Model):
    territory: str
    kind: ContractKind
    year: int | None = None
    year_quote: str | None = None
    signed: str | None = Field(default=None, pattern=PARTIAL_DATE)
    period: ExpectedPeriod | None = None
    events: tuple[ExpectedEvent, ...] = ()
    description: bool | None = None
    coordinators: tuple[ExpectedPerson, ...] = ()
    participations: tuple[ExpectedParticipation, ...] = ()
    axes: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    quantities: tuple[ExpectedQuantity, ...] = ()
    programmes: tuple[ExpectedProgrammeRef, ...] = ()  # named by the contract itself (not scored yet)
    note: str | None = None


class ExpectedAction(_Model):
    territory: str
    ordinal: int = Field(ge=1)
    label: str | None = None
    same_as: ActionRef | None = None
    participations: tuple[ExpectedParticipation, ...] = ()
    programmes: tuple[ExpectedProgrammeRef, ...] = ()
    quantities: tuple[ExpectedQuantity, ...] = ()
    axes: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    period: ExpectedPeriod | None = None
    note: str | None = None


class ExpectedNationalFact(_Model):
    fact: str
    date: str | None = Field(default=None, pattern=PARTIAL_DATE)
    value: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    of: Decimal | None = None
    unit: Unit | None = None
    scope: str | None = None  # e.g. "per-contract": an amount each contract gets
    observed: str | None = Field(default=None, pattern=PARTIAL_DATE)
    year: int | None = None
    organisation: str | None = None
    person: str | None = None
    role: Role | None = None
    quote: str | None = None
    note: str | None = None


class Expectations(_Model):
    source: str
    issued: str | None = Field(default=None, pattern=PARTIAL_DATE)
    contracts: tuple[ExpectedContract, ...] = ()
    actions: tuple[ExpectedAction, ...] = ()
    programme: tuple[ExpectedNationalFact, ...] = ()

    def facts(self) -> set[Fact]:
        s = self.source
        out: set[Fact] = set()
        for c in self.contracts:
            dates: list[tuple[str, str | None]] = [(EventKind.SIGNATURE.value, c.signed)] if c.signed else []
            if c.period:
                dates += [(kind, date) for kind, date in (("start", c.period.start), ("end", c.period.end)) if date]
            dates += [(e.kind.value, e.date) for e in c.events]
            out |= _contract_facts(
                (s, c.territory, c.kind.value),
                c.year,
                [(p.organisation, p.role.value) for p in c.participations],
                [p.name for p in c.coordinators],
                dates,
                c.axes,
                _expected_quantities(c.quantities),
            )
        for a in self.actions:
            period = (
                [(kind, date) for kind, date in (("start", a.period.start), ("end", a.period.end)) if date]
                if a.period
                else []
            )
            out |= _action_facts(
                (s, a.territory, a.ordinal),
                (a.same_as.source, a.same_as.ordinal) if a.same_as else None,
                [(p.organisation, p.role.value) for p in a.participations],
                [(p.programme, p.operator) for p in a.programmes],
                _expected_quantities(a.quantities),
                a.axes,
                a.publics,
                period,
            )
        out.update(("national", s, *_national(f)) for f in self.programme)
        return out


def _contract_facts(
    key: ContractKey,
    year: int | None,
    participations: Iterable[tuple[str, str]],
    coordinators: Iterable[str],
    dates: Dates,
    axes: Iterable[str],
    quantities: Iterable[QuantityKey],
) -> set[Fact]:
    """The facts of one contract, from the annotation or from the records alike."""
    out: set[Fact] = {("contract", *key)}
    if year is not None:
        out.add(("contract-year", *key, year))
    out.update(("contract-participation", *key, organisation, role) for organisation, role in participations)
    out.update(("coordinator", *key, name) for name in coordinators)
    out.update(("contract-date", *key, kind, date) for kind, date in dates)
    out.update(("contract-axis", *key, axis) for axis in axes)
    out.update(("contract-quantity", *key, q) for q in quantities)
    return out


def _action_facts(
    key: ActionKey,
    same_as: tuple[str, int] | None,
    participations: Iterable[tuple[str, str]],
    programmes: Sequence[tuple[str, str | None]],
    quantities: Iterable[QuantityKey],
    axes: Iterable[str],
    publics: Iterable[str],
    dates: Dates,
) -> set[Fact]:
    """The facts of one action, from the annotation or from the records alike."""
    out: set[Fact] = {("action", *key)}
    if same_as:
        out.add(("action-link", *key, *same_as))
    out.update(("participation", *key, organisation, role) for organisation, role in participations)
    out.update(("programme", *key, programme) for programme, _ in programmes)
    out.update(("programme-operator", key[0], programme, operator) for programme, operator in programmes if operator)
    out.update(("quantity", *key, q) for q in quantities)
    out.update(("axis", *key, axis) for axis in axes)
    out.update(("public", *key, public) for public in publics)
    out.update(("action-date", *key, kind, date) for kind, date in dates)
    return out


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _quantity_key(
    value: Decimal | None,
    minimum: Decimal | None,
    maximum: Decimal | None,
    unit: Unit,
    approximate: bool,
    per: Unit | None,
    whole: tuple[str | None, str] | None,
    observed: str | None,
) -> QuantityKey:
    return (
        _number(value),
        _number(minimum),
        _number(maximum),
        unit.value,
        approximate,
        per.value if per else None,
        whole,
        observed,
    )


def _expected_quantities(quantities: tuple[ExpectedQuantity, ...]) -> list[QuantityKey]:
    def whole_of(q: ExpectedQuantity) -> tuple[str | None, str] | None:
        if q.subset_of is None or q.subset_of > len(quantities):
            return None
        w = quantities[q.subset_of - 1]
        return (_number(w.value if w.value is not None else w.max), w.unit.value)

    return [
        _quantity_key(q.value, q.min, q.max, q.unit, q.approximate, q.per, whole_of(q), q.observed) for q in quantities
    ]


def _found_quantities(quantities: tuple[Quantity, ...]) -> list[QuantityKey]:
    def whole_of(q: Quantity) -> tuple[str | None, str] | None:
        if q.subset_of is None or q.subset_of >= len(quantities):
            return None
        w = quantities[q.subset_of]
        return (_number(w.value if w.value is not None else w.maximum), w.unit.value)

    return [
        _quantity_key(q.value, q.minimum, q.maximum, q.unit, q.approximate, q.per, whole_of(q), q.observed)
        for q in quantities
    ]


def _national(f: ExpectedNationalFact) -> tuple[object, ...]:
    """The compared values of a national-programme fact, by kind."""
    if f.fact == "strategy-adopted":
        return (f.fact, f.date)
    if f.fact == "strategy-axes":
        return (f.fact, _number(f.value))
    if f.fact == "territories-under-contract":
        return (f.fact, _number(f.value), f.year)
    if f.fact == "funding":
        if f.value is None:  # a range of amounts ("de 150 000 à 300 000 euros")
            return (f.fact, f.organisation, f"{_number(f.min)}–{_number(f.max)}", f.year)
        return (f.fact, f.organisation, _number(f.value), f.year)
    if f.fact == "large-cities-engaged":
        return (f.fact, _number(f.value), _number(f.of))
    if f.fact == "delegate":
        return (f.fact, f.person, f.organisation)
    if f.fact == "institution-role":
        return (f.fact, f.organisation, f.role.value if f.role else None)
    return (f.fact, f.date, _number(f.value), f.organisation, f.person)


def facts_of(records: DocumentRecords) -> set[Fact]:
    s = records.source.id
    out: set[Fact] = set()
    for c in records.contracts:
        out |= _contract_facts(
            (s, c.territory, c.kind.value),
            c.year,
            [(p.organisation, p.role.value) for p in c.participations],
            [p.name for p in c.coordinators],
            [(e.kind.value, e.date) for e in c.events],
            [a.axis for a in c.axes],
            _found_quantities(c.quantities),
        )
    for a in records.actions:
        out |= _action_facts(
            (s, a.territory, a.ordinal),
            (a.same_as.source, a.same_as.ordinal) if a.same_as else None,
            [(p.organisation, p.role.value) for p in a.participations],
            [(p.programme, p.operator.organisation if p.operator else None) for p in a.programmes],
            _found_quantities(a.quantities),
            [x.axis for x in a.axes],
            [x.public for x in a.publics],
            [(e.kind.value, e.date) for e in a.events],
        )
    programme = records.programme
    out.update(("national", s, "strategy-adopted", e.date) for e in programme.events if e.kind is EventKind.ADOPTION)
    quantities = programme.quantities
    wholes = {q.subset_of for q in quantities if q.subset_of is not None}
    for i, q in enumerate(quantities):
        year = int(q.observed[:4]) if q.observed else None
        if q.unit is Unit.AXIS:
            out.add(("national", s, "strategy-axes", _number(q.value)))
        elif q.unit is Unit.TERRITORY:
            out.add(("national", s, "territories-under-contract", _number(q.value), year))
        elif q.unit is Unit.EURO:
            amount = _number(q.value) if q.value is not None else f"{_number(q.minimum)}–{_number(q.maximum)}"
            out.add(("national", s, "funding", q.funder, amount, year))
        elif q.unit is Unit.CITY and q.subset_of is not None:
            out.add(("national", s, "large-cities-engaged", _number(q.value), _number(quantities[q.subset_of].value)))
        elif q.unit is Unit.CITY and i in wholes:
            continue
    out.update(("national", s, "delegate", p.name, p.head_of) for p in programme.people)
    out.update(("national", s, "institution-role", p.organisation, p.role.value) for p in programme.participations)
    return out


def load_expectations(directory: Path, registry: Registry) -> dict[str, Expectations]:
    """Every ``*.toml`` of ``directory``, by source; ids are checked against the registry."""
    out: dict[str, Expectations] = {}
    if not Path(directory).is_dir():
        return out
    for path in sorted(Path(directory).glob("*.toml")):
        data, raw = read_toml(path)
        expectations = _validate(path, raw, data, Expectations, "actions")
        lines = raw.splitlines()

        def check(ident: str, known: Container[str], what: str) -> None:
            if ident not in known:
                line = next((n for n, text in enumerate(lines, 1) if f'"{ident}"' in text), None)
                raise InputError(path, f"unknown {what} {ident!r}", line)

        for contract in expectations.contracts:
            check(contract.territory, registry.territories, "territory")
            for p in contract.participations:
                check(p.organisation, registry.organisations, "organisation")
            for ref in contract.programmes:
                check(ref.programme, registry.programmes, "programme")
        for action in expectations.actions:
            check(action.territory, registry.territories, "territory")
            for p in action.participations:
                check(p.organisation, registry.organisations, "organisation")
            for ref in action.programmes:
                check(ref.programme, registry.programmes, "programme")
                if ref.operator:
                    check(ref.operator, registry.organisations, "organisation")
        previous = out.get(expectations.source)
        if previous is not None:  # several files may annotate one source: their facts add up
            expectations = previous.model_copy(
                update={
                    "contracts": previous.contracts + expectations.contracts,
                    "actions": previous.actions + expectations.actions,
                    "programme": previous.programme + expectations.programme,
                }
            )
        out[expectations.source] = expectations
    return out


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f} recall {self.recall:.3f} "
            f"(tp {self.true_positives}, spurious {self.false_positives}, missing {self.false_negatives})"
        )


def _score(found: set[Fact], expected: set[Fact]) -> Score:
    return Score(len(found & expected), len(found - expected), len(expected - found))


@dataclass(frozen=True)
class EvaluationReport:
    per_document: dict[str, Score]
    overall: Score
    per_category: dict[str, Score]
    missing: list[Fact] = field(default_factory=list)
    spurious: list[Fact] = field(default_factory=list)
    actions_per_territory: dict[str, int] = field(default_factory=dict)  # "source/territory" -> n found
    unevaluated: list[str] = field(default_factory=list)  # sources without expectations

    def to_json(self) -> dict[str, Any]:
        def score(s: Score) -> dict[str, float]:
            return {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "true_positives": s.true_positives,
                "spurious": s.false_positives,
                "missing": s.false_negatives,
            }

        return {
            "overall": score(self.overall),
            "per_document": {k: score(v) for k, v in self.per_document.items()},
            "per_category": {k: score(v) for k, v in self.per_category.items()},
            "missing": [[str(x) for x in f] for f in self.missing],
            "spurious": [[str(x) for x in f] for f in self.spurious],
            "actions_per_territory": self.actions_per_territory,
            "unevaluated": self.unevaluated,
        }

    def summary(self, details: bool = True) -> str:
        lines = [f"  {source:32} {score}" for source, score in self.per_document.items()]
        lines.append(f"  {'overall':32} {self.overall}")
        lines += [f"    {category:24} {score}" for category, score in self.per_category.items()]
        if details:
            lines += [f"  missing  {f}" for f in self.missing]
            lines += [f"  spurious {f}" for f in self.spurious]
        if self.unevaluated:
            lines.append(f"  not evaluated (no expectations): {', '.join(self.unevaluated)}")
        return "\n".join(lines)


def evaluate(records: list[DocumentRecords], expectations: dict[str, Expectations]) -> EvaluationReport:
    per_document: dict[str, Score] = {}
    all_found: set[Fact] = set()
    all_expected: set[Fact] = set()
    unevaluated = []
    counts: Counter[str] = Counter()
    for document in records:
        for action in document.actions:
            counts[f"{document.source.id}/{action.territory}"] += 1
        expected = expectations.get(document.source.id)
        if expected is None:
            unevaluated.append(document.source.id)
            continue
        found, wanted = facts_of(document), expected.facts()
        per_document[document.source.id] = _score(found, wanted)
        all_found |= found
        all_expected |= wanted
    categories = [c for c in FACT_TYPES if any(f[0] == c for f in all_found | all_expected)]
    per_category = {
        c: _score({f for f in all_found if f[0] == c}, {f for f in all_expected if f[0] == c}) for c in categories
    }

    def key(fact: tuple[object, ...]) -> tuple[str, ...]:
        return tuple(str(x) for x in fact)

    return EvaluationReport(
        per_document=per_document,
        overall=_score(all_found, all_expected),
        per_category=per_category,
        missing=sorted(all_expected - all_found, key=key),
        spurious=sorted(all_found - all_expected, key=key),
        actions_per_territory=dict(counts),
        unevaluated=unevaluated,
    )
