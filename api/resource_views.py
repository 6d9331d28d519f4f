"""The view-models of the resource pages (``/doc/….html``): what the templates of
``api/templates/lod`` read about a resource — its labels, links, sources, and per kind of
resource (territory, organisation, contract, action, person, source, mention) the facts the
page shows. No HTTP here: :mod:`ctair.api.routes.resources` serves the pages."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pyoxigraph import Literal, NamedNode, Triple

from ctair.api.france_map import map_of
from ctair.api.links import href, path_of_iri
from ctair.api.property_labels import property_label
from ctair.graph.describe import View, neighbourhood
from ctair.graph.figures import as_written
from ctair.graph.named_queries import get_query
from ctair.graph.store import Store
from ctair.ontology.vocab import CTAIR, DCTERMS, GEO, GEOSPARQL, NIF, OWL, PROV, RDF, RDFS, SCHEMA, SKOS
from ctair.text import fold


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
        return {
            "href": href(self.request, value),
            "label": self.view.label(node),
            "iri": value,
            "en": self.view.english(node),
            "external": path_of_iri(self.request, value) is None and not value.startswith(CTAIR.iri),
        }

    def links(self, nodes) -> list[dict]:
        return sorted((self.link(n) for n in dict.fromkeys(nodes)), key=lambda link: fold(link["label"]))

    def sources(self, node, predicate=PROV.wasDerivedFrom) -> list[dict]:
        """The mentions ``node`` was derived from (or that ``predicate`` names, e.g. the sentence of a
        contract's year): the quoted sentence, its document and offsets."""
        found = []
        for m in self.view.objects(node, predicate):
            doc = self.view.first(m, PROV.wasQuotedFrom)
            found.append(
                {
                    "href": href(self.request, m.value),
                    "iri": m.value,
                    "sentence": self.view.value(m, NIF.anchorOf) or "",
                    "begin": self.view.value(m, NIF.beginIndex),
                    "end": self.view.value(m, NIF.endIndex),
                    "document": self.link(doc) if doc is not None else None,
                }
            )
        return sorted(found, key=lambda s: int(s["begin"] or 0))

    def value(self, node, predicate) -> str | None:
        return self.view.literal(node, predicate)


def _kind(types: set[str]) -> str:
    for cls, kind in (
        (CTAIR.Territory, "territory"),
        (CTAIR.Organisation, "organisation"),
        (CTAIR.Contract, "contract"),
        (CTAIR.Action, "action"),
        (SCHEMA.Person, "person"),
        (CTAIR.SourceDocument, "source"),
        (CTAIR.Mention, "mention"),
    ):
        if cls.value in types:
            return kind
    return "generic"


def _participations(page: Page, view: View, action) -> list[dict]:
    rows: list[dict[str, Any]] = []
    for p in view.objects(action, CTAIR.participation):
        org = view.first(p, CTAIR.organisation)
        role = view.first(p, CTAIR.role)
        if org is None:
            continue
        rows.append(
            {
                "organisation": page.link(org),
                "role": page.link(role) if role is not None else None,
                "role_id": role.value.rsplit("/", 1)[-1] if role is not None else "",
                "surface": view.value(p, CTAIR.surfaceForm),
                "iri": p.value,
                "href": href(page.request, p.value),
                "sources": page.sources(p),
            }
        )
    return sorted(rows, key=lambda r: (r["role_id"] != "operator", fold(r["organisation"]["label"])))


def _quantities(page: Page, view: View, owner) -> list[dict]:
    rows: list[dict[str, Any]] = []
    for q in view.objects(owner, CTAIR.quantity):
        unit, period, whole = view.first(q, CTAIR.unit), view.first(q, CTAIR.ratePeriod), view.first(q, CTAIR.subsetOf)
        value, minimum, maximum = (_number(view.value(q, p)) for p in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue))
        approximate = view.value(q, CTAIR.approximate) == "true"
        rows.append(
            {
                "label": view.literal(q, RDFS.label),
                "value": value,
                "minimum": minimum,
                "maximum": maximum,
                "approximate": approximate,
                "observed": view.value(q, CTAIR.observationDate),
                "display": as_written(
                    value,
                    minimum,
                    maximum,
                    approximate=approximate,
                    per=view.label(period) if period is not None else None,
                ),
                "part_of": view.literal(whole, RDFS.label) if whole is not None else None,
                "unit": page.link(unit) if unit is not None else None,
                "href": href(page.request, q.value),
                "sources": page.sources(q),
            }
        )
    return sorted(rows, key=lambda r: r["href"])


