"""Dereferenceable IRIs: ``/id/…`` (and the vocabulary paths) answer 303 See Other to
``/doc/…``, the document about the resource, which is content-negotiated (HTML for people;
Turtle, JSON-LD, N-Triples, RDF/XML for machines) or picked by extension
(``/doc/….html|.ttl|.jsonld|.nt|.rdf``). See ``docs/linked-data.md``.

Also the pages to find resources: ``/territories``, ``/organisations`` (and ``/id/``, both
lists) and ``/search?q=``.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ctair.api.deps import IndexDep, SearchDep, StoreDep
from ctair.api.errors import ApiError
from ctair.api.html import html_response, root
from ctair.api.links import base_of, context_url, href, iri_of_path, named_node, site_url
from ctair.api.resource_views import resource_page
from ctair.api.results import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Format, negotiate
from ctair.graph.describe import VOCABULARY_SEGMENTS, describe, exists, serialize
from ctair.graph.named_queries import get_query
from ctair.ontology.vocab import VOCAB_BASE
from ctair.text import fold

router = APIRouter(include_in_schema=False)

#: what a resource document can be sent as, the server's preference first (HTML for browsers and */*)
OFFERS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
EXTENSIONS = {"html": HTML, "ttl": TURTLE, "jsonld": JSONLD, "nt": NTRIPLES, "rdf": RDFXML}
EXTENSION_OF = {fmt.key: ext for ext, fmt in EXTENSIONS.items()}


# --- links between the documents ----------------------------------------------------------------


def _alternates(request: Request, path: str) -> str:
    return ", ".join(
        f'<{root(request)}/doc/{path}.{ext}>; rel="alternate"; type="{fmt.media_type}"'
        for ext, fmt in EXTENSIONS.items()
    )


def see_other(request: Request, path: str) -> RedirectResponse:
    location = site_url(request) + f"/doc/{path}"
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})


# --- routes: /id/… and the vocabulary paths -> 303 ---------------------------------------------


@router.get("/id/", response_class=HTMLResponse)
def id_index(request: Request, store: StoreDep, index: IndexDep) -> Response:
    return _index_page(request, index, ("territory", "organisation"))


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"])
def dereference(path: str, request: Request, store: StoreDep) -> Response:
    iri = iri_of_path(request, "id/" + path)
    if not exists(store, iri):
        raise ApiError(404, f"no resource <{iri.value}> in the dataset")
    return see_other(request, "id/" + path)


def _vocabulary_route(segment: str):
    def redirect(request: Request, store: StoreDep, path: str = "") -> Response:
        iri = named_node(f"{VOCAB_BASE}{segment}/{path}", f"{segment}/{path}")
        if not exists(store, iri):
            raise ApiError(404, f"no resource <{iri.value}> in the dataset")
        return see_other(request, f"{segment}/{path}")

    return redirect


def add_vocabulary_routes(app, settings) -> None:
    """``/axis/…``, ``/role/…`` … answer 303 when this server serves the vocabulary base
    (the default base ``https://w3id.org/ctair/``): only then are they the vocabulary's IRIs."""
    if settings.base_iri != VOCAB_BASE:
        return
    for segment in VOCABULARY_SEGMENTS:
        handler = _vocabulary_route(segment)
        app.add_api_route(f"/{segment}/", handler, methods=["GET", "HEAD"], include_in_schema=False)
        app.add_api_route(f"/{segment}/{{path:path}}", handler, methods=["GET", "HEAD"], include_in_schema=False)


# --- /doc/… : the documents --------------------------------------------------------------------


@router.api_route("/doc/{path:path}", methods=["GET", "HEAD"])
def document(path: str, request: Request, store: StoreDep) -> Response:
    fmt = None
    stem, dot, ext = path.rpartition(".")
    if dot and ext in EXTENSIONS and "/" not in ext:
        path, fmt = stem, EXTENSIONS[ext]
    iri = iri_of_path(request, path)
    triples = describe(store, iri)
    if not any(t.subject == iri for t in triples):
        raise ApiError(404, f"no resource <{iri.value}> in the dataset")
    negotiated = fmt is None
    fmt = fmt or negotiate(request.headers.get("accept"), OFFERS, "this resource")
    headers = {"Link": _alternates(request, path) + f', <{iri.value}>; rel="describes"'}
    if negotiated:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"{root(request)}/doc/{path}.{EXTENSION_OF[fmt.key]}"
    if fmt is HTML:
        alternates = [(ext, offer.media_type) for ext, offer in EXTENSIONS.items() if ext != "html"]
        template, context = resource_page(request, store, iri, triples, path, alternates)
        response = html_response(request, template, context)
        response.headers.update(headers)
        return response
    body = serialize(triples, fmt.key, base=base_of(request), context_url=context_url(request))
    return Response(body, media_type=fmt.content_type, headers=headers)


# --- lists and search ----------------------------------------------------------------------------


def _entity_rows(request: Request, index, kind: str) -> list[dict]:
    return [
        {
            "href": href(request, e.iri.value),
            "label": e.label,
            "iri": e.iri.value,
            "aliases": [n for n in e.names if n != e.label and fold(n) != fold(e.label)][:6],
        }
        for e in index.of_kind(kind)
    ]


def _index_page(request: Request, index, kinds: tuple[str, ...]) -> HTMLResponse:
    sections = [{"kind": kind, "rows": _entity_rows(request, index, kind)} for kind in kinds]
    return html_response(request, "index.html", {"sections": sections, "kind": "index"})


@router.get("/territories", response_class=HTMLResponse)
def territories(request: Request, index: IndexDep) -> HTMLResponse:
    return _index_page(request, index, ("territory",))


@router.get("/organisations", response_class=HTMLResponse)
def organisations(request: Request, index: IndexDep, store: StoreDep) -> HTMLResponse:
    """Every organisation of the graph, and why the count differs from the network's: the
    network and ``ctair build`` count those that take part in an action; the others only sign a
    contract or are only in the curated registry (national bodies the documents do not tie to
    an action). They are marked in the list."""
    involvement = {}
    for row in store.select(get_query("_organisation-involvement").text):
        acts, signs = row.get("inActions"), row.get("signsContract")
        involvement[row["organisation"].value] = (
            "action" if acts is not None else ("signatory" if signs is not None else "registry")
        )
    rows = _entity_rows(request, index, "organisation")
    notes = {"signatory": "signataire d'un contrat seulement", "registry": "registre seulement"}
    for entry in rows:
        entry["note"] = notes.get(involvement.get(entry["iri"], "action"))
    counts = {kind: sum(1 for v in involvement.values() if v == kind) for kind in ("action", "signatory", "registry")}
    return html_response(
        request,
        "index.html",
        {
            "sections": [{"kind": "organisation", "rows": rows}],
            "kind": "index",
            "organisation_counts": counts,
        },
    )


KIND_LABELS = {
    "territory": "Territoire",
    "organisation": "Organisation",
    "axis": "Axe",
    "action": "Action",
    "person": "Personne",
    "contract": "Contrat",
    "source": "Source",
}


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, search_index: SearchDep, q: str = Query("", max_length=200)) -> HTMLResponse:
    """Organisations, territories, axes, contracts, people, actions and sources; see :mod:`ctair.graph.search`."""
    results = [
        {
            "href": href(request, h.iri),
            "label": h.label,
            "kind": KIND_LABELS.get(h.kind, h.kind),
            "iri": h.iri,
            "names": [n for n in h.names if n != h.label][:5] if h.kind not in ("action", "source") else [],
        }
        for h in search_index.search(q)
    ]
    suggestions = (
        []
        if results or not q.strip()
        else [
            {"href": href(request, iri), "label": label, "kind": KIND_LABELS.get(kind, kind)}
            for iri, kind, label in search_index.suggestions(q)
        ]
    )
    return html_response(
        request, "search.html", {"q": q, "results": results, "suggestions": suggestions, "kind": "search"}
    )
