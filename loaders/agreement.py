"""Three readings of the axes and publics, their agreement, and the adjudicated expectations.

Axes and target publics are judgements: two careful readers of the same sentence do not always
agree, and a score against one reader's choices measures that reader as much as the rules. So the
axes and publics of the bundled documents were read three times (``corpus/curation/readings/``):

* the *first* reading is the expectations as annotated up to stop 17;
* the *second* is a complete reading by another reader who saw only the texts and
  ``ontology/schemes.ttl`` — not the first reading, the rules or their output;
* the *third* reader decided, yes or no, only the items on which the first two disagree, seeing
  the texts, the schemes and the bare list of items (not who said what).

The expectations hold what the first two readings agree on, plus each disputed item the third
reading says yes to — a majority of three — except where ``adjudication.toml`` overrules the
majority, each time with the reason (an item whose reading rested on a definition the issue tracker
named doubtful and which was then corrected). ``ctair evaluate --agreement`` prints how far the
readers agree, which is the ceiling any rule can be expected to reach on these fact types.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus import read_toml
from .evaluation import Expectations

# (kind, source, territory, ordinal or 0 for a contract, concept); kind: axis | public | contract-axis | contract-public
Item = tuple[str, str, str, int, str]
Reading = frozenset[Item]
KINDS = ("contract-axis", "axis", "contract-public", "public")


def _item(item: dict[str, Any]) -> Item:
    """An item of the third reading or of the overruled list: ``unit`` is "CONTRACT" or "action N"."""
    contract = item["unit"].strip().upper() == "CONTRACT"
    return (
        ("contract-" if contract else "") + item["kind"],
        item["source"],
        item["territory"],
        0 if contract else int(item["unit"].split()[-1]),
        item["concept"],
    )


def read_reading(path: Path) -> Reading:
    """The facts of a complete reading (``[[contracts]]`` and ``[[actions]]`` with axes and publics)."""
    data = read_toml(path)[0]
    facts: set[Item] = set()
    for table, prefix in (("contracts", "contract-"), ("actions", "")):
        for unit in data.get(table, []):
            ordinal = int(unit.get("ordinal", 0))
            for field, kind in (("axes", "axis"), ("publics", "public")):
                facts.update(
                    (prefix + kind, unit["source"], unit["territory"], ordinal, c) for c in unit.get(field, [])
                )
    return frozenset(facts)


def read_decisions(path: Path) -> dict[Item, bool]:
    """The third reading's yes/no per item."""
    return {_item(item): item["answer"].strip() == "yes" for item in read_toml(path)[0].get("item", [])}


@dataclass(frozen=True)
class Adjudication:
    first: Reading
    second: Reading
    third: dict[Item, bool]
    overruled: dict[Item, str]  # item -> why the majority is not followed

    @classmethod
    def load(cls, directory: Path) -> Adjudication:
        directory = Path(directory)
        overruled = {
            _item(item): item["why"] for item in read_toml(directory / "adjudication.toml")[0].get("overruled", [])
        }
        return cls(
            read_reading(directory / "first-reading.toml"),
            read_reading(directory / "second-reading.toml"),
            read_decisions(directory / "third-reading.toml"),
            overruled,
        )

    @property
    def disputed(self) -> Reading:
        return self.first ^ self.second

    def undecided(self) -> list[Item]:
        """Disputed items the third reading has no answer for (the adjudication is incomplete)."""
        return sorted(item for item in self.disputed if item not in self.third)

    def expected(self) -> Reading:
        majority = {item for item in self.disputed if self.third.get(item, False)}
        agreed = (self.first & self.second) | majority
        return frozenset(item for item in agreed if item not in self.overruled)

    def agreement(self) -> dict[str, tuple[int, int, int, float]]:
        """Per kind: (first, second, both, Dice coefficient = F1 of one reading against the other)."""
        out = {}
        for kind in KINDS:
            a = {f for f in self.first if f[0] == kind}
            b = {f for f in self.second if f[0] == kind}
            both = len(a & b)
            out[kind] = (len(a), len(b), both, 2 * both / (len(a) + len(b)) if a or b else 1.0)
        return out

    def report(self) -> str:
        lines = ["Agreement of two independent readings of the axes and publics (F1 of one against the other)"]
        for kind, (first, second, both, f1) in self.agreement().items():
            lines.append(f"  {kind:16} first {first:3}  second {second:3}  both {both:3}  F1 {f1:.3f}")
        disputed = self.disputed
        yes = sum(1 for item in disputed if self.third.get(item))
        lines.append(
            f"  disputed items {len(disputed)}: third reading yes {yes}, no {len(disputed) - yes}; "
            f"majority overruled {len(self.overruled)}"
        )
        return "\n".join(lines)


def expected_from_expectations(expectations: dict[str, Expectations]) -> Reading:
    """The axes and publics the expectation files hold, as reading facts (source id -> Expectations)."""
    facts: set[Item] = set()
    for source, document in expectations.items():
        for contract in document.contracts:
            facts.update(("contract-axis", source, contract.territory, 0, a) for a in contract.axes)
            facts.update(("contract-public", source, contract.territory, 0, p) for p in contract.publics)
        for action in document.actions:
            facts.update(("axis", source, action.territory, action.ordinal, a) for a in action.axes)
            facts.update(("public", source, action.territory, action.ordinal, p) for p in action.publics)
    return frozenset(facts)
