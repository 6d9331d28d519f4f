"""Dereferenceable IRIs: ``/id/…`` (and the vocabulary paths) answer 303 See Other to
``/doc/…``, the document about the resource, which is content-negotiated (HTML for people;
Turtle, JSON-LD, N-Triples, RDF/XML for machines) or picked by extension
(``/doc/….html|.ttl|.jsonld|.nt|.rdf``). See ``docs/linked-data.md``.

Also the pages to find resources: ``/territories``, ``/organisations`` (and ``/id/``, both
lists) and ``/search?q=``.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pyoxigraph import Literal, NamedNode

from ctair.api.deps import IndexDep, SearchDep, StoreDep
from ctair.api.errors import ApiError
from ctair.api.results import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Format, choose
from ctair.graph.describe import VOCABULARY_SEGMENTS, View, describe, exists, neighbourhood, serialize
from ctair.graph.figures import as_written
from ctair.graph.iris import fold
from ctair.graph.named_queries import get_query
from ctair.ontology.vocab import (
    CTAIR,
    DCTERMS,
    GEO,
    GEOSPARQL,
    NIF,
    ONTOLOGY_FILES,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VOCAB_BASE,
)

API_DIR = Path(__file__).resolve().parents[1]
TEMPLATES = Jinja2Templates(directory=API_DIR / "templates" / "lod")
router = APIRouter(include_in_schema=False)

#: what a resource document can be sent as, the server's preference first (HTML for browsers and */*)
OFFERS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
EXTENSIONS = {"html": HTML, "ttl": TURTLE, "jsonld": JSONLD, "nt": NTRIPLES, "rdf": RDFXML}
EXTENSION_OF = {fmt.key: ext for ext, fmt in EXTENSIONS.items()}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
PROV_NS = "http://www.w3.org/ns/prov#"


# --- IRIs and paths ---------------------------------------------------------------------------

def base_of(request: Request) -> str:
    return request.app.state.settings.base_iri


def root(request: Request) -> str:
    """The app's root path ('' or '/prefix'), for links."""
    return request.scope.get("root_path", "").rstrip("/")


def site_url(request: Request) -> str:
    """Where this server is reached: the configured ``public_url``, never the Host header."""
    return request.app.state.settings.site_url()


def named_node(iri: str, path: str) -> NamedNode:
    """``iri`` as a NamedNode; 404 when the path makes it an invalid IRI (a space, '<', '|',
    '\\', invalid UTF-8 decoded as U+FFFD...): no resource can have it."""
    try:
        return NamedNode(iri)
    except ValueError:
        raise ApiError(404, f"no resource at /{path}: the path does not make a valid IRI") from None


def iri_of_path(request: Request, path: str) -> NamedNode:
    """The IRI a ``/doc/{path}`` document is about, or 404."""
    first = path.split("/", 1)[0]
    if first == "id" and path.startswith("id/") and len(path) > 3:
        return named_node(base_of(request) + path, path)
    if first in VOCABULARY_SEGMENTS:
        return named_node(VOCAB_BASE + path, path)
    raise ApiError(404, f"no resource at /{path}: resource IRIs are under /id/ or a vocabulary path "
                        f"({', '.join('/' + s + '/' for s in VOCABULARY_SEGMENTS)})")


def path_of_iri(request: Request, iri: str) -> str | None:
    """The local document path ('id/…', 'axis/…') of an IRI this server describes, or None."""
    base = base_of(request)
    if iri.startswith(base + "id/"):
        return iri[len(base):]
    if iri.startswith(VOCAB_BASE):
        rest = iri[len(VOCAB_BASE):]
        if rest.split("/", 1)[0] in VOCABULARY_SEGMENTS:
            return rest
    return None


def href(request: Request, iri: str) -> str:
    """Where a link to ``iri`` goes: this server's page for ours, the IRI itself otherwise."""
    path = path_of_iri(request, iri)
    if path is not None:
        return f"{root(request)}/doc/{path}"
    if iri.startswith(CTAIR.iri):
        return f"{root(request)}/ontology#{iri[len(CTAIR.iri):]}"
    return iri


def context_url(request: Request) -> str:
    return site_url(request) + "/context.jsonld"


# --- content negotiation -----------------------------------------------------------------------

