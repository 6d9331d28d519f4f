"""``format=`` (or ``output=``) in a query URL: the result format chosen by the URL itself, so
that a link goes straight into ``pandas.read_csv``, R's ``read.csv`` or a spreadsheet, which
send no useful ``Accept`` header.

* SELECT / ASK: ``json``, ``xml``, ``csv``, ``tsv`` (the SPARQL 1.1 results formats);
* CONSTRUCT / DESCRIBE: ``ttl``, ``nt``, ``jsonld``, ``rdfxml`` (``json`` means JSON-LD and
  ``xml`` RDF/XML there).

It overrides ``Accept``; an unknown value, or one that cannot carry the query's results, is a
400 naming the parameter and the values it takes.

>>> requested_format([("format", "csv")], "SELECT").media_type
'text/csv'
>>> requested_format([("output", "json")], "CONSTRUCT").key
'jsonld'
>>> requested_format([("query", "…")], "SELECT") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ctair.api import results
from ctair.api.errors import ApiError

PARAMETERS = ("format", "output")

_SOLUTIONS = {
    "json": results.JSON,
    "srj": results.JSON,
    "xml": results.XML,
    "srx": results.XML,
    "csv": results.CSV,
    "tsv": results.TSV,
}
_GRAPHS = {
    "ttl": results.TURTLE,
    "turtle": results.TURTLE,
    "nt": results.NTRIPLES,
    "ntriples": results.NTRIPLES,
    "jsonld": results.JSONLD,
    "json": results.JSONLD,
    "rdfxml": results.RDFXML,
    "rdf": results.RDFXML,
    "xml": results.RDFXML,
}
_BY_FORM = {
    "SELECT": _SOLUTIONS,
    "ASK": {k: v for k, v in _SOLUTIONS.items() if k in ("json", "srj", "xml", "srx")},
    "CONSTRUCT": _GRAPHS,
    "DESCRIBE": _GRAPHS,
}
_NAMES = {
    "SELECT": ["json", "xml", "csv", "tsv"],
    "ASK": ["json", "xml"],
    "CONSTRUCT": ["ttl", "nt", "jsonld", "rdfxml"],
    "DESCRIBE": ["ttl", "nt", "jsonld", "rdfxml"],
}


def requested_format(params: Iterable[tuple[str, str]], form: str | None) -> results.Format | None:
    """The format the URL asks for (``None``: negotiate by ``Accept``), or a 400.

    Clients such as SPARQLWrapper send both ``format=`` and ``output=`` with the same value;
    that is one request. A media type (``format=text/csv``) is understood too.

    >>> requested_format([("format", "json"), ("output", "json")], "SELECT").key
    'json'
    >>> requested_format([("format", "text/csv")], "SELECT").key
    'csv'
    """
    given = [(name, value.strip()) for name, value in params if name in PARAMETERS]
    if not given:
        return None
    name, value = given[0]
    if any(other.lower() != value.lower() for _, other in given[1:]):
        raise ApiError(
            400,
            "format= and output= ask for different result formats: give one",
            code="bad-parameter",
            parameter=given[1][0],
        )
    key = value.lower()
    offers = results.OFFERS.get(form) if form else None
    if "/" in key:  # a media type: the offered format that carries it
        candidates = offers or tuple(results.BY_KEY.values())
        chosen = next((f for f in candidates if key.split(";")[0].strip() in f.accepts), None)
        allowed = [f.media_type for f in candidates]
    elif form is None:  # the form could not be told: take the key's SELECT meaning, else its graph one
        chosen = _SOLUTIONS.get(key) or _GRAPHS.get(key)
        allowed = sorted(set(_NAMES["SELECT"]) | set(_NAMES["CONSTRUCT"]))
    else:
        chosen = _BY_FORM[form].get(key)
        allowed = _NAMES[form]
    if chosen is None:
        what = f"{form} results" if form else "results"
        raise ApiError(
            400,
            f"{name}={value!r} cannot carry {what}; use {name}= one of {', '.join(allowed)}",
            code="bad-parameter",
            parameter=name,
            allowed=allowed,
        )
    return chosen


class _Solution:
    def __init__(self, row: dict):
        self._row = row

    def __getitem__(self, name: str):
        return self._row.get(name)


class RowSolutions:
    """Rows already read (``Store.select``) in the shape :func:`results.write_solutions` reads."""

    def __init__(self, columns: list[str], rows: list[dict]):
        self.variables = [ox.Variable(name) for name in columns]
        self._rows = rows

    def __iter__(self):
        return (_Solution(row) for row in self._rows)
