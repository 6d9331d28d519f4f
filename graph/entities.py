"""Find an organisation, territory or axis from what a person typed: an IRI, an id, a label or an alias.

Names are compared in their folded form (case, accents and punctuation ignored), so
"ADOMA", "adoma" and "Adôma" all find Adoma. Labels come from the store (the registry's
aliases are in it as ``skos:altLabel``), so this works the same on a remote store.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode

from ctair.errors import CtairError
from ctair.text import fold

from .named_queries import QueryParameterError, get_query
from .store import Store
from .terms import iri_of


class EntityNotFound(CtairError, LookupError):
    status, code = 404, "not-found"
    exit_status = 1  # an answer (nothing has that name), as grep's, not a mistake in the command

    def __init__(self, kind: str, name: str, suggestions: list[str], parameter: str | None = None):
        self.kind, self.name, self.suggestions, self.parameter = kind, name, suggestions, parameter
        hint = f"; close names: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no {kind} named {name!r}{hint}")

    def extra(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "suggestions": self.suggestions}


def _compact(name: str) -> str:
    return "~" + fold(name).replace(" ", "")  # the marker keeps compact keys apart from folded ones


@dataclass(frozen=True)
class Entity:
    iri: NamedNode
    kind: str
    label: str
    names: tuple[str, ...]
    network: NamedNode | None = None  # the network (org:memberOf) or body (org:subOrganizationOf) of a local entity
    is_network: bool = False


class EntityIndex:
    def __init__(self, store: Store):
        names: dict[tuple[str, NamedNode], list[str]] = defaultdict(list)
        labels: dict[tuple[str, NamedNode], str] = {}
        networks: dict[NamedNode, NamedNode] = {}
        is_network: set[NamedNode] = set()
        for row in store.select(get_query("_entity-labels").text):
            entity_iri, name_term = iri_of(row["entity"]), row["name"]
            key = (row["kind"].value, entity_iri)
            names[key].append(name_term.value)
            french = isinstance(name_term, Literal) and name_term.language == "fr"
            if row["preferred"].value == "true" and (key not in labels or french):
                labels[key] = name_term.value
            if "network" in row:
                networks[entity_iri] = iri_of(row["network"])
            if "isNetwork" in row:
                is_network.add(entity_iri)
        self.entities = [
            Entity(
                iri,
                kind,
                labels.get((kind, iri), names[(kind, iri)][0]),
                tuple(dict.fromkeys(names[(kind, iri)])),
                networks.get(iri),
                iri in is_network,
            )
            for (kind, iri) in names
        ]
        self.by_iri = {(e.kind, e.iri): e for e in self.entities}
        self._by_fold: dict[tuple[str, str], Entity] = {}
        # A name is the entity's whose label it is before anyone's alias ("Soliha 31" is a label, "Soliha"
        # an alias of the network and of each local Soliha): among aliases, a network's comes first, so
        # "CAF" or "Soliha" alone finds the network, and a local name ("CAF de la Côte-d'Or") its entity.
        ordered = [(0, e, n) for e in self.entities for n in (labels.get((e.kind, e.iri)),) if n] + [
            (1 if e.is_network else 2, e, n) for e in self.entities for n in e.names
        ]
        ordered.sort(key=lambda t: t[0])
        for _, entity, name in ordered:
            self._by_fold.setdefault((entity.kind, fold(name)), entity)
        for _, entity, name in ordered:  # "a.d.o.m.a", "FranceHorizon": punctuation and spacing ignored too
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
