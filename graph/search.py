"""What ``/search`` finds: organisations, territories, axes (the entity index) and also actions,
people, contracts and source documents, ranked so that what a person meant comes first.

Names are compared folded (case, accents, punctuation ignored). Rank, best first: the whole
name; a whole word or words of it ("Pôle" in "Pôle emploi", not inside "Métropole"); the start
of a word; anywhere. Ties go to the shorter name. With no match, close names are suggested
("Coalia" → Coallia), as ``/api/who`` does.

>>> match_rank("pole", "pole emploi"), match_rank("pole", "metropole de lyon"), match_rank("pole", "pole")
(1, 3, 0)
>>> match_rank("emp", "pole emploi"), match_rank("xyz", "pole emploi")
(2, None)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ctair.text import fold

from .named_queries import get_query

if TYPE_CHECKING:
    from .entities import EntityIndex
    from .store import Store

KIND_ORDER = ("organisation", "territory", "axis", "contract", "person", "action", "source")


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    label: str
    names: tuple[str, ...]
    rank: int


def match_rank(wanted: str, name: str) -> int | None:
    """0 whole name, 1 whole word(s), 2 start of a word, 3 anywhere; None: no match (both folded)."""
    if not wanted or wanted not in name:
        return None
    if wanted == name:
        return 0
    if re.search(rf"(?:^| ){re.escape(wanted)}(?: |$)", name):
        return 1
    if re.search(rf"(?:^| ){re.escape(wanted)}", name):
        return 2
    return 3


class SearchIndex:
    """Built once per store state from the entity index and ``_search-labels``."""

    def __init__(self, store: Store, entity_index: EntityIndex) -> None:
        records: dict[tuple[str, str], list[str]] = {}
        labels: dict[tuple[str, str], str] = {}
        for entity in entity_index.entities:
            key = (entity.iri.value, entity.kind)
            records[key] = list(entity.names)
            labels[key] = entity.label
        for row in store.select(get_query("_search-labels").text):
            key = (row["entity"].value, row["kind"].value)
            records.setdefault(key, []).append(row["name"].value)
            labels.setdefault(key, row["name"].value)  # the first name: a label or title, ids come after
        self.records = [
            (iri, kind, labels[(iri, kind)], tuple(dict.fromkeys(names)), tuple(fold(n) for n in dict.fromkeys(names)))
            for (iri, kind), names in records.items()
        ]

    def search(self, q: str, limit: int = 50) -> list[Hit]:
        wanted = fold(q)
        if not wanted:
            return []
        hits = []
        for iri, kind, label, names, folded in self.records:
            ranks = [r for r in (match_rank(wanted, f) for f in folded) if r is not None]
            if ranks:
                hits.append(Hit(iri, kind, label, names, min(ranks)))
        order = {kind: i for i, kind in enumerate(KIND_ORDER)}
        hits.sort(key=lambda h: (h.rank, order.get(h.kind, len(order)), len(h.label), fold(h.label)))
        return hits[:limit]

    def suggestions(self, q: str, n: int = 5) -> list[tuple[str, str, str]]:
        """(iri, kind, label) of close names, for a search without results."""
        wanted = fold(q)
        by_name: dict[str, tuple[str, str, str]] = {}
        for iri, kind, label, _names, folded in self.records:
            if kind in ("action", "source"):
                continue  # long sentences: a close spelling of a name is what is wanted
            for name in folded:
                by_name.setdefault(name, (iri, kind, label))
        close = difflib.get_close_matches(wanted, list(by_name), n=n * 2, cutoff=0.75)
        return list(dict.fromkeys(by_name[c] for c in close))[:n]
