"""The REST API's response models, and the parts of the OpenAPI description FastAPI cannot infer.

The models state the fields every client may rely on; they are open (``extra="allow"``): the
data model grows (contract dates, quantity bounds, organisation networks...) and new fields
pass through untouched, while a missing or mistyped documented field fails the response.

:func:`complete_openapi` adds what the routes do not declare: every error response in the one
error shape of :mod:`ctair.api.errors`, the request bodies and parameters of ``/sparql``, the
CSV/XLSX/GEXF... bodies of the downloads, and one path per named query with its parameters.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- the error shape ---------------------------------------------------------------------------
class ErrorDetail(Open):
    status: int
    code: str
    title: str
    detail: str


class ErrorBody(Open):
    error: ErrorDetail


# --- the REST resources -----------------------------------------------------------------------
class Ref(Open):
    id: str
    label: str


class Quantity(Open):
    """A figure as the document writes it: ``value``, or a range ``minimum``/``maximum`` (never summed)."""

    value: float | int | None = None
    minimum: float | int | None = None
    maximum: float | int | None = None
    approximate: bool = False
    per: str | None = None  # the period of a rate: year, month, week, day
    subset_of: str | None = None  # the IRI of the quantity this one is a part of
    observed: str | None = None  # the date of a dated observation, at the text's precision
    unit: str
    label: str


class DatedEvent(Open):
    kind: str  # signature, start, end, amendment, extension, renewal
    date: str  # at the text's precision: 2021, 2021-10 or 2021-10-21
    source: str


class ContractParticipation(Open):
    organisation: Ref
    role: str
    source: str


class Contract(Open):
    iri: str
    type: str
    year: int | None = None
    signed: str | None = None
    start: str | None = None
    end: str | None = None
    events: list[DatedEvent] = []
    participations: list[ContractParticipation] = []
    quantities: list[Quantity] = []


class TerritorySummary(Open):
    id: str
    iri: str
    label: str
    contracts: list[Contract]
    coordinators: list[dict[str, Any]]
    actions_count: int


class TerritoryDetail(TerritorySummary):
    actions: list[dict[str, Any]]


class OrganisationSummary(Open):
    id: str
    iri: str
    label: str
    aliases: list[str]
    territories_count: int | None = None
    actions_count: int | None = None
    contracts_count: int | None = None
    network: dict[str, Any] | None = None  # the network it is a member of, or the body it is a service of


class Who(Open):
    organisation: dict[str, Any]
    territories: list[dict[str, Any]]
    actions: list[dict[str, Any]]


class AxisSummary(Open):
    id: str
    iri: str
    label: str
    label_en: str | None = None
    broader: str | None = None
    actions_count: int | None = None


class AxisDetail(Open):
    id: str
    iri: str
    label: str
    territories: list[dict[str, Any]]
    actions: list[dict[str, Any]]


class RecurringOrganisation(Open):
    organisation: dict[str, Any]
    territories: list[Ref]
    count: int | None = None
    actions_count: int | None = None
    contracts_count: int | None = None
    roles: list[str]
    level: str  # entity or network: the level the ranking counts at
    members: list[str] = []  # at level network, the entities grouped under it


class NamedQueryParameter(Open):
    name: str
    type: str
    required: bool
    default: str | None = None
    description: str | None = None


class NamedQuery(Open):
    name: str
    title: str
    description: str | None = None
    parameters: list[NamedQueryParameter]
    sparql: str


class NamedQueryResult(Open):
    query: str
    title: str
    parameters: dict[str, str]
    columns: list[str]
    rows: list[dict[str, Any]]


# --- OpenAPI -------------------------------------------------------------------------------------
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_ERROR_CONTENT = {
    "application/json": {"schema": _ERROR_REF},
    "text/plain": {"schema": {"type": "string"}, "description": "to a client that prefers text/*"},
}
_ERROR_STATUSES = {
    "400": "Bad request: a parameter or the query is invalid (the body says which, and where)",
    "404": "No such resource",
    "405": "Method not allowed",
    "406": "None of the media types in Accept is available",
    "413": "The query is longer than the limit",
    "415": "Unsupported Content-Type",
    "422": "A parameter failed validation",
    "500": "A server bug (logged); never caused by the request",
    "503": "Busy, timed out, shutting down, or the store is unavailable (Retry-After when retrying helps)",
}
_SPARQL_RESULTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
]
_SPARQL_PARAMETERS = [
    {
        "name": "query",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "A SPARQL 1.1 query (GET, or POST with a form or SPARQL body)",
    },
    {
        "name": "default-graph-uri",
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    },
]
_DOWNLOADS = {
    "/api/export/3w": {
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        },
    },
    "/api/network/{network}/export": {
        "application/gexf+xml": {"schema": {"type": "string"}},
        "application/graphml+xml": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object"}},
        "text/csv": {"schema": {"type": "string"}},
    },
}


def complete_openapi(schema: dict, named_queries: list | None = None) -> dict:
    """``schema`` (FastAPI's) with the errors, /sparql and the downloads described."""
    schema.setdefault("components", {}).setdefault("schemas", {})
    schema["components"]["schemas"]["ErrorBody"] = ErrorBody.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    schema["components"]["schemas"].update(
        ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs", {})
    )
    schema["components"]["schemas"]["ErrorBody"].pop("$defs", None)
    paths = schema.get("paths", {})
    sparql = paths.get("/sparql")
    if sparql is not None:
        _describe_sparql(sparql)
    for path, content in _DOWNLOADS.items():
        for operation in paths.get(path, {}).values():
            operation["responses"]["200"] = {"description": "The file, as an attachment", "content": content}
    for query in named_queries or []:
        _add_named_query_path(paths, query)
    for operations in paths.values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "delete", "patch", "head"):
                continue
            responses = operation.setdefault("responses", {})
            if "422" in responses:  # FastAPI's own validation shape is replaced by ours
                responses["422"] = {}
            for status, description in _ERROR_STATUSES.items():
                if not responses.get(status):
                    responses[status] = {"description": description, "content": _ERROR_CONTENT}
    schema["components"]["schemas"].pop("HTTPValidationError", None)
    schema["components"]["schemas"].pop("ValidationError", None)
    return schema


