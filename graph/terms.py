"""What every store exchanges with its callers: RDF terms, result rows and the one error a store raises.

Apart from :mod:`ctair.graph.store` so that :mod:`ctair.graph.binding` (used by every store)
needs no store.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from ctair.errors import CtairError

Term = NamedNode | Literal
Row = dict[str, Term]


class StoreError(CtairError):
    """The store could not be opened or written; the message says which store and why."""

    status, code = 503, "store-unavailable"


def serialized(data: bytes | None) -> bytes:
    """What pyoxigraph's ``serialize()`` returns without an output: the bytes (its stubs say
    ``bytes | None``, the None of writing to a file)."""
    if data is None:
        raise TypeError("serialize() wrote to an output instead of returning the bytes")
    return data


def iri_of(term: Term) -> NamedNode:
    """A result term that the query binds to an IRI (an ?entity, a ?graph)."""
    if not isinstance(term, NamedNode):
        raise TypeError(f"expected an IRI, got {term!r}")
    return term
