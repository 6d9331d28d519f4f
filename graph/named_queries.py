"""Named SPARQL queries: the ``queries/*.rq`` files, their metadata and safe parameter binding.

A query file starts with a comment header::

    # title: Organisations present in at least N territories
    # title@fr: Organisations présentes dans au moins N territoires
    # group: Organisations
    # description: The recurring-operator ranking.
    # description@fr: Le classement des opérateurs récurrents.
    # param: min_territories integer = 2 | Minimum number of territories
    # param: organisation organisation | Any spelling of an organisation's name

Parameters are bound as values of the query's variables of the same name: both stores add a
VALUES block built from RDF terms to the outermost WHERE group (``ctair.graph.binding``), so
user text is never pasted into SPARQL (a blank node, which VALUES cannot spell, goes through
pyoxigraph substitutions). A parameter must therefore be used in that outer group, not only
inside a sub-SELECT; the research queries also project it (so in GROUP BY for aggregates).
``organisation``, ``territory`` and ``axis`` parameters accept an IRI, an id or any label/alias
and are resolved to the entity's IRI.
Queries whose name starts with ``_`` are internal (used by the code, not listed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from ctair.errors import CtairError
from ctair.ontology.vocab import XSD, sparql_prefixes

from .store import Store
from .terms import Term

# (parameter type, the text the user gave, parameter name) -> the entity's IRI: looked up in a store
EntityResolver = Callable[[str, str, str], NamedNode | Literal]

QUERIES_DIR = Path(__file__).resolve().parents[1] / "queries"
PARAM_TYPES = ("string", "integer", "decimal", "iri", "organisation", "territory", "axis")
_HEADER = re.compile(r"^#\s*(title@fr|title|description@fr|description|group|param):\s*(.*)$")
# "name type [= default] [{choice, choice}] [| description]"
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)(?:\s*=\s*(?P<default>[^|{]+?))?"
    r"(?:\s*\{(?P<choices>[^}]*)\})?\s*(?:\|\s*(?P<doc>.*))?$"
)


class QueryParameterError(CtairError, ValueError):
    status, code = 400, "bad-parameter"

    """A parameter is missing, unknown or of the wrong type; names the parameter."""

    def __init__(self, parameter: str, reason: str):
        self.parameter = parameter
        super().__init__(f"parameter {parameter!r}: {reason}")

    def extra(self) -> dict[str, Any]:
        return {"parameter": self.parameter}


class UnknownQueryError(CtairError, LookupError):
    status, code = 404, "not-found"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None = None
    description: str = ""
    choices: tuple[str, ...] = ()  # the only values a string parameter accepts, when given

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str  # the SPARQL, with the standard PREFIX block prepended
    path: Path
    parameters: tuple[Parameter, ...] = field(default=())
    title_fr: str = ""  # the query page shows these in French (``# title@fr:``, ``# description@fr:``)
    description_fr: str = ""
    group: str = ""  # the query page groups the examples by it (``# group:``)

    def localised(self, language: str) -> tuple[str, str]:
        """(title, description) in ``language`` ("fr" or "en"), English when there is no French."""
        if language == "fr":
            return self.title_fr or self.title, self.description_fr or self.description
        return self.title, self.description

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "title_fr": self.title_fr,
            "description_fr": self.description_fr,
            "group": self.group,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "default": p.default,
                    "description": p.description,
                    **({"choices": list(p.choices)} if p.choices else {}),
                }
                for p in self.parameters
            ],
            "sparql": self.text,
        }


def parse_query_file(path: Path, *, header_required: bool = True) -> NamedQuery:
    """A query file and its header. The catalogue in ``queries/`` needs a ``# title:``; a
    researcher's own file (``header_required=False``) may be plain SPARQL: its title is its name."""
    raw = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    parameters: list[Parameter] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, value = match.groups()
        if key != "param":
            meta[key] = value.strip()
            continue
        param = _PARAM.match(value.strip())
        if not param or param["type"] not in PARAM_TYPES:
            raise ValueError(f"{path}:{number}: bad parameter declaration {value!r} (types: {', '.join(PARAM_TYPES)})")
        choices = tuple(c.strip() for c in (param["choices"] or "").split(",") if c.strip())
        parameters.append(
            Parameter(param["name"], param["type"], param["default"], (param["doc"] or "").strip(), choices)
        )
    if "title" not in meta and not header_required:
        meta["title"] = path.stem
    if "title" not in meta:
        raise ValueError(f"{path}:1: a named query needs a '# title:' line")
    return NamedQuery(
        name=path.stem,
        title=meta["title"],
        description=meta.get("description", ""),
        text=sparql_prefixes() + raw,
        path=path,
        parameters=tuple(parameters),
        title_fr=meta.get("title@fr", ""),
        description_fr=meta.get("description@fr", ""),
        group=meta.get("group", ""),
    )