def negotiate(request: Request) -> Format:
    chosen = choose(request.headers.get("accept"), OFFERS)
    if chosen is None:
        offered = [f.media_type for f in OFFERS]
        raise ApiError(406, "none of the media types in the Accept header is available for this resource; "
                            f"available: {', '.join(offered)}", code="not-acceptable", available=offered)
    return chosen


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
    fmt = fmt or negotiate(request)
    headers = {"Link": _alternates(request, path) + f', <{iri.value}>; rel="describes"'}
    if negotiated:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"{root(request)}/doc/{path}.{EXTENSION_OF[fmt.key]}"
    if fmt is HTML:
        response = render_page(request, store, iri, triples, path)
        response.headers.update(headers)
        return response
    body = serialize(triples, fmt.key, base=base_of(request), context_url=context_url(request))
    return Response(body, media_type=fmt.content_type, headers=headers)


# --- pages ---------------------------------------------------------------------------------------

FRANCE = [  # a simplified outline of metropolitan France (lon, lat), drawn by hand from the coasts/borders
    (2.37, 51.05), (2.55, 51.09), (3.2, 50.75), (4.2, 50.3), (4.85, 50.15), (5.0, 49.8), (5.8, 49.55),
    (6.37, 49.46), (7.0, 49.15), (8.2, 48.97), (7.8, 48.5), (7.55, 47.6), (7.0, 47.45), (6.1, 46.9),
    (6.1, 46.25), (6.8, 46.4), (7.0, 45.9), (7.1, 45.2), (6.65, 45.0), (7.0, 44.2), (7.5, 43.78),
    (7.0, 43.55), (6.2, 43.1), (5.4, 43.2), (4.8, 43.4), (4.0, 43.5), (3.1, 42.95), (3.17, 42.43),
    (2.5, 42.35), (1.7, 42.5), (0.7, 42.8), (-0.3, 42.8), (-1.4, 43.05), (-1.78, 43.37), (-1.45, 43.6),
    (-1.25, 44.6), (-1.1, 45.55), (-1.2, 46.15), (-2.1, 46.8), (-2.5, 47.3), (-3.0, 47.5), (-4.1, 47.8),
    (-4.7, 48.0), (-4.6, 48.4), (-4.75, 48.45), (-4.1, 48.7), (-3.0, 48.83), (-2.0, 48.65), (-1.57, 48.63),
    (-1.6, 49.2), (-1.9, 49.7), (-1.25, 49.7), (-1.2, 49.35), (-0.2, 49.3), (0.1, 49.45), (0.6, 49.85),
    (1.4, 50.1), (1.6, 50.7), (1.9, 50.95),
]
CORSICA = [(9.4, 43.0), (9.5, 42.6), (9.55, 42.1), (9.2, 41.37), (8.8, 41.6), (8.6, 42.1), (8.6, 42.4),
           (9.3, 42.7)]
MAP_BOX = (-5.3, 10.0, 41.2, 51.3)  # lon min, lon max, lat min, lat max
MAP_WIDTH = 220


def _project(lon: float, lat: float) -> tuple[float, float]:
    lon_min, lon_max, lat_min, lat_max = MAP_BOX
    scale = MAP_WIDTH / ((lon_max - lon_min) * math.cos(math.radians(46.5)))
    x = (lon - lon_min) * math.cos(math.radians(46.5)) * scale
    y = (lat_max - lat) * scale
    return round(x, 1), round(y, 1)


def map_of(lat: float, lon: float) -> dict:
    points = lambda ring: " ".join(f"{x},{y}" for x, y in (_project(*p) for p in ring))  # noqa: E731
    height = _project(MAP_BOX[0], MAP_BOX[2])[1]
    x, y = _project(lon, lat)
    return {"width": MAP_WIDTH, "height": height, "france": points(FRANCE), "corsica": points(CORSICA),
            "x": x, "y": y, "lat": lat, "long": lon}


def _number(text: str | None) -> str:
    if text is None:
        return ""
    return text[:-2] if text.endswith(".0") else text


