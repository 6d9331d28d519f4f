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
