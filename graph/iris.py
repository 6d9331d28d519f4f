"""Mints every data IRI; nothing else in ctair builds one.

IRIs are pure functions of stable keys (registry ids, source ids, ordinals, character
offsets), so a rebuild gives the same IRIs. Vocabulary IRIs live in ``ctair.ontology.vocab``.

>>> minter = IriMinter("https://example.org/ctair/")
>>> minter.territory("clermont-ferrand").value
'https://example.org/ctair/id/territory/clermont-ferrand'
>>> minter.person("Marie Dupont").value
'https://example.org/ctair/id/person/marie-dupont'
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from ctair.text import slugify


class IriMinter:
    def __init__(self, base: str):
        if not base.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {base!r}")
        self.base = base

    def _iri(self, *parts: str) -> NamedNode:
        return NamedNode(self.base + "/".join(parts))

    def territory(self, territory_id: str) -> NamedNode:
        return self._iri("id", "territory", territory_id)

    def geometry(self, territory_id: str) -> NamedNode:
        """The GeoSPARQL geometry (the point of its latitude/longitude) of a territory."""
        return self._iri("id", "territory", territory_id, "geometry")

    def organisation(self, organisation_id: str) -> NamedNode:
        return self._iri("id", "organisation", organisation_id)

    def identifier(self, organisation_id: str, scheme: str) -> NamedNode:
        """An organisation's public identifier (ADMS), e.g. its SIREN: ``…/organisation/{id}/identifier/siren``."""
        return self._iri("id", "organisation", organisation_id, "identifier", scheme)

    def contract(self, territory_id: str, kind: str) -> NamedNode:
        return self._iri("id", "contract", f"{territory_id}-{kind.lower()}")

    def action(self, territory_id: str, source_id: str, ordinal: int) -> NamedNode:
        return self._iri("id", "action", territory_id, f"{source_id}-{ordinal}")

    def participation(self, subject: NamedNode, role: str, organisation_id: str) -> NamedNode:
        """An organisation's role in an action, a contract or a programme."""
        return NamedNode(f"{subject.value}/{role}/{organisation_id}")

    def quantity(self, subject: NamedNode, index: int, source_id: str | None = None) -> NamedNode:
        """The index-th figure of ``subject``; ``source_id`` when several documents give figures of
        the same subject (a contract, the national programme, an action described twice)."""
        return NamedNode(
            f"{subject.value}/quantity/{source_id}-{index}" if source_id else f"{subject.value}/quantity/{index}"
        )

    def programme(self, programme_id: str) -> NamedNode:
        return self._iri("id", "programme", programme_id)

    def national_programme(self) -> NamedNode:
        """The national programme of territorial contracts, which documents describe as a whole."""
        return self._iri("id", "programme", "national")

    def event(self, subject: NamedNode, kind: str, date: str) -> NamedNode:
        return NamedNode(f"{subject.value}/event/{kind}-{date}")

    def assignment(self, subject: NamedNode, scheme: str, concept: str) -> NamedNode:
        """The qualified fact that ``subject`` falls under ``concept`` of ``scheme`` ('axis', 'public')."""
        return NamedNode(f"{subject.value}/{scheme}/{concept}")

    def person(self, name: str) -> NamedNode:
        return self._iri("id", "person", slugify(name))

    def source(self, source_id: str) -> NamedNode:
        return self._iri("id", "source", source_id)

    def mention(self, source_id: str, start: int, end: int) -> NamedNode:
        return self._iri("id", "source", source_id, f"{start}-{end}")

    def unresolved(self, source_id: str, start: int, end: int) -> NamedNode:
        return self._iri("id", "source", source_id, "unresolved", f"{start}-{end}")

    def graph(self, name: str) -> NamedNode:
        return self._iri("graph", name)

    def dataset(self) -> NamedNode:
        return self._iri("dataset")

    def id_of(self, iri: str, kind: str) -> str | None:
        """The key of a minted IRI of ``kind`` ('territory', 'organisation', …), or None."""
        prefix = f"{self.base}id/{kind}/"
        return iri[len(prefix) :] if iri.startswith(prefix) else None