class Page:
    """What the templates use to read a description: labels, links, sources."""

    def __init__(self, request: Request, view: View, iri: NamedNode):
        self.request, self.view, self.iri = request, view, iri

    def link(self, node) -> dict:
        value = node.value
        return {"href": href(self.request, value), "label": self.view.label(node), "iri": value,
                "en": self.view.english(node), "external": path_of_iri(self.request, value) is None
                and not value.startswith(CTAIR.iri)}

    def links(self, nodes) -> list[dict]:
        return sorted((self.link(n) for n in dict.fromkeys(nodes)), key=lambda link: fold(link["label"]))

    def sources(self, node, predicate=PROV.wasDerivedFrom) -> list[dict]:
        """The mentions ``node`` was derived from (or that ``predicate`` names, e.g. the sentence of a
        contract's year): the quoted sentence, its document and offsets."""
        found = []
        for m in self.view.objects(node, predicate):
            doc = self.view.first(m, PROV.wasQuotedFrom)
            found.append({
                "href": href(self.request, m.value),
                "iri": m.value,
                "sentence": self.view.value(m, NIF.anchorOf) or "",
                "begin": self.view.value(m, NIF.beginIndex),
                "end": self.view.value(m, NIF.endIndex),
                "document": self.link(doc) if doc is not None else None,
            })
        return sorted(found, key=lambda s: int(s["begin"] or 0))

    def value(self, node, predicate) -> str | None:
        return self.view.literal(node, predicate)


def _kind(types: set[str]) -> str:
    for cls, kind in ((CTAIR.Territory, "territory"), (CTAIR.Organisation, "organisation"),
                      (CTAIR.Contract, "contract"), (CTAIR.Action, "action"), (SCHEMA.Person, "person"),
                      (CTAIR.SourceDocument, "source"), (CTAIR.Mention, "mention")):
        if cls.value in types:
            return kind
    return "generic"


def _participations(page: Page, view: View, action) -> list[dict]:
    rows = []
    for p in view.objects(action, CTAIR.participation):
        org = view.first(p, CTAIR.organisation)
        role = view.first(p, CTAIR.role)
        if org is None:
            continue
        rows.append({"organisation": page.link(org), "role": page.link(role) if role is not None else None,
                     "role_id": role.value.rsplit("/", 1)[-1] if role is not None else "",
                     "surface": view.value(p, CTAIR.surfaceForm), "iri": p.value, "href": href(page.request, p.value),
                     "sources": page.sources(p)})
    return sorted(rows, key=lambda r: (r["role_id"] != "operator", fold(r["organisation"]["label"])))


def _quantities(page: Page, view: View, owner) -> list[dict]:
    rows = []
    for q in view.objects(owner, CTAIR.quantity):
        unit, period, whole = view.first(q, CTAIR.unit), view.first(q, CTAIR.ratePeriod), view.first(q, CTAIR.subsetOf)
        value, minimum, maximum = (_number(view.value(q, p)) for p in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue))
        approximate = view.value(q, CTAIR.approximate) == "true"
        rows.append({"label": view.literal(q, RDFS.label), "value": value, "minimum": minimum, "maximum": maximum,
                     "approximate": approximate, "observed": view.value(q, CTAIR.observationDate),
                     "display": as_written(value, minimum, maximum, approximate=approximate,
                                           per=view.label(period) if period is not None else None),
                     "part_of": view.literal(whole, RDFS.label) if whole is not None else None,
                     "unit": page.link(unit) if unit is not None else None, "href": href(page.request, q.value),
                     "sources": page.sources(q)})
    return sorted(rows, key=lambda r: r["href"])


def _timeline(page: Page, view: View, subject) -> list[dict]:
    """The dated facts of a contract or an action, oldest first, each with its sentence."""
    rows: list[dict[str, Any]] = []
    year = view.value(subject, CTAIR.year)
    if year:
        rows.append({"date": year, "kind": "année du contrat", "kind_en": "contract year",
                     "sources": page.sources(subject, CTAIR.yearDerivedFrom)})
    for event in view.objects(subject, CTAIR.event):
        kind = view.first(event, CTAIR.eventKind)
        rows.append({"date": view.value(event, CTAIR.eventDate) or "", "kind": view.label(kind) if kind is not None else "",
                     "kind_en": view.english(kind) if kind is not None else "", "sources": page.sources(event)})
    return sorted(rows, key=lambda r: r["date"])




def _action_summary(page: Page, view: View, action) -> dict:
    return {
        "link": page.link(action),
        "axes": page.links(view.objects(action, CTAIR.axis)),
        "publics": page.links(view.objects(action, CTAIR.targetPublic)),
        "participations": _participations(page, view, action),
        "quantities": _quantities(page, view, action),
        "description": view.literal(action, DCTERMS.description),
        "sources": page.sources(action),
        "ordinal": int(view.value(action, CTAIR.ordinal) or 0),
        "territory": page.link(view.first(action, CTAIR.territory)) if view.first(action, CTAIR.territory) else None,
        "contract": page.link(view.first(action, CTAIR.contract)) if view.first(action, CTAIR.contract) else None,
        "timeline": _timeline(page, view, action),
        "programmes": page.links(view.objects(action, CTAIR.programme)),
    }


