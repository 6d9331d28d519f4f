"""Content negotiation and streaming writers for SPARQL results.

SELECT results are written row by row by the writers below (JSON, XML, CSV, TSV of the
SPARQL 1.1 results formats, with SPARQL 1.2 triple terms and base directions), so that a
row cap can be applied without ever holding more than one row; boolean results likewise;
CONSTRUCT/DESCRIBE triples go through ``pyoxigraph.serialize`` fed by a generator (Turtle,
N-Triples, JSON-LD, RDF/XML).

>>> result_format("application/sparql-results+xml;q=0.5, text/csv", "SELECT").key
'csv'
>>> result_format(None, "CONSTRUCT").key
'turtle'
>>> result_format("*/*", "ASK").media_type
'application/sparql-results+json'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Protocol
from xml.sax.saxutils import escape as _xml_escape

import pyoxigraph as ox

from ctair.errors import CtairError


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str  # what the response says
    accepts: tuple[str, ...]  # media types a client may ask for to get it
    rdf_format: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")


JSON = Format("json", "application/sparql-results+json", ("application/sparql-results+json", "application/json"))
XML = Format("xml", "application/sparql-results+xml", ("application/sparql-results+xml", "application/xml", "text/xml"))
CSV = Format("csv", "text/csv", ("text/csv",))
TSV = Format("tsv", "text/tab-separated-values", ("text/tab-separated-values",))
TURTLE = Format("turtle", "text/turtle", ("text/turtle", "application/x-turtle"), ox.RdfFormat.TURTLE)
NTRIPLES = Format("ntriples", "application/n-triples", ("application/n-triples", "text/plain"), ox.RdfFormat.N_TRIPLES)
JSONLD = Format("jsonld", "application/ld+json", ("application/ld+json", "application/json"), ox.RdfFormat.JSON_LD)
RDFXML = Format(
    "rdfxml", "application/rdf+xml", ("application/rdf+xml", "application/xml", "text/xml"), ox.RdfFormat.RDF_XML
)
HTML = Format("html", "text/html", ("text/html", "application/xhtml+xml"))

#: What each kind of result can be sent as, the server's preference first.
OFFERS: dict[str, tuple[Format, ...]] = {
    "SELECT": (JSON, XML, CSV, TSV),
    "ASK": (JSON, XML),
    "CONSTRUCT": (TURTLE, NTRIPLES, JSONLD, RDFXML),
    "DESCRIBE": (TURTLE, NTRIPLES, JSONLD, RDFXML),
}
BY_KEY = {f.key: f for offers in OFFERS.values() for f in offers}


class NotAcceptable(CtairError, ValueError):
    """No offered format is acceptable to the client; the body lists the ``available`` ones."""

    status, code = 406, "not-acceptable"

    def __init__(self, what: str, offers: Iterable[Format]):
        self.offered = [f.media_type for f in offers]
        super().__init__(
            f"none of the media types in the Accept header can carry {what}; available: {', '.join(self.offered)}"
        )

    def extra(self) -> dict[str, Any]:
        return {"available": self.offered}


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """(media range, q, position) for each entry of an Accept header; '*/*' when absent."""
    if not header or not header.strip():
        return [("*/*", 1.0, 0)]
    ranges = []
    for position, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges or [("*/*", 1.0, 0)]


def _match(media: str, accepted: list[tuple[str, float, int]]) -> tuple[float, int, int] | None:
    """(q, specificity, -position) of the most specific range matching ``media``."""
    kind = media.split("/")[0]
    best = None
    for rng, q, position in accepted:
        if rng == media:
            specificity = 2
        elif rng == kind + "/*":
            specificity = 1
        elif rng == "*/*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[1]:
            best = (q, specificity, -position)
    return best


def choose(accept: str | None, offers: Iterable[Format]) -> Format | None:
    """The offered format the client prefers (ties go to the server's order), or None."""
    accepted = parse_accept(accept)
    best_key = None
    best = None
    for index, fmt in enumerate(offers):
        scores = [m for m in (_match(media, accepted) for media in fmt.accepts) if m is not None]
        if not scores:
            continue
        score = max(scores)
        if score[0] <= 0:
            continue
        key = (score[0], score[1], score[2], -index)
        if best_key is None or key > best_key:
            best_key, best = key, fmt
    return best


def negotiate(accept: str | None, offers: Sequence[Format], what: str) -> Format:
    """The format of ``offers`` the client prefers; :class:`NotAcceptable` (406) when none is
    acceptable. Every content-negotiated answer of the app (results, resource documents, the
    dataset description, the ontology, the service description) goes through here."""
    chosen = choose(accept, offers)
    if chosen is None:
        raise NotAcceptable(what, offers)
    return chosen


def result_format(accept: str | None, form: str) -> Format:
    """The format of the results of a ``form`` query (SELECT, ASK, CONSTRUCT, DESCRIBE)."""
    return negotiate(accept, OFFERS[form], f"{form} results")


def prefers_text(accept: str | None) -> bool:
    """Whether the client's preferred media range is a text one (for error bodies)."""
    accepted = [a for a in parse_accept(accept) if a[1] > 0]
    if not accepted:
        return False
    top = max(accepted, key=lambda a: (a[1], -a[2]))
    return top[0].startswith("text/")


# --- writers ----------------------------------------------------------------------------
class _Counter:
    """Wraps an iterator, stops after ``limit`` items and records whether more existed."""

    def __init__(self, items: Iterable, limit: int | None):
        self._items = iter(items)
        self.limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator:
        for item in self._items:
            if self.limit is not None and self.count >= self.limit:
                self.truncated = True
                return
            self.count += 1
            yield item


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = str(direction.value if hasattr(direction, "value") else direction).lower()
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        value = _xml_escape(term.value)
        if term.language:
            return f'<literal xml:lang="{_xml_escape(term.language, {chr(34): "&quot;"})}">{value}</literal>'
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f'<literal datatype="{_xml_escape(term.datatype.value, {chr(34): "&quot;"})}">{value}</literal>'
        return f"<literal>{value}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"unexpected term {term!r}")


def _csv_field(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        value = "_:" + term.value
    elif isinstance(term, (ox.NamedNode, ox.Literal)):
        value = term.value
    else:
        value = str(term)
    if any(c in value for c in '",\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


_XSD = "http://www.w3.org/2001/XMLSchema#"
_TSV_BARE = {_XSD + "integer", _XSD + "decimal", _XSD + "double", _XSD + "boolean"}


def _tsv_field(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and term.datatype.value in _TSV_BARE and not term.language:
        text = str(term)  # N-Triples form; keep it (always valid), bare numbers are optional
        return text
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Solutions(Protocol):
    """SELECT results: pyoxigraph's, or rows already read (result_format.RowSolutions)."""

    @property
    def variables(self) -> list[ox.Variable]: ...

    def __iter__(self) -> Iterator[Any]: ...


def write_solutions(solutions: Solutions, fmt: Format, out: IO[bytes], limit: int | None) -> _Counter:
    """Write SELECT results in ``fmt``; returns the counter (rows written, truncated flag)."""
    variables = [v.value for v in solutions.variables]
    rows = _Counter(solutions, limit)
    write = out.write
    if fmt.key == "json":
        write(
            b'{"head":{"vars":'
            + json.dumps(variables, ensure_ascii=False, separators=(",", ":")).encode()
            + b'},"results":{"bindings":['
        )
        first = True
        for solution in rows:
            binding = {}
            for name in variables:
                term = solution[name]
                if term is not None:
                    binding[name] = _json_term(term)
            write((b"" if first else b",") + json.dumps(binding, ensure_ascii=False, separators=(",", ":")).encode())
            first = False
        write(b"]}}")
    elif fmt.key == "xml":
        write(
            b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
            + "".join(f'<variable name="{_xml_escape(n)}"/>' for n in variables).encode()
            + b"</head><results>"
        )
        for solution in rows:
            parts = ["<result>"]
            for name in variables:
                term = solution[name]
                if term is not None:
                    parts.append(f'<binding name="{_xml_escape(name)}">{_xml_term(term)}</binding>')
            parts.append("</result>\n")
            write("".join(parts).encode())
        write(b"</results></sparql>\n")
    elif fmt.key == "csv":
        write((",".join(variables) + "\r\n").encode())
        for solution in rows:
            write((",".join(_csv_field(solution[n]) for n in variables) + "\r\n").encode())
    elif fmt.key == "tsv":
        write(("\t".join("?" + n for n in variables) + "\n").encode())
        for solution in rows:
            write(("\t".join(_tsv_field(solution[n]) for n in variables) + "\n").encode())
    else:
        raise ValueError(f"{fmt.media_type} cannot carry SELECT results")
    return rows


def write_boolean(value: bool, fmt: Format, out: IO[bytes]) -> None:
    if fmt.key == "json":
        out.write(b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}")
    elif fmt.key == "xml":
        out.write(
            b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>'
            + (b"true" if value else b"false")
            + b"</boolean></sparql>\n"
        )
    else:
        raise ValueError(f"{fmt.media_type} cannot carry ASK results")


def write_triples(
    triples: Iterable[ox.Triple], fmt: Format, out: IO[bytes], limit: int | None, prefixes: dict[str, str] | None = None
) -> _Counter:
    counted = _Counter(triples, limit)
    ox.serialize(iter(counted), out, fmt.rdf_format, prefixes=prefixes if fmt.key in ("turtle", "rdfxml") else None)
    return counted
