"""The "who does what where" REST API. Field names are a contract other tools rely on:
add fields freely, never rename or remove one (tests/api/rest/test_rest.py pins them)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Response

from ctair.graph.named_queries import bind, get_query
from ctair.graph.store import plain
from ctair.graph.who import entity_id, who
from ctair.ontology.vocab import EVENT_KIND, ROLE, UNIT
from ctair.text import fold

from ..deps import IndexDep, StoreDep
from ..models import (
    AxisDetail,
    AxisSummary,
    OrganisationSummary,
    RecurringOrganisation,
    TerritoryDetail,
    TerritorySummary,
    Who,
)

router = APIRouter(prefix="/api", tags=["who does what where"])


def _int(term) -> int | None:
    return int(term.value) if term is not None else None


def _number(term):
    value = plain(term)
    return int(value) if isinstance(value, float) and value.is_integer() else value


@router.get("/who", response_model=Who, summary="The territories and actions of an organisation, any spelling")
def get_who(store: StoreDep, index: IndexDep, organisation: str = Query(..., min_length=1, max_length=200)) -> dict:
    return who(store, organisation, index)


def quantity_json(row, label_key: str = "itemLabel") -> dict:
    """A quantity as the document wrote it: ``value`` for an exact figure (kept for every client),
    ``minimum``/``maximum`` for a range, and the flags that say how to read it."""

    def term(name):
        return _number(row[name]) if name in row else None

    return {
        "value": term("value"),
        "minimum": term("minimum"),
        "maximum": term("maximum"),
        "approximate": row["approximate"].value == "true" if "approximate" in row else False,
        "per": UNIT.local_name(row["per"]) if "per" in row else None,
        "subset_of": row["subsetOf"].value if "subsetOf" in row else None,
        "observed": row["observed"].value if "observed" in row else None,
        "unit": UNIT.local_name(row["unit"]),
        "label": row[label_key].value,
    }


def _contract_facts(store) -> dict[str, dict]:
    """Per contract IRI: its dates (signature, start, end, events), participations, quantities and
    description fields, each event and participation with the document that states it."""
    facts: dict[str, dict] = {}
    for row in store.select(get_query("_contract-facts").text):
        contract = facts.setdefault(
            row["contract"].value,
            {
                "signed": None,
                "start": None,
                "end": None,
                "events": [],
                "participations": [],
                "quantities": [],
                "description": None,
                "goals": None,
                "specificities": None,
                "key_points": None,
            },
        )
        facet = row["facet"].value
        if facet == "event":
            kind = EVENT_KIND.local_name(row["kind"])
            event = {"kind": kind, "date": row["date"].value, "source": row["source"].value}
            if event not in contract["events"]:
                contract["events"].append(event)
            slot = {"signature": "signed", "start": "start", "end": "end"}.get(kind)
            if slot and contract[slot] is None:
                contract[slot] = event["date"]
        elif facet == "participation":
            item = {
                "organisation": {"id": row["organisationId"].value, "label": row["organisationLabel"].value},
                "role": ROLE.local_name(row["role"]),
                "source": row["source"].value,
            }
            if item not in contract["participations"]:
                contract["participations"].append(item)
        elif facet == "quantity":
            item = {**quantity_json(row), "iri": row["item"].value}
            if item not in contract["quantities"]:
                contract["quantities"].append(item)
        else:
            contract[facet] = row["text"].value
    return facts


def _territories(store) -> list[dict]:
    territories: dict[str, dict] = {}
    contract_facts = _contract_facts(store)
    for row in store.select(get_query("_territories").text):
        territory = territories.setdefault(
            row["id"].value,
            {
                "id": row["id"].value,
                "iri": row["territory"].value,
                "label": row["label"].value,
                "contracts": [],
                "coordinators": [],
                "actions_count": _int(row.get("actions")) or 0,
            },
        )
        contract = {"iri": row["contract"].value, "type": row["kind"].value, "year": _int(row.get("year"))}
        if all(c["iri"] != contract["iri"] for c in territory["contracts"]):
            territory["contracts"].append({**contract, **contract_facts.get(contract["iri"], {})})
        if "coordinator" in row:
            coordinator = {"iri": row["coordinator"].value, "label": row["coordinatorLabel"].value}
            if coordinator not in territory["coordinators"]:
                territory["coordinators"].append(coordinator)
    return list(territories.values())


@router.get(
    "/territories",
    response_model=list[TerritorySummary],
    summary="Every territory with its contracts, coordinators and number of actions",
)
def list_territories(store: StoreDep) -> list[dict]:
    return _territories(store)


@router.get("/territories/{territory_id}", response_model=TerritoryDetail, summary="One territory and its actions")
def get_territory(territory_id: str, store: StoreDep, index: IndexDep) -> dict:
    entity = index.resolve("territory", territory_id, "territory_id")
    territory = next((t for t in _territories(store) if t["iri"] == entity.iri.value), None) or {
        "id": entity_id(entity.iri.value),
        "iri": entity.iri.value,
        "label": entity.label,
        "contracts": [],
        "coordinators": [],
        "actions_count": 0,
    }
    actions: dict[str, dict] = {}
    for row in store.select(get_query("_territory-action-facts").text, {"territory": entity.iri}):
        action = actions.setdefault(
            row["action"].value,
            {
                "iri": row["action"].value,
                "ordinal": _int(row["ordinal"]),
                "label": row["label"].value,
                "description": row["description"].value if "description" in row else None,
                "axes": [],
                "operators": [],
                "partners": [],
                "quantities": [],
                "source": None,
                "sources": [],
            },
        )
        facet = row["facet"].value
        if facet == "axis":
            item = {
                "iri": row["item"].value,
                "label": row["itemLabel"].value if "itemLabel" in row else entity_id(row["item"].value),
            }
            action["axes"].append(item) if item not in action["axes"] else None
        elif facet in ("operator", "partner"):
            item = {"id": row["itemId"].value, "label": row["itemLabel"].value}
            bucket = action[f"{facet}s"]
            bucket.append(item) if item not in bucket else None
        elif facet == "quantity":
            action["quantities"].append({**quantity_json(row), "iri": row["item"].value})
        elif facet == "source":
            source = {"iri": row["source"].value, "title": row["sourceTitle"].value, "file": row["file"].value}
            action["source"] = action["source"] or source  # the first document; ``sources`` has every one
            if source not in action["sources"]:
                action["sources"].append(source)
    return {**territory, "actions": list(actions.values())}


@router.get(
    "/organisations",
    response_model=list[OrganisationSummary],
    summary="Organisations taking part in actions; ?q= searches names and aliases",
)
def list_organisations(store: StoreDep, q: str | None = Query(None, max_length=200)) -> list[dict]:
    rows = store.select(get_query("_organisations").text)
    result: list[dict[str, Any]] = [
        {
            "id": row["id"].value,
            "iri": row["organisation"].value,
            "label": row["label"].value,
            "aliases": [a for a in row["aliases"].value.split("|") if a] if "aliases" in row else [],
            "territories_count": _int(row["territories"]),
            "actions_count": _int(row["actions"]),
            "contracts_count": _int(row["contracts"]),
            "network": {"id": row["networkId"].value, "label": row["networkLabel"].value, "iri": row["network"].value}
            if "network" in row
            else None,
        }
        for row in rows
    ]
    if q:
        needle = fold(q)
        result = [o for o in result if any(needle in fold(name) for name in [o["label"], o["id"], *o["aliases"]])]
    return result


@router.get(
    "/organisations/{organisation_id}", response_model=Who, summary="One organisation: where it works, in which roles"
)
def get_organisation(organisation_id: str, store: StoreDep, index: IndexDep) -> dict:
    return who(store, organisation_id, index)


@router.get("/axes", response_model=list[AxisSummary], summary="The axes of the national strategy and their themes")
def list_axes(store: StoreDep) -> list[dict]:
    return [
        {
            "id": entity_id(row["axis"].value),
            "iri": row["axis"].value,
            "label": row["label"].value,
            "label_en": row["labelEn"].value if "labelEn" in row else None,
            "broader": entity_id(row["broader"].value) if "broader" in row else None,
            "actions_count": _int(row["actions"]),
        }
        for row in store.select(get_query("_axes").text)
    ]


@router.get(
    "/axes/{axis_id}",
    response_model=AxisDetail,
    summary="The territories and actions under an axis, narrower themes included",
)
def get_axis(axis_id: str, store: StoreDep, index: IndexDep) -> dict:
    axis = index.resolve("axis", axis_id, "axis_id")
    territories: dict[str, dict] = {}
    actions = []
    for row in store.select(get_query("_axis-actions").text, {"axis": axis.iri}):
        territory = {
            "id": row["territoryId"].value,
            "iri": row["territory"].value,
            "label": row["territoryLabel"].value,
        }
        territories.setdefault(territory["id"], territory)
        actions.append(
            {
                "iri": row["action"].value,
                "label": row["label"].value,
                "theme": entity_id(row["theme"].value),
                "territory": {"id": territory["id"], "label": territory["label"]},
            }
        )
    return {
        "id": entity_id(axis.iri.value),
        "iri": axis.iri.value,
        "label": axis.label,
        "territories": list(territories.values()),
        "actions": actions,
    }


@router.get(
    "/network/recurring",
    response_model=list[RecurringOrganisation],
    summary="Organisations present in at least N territories, most territories first",
)
def recurring(
    response: Response,
    store: StoreDep,
    index: IndexDep,
    min_territories: int = Query(2, ge=1, le=10_000),
    level: Literal["entity", "network"] = Query(
        "entity", description="entity: each legal entity on its own (default); network: grouped by their network"
    ),
) -> list[dict]:
    query = get_query("recurring-organisations")
    labels = {entity_id(e.iri.value): e.label for e in index.of_kind("territory")}
    rows = store.select(query.text, bind(query, {"min_territories": str(min_territories), "level": level}))
    response.headers["X-Ctair-Level"] = level
    return [
        {
            "organisation": {
                "id": row["organisationId"].value,
                "label": row["organisationLabel"].value,
                "iri": row["organisation"].value,
            },
            "territories": sorted(
                ({"id": t, "label": labels.get(t, t)} for t in row["territoryIds"].value.split()),
                key=lambda t: t["label"],
            ),
            "count": _int(row["territories"]),
            "actions_count": _int(row["actions"]),
            "contracts_count": _int(row["contracts"]),
            "roles": sorted(row["roles"].value.split()),
            "level": level,
            "members": sorted(row["members"].value.split()) if "members" in row else [],
        }
        for row in rows
    ]