def _contract_summary(page: Page, view: View, contract) -> dict:
    kind = view.first(contract, CTAIR.contractKind)
    return {
        "link": page.link(contract),
        "kind": page.link(kind) if kind is not None else None,
        "year": view.value(contract, CTAIR.year),
        "territory": page.link(view.first(contract, CTAIR.territory)) if view.first(contract, CTAIR.territory) else None,
        "coordinators": page.links(view.objects(contract, CTAIR.coordinator)),
        "signatories": page.links(view.objects(contract, CTAIR.signatory)),
        "axes": page.links(view.objects(contract, CTAIR.axis)),
        "sources": page.sources(contract),
        "timeline": _timeline(page, view, contract),
        "participations": _participations(page, view, contract),
        "quantities": _quantities(page, view, contract),
        "goals": view.literal(contract, CTAIR.goal),
        "specificities": view.literal(contract, CTAIR.specificity),
        "key_points": view.literal(contract, CTAIR.keyPoint),
    }


def _territory_context(page: Page, view: View, iri) -> dict:
    contracts = [_contract_summary(page, view, c) for c in view.subjects(CTAIR.territory, iri)
                 if CTAIR.Contract.value in view.types(c)]
    actions = [_action_summary(page, view, a) for a in view.subjects(CTAIR.territory, iri)
               if CTAIR.Action.value in view.types(a)]
    by_axis: dict[str, dict] = {}
    for action in sorted(actions, key=lambda a: (a["link"]["href"])):
        for axis in action["axes"] or [{"href": "", "label": "Sans axe", "en": "No axis", "iri": ""}]:
            group = by_axis.setdefault(axis["iri"], {"axis": axis, "actions": []})
            group["actions"].append(action)
    organisations: dict[str, dict] = {}
    for action in actions:
        for p in action["participations"]:
            entry = organisations.setdefault(p["organisation"]["iri"], {"organisation": p["organisation"], "roles": {}})
            if p["role"]:
                entry["roles"][p["role"]["iri"]] = p["role"]
    coordinators = {c["iri"]: c for contract in contracts for c in contract["coordinators"]}
    lat, lon = view.value(iri, GEO.lat), view.value(iri, GEO.long)
    return {
        "contracts": sorted(contracts, key=lambda c: (c["year"] or "", c["link"]["label"])),
        "axis_groups": sorted(by_axis.values(), key=lambda g: (g["axis"]["iri"] == "", fold(g["axis"]["label"]))),
        "action_count": len(actions),
        "organisations": sorted(({"organisation": o["organisation"], "roles": list(o["roles"].values())}
                                 for o in organisations.values()), key=lambda o: fold(o["organisation"]["label"])),
        "coordinators": sorted(coordinators.values(), key=lambda c: fold(c["label"])),
        "map": map_of(float(lat), float(lon)) if lat and lon else None,
        "insee": view.value(iri, CTAIR.inseeCode),
        "department": view.value(iri, CTAIR.department),
        "same_as": page.links(view.objects(iri, OWL.sameAs)),
        "see_also": page.links(view.objects(iri, RDFS.seeAlso)),
        "wkt": next((view.value(g, GEOSPARQL.asWKT) for g in view.objects(iri, GEOSPARQL.hasGeometry)), None),
    }


