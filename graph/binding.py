"""Binding parameter values into a SPARQL query without pasting user text into it.

:func:`with_values` adds a ``VALUES (?a ?b) { (… …) }`` block as the first element of the
outermost WHERE group; each value is an RDF term serialized by pyoxigraph (IRIs validated when
the ``NamedNode`` was made, literals escaped by the library). For ctair's named queries, whose
parameters appear in the projection and GROUP BY, this is equivalent to pyoxigraph's
``substitutions``, and it is the one binding that any SPARQL 1.1 server understands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyoxigraph import BlankNode, Literal, NamedNode

from .terms import StoreError, Term


def sparql_term(term: Term) -> str:
    """An RDF term in SPARQL syntax: pyoxigraph's N-Triples form (IRIs validated when the
    NamedNode was made, literals escaped by the library), never user-written syntax."""
    if isinstance(term, (NamedNode, Literal)):
        return str(term)
    if isinstance(term, BlankNode):
        raise StoreError("a blank node cannot be bound as a parameter of a remote query")
    raise StoreError(f"cannot bind {term!r}: expected an IRI or a literal")


_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Lexical scanner: enough of SPARQL to find braces and keywords outside strings, IRIs and comments.
_TOKENS = re.compile(
    r'''(?P<skip>\#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>)'''
    r"|(?P<open>\{)|(?P<close>\})|(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
    re.S,
)


def where_group_start(query: str) -> int:
    """Offset just after the ``{`` that opens the outermost WHERE group of a query."""
    depth = 0
    after_where = False
    seen_form = None
    for match in _TOKENS.finditer(query):
        kind = match.lastgroup
        if kind == "skip":
            continue
        if kind == "word":
            word = match.group().upper()
            if depth == 0 and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and seen_form is None:
                seen_form = word
            elif depth == 0 and word == "WHERE":
                after_where = True
            continue
        if kind == "open":
            # CONSTRUCT { template } WHERE { … }: the first group is the template unless WHERE came first
            if depth == 0 and (after_where or seen_form in ("SELECT", "ASK", "DESCRIBE")):
                return match.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    raise StoreError("cannot bind parameters: no WHERE group found in the query")


def with_values(query: str, bindings: Mapping[str, Term] | None) -> str:
    """``query`` with a ``VALUES (?a ?b) { (… …) }`` block opening its outermost WHERE group."""
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise StoreError(f"cannot bind {name!r}: not a SPARQL variable name")
    values = " ".join(sparql_term(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} "
    at = where_group_start(query)
    return query[:at] + block + query[at:]
