"""Find an organisation, territory or axis from what a person typed: an IRI, an id, a label or an alias.

Names are compared in their folded form (case, accents and punctuation ignored), so
"ADOMA", "adoma" and "Adôma" all find Adoma. Labels come from the store (the registry's
aliases are in it as ``skos:altLabel``), so this works the same on a remote store.
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from pyoxigraph import NamedNode

from .iris import fold
from .named_queries import QueryParameterError, get_query
from .store import Store


class EntityNotFound(LookupError):
    def __init__(self, kind: str, name: str, suggestions: list[str], parameter: str | None = None):
        self.kind, self.name, self.suggestions, self.parameter = kind, name, suggestions, parameter
        hint = f"; close names: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no {kind} named {name!r}{hint}")


def _compact(name: str) -> str:
    return "~" + fold(name).replace(" ", "")  # the marker keeps compact keys apart from folded ones


@dataclass(frozen=True)
class Entity:
    iri: NamedNode
    kind: str
    label: str
    names: tuple[str, ...]


class EntityIndex:
    def __init__(self, store: Store):
        names: dict[tuple[str, NamedNode], list[str]] = defaultdict(list)
        labels: dict[tuple[str, NamedNode], str] = {}
        for row in store.select(get_query("_entity-labels").text):
            key = (row["kind"].value, row["entity"])
            names[key].append(row["name"].value)
            if row["preferred"].value == "true" and (key not in labels or row["name"].language == "fr"):
                labels[key] = row["name"].value
        self.entities = [
            Entity(iri, kind, labels.get((kind, iri), names[(kind, iri)][0]), tuple(dict.fromkeys(names[(kind, iri)])))
            for (kind, iri) in names
        ]
        self._by_fold: dict[tuple[str, str], Entity] = {}
        for entity in self.entities:
            for name in entity.names:
                self._by_fold.setdefault((entity.kind, fold(name)), entity)
            for name in entity.names:  # "a.d.o.m.a", "FranceHorizon": punctuation and spacing ignored too
                self._by_fold.setdefault((entity.kind, _compact(name)), entity)

    def resolve(self, kind: str, text: str, parameter: str | None = None) -> Entity:
        text = text.strip()
        for entity in self.entities:
            if entity.kind == kind and entity.iri.value == text:
                return entity
        found = self._by_fold.get((kind, fold(text))) or self._by_fold.get((kind, _compact(text)))
        if found is None:
            candidates = {fold(n): e.label for e in self.entities if e.kind == kind for n in e.names}
            close = difflib.get_close_matches(fold(text), list(candidates), n=5, cutoff=0.6)
            contains = [label for key, label in candidates.items() if fold(text) and fold(text) in key]
            suggestions = list(dict.fromkeys([candidates[c] for c in close] + contains))[:5]
            raise EntityNotFound(kind, text, suggestions, parameter)
        return found

    def resolve_term(self, kind: str, text: str, parameter: str) -> NamedNode:
        """For ``named_queries.bind``: an unknown name becomes a parameter error naming the parameter."""
        try:
            return self.resolve(kind, text, parameter).iri
        except EntityNotFound as error:
            raise QueryParameterError(parameter, str(error)) from error

    def of_kind(self, kind: str) -> list[Entity]:
        return sorted((e for e in self.entities if e.kind == kind), key=lambda e: fold(e.label))