def _organisation_context(page: Page, view: View, iri, store) -> dict:
    places: dict[str, dict] = {}
    for p in view.subjects(CTAIR.organisation, iri):
        for action in view.subjects(CTAIR.participation, p):
            territory = view.first(action, CTAIR.territory)
            key = territory.value if territory is not None else ""
            place = places.setdefault(key, {"territory": page.link(territory) if territory is not None else None,
                                            "rows": []})
            role = view.first(p, CTAIR.role)
            place["rows"].append({"action": page.link(action), "role": page.link(role) if role is not None else None,
                                  "surface": view.value(p, CTAIR.surfaceForm), "sources": page.sources(p)})
    contracts = [_contract_summary(page, view, c) for c in view.subjects(CTAIR.signatory, iri)]
    others: dict[str, dict] = {}
    for row in store.select(get_query("_describe-copresence").text, {"resource": iri}):
        entry = others.setdefault(row["other"].value, {
            "organisation": {"href": href(page.request, row["other"].value), "label": row["label"].value},
            "territories": {}})
        entry["territories"][row["territory"].value] = {"href": href(page.request, row["territory"].value),
                                                        "label": row["territoryLabel"].value}
    roles = {}
    for place in places.values():
        for row in place["rows"]:
            if row["role"]:
                roles[row["role"]["iri"]] = row["role"]
    return {
        "places": sorted(places.values(), key=lambda p: fold(p["territory"]["label"]) if p["territory"] else ""),
        "roles": sorted(roles.values(), key=lambda r: r["label"]),
        "contracts": contracts,
        "copresent": sorted(({"organisation": o["organisation"], "territories": list(o["territories"].values())}
                             for o in others.values()), key=lambda o: fold(o["organisation"]["label"])),
        "aliases": sorted({a.value for a in view.objects(iri, SKOS.altLabel)}, key=fold),
        "same_as": page.links(view.objects(iri, OWL.sameAs)),
        "siren": view.value(iri, CTAIR.sirenCode),
        "rna": view.value(iri, CTAIR.rnaCode),
    }


def _generic_rows(page: Page, view: View, iri) -> tuple[list[dict], list[dict]]:
    out = []
    for predicate, objects in view.out.get(iri, {}).items():
        values: list[dict[str, Any]] = []
        for o in objects:
            if isinstance(o, Literal):
                values.append({"text": o.value, "lang": o.language})
            else:
                values.append({"link": page.link(o)})
        out.append({"property": property_label(predicate), "iri": predicate, "href": href(page.request, predicate),
                    "vals": values})
    inbound = []
    for predicate, subjects in view.inn.get(iri, {}).items():
        inbound.append({"property": property_label(predicate), "iri": predicate, "href": href(page.request, predicate),
                        "subjects": page.links(s for s in subjects if isinstance(s, NamedNode))[:200],
                        "count": len(subjects)})
    return sorted(out, key=lambda r: r["property"]), sorted(inbound, key=lambda r: r["property"])


_PROPERTY_LABELS: dict[str, str] = {}


def property_label(iri: str) -> str:
    """The French label of a property of the ontology, else its prefixed name."""
    if not _PROPERTY_LABELS:
        import rdflib

        graph = rdflib.Graph().parse(ONTOLOGY_FILES["ontology"], format="turtle")
        for s, o in graph.subject_objects(rdflib.RDFS.label):
            if getattr(o, "language", None) == "fr":
                _PROPERTY_LABELS[str(s)] = str(o)
        _PROPERTY_LABELS.update({
            RDFS.label.value: "libellé", SKOS.prefLabel.value: "libellé préféré", SKOS.altLabel.value: "autre libellé",
            RDF.type.value: "type", DCTERMS.identifier.value: "identifiant", DCTERMS.title.value: "titre",
            OWL.sameAs.value: "même que", PROV.wasDerivedFrom.value: "tiré de", PROV.wasQuotedFrom.value: "cité de",
            NIF.anchorOf.value: "phrase citée", NIF.beginIndex.value: "début", NIF.endIndex.value: "fin",
        })
    if iri in _PROPERTY_LABELS:
        return _PROPERTY_LABELS[iri]
    from ctair.ontology.vocab import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace.iri):
            return f"{prefix}:{iri[len(namespace.iri):]}"
    return iri


