"""Scoring the extraction against the hand annotation in ``corpus/curation/expectations/*.toml``.

Facts compared (as tuples, set semantics):

* ``contract``      (source, territory, kind, year)
* ``signatory``     (source, territory, kind, organisation)
* ``coordinator``   (source, territory, kind, person name)
* ``action``        (source, territory, ordinal)
* ``participation`` (source, territory, ordinal, organisation, role)
* ``quantity``      (source, territory, ordinal, value, unit)

Only documents that have an expectations file are scored.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .corpus import read_toml
from .errors import InputError
from .records import ContractKind, DocumentRecords, Role, Unit
from .registry import Registry, _validate

Fact = tuple


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExpectedParticipation(_Model):
    organisation: str
    role: Role


class ExpectedQuantity(_Model):
    value: Decimal
    unit: Unit


class ExpectedAction(_Model):
    territory: str
    ordinal: int = Field(ge=1)
    label: str | None = None
    participations: tuple[ExpectedParticipation, ...] = ()
    quantities: tuple[ExpectedQuantity, ...] = ()


class ExpectedPerson(_Model):
    name: str
    title: str | None = None


class ExpectedContract(_Model):
    territory: str
    kind: ContractKind
    year: int | None = None
    signatories: tuple[str, ...] = ()
    coordinators: tuple[ExpectedPerson, ...] = ()


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


class Expectations(_Model):
    source: str
    contracts: tuple[ExpectedContract, ...] = ()
    actions: tuple[ExpectedAction, ...] = ()

    def facts(self) -> set[Fact]:
        s = self.source
        out: set[Fact] = set()
        for c in self.contracts:
            out.add(("contract", s, c.territory, c.kind.value, c.year))
            out.update(("signatory", s, c.territory, c.kind.value, o) for o in c.signatories)
            out.update(("coordinator", s, c.territory, c.kind.value, p.name) for p in c.coordinators)
        for a in self.actions:
            out.add(("action", s, a.territory, a.ordinal))
            out.update(("participation", s, a.territory, a.ordinal, p.organisation, p.role.value) for p in a.participations)
            out.update(("quantity", s, a.territory, a.ordinal, _number(q.value), q.unit.value) for q in a.quantities)
        return out


def load_expectations(directory: Path, registry: Registry) -> dict[str, Expectations]:
    out: dict[str, Expectations] = {}
    if not Path(directory).is_dir():
        return out
    for path in sorted(Path(directory).glob("*.toml")):
        data, raw = read_toml(path)
        expectations = _validate(path, raw, data, Expectations, "actions")
        if expectations.source != path.stem:
            raise InputError(path, f"source {expectations.source!r} must be the file's name ({path.stem!r})", 1)
        lines = raw.splitlines()
        def line_of_value(value: str) -> int | None:
            return next((n for n, l in enumerate(lines, 1) if f'"{value}"' in l), None)
        for contract in expectations.contracts:
            for ident in (contract.territory,):
                if ident not in registry.territories:
                    raise InputError(path, f"unknown territory {ident!r}", line_of_value(ident))
            for org in contract.signatories:
                if org not in registry.organisations:
                    raise InputError(path, f"unknown organisation {org!r}", line_of_value(org))
        for action in expectations.actions:
            if action.territory not in registry.territories:
                raise InputError(path, f"unknown territory {action.territory!r}", line_of_value(action.territory))
            for p in action.participations:
                if p.organisation not in registry.organisations:
                    raise InputError(path, f"unknown organisation {p.organisation!r}", line_of_value(p.organisation))
        out[expectations.source] = expectations
    return out


def facts_of(records: DocumentRecords) -> set[Fact]:
    s = records.source.id
    out: set[Fact] = set()
    for c in records.contracts:
        out.add(("contract", s, c.territory, c.kind.value, c.year))
        out.update(("signatory", s, c.territory, c.kind.value, p.organisation) for p in c.signatories)
        out.update(("coordinator", s, c.territory, c.kind.value, p.name) for p in c.coordinators)
    for a in records.actions:
        out.add(("action", s, a.territory, a.ordinal))
        out.update(("participation", s, a.territory, a.ordinal, p.organisation, p.role.value) for p in a.participations)
        out.update(("quantity", s, a.territory, a.ordinal, _number(q.value), q.unit.value) for q in a.quantities)
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
        return (f"precision {self.precision:.3f} recall {self.recall:.3f} "
                f"(tp {self.true_positives}, spurious {self.false_positives}, missing {self.false_negatives})")


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

    def to_json(self) -> dict:
        def score(s: Score) -> dict:
            return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "true_positives": s.true_positives,
                    "spurious": s.false_positives, "missing": s.false_negatives}

        return {
            "overall": score(self.overall),
            "per_document": {k: score(v) for k, v in self.per_document.items()},
            "per_category": {k: score(v) for k, v in self.per_category.items()},
            "missing": [[str(x) for x in f] for f in self.missing],
            "spurious": [[str(x) for x in f] for f in self.spurious],
            "actions_per_territory": self.actions_per_territory,
            "unevaluated": self.unevaluated,
        }

    def summary(self) -> str:
        lines = [f"  {source:32} {score}" for source, score in self.per_document.items()]
        lines.append(f"  {'overall':32} {self.overall}")
        lines += [f"    {category:14} {score}" for category, score in self.per_category.items()]
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
    categories = sorted({f[0] for f in all_found | all_expected})
    per_category = {c: _score({f for f in all_found if f[0] == c}, {f for f in all_expected if f[0] == c}) for c in categories}
    key = lambda f: tuple(str(x) for x in f)
    return EvaluationReport(
        per_document=per_document,
        overall=_score(all_found, all_expected),
        per_category=per_category,
        missing=sorted(all_expected - all_found, key=key),
        spurious=sorted(all_found - all_expected, key=key),
        actions_per_territory=dict(counts),
        unevaluated=unevaluated,
    )