def _describe_sparql(operations: dict) -> None:
    results = {
        "description": "Query results, by content negotiation (Accept)",
        "content": {media: {"schema": {"type": "string"}} for media in _SPARQL_RESULTS},
    }
    for method, operation in operations.items():
        operation["parameters"] = [dict(p) for p in _SPARQL_PARAMETERS]
        operation["responses"] = {
            "200": results,
            "204": {"description": "An update was applied"},
            "303": {"description": "A browser asking for the service description goes to the query page"},
            "401": {"description": "An update without the admin token", "content": _ERROR_CONTENT},
            "403": {"description": "Updates are disabled, or the token is wrong", "content": _ERROR_CONTENT},
        }
        if method == "post":
            form = {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "update": {"type": "string"},
                    "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "using-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "using-named-graph-uri": {"type": "array", "items": {"type": "string"}},
                },
            }
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": form},
                    "application/sparql-query": {"schema": {"type": "string"}},
                    "application/sparql-update": {"schema": {"type": "string"}},
                },
            }


def _add_named_query_path(paths: dict, query) -> None:
    """``/api/queries/<name>`` with the query's own parameters (the generic path cannot list them)."""
    generic = paths.get("/api/queries/{name}", {}).get("get")
    if generic is None:
        return
    operation = {key: value for key, value in generic.items() if key not in ("parameters", "operationId")}
    operation["operationId"] = f"run_named_query_{query.name.replace('-', '_')}"
    operation["summary"] = query.title
    operation["parameters"] = [
        {
            "name": p.name,
            "in": "query",
            "required": bool(p.required),
            "description": p.description or "",
            "schema": {"type": "string", "minLength": 1} if p.required else {"type": "string"},
        }
        for p in query.parameters
    ]
    paths[f"/api/queries/{query.name}"] = {"get": operation}