def _timeline(page: Page, view: View, subject) -> list[dict]:
    """The dated facts of a contract or an action, oldest first, each with its sentence."""
    rows: list[dict[str, Any]] = []
    year = view.value(subject, CTAIR.year)
    if year:
        rows.append(
            {
                "date": year,
                "kind": "année du contrat",
                "kind_en": "contract year",
                "sources": page.sources(subject, CTAIR.yearDerivedFrom),
            }
        )
    for event in view.objects(subject, CTAIR.event):
        kind = view.first(event, CTAIR.eventKind)
        rows.append(
            {
                "date": view.value(event, CTAIR.eventDate) or "",
                "kind": view.label(kind) if kind is not None else "",
                "kind_en": view.english(kind) if kind is not None else "",
                "sources": page.sources(event),
            }
        )
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
        "territory": page.link(view.first(contract, CTAIR.territory))
        if view.first(contract, CTAIR.territory)
        else None,
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
    contracts = [
        _contract_summary(page, view, c)
        for c in view.subjects(CTAIR.territory, iri)
        if CTAIR.Contract.value in view.types(c)
    ]
    actions = [
        _action_summary(page, view, a)
        for a in view.subjects(CTAIR.territory, iri)
        if CTAIR.Action.value in view.types(a)
    ]
    by_axis: dict[str, dict] = {}
    for action in sorted(actions, key=lambda a: a["link"]["href"]):
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
        "organisations": sorted(
            ({"organisation": o["organisation"], "roles": list(o["roles"].values())} for o in organisations.values()),
            key=lambda o: fold(o["organisation"]["label"]),
        ),
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
            place = places.setdefault(
                key, {"territory": page.link(territory) if territory is not None else None, "rows": []}
            )
            role = view.first(p, CTAIR.role)
            place["rows"].append(
                {
                    "action": page.link(action),
                    "role": page.link(role) if role is not None else None,
                    "surface": view.value(p, CTAIR.surfaceForm),
                    "sources": page.sources(p),
                }
            )
    contracts = [_contract_summary(page, view, c) for c in view.subjects(CTAIR.signatory, iri)]
    others: dict[str, dict] = {}
    for row in store.select(get_query("_describe-copresence").text, {"resource": iri}):
        entry = others.setdefault(
            row["other"].value,
            {
                "organisation": {"href": href(page.request, row["other"].value), "label": row["label"].value},
                "territories": {},
            },
        )
        entry["territories"][row["territory"].value] = {
            "href": href(page.request, row["territory"].value),
            "label": row["territoryLabel"].value,
        }
    roles = {}
    for place in places.values():
        for row in place["rows"]:
            if row["role"]:
                roles[row["role"]["iri"]] = row["role"]
    return {
        "places": sorted(places.values(), key=lambda p: fold(p["territory"]["label"]) if p["territory"] else ""),
        "roles": sorted(roles.values(), key=lambda r: r["label"]),
        "contracts": contracts,
        "copresent": sorted(
            (
                {"organisation": o["organisation"], "territories": list(o["territories"].values())}
                for o in others.values()
            ),
            key=lambda o: fold(o["organisation"]["label"]),
        ),
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
        out.append(
            {
                "property": property_label(predicate),
                "iri": predicate,
                "href": href(page.request, predicate),
                "vals": values,
            }
        )
    inbound = []
    for predicate, subjects in view.inn.get(iri, {}).items():
        inbound.append(
            {
                "property": property_label(predicate),
                "iri": predicate,
                "href": href(page.request, predicate),
                "subjects": page.links(s for s in subjects if isinstance(s, NamedNode))[:200],
                "count": len(subjects),
            }
        )
    return sorted(out, key=lambda r: r["property"]), sorted(inbound, key=lambda r: r["property"])


def resource_page(
    request: Request, store: Store, iri: NamedNode, triples: list[Triple], path: str, alternates: list[tuple[str, str]]
) -> tuple[str, dict]:
    """The template and the context of the HTML document about ``iri`` (its ``triples``)."""
    view = View(triples)
    kind = _kind(view.types(iri))
    if kind in ("territory", "organisation"):
        view = View(list(triples) + neighbourhood(store, iri))
    page = Page(request, view, iri)
    context: dict = {
        "kind": kind,
        "iri": iri.value,
        "label": view.label(iri),
        "en": view.english(iri),
        "types": page.links(view.objects(iri, RDF.type)),
        "sources": page.sources(iri),
        "path": path,
        "alternates": alternates,
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
            seen.setdefault(
                row["fact"].value,
                {
                    "href": href(request, row["fact"].value),
                    "label": row["label"].value,
                    "type": property_label(row["type"].value).split(":")[-1],
                    "mention": href(request, row["mention"].value),
                },
            )
        context["facts"] = list(seen.values())
        context["meta"] = {
            "publisher": view.literal(iri, DCTERMS.publisher),
            "issued": view.value(iri, DCTERMS.issued),
            "url": view.value(iri, DCTERMS.source),
            "license": view.value(iri, DCTERMS.license),
            "sha256": view.value(iri, CTAIR.sha256),
            "file": view.value(iri, CTAIR.fileName),
            "language": view.value(iri, DCTERMS.language),
            "mentions": len(view.subjects(PROV.wasQuotedFrom, iri)),
        }
    elif kind == "mention":
        doc = view.first(iri, PROV.wasQuotedFrom)
        method = view.first(iri, CTAIR.extractionMethod)
        context["mention"] = {
            "sentence": view.value(iri, NIF.anchorOf),
            "begin": view.value(iri, NIF.beginIndex),
            "end": view.value(iri, NIF.endIndex),
            "document": page.link(doc) if doc is not None else None,
            "method": page.link(method) if method is not None else None,
            "facts": page.links(view.subjects(PROV.wasDerivedFrom, iri)),
        }
    rows, inbound = _generic_rows(page, View(triples), iri)
    context["rows"], context["inbound"] = rows, inbound
    return f"{kind}.html" if kind != "generic" else "generic.html", context
