"""The network analysis over HTTP (issue #5): the organisation–territory network and its two
projections as node-link JSON with metrics, the graph metrics and the recurring-organisation
ranking, the network files (GEXF, GraphML, JSON, CSV), the 3W table, and the page ``/network``
that draws the network in the browser (cytoscape.js, vendored under
``api/static/vendor/cytoscape``).

    GET /api/network/{bipartite|organisations|territories}   ?role= &axis= &kind= &year=
    GET /api/network/metrics                                  same filters + &min_territories=
    GET /api/network/{network}/export?format=gexf|graphml|json|csv   (attachment)
    GET /api/export/3w?format=csv|xlsx                                (attachment)
    GET /network                                              the page

(``GET /api/network/recurring`` is in :mod:`ctair.api.routes.rest`, which is included before
this router, so ``recurring`` never reaches ``/api/network/{network}``.)

The facts are read from the store once per store (:func:`network_data`): the
:class:`~ctair.graph.network.NetworkData` is kept on the app with the store object it was read
from, and read again when :meth:`ctair.api.state.AppState.invalidate` has replaced the store. The
JSON bodies are kept too (a small LRU per store), so a repeated call costs a dictionary look-up.
Every handler is a sync ``def``: FastAPI runs it in its thread pool, never on the event loop.

Errors use the one error shape of :mod:`ctair.api.errors`: an unknown filter value or format
is a 400 ``bad-parameter`` naming the ``parameter`` and listing the ``allowed`` values, an
unknown network a 404 ``not-found`` (with ``allowed`` too).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from ctair.api.network_cache import NetworkCache
from ctair.graph.export_3w import write_3w
from ctair.graph.network import (
    CONTRACT_KINDS,
    NETWORKS,
    ROLES,
    NetworkData,
    NetworkError,
    NetworkFilter,
    axis_subnetworks,
    bipartite_network,
    build_network,
    load_network_data,
    organisation_network,
    territory_network,
)
from ctair.graph.network_export import node_link, write_network
from ctair.graph.network_metrics import annotate, axis_summary, graph_metrics, recurring_organisations
from ctair.graph.store import Store
from ctair.text import fold

from ..deps import StoreDep
from ..errors import ApiError
from ..html import STATIC_DIR, html_response, static_version
from ..state import app_state

router = APIRouter(tags=["network analysis"])

EXPORTS = {  # format -> (media type, file extension)
    "gexf": ("application/gexf+xml", "gexf"),
    "graphml": ("application/graphml+xml", "graphml"),
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
TABLE_EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


# --------------------------------------------------------------------------------------------
# The facts, read once per store
# --------------------------------------------------------------------------------------------


_load_lock = threading.Lock()


def network_cache(request: Request, store: Store) -> NetworkCache:
    """The cache of the app's current store (read from the store on the first call, and again
    after :meth:`ctair.api.state.AppState.invalidate` put a new store object in place)."""
    state = app_state(request)
    cache = state.network_cache
    if cache is not None and cache.store() is store:
        return cache
    with _load_lock:  # one thread reads the store; the others wait for its result
        cache = state.network_cache
        if cache is None or cache.store() is not store:
            cache = state.network_cache = NetworkCache(store, load_network_data(store))
        return cache


def network_data(request: Request, store: Store) -> NetworkData:
    return network_cache(request, store).data


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


def bad_parameter(parameter: str, detail: str, allowed: list) -> ApiError:
    return ApiError(400, detail, code="bad-parameter", parameter=parameter, allowed=allowed)


def _blank(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip()


def parse_filters(
    data: NetworkData, role: str | None, axis: str | None, kind: str | None, year: str | None, level: str | None = None
) -> NetworkFilter:
    """The :class:`NetworkFilter` of the query parameters (:meth:`NetworkFilter.parse`), or a
    400 ``bad-parameter`` naming the parameter and its allowed values."""
    return NetworkFilter.parse(data, role=role, axis=axis, kind=kind, year=year, level=level)


def parse_min_territories(value: str | None) -> int:
    text = _blank(value)
    if text is None:
        return 2
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise ApiError(
            400,
            f"min_territories must be a whole number ≥ 1, got {text!r}",
            code="bad-parameter",
            parameter="min_territories",
            minimum=1,
        )
    return number


def check_network(network: str) -> str:
    if network not in NETWORKS:
        raise ApiError(
            404,
            f"no network {network!r} (choose from {', '.join(NETWORKS)})",
            code="not-found",
            parameter="network",
            allowed=list(NETWORKS),
        )
    return network


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


# --------------------------------------------------------------------------------------------
# JSON resources
# --------------------------------------------------------------------------------------------


def network_json(data: NetworkData, network: str = "bipartite", filters: NetworkFilter = NetworkFilter()) -> dict:
    """Node-link JSON of a network with every node's metrics and the graph's — the body of
    ``GET /api/network/{bipartite|organisations|territories}``."""
    body = node_link(annotate(build_network(data, network, filters)))
    # the labels of the actions behind the links, for the page's details panel
    iris = {iri for link in body["links"] for iri in link.get("action_iris", ())}
    body["actions"] = {iri: data.actions[iri].label for iri in sorted(iris) if iri in data.actions}
    return body


def metrics_json(data: NetworkData, filters: NetworkFilter = NetworkFilter(), *, min_territories: int = 2) -> dict:
    """Graph-level metrics of the three networks, the recurring-organisation ranking and the
    per-axis summary — the body of ``GET /api/network/metrics``."""
    bipartite = bipartite_network(data, filters)
    return {
        "filters": filters.to_json(),
        "level": filters.level,
        "networks": {
            "bipartite": graph_metrics(bipartite),
            "organisations": graph_metrics(organisation_network(bipartite)),
            "territories": graph_metrics(territory_network(bipartite)),
        },
        "recurring": recurring_organisations(bipartite, min_territories=min_territories),
        "axes": axis_summary(axis_subnetworks(data, filters)),
    }


@router.get(
    "/api/network/metrics", summary="Graph metrics of the three networks, recurring organisations, per-axis summary"
)
def get_metrics(
    request: Request,
    store: StoreDep,
    role: str | None = None,
    axis: str | None = None,
    kind: str | None = None,
    year: str | None = None,
    min_territories: str | None = None,
    level: str | None = None,
) -> Response:
    cache = network_cache(request, store)
    filters = parse_filters(cache.data, role, axis, kind, year, level)
    minimum = parse_min_territories(min_territories)
    return _json(
        cache.body(("metrics", filters, minimum), lambda: metrics_json(cache.data, filters, min_territories=minimum))
    )


@router.get("/api/network/{network}", summary="A network as node-link JSON, with every node's metrics")
def get_network(
    network: str,
    request: Request,
    store: StoreDep,
    role: str | None = None,
    axis: str | None = None,
    kind: str | None = None,
    year: str | None = None,
    level: str | None = None,
) -> Response:
    check_network(network)
    cache = network_cache(request, store)
    filters = parse_filters(cache.data, role, axis, kind, year, level)
    return _json(cache.body(("network", network, filters), lambda: network_json(cache.data, network, filters)))


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------


def _download(write: Callable[[Path], object], filename: str, media_type: str) -> FileResponse:
    """Write the file in a temporary directory, send it, then remove the directory."""
    directory = Path(tempfile.mkdtemp(prefix="ctair-export-"))
    try:
        path = directory / filename
        write(path)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=media_type,
        filename=filename,
        background=BackgroundTask(shutil.rmtree, directory, ignore_errors=True),
    )


@router.get(
    "/api/network/{network}/export",
    summary="Download a network: GEXF (Gephi), GraphML (Cytoscape, yEd), node-link JSON or a CSV edge list",
)
def export_network(
    network: str,
    request: Request,
    store: StoreDep,
    format: str = "gexf",
    role: str | None = None,
    axis: str | None = None,
    kind: str | None = None,
    year: str | None = None,
    level: str | None = None,
) -> Response:
    check_network(network)
    fmt = (_blank(format) or "gexf").lower()
    if fmt not in EXPORTS:
        raise bad_parameter("format", f"unknown format {format!r} (choose from {', '.join(EXPORTS)})", list(EXPORTS))
    data = network_data(request, store)
    filters = parse_filters(data, role, axis, kind, year, level)
    media_type, extension = EXPORTS[fmt]
    graph = annotate(build_network(data, network, filters))
    return _download(lambda path: write_network(graph, path, fmt), f"ctair-{network}.{extension}", media_type)


@router.get("/api/export/3w", summary="Download the 3W table (who does what where, HXL-tagged): CSV or XLSX")
def export_3w(
    request: Request,
    store: StoreDep,
    format: str = "csv",
    role: str | None = None,
    axis: str | None = None,
    kind: str | None = None,
    year: str | None = None,
    level: str | None = None,
) -> Response:
    fmt = (_blank(format) or "csv").lower()
    if fmt not in TABLE_EXPORTS:
        raise bad_parameter(
            "format", f"unknown format {format!r} (choose from {', '.join(TABLE_EXPORTS)})", list(TABLE_EXPORTS)
        )
    data = network_data(request, store)
    filters = parse_filters(data, role, axis, kind, year, level)
    media_type, extension = TABLE_EXPORTS[fmt]
    return _download(lambda path: write_3w(data, path, filters, fmt), f"ctair-3w.{extension}", media_type)


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


# The page is in French: roles and organisation types are shown in French, with the English code
# in parentheses where it differs (the API and the exports keep the codes).
ROLE_LABELS = {
    "operator": "opérateur (operator)",
    "partner": "partenaire (partner)",
    "funder": "financeur (funder)",
    "coordinator": "coordinateur (coordinator)",
    "participant": "participant",
    "signatory": "signataire (signatory)",
}
ORGANISATION_TYPE_LABELS = {
    "Association": "Association",
    "PublicBody": "Organisme public (public body)",
    "Company": "Entreprise (company)",
    "Collectivity": "Collectivité (local authority)",
    "ResearchBody": "Organisme de recherche (research body)",
}


def _axis_options(data: NetworkData) -> list[dict]:
    """The axes, each top axis followed by its themes (for the no-JS form; the script refreshes
    them from ``/api/axes``)."""
    children: dict[str | None, list] = {}
    for axis in data.axes.values():
        children.setdefault(axis.broader, []).append(axis)
    options: list[dict] = []

    def walk(parent, depth):
        for axis in sorted(children.get(parent, []), key=lambda a: fold(a.label)):
            if len(options) < 500:
                options.append({"id": axis.id, "label": axis.label, "depth": depth})
                walk(axis.iri, depth + 1)

    walk(None, 0)
    return options


@router.get("/network", response_class=HTMLResponse, include_in_schema=False)
def network_page(
    request: Request,
    store: StoreDep,
    role: str | None = None,
    axis: str | None = None,
    kind: str | None = None,
    year: str | None = None,
    level: str | None = None,
) -> HTMLResponse:
    data = network_data(request, store)
    try:
        filters = parse_filters(data, role, axis, kind, year, level)
        problem = None
    except NetworkError as error:  # the page still renders, unfiltered, and says what was wrong
        filters, problem = NetworkFilter(), str(error)
    graph = bipartite_network(data, filters)
    recurring = recurring_organisations(graph, min_territories=2)
    root = request.scope.get("root_path", "").rstrip("/")
    base = app_state(request).settings.base_iri
    for row in recurring:
        row["roles"] = [ROLE_LABELS.get(r, r) for r in row["roles"]]
        row["href"] = (
            f"{root}/{row['organisation'][len(base) :]}"
            if row["organisation"].startswith(base)
            else row["organisation"]
        )
    kinds = {"organisation": 0, "territory": 0}
    for _, attributes in graph.nodes(data=True):
        kinds[attributes["kind"]] = kinds.get(attributes["kind"], 0) + 1
    config = {
        "root": root,
        "baseIri": base,
        "network": f"{root}/api/network/bipartite",
        "axes": f"{root}/api/axes",
        "exports": f"{root}/api/network/bipartite/export",
        "export3w": f"{root}/api/export/3w",
        "who": f"{root}/api/who",
        "minTerritories": 2,
        "roleLabels": ROLE_LABELS,
        "typeLabels": ORGANISATION_TYPE_LABELS,
    }
    return html_response(
        request,
        "network.html",
        {
            "root": root,
            "label": "Réseau des organisations et des territoires",
            "path": None,
            "q": None,
            "filters": filters,
            "problem": problem,
            "roles": [(r, ROLE_LABELS.get(r, r)) for r in ROLES],
            "kinds": CONTRACT_KINDS,
            "years": data.years(),
            "axes": _axis_options(data),
            "recurring": recurring,
            "counts": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), **kinds},
            "query": urlencode(
                [
                    (k, v)
                    for k, v in (
                        ("role", filters.role),
                        ("axis", filters.axis),
                        ("kind", filters.kind),
                        ("year", filters.year),
                        ("level", filters.level),
                    )
                    if v and v not in ("any", "entity")
                ]
            ),
            "config": config,
            "version": static_version(STATIC_DIR / "network"),
        },
        # cytoscape's one injected <style> is pre-empted by the page's own stylesheet, which
        # carries the id cytoscape looks for (see templates/network.html): no inline styles
        scripts=True,
    )