def render_page(request: Request, store, iri: NamedNode, triples, path: str) -> HTMLResponse:
    view = View(triples)
    kind = _kind(view.types(iri))
    if kind in ("territory", "organisation"):
        view = View(list(triples) + neighbourhood(store, iri))
    page = Page(request, view, iri)
    context: dict = {
        "kind": kind, "iri": iri.value, "label": view.label(iri), "en": view.english(iri),
        "types": page.links(view.objects(iri, RDF.type)), "sources": page.sources(iri),
        "path": path, "alternates": [(ext, fmt.media_type) for ext, fmt in EXTENSIONS.items() if ext != "html"],
        "description": view.literal(iri, DCTERMS.description) or view.literal(iri, SKOS.definition),
    }
    if kind == "territory":
        context.update(_territory_context(page, view, iri))
        context["alt_labels"] = sorted({a.value for a in view.objects(iri, SKOS.altLabel)}, key=fold)
    elif kind == "organisation":
        context.update(_organisation_context(page, view, iri, store))
    elif kind == "action":
        context["action"] = _action_summary(page, view, iri)
    elif kind == "contract":
        context["contract"] = _contract_summary(page, view, iri)
        context["actions"] = page.links(a for a in view.subjects(CTAIR.contract, iri))
    elif kind == "person":
        context["job"] = view.literal(iri, SCHEMA.jobTitle)
        context["contracts"] = page.links(view.subjects(CTAIR.coordinator, iri))
    elif kind == "source":
        facts = store.select(get_query("_describe-source-facts").text, {"resource": iri})
        seen: dict[str, dict] = {}
        for row in facts:
            seen.setdefault(row["fact"].value, {
                "href": href(request, row["fact"].value), "label": row["label"].value,
                "type": property_label(row["type"].value).split(":")[-1],
                "mention": href(request, row["mention"].value)})
        context["facts"] = list(seen.values())
        context["meta"] = {
            "publisher": view.literal(iri, DCTERMS.publisher), "issued": view.value(iri, DCTERMS.issued),
            "url": view.value(iri, DCTERMS.source), "license": view.value(iri, DCTERMS.license),
            "sha256": view.value(iri, CTAIR.sha256), "file": view.value(iri, CTAIR.fileName),
            "language": view.value(iri, DCTERMS.language), "mentions": len(view.subjects(PROV.wasQuotedFrom, iri)),
        }
    elif kind == "mention":
        doc = view.first(iri, PROV.wasQuotedFrom)
        method = view.first(iri, CTAIR.extractionMethod)
        context["mention"] = {
            "sentence": view.value(iri, NIF.anchorOf), "begin": view.value(iri, NIF.beginIndex),
            "end": view.value(iri, NIF.endIndex), "document": page.link(doc) if doc is not None else None,
            "method": page.link(method) if method is not None else None,
            "facts": page.links(view.subjects(PROV.wasDerivedFrom, iri)),
        }
    rows, inbound = _generic_rows(page, View(triples), iri)
    context["rows"], context["inbound"] = rows, inbound
    return html_response(request, f"{kind}.html" if kind != "generic" else "generic.html", context)


def html_response(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    context = {"root": root(request), **context}
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


# --- lists and search ----------------------------------------------------------------------------

def _entity_rows(request: Request, index, kind: str) -> list[dict]:
    return [{"href": href(request, e.iri.value), "label": e.label, "iri": e.iri.value,
             "aliases": [n for n in e.names if n != e.label and fold(n) != fold(e.label)][:6]}
            for e in index.of_kind(kind)]


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
        involvement[row["organisation"].value] = "action" if acts is not None else ("signatory" if signs is not None else "registry")
    rows = _entity_rows(request, index, "organisation")
    notes = {"signatory": "signataire d'un contrat seulement", "registry": "registre seulement"}
    for entry in rows:
        entry["note"] = notes.get(involvement.get(entry["iri"], "action"))
    counts = {kind: sum(1 for v in involvement.values() if v == kind) for kind in ("action", "signatory", "registry")}
    return html_response(request, "index.html", {
        "sections": [{"kind": "organisation", "rows": rows}], "kind": "index", "organisation_counts": counts,
    })


KIND_LABELS = {"territory": "Territoire", "organisation": "Organisation", "axis": "Axe", "action": "Action",
               "person": "Personne", "contract": "Contrat", "source": "Source"}


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, search_index: SearchDep, q: str = Query("", max_length=200)) -> HTMLResponse:
    """Organisations, territories, axes, contracts, people, actions and sources; see :mod:`ctair.graph.search`."""
    results = [{"href": href(request, h.iri), "label": h.label, "kind": KIND_LABELS.get(h.kind, h.kind),
                "iri": h.iri, "names": [n for n in h.names if n != h.label][:5] if h.kind not in ("action", "source") else []}
               for h in search_index.search(q)]
    suggestions = [] if results or not q.strip() else [
        {"href": href(request, iri), "label": label, "kind": KIND_LABELS.get(kind, kind)}
        for iri, kind, label in search_index.suggestions(q)
    ]
    return html_response(request, "search.html", {"q": q, "results": results, "suggestions": suggestions, "kind": "search"})