_PARSED: dict[tuple[Path, bool], tuple[tuple[int, int], NamedQuery]] = {}


def read_query_file(path: Path, *, header_required: bool = True) -> NamedQuery:
    """:func:`parse_query_file`, parsed once and again only when the file changes (its
    modification time or size): queries are looked up on every request and build step."""
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    key = (path, header_required)
    cached = _PARSED.get(key)
    if cached is None or cached[0] != version:
        cached = _PARSED[key] = (version, parse_query_file(path, header_required=header_required))
    return cached[1]


def load_named_queries(directory: Path = QUERIES_DIR, *, include_internal: bool = False) -> dict[str, NamedQuery]:
    queries = {p.stem: read_query_file(p) for p in sorted(directory.glob("*.rq"))}
    return {n: q for n, q in queries.items() if include_internal or not n.startswith("_")}


def get_query(name_or_path: str) -> NamedQuery:
    """A named query by name, or any ``.rq`` file by path."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return read_query_file(path, header_required=False)
    if path.suffix == ".rq" or len(path.parts) > 1:
        raise UnknownQueryError(
            f"no query file {name_or_path!r} (and no named query of that name; see `ctair queries`)"
        )
    named = QUERIES_DIR / f"{name_or_path}.rq"
    if named.is_file():
        return read_query_file(named)
    queries = load_named_queries(include_internal=True)
    if name_or_path not in queries:
        known = ", ".join(sorted(n for n in queries if not n.startswith("_")))
        raise UnknownQueryError(f"no named query {name_or_path!r}; known: {known}")
    return queries[name_or_path]


def coerce(parameter: Parameter, raw: str, resolve_entity: EntityResolver | None = None) -> NamedNode | Literal:
    """Turn the text a user gave into an RDF term of the parameter's type."""
    if parameter.choices and raw.strip() not in parameter.choices:
        raise QueryParameterError(parameter.name, f"expected one of {', '.join(parameter.choices)}, got {raw!r}")
    if parameter.type == "string":
        return Literal(raw.strip() if parameter.choices else raw)
    if parameter.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", raw.strip()):
            raise QueryParameterError(parameter.name, f"expected an integer, got {raw!r}")
        return Literal(str(int(raw)), datatype=XSD.integer)
    if parameter.type == "decimal":
        try:
            return Literal(str(Decimal(raw.strip())), datatype=XSD.decimal)
        except InvalidOperation:
            raise QueryParameterError(parameter.name, f"expected a number, got {raw!r}") from None
    if parameter.type == "iri":
        try:
            return NamedNode(raw.strip())
        except ValueError as error:
            raise QueryParameterError(parameter.name, f"not a valid IRI: {error}") from None
    if resolve_entity is None:
        raise QueryParameterError(parameter.name, f"cannot resolve a {parameter.type} without a store")
    return resolve_entity(parameter.type, raw, parameter.name)


def bind(
    query: NamedQuery, values: dict[str, str], resolve_entity: EntityResolver | None = None
) -> dict[str, NamedNode | Literal]:
    """Bindings for ``query`` from raw strings; rejects unknown and missing parameters."""
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise QueryParameterError(
            unknown[0], f"unknown parameter of query {query.name!r} (it takes: {', '.join(declared) or 'none'})"
        )
    bindings: dict[str, NamedNode | Literal] = {}
    for name, parameter in declared.items():
        raw = values.get(name, parameter.default)
        if raw is None:
            raise QueryParameterError(name, f"required by query {query.name!r}")
        bindings[name] = coerce(parameter, str(raw), resolve_entity)
    return bindings


def select_columns(store: Store, text: str, bindings: Mapping[str, Term] | None = None) -> list[str]:
    """The projected variables of a SELECT, in order, also when it has no row (the rows of
    ``Store.select`` are dicts without the unbound ones)."""
    return store.select_variables(text, bindings)
